import { createPolicyState, decide, type PolicyInput, type ScalingPolicyOptions } from '../../src/policy/index.js';

/** One autoscaler under test: asked every `intervalMs` with the latest collector sample. */
export interface SimulatedAutoscaler {
  readonly name: string;
  readonly intervalMs: number;
  /** The replica count to set now, and a short reason for the trace. */
  next(input: PolicyInput): { desired: number; reason: string; detail?: string };
}

/** Our policy, one decide() per collector sample, its state threaded through. */
export function policyAutoscaler(name: string, options: ScalingPolicyOptions, intervalMs: number): SimulatedAutoscaler {
  let state = createPolicyState();
  return {
    name,
    intervalMs,
    next(input) {
      const result = decide(state, input, options);
      state = result.state;
      return { desired: result.decision.desired, reason: result.decision.reason, detail: result.decision.detail };
    },
  };
}
