import type { Actuator } from '../model/actuator.js';
import { assertReplicaCount } from './replica-count.js';

/**
 * Decides and exports only, for KEDA/HPA users: something else owns the replica count, so the
 * current count is the group's members as last collected and `scale()` changes nothing.
 */
export function createNoneActuator(readMembers: () => number): Actuator {
  return {
    kind: 'none',
    current: () => Promise.resolve(readMembers()),
    // async so a bad count rejects like every other actuator's failure, rather than throwing.
    scale: async (replicas) => {
      assertReplicaCount(replicas, 'none');
    },
    stop: () => Promise.resolve(),
  };
}
