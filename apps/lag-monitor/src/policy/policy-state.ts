import { createThroughputState, type ThroughputState } from './throughput.js';

/** One sample's recommendation (after clamps), kept for the scale-down stabilisation window. */
export interface RecommendationRecord {
  atMs: number;
  replicas: number;
}

/** Everything decide() carries from one cycle to the next: plain data, serialisable, never mutated. */
export interface PolicyState {
  /** Oldest first, only those inside the stabilisation window. */
  recommendations: RecommendationRecord[];
  throughput: ThroughputState;
}

export function createPolicyState(): PolicyState {
  return { recommendations: [], throughput: createThroughputState() };
}

/**
 * The window's recommendations with this one appended. When the window holds nothing (the first
 * cycle, or after a hold longer than the window) the current count stands in for the missing
 * history, so a scale-down always needs one full window of evidence.
 */
export function recordRecommendation(
  history: readonly RecommendationRecord[],
  record: RecommendationRecord,
  currentReplicas: number,
  windowMs: number,
): RecommendationRecord[] {
  const kept = history.filter((r) => r.atMs > record.atMs - windowMs && r.atMs <= record.atMs);
  if (kept.length === 0 && windowMs > 0) kept.push({ atMs: record.atMs, replicas: currentReplicas });
  kept.push(record);
  return kept;
}

export function highestRecommendation(history: readonly RecommendationRecord[]): number {
  return history.reduce((highest, r) => Math.max(highest, r.replicas), 0);
}
