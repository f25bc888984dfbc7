/** An inclusive range of integers. */
export interface IntRange {
  from: number;
  to: number;
}

// 64 Ki bits (8 KiB) per page: a dense run of a million sequence numbers costs 128 KiB, and a
// stray huge number costs one page rather than a bitmap up to it.
const PAGE_BITS = 65_536;
const PAGE_WORDS = PAGE_BITS / 32;
const FULL_WORD = 0xffff_ffff;

interface Page {
  index: number;
  words: Uint32Array;
  count: number;
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x5555_5555);
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f_0f0f, 0x0101_0101) >>> 24) & 0xff;
}

/**
 * A set of non-negative safe integers as a bitmap split into pages allocated on first use.
 * Sized for sequence numbers: mostly dense from 0, occasionally sparse or far out.
 */
export class PagedBitset {
  private readonly pages = new Map<number, Page>();
  private last: Page | undefined;
  private members = 0;

  get size(): number {
    return this.members;
  }

  /** Adds `n`; false when it was already present. */
  add(n: number): boolean {
    const index = Math.floor(n / PAGE_BITS);
    let page = this.last !== undefined && this.last.index === index ? this.last : this.pages.get(index);
    if (page === undefined) {
      page = { index, words: new Uint32Array(PAGE_WORDS), count: 0 };
      this.pages.set(index, page);
    }
    this.last = page;
    const bit = n - index * PAGE_BITS;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    const current = page.words[word]!;
    if ((current & mask) !== 0) return false;
    page.words[word] = current | mask;
    page.count += 1;
    this.members += 1;
    return true;
  }

  has(n: number): boolean {
    const index = Math.floor(n / PAGE_BITS);
    const page = this.pages.get(index);
    if (page === undefined) return false;
    const bit = n - index * PAGE_BITS;
    return (page.words[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Members below `limit`. */
  countBelow(limit: number): number {
    let total = 0;
    for (const page of this.pages.values()) {
      const base = page.index * PAGE_BITS;
      if (base + PAGE_BITS <= limit) {
        total += page.count;
      } else if (base < limit) {
        const bits = limit - base;
        const wholeWords = bits >>> 5;
        for (let w = 0; w < wholeWords; w += 1) total += popcount(page.words[w]!);
        const rest = bits & 31;
        if (rest > 0) total += popcount(page.words[wholeWords]! & ((1 << rest) - 1));
      }
    }
    return total;
  }

  /**
   * Absent integers in [0, limit) as ranges in ascending order, at most `max` of them;
   * `truncated` says more exist. Cost grows with allocated pages, not with `limit`.
   */
  missingRanges(limit: number, max: number): { ranges: IntRange[]; truncated: boolean } {
    const ranges: IntRange[] = [];
    let openFrom: number | undefined;
    let truncated = false;
    // Both return false once the list is full and another range would begin.
    const absent = (at: number): boolean => {
      if (openFrom !== undefined) return true;
      if (ranges.length >= max) {
        truncated = true;
        return false;
      }
      openFrom = at;
      return true;
    };
    const present = (at: number): void => {
      if (openFrom === undefined) return;
      ranges.push({ from: openFrom, to: at - 1 });
      openFrom = undefined;
    };

    let cursor = 0;
    const sorted = [...this.pages.values()].sort((a, b) => a.index - b.index);
    scan: for (const page of sorted) {
      const base = page.index * PAGE_BITS;
      if (base >= limit) break;
      if (base > cursor && !absent(cursor)) break;
      const end = Math.min(PAGE_BITS, limit - base);
      for (let bit = 0; bit < end; ) {
        const word = page.words[bit >>> 5]!;
        const wholeWord = (bit & 31) === 0 && bit + 32 <= end;
        if (wholeWord && word === FULL_WORD) {
          present(base + bit);
          bit += 32;
        } else if (wholeWord && word === 0) {
          if (!absent(base + bit)) break scan;
          bit += 32;
        } else {
          if ((word & (1 << (bit & 31))) !== 0) present(base + bit);
          else if (!absent(base + bit)) break scan;
          bit += 1;
        }
      }
      cursor = base + end;
    }
    if (!truncated && cursor < limit) absent(cursor);
    if (openFrom !== undefined) ranges.push({ from: openFrom, to: limit - 1 });
    return { ranges, truncated };
  }
}
