// A growable FIFO ring of references. Backend connections match replies to requests with it (Redis
// answers in order); Array.shift() is O(n), this is O(1) and allocates only when it doubles.

/** A ring this large gives its slots back once it is empty. */
const SHRINK_AT = 4096;

/** The FIFO (see the module comment); its capacity is a power of two, as indexes wrap with a mask. */
export class Ring<T> {
  private items: Array<T | undefined>;
  private head = 0;
  private n = 0;

  constructor(private readonly initial = 64) {
    this.items = new Array(initial);
  }

  /** Slots allocated now (a power of two). */
  get capacity(): number {
    return this.items.length;
  }

  get length(): number {
    return this.n;
  }

  push(v: T): void {
    if (this.n === this.items.length) this.grow();
    this.items[(this.head + this.n) & (this.items.length - 1)] = v;
    this.n++;
  }

  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    if (--this.n === 0 && this.items.length > SHRINK_AT) {
      // Emptied after a burst (a shared connection once held thousands of clients' requests).
      this.items = new Array(this.initial);
      this.head = 0;
    }
    return v;
  }

  peek(): T | undefined {
    return this.n ? this.items[this.head] : undefined;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let v = this.shift(); v !== undefined; v = this.shift()) out.push(v);
    return out;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.n; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.items = next;
    this.head = 0;
  }
}
