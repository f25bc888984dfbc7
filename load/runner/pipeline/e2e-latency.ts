// End-to-end latency per record: its input's CreateTime (stamped by the ingest when the request
// arrived) to its output's LogAppendTime (stamped by the broker when consumer-worker's output was
// appended). Both clocks are this machine's; pure function of the two reads.
import { Samples, type LatencySummary } from '../latency-summary.ts';

export interface E2eFigures {
  /** Input records acknowledged by the ingest (after the warm-up). */
  inputs: number;
  /** Of those, records with an output. */
  paired: number;
  /** Inputs with no output record at all. */
  missing: number;
  /** Outputs written more than once (at-least-once redelivery). */
  duplicates: number;
  latency: LatencySummary;
  /** p50/p95/p99 by second of the run (input time), for the chart. */
  perSecond: Array<{ second: number; p50Ms: number; p95Ms: number; p99Ms: number }>;
}

export function e2eLatency(inputs: Float64Array, outputs: Float64Array, options: { runStartMs: number; measuredFromMs: number; duplicates: number }): E2eFigures {
  const all = new Samples();
  const bySecond = new Map<number, Samples>();
  let count = 0;
  let missing = 0;
  for (let seq = 0; seq < inputs.length; seq += 1) {
    const inputAt = inputs[seq] ?? Number.NaN;
    if (Number.isNaN(inputAt) || inputAt < options.measuredFromMs) continue;
    count += 1;
    const outputAt = outputs[seq] ?? Number.NaN;
    if (Number.isNaN(outputAt)) {
      missing += 1;
      continue;
    }
    const latency = Math.max(0, outputAt - inputAt);
    all.add(latency);
    const second = Math.floor((inputAt - options.runStartMs) / 1000);
    let samples = bySecond.get(second);
    if (samples === undefined) bySecond.set(second, (samples = new Samples()));
    samples.add(latency);
  }
  const perSecond = [...bySecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([second, samples]) => {
      const s = samples.summary();
      return { second, p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms };
    });
  return { inputs: count, paired: count - missing, missing, duplicates: options.duplicates, latency: all.summary(), perSecond };
}
