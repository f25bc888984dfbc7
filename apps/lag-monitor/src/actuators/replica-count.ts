import { AppError } from '@lagscale/kafka-core/errors';

/** Every actuator takes the same argument; a bad count is the caller's bug, never sent on. */
export function assertReplicaCount(replicas: number, kind: string): void {
  if (!Number.isSafeInteger(replicas) || replicas < 0) {
    throw new AppError('INTERNAL', `${kind} actuator: replicas must be an integer ≥ 0 (got ${String(replicas)})`, { retriable: false });
  }
}
