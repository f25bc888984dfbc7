/**
 * What leader election reads and writes of a coordination.k8s.io/v1 Lease, in plain data: the
 * election logic never sees the Kubernetes client's types.
 */
export interface LeaseRecord {
  /** Empty or undefined: nobody holds it (released on shutdown, or never taken). */
  holderIdentity: string | undefined;
  /** How long the holder's claim lasts after each renewal, as the holder wrote it. */
  leaseDurationSeconds: number | undefined;
  /** Wall-clock ms when the current holder took it. */
  acquireTimeMs: number | undefined;
  /** Wall-clock ms of the holder's last renewal (for people; the election does not trust it). */
  renewTimeMs: number | undefined;
  /** How many times the lease changed hands. */
  leaseTransitions: number;
  /** Changes on every write: the one reliable sign that the holder renewed. */
  resourceVersion: string;
}

/** The spec a candidate writes: the whole of what it claims. */
export interface LeaseClaim {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTimeMs: number;
  renewTimeMs: number;
  leaseTransitions: number;
}

/** One read of the Lease: it exists, it does not (yet), or the read failed. */
export type LeaseRead =
  | { kind: 'found'; record: LeaseRecord }
  | { kind: 'missing' }
  | { kind: 'failed'; message: string };

/** How a create or an update ended. `conflict`: another writer changed the Lease first. */
export type LeaseWriteResult =
  | { kind: 'written'; record: LeaseRecord }
  | { kind: 'conflict'; message: string }
  | { kind: 'failed'; message: string };

/** The three calls leader election makes on one named Lease. */
export interface LeaseApi {
  /** Where the Lease lives, for messages: `namespace/name`. */
  readonly target: string;
  read(): Promise<LeaseRead>;
  create(claim: LeaseClaim): Promise<LeaseWriteResult>;
  /** Replaces the spec if the Lease is still at `resourceVersion` (optimistic concurrency). */
  update(claim: LeaseClaim, resourceVersion: string): Promise<LeaseWriteResult>;
}
