/**
 * Records per second as the least-squares slope of offsets over time, from sample `from` on.
 * A slope over every sample of the window is smooth, and one sample read late (a slow cycle)
 * moves it far less than it moves a first/last difference. Samples whose value is null (no
 * commit yet) are skipped. 0 with fewer than two samples; never negative (an offset reset is
 * not consumption).
 */
export function ratePerSecond(atMs: ArrayLike<number>, values: ArrayLike<number | null>, from = 0, to = atMs.length): number {
  // Centre time and value before squaring: epoch milliseconds squared lose the precision a
  // slope needs.
  let count = 0;
  let t0 = 0;
  let v0 = 0;
  for (let i = from; i < to; i += 1) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    if (count === 0) {
      t0 = atMs[i] as number;
      v0 = v;
    }
    count += 1;
  }
  if (count < 2) return 0;
  let sumT = 0;
  let sumV = 0;
  let sumTT = 0;
  let sumTV = 0;
  for (let i = from; i < to; i += 1) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    const t = (atMs[i] as number) - t0;
    const dv = v - v0;
    sumT += t;
    sumV += dv;
    sumTT += t * t;
    sumTV += t * dv;
  }
  const denominator = count * sumTT - sumT * sumT;
  if (denominator <= 0) return 0;
  const perMs = (count * sumTV - sumT * sumV) / denominator;
  return perMs > 0 ? perMs * 1000 : 0;
}

/** lag / rate in seconds: 0 without lag, null when there is lag and nothing consumes it. */
export function timeToDrainSeconds(lag: number, consumptionRate: number): number | null {
  if (lag <= 0) return 0;
  return consumptionRate > 0 ? lag / consumptionRate : null;
}
