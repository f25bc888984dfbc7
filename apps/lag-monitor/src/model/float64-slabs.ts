/**
 * Float64Arrays cut from slabs of 64 KB (a longer one gets a slab of its own). A cycle's figures
 * (16 MB at 5,000 × 50) or commits (2 MB) in one block were each a buffer malloc maps, and
 * freeing it every cycle raised glibc's mmap threshold to its size, after which everything below
 * that size fragmented malloc's heap. Slabs stay under the threshold and are reused as freed.
 */
export function float64Slabs(slabLength = 8_192): (length: number) => Float64Array {
  let slab = new Float64Array(0);
  let used = 0;
  return (length) => {
    if (used + length > slab.length) {
      slab = new Float64Array(Math.max(slabLength, length));
      used = 0;
    }
    used += length;
    return slab.subarray(used - length, used);
  };
}
