export { decide } from './decide.js';
export { policyInputFrom, type PolicyInput } from './policy-input.js';
export { createPolicyState, type PolicyState, type RecommendationRecord } from './policy-state.js';
export { formulaReplicas, isIdle, recommend, type Recommendation } from './recommend.js';
export { defaultScalingPolicyOptions, SCALING_MODES, validateScalingPolicyOptions, type ScalingMode, type ScalingPolicyOptions } from './scaling-options.js';
export { createThroughputState, effectiveThroughput, isBacklogged, observeThroughput, type ThroughputState } from './throughput.js';
