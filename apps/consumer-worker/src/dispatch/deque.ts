const INITIAL_CAPACITY = 16;

/**
 * A growable ring buffer with O(1) push/shift/unshift at both ends. Arrays' `shift()` is O(n) once
 * they leave V8's fast path, and the dispatcher's queues hold up to millions of records.
 */
export class Deque<T> {
  private items: Array<T | undefined> = new Array<T | undefined>(INITIAL_CAPACITY);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size += 1;
  }

  unshift(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.size += 1;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    // Drop the reference so a drained queue does not keep records alive.
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size -= 1;
    return item;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  clear(): void {
    this.items = new Array<T | undefined>(INITIAL_CAPACITY);
    this.head = 0;
    this.size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.size; i += 1) yield this.items[(this.head + i) & (this.items.length - 1)] as T;
  }

  private grow(): void {
    // Capacity stays a power of two so indexes wrap with a mask.
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.size; i += 1) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}
