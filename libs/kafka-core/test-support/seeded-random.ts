/**
 * mulberry32: a small seeded PRNG, so property-style specs (an implementation against the one it
 * replaced, a structure against a Map) are repeatable: a failure names a seed that reproduces.
 * Its own subpath (`@lagscale/kafka-core/testing/seeded-random`), so a unit spec does not load
 * the broker helpers.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
