/**
 * A binary min-heap of items by a numeric key fixed at push time. The dispatcher's ready queue:
 * the unit holding the oldest record starts first, so every partition's completed prefix (what
 * can be committed) keeps up with processing instead of waiting behind keys served round-robin.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly keys: number[] = [];

  get length(): number {
    return this.items.length;
  }

  /** The smallest key, or Infinity when empty. */
  get minKey(): number {
    return this.keys[0] ?? Infinity;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T, key: number): void {
    const { items, keys } = this;
    let i = items.length;
    items.push(item);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((keys[parent] as number) <= key) break;
      items[i] = items[parent] as T;
      keys[i] = keys[parent] as number;
      i = parent;
    }
    items[i] = item;
    keys[i] = key;
  }

  pop(): T | undefined {
    const { items, keys } = this;
    const top = items[0];
    const lastItem = items.pop();
    const lastKey = keys.pop();
    if (items.length === 0 || lastItem === undefined || lastKey === undefined) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (keys[right] as number) < (keys[left] as number) ? right : left;
      if ((keys[child] as number) >= lastKey) break;
      items[i] = items[child] as T;
      keys[i] = keys[child] as number;
      i = child;
    }
    items[i] = lastItem;
    keys[i] = lastKey;
    return top;
  }

  /** Keeps only the items `keep` accepts (rare: a revoke). */
  filter(keep: (item: T) => boolean): void {
    const kept: Array<[T, number]> = [];
    this.items.forEach((item, i) => {
      if (keep(item)) kept.push([item, this.keys[i] as number]);
    });
    this.items.length = 0;
    this.keys.length = 0;
    for (const [item, key] of kept) this.push(item, key);
  }
}
