/**
 * A picker over `entries` (value, relative weight): give it a uniform number in [0, 1) and it
 * returns the value whose share of the total weight covers that number. The cumulative table is
 * built once; a pick is a short linear scan, the fastest way for the handful of entries we use.
 */
export function weightedPicker<T>(entries: ReadonlyArray<readonly [T, number]>): (u: number) => T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (entries.length === 0 || !(total > 0)) throw new RangeError('weightedPicker needs at least one positive weight');
  const values = entries.map(([value]) => value);
  const bounds: number[] = [];
  let running = 0;
  for (const [, weight] of entries) {
    running += weight / total;
    bounds.push(running);
  }
  const last = values[values.length - 1] as T;
  return (u) => {
    for (let i = 0; i < bounds.length; i += 1) {
      if (u < (bounds[i] as number)) return values[i] as T;
    }
    // rounding can leave the last bound a hair under 1
    return last;
  };
}
