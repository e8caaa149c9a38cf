// A Map<string, string> kept as one flat array [f0, v0, f1, v1, ...], for small hashes. A V8 Map
// costs ~250 bytes even with two entries; Redis keeps such a hash in a ~50-byte listpack, and
// memory per key is benchmarked. Lookups scan linearly, exactly as Redis scans a listpack, so this
// is only used below a small size (HashValue switches to a real Map past it). Order is insertion
// order with in-place updates and closing deletions: the listpack order Redis replies in.

/** Map interface over a flat field/value array. */
export class FlatMap implements Map<string, string> {
  /**
   * Fields at even indexes, their values at the next odd index. Kept at its exact length: push()
   * would over-allocate by 16+ slots, which would cost more than the Map this replaces.
   */
  private a: string[];

  constructor(flat: string[] = []) {
    this.a = flat;
  }

  get size(): number {
    return this.a.length >> 1;
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  private find(k: string): number {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) if (a[i] === k) return i;
    return -1;
  }

  get(k: string): string | undefined {
    const i = this.find(k);
    return i < 0 ? undefined : this.a[i + 1];
  }

  has(k: string): boolean {
    return this.find(k) >= 0;
  }

  set(k: string, v: string): this {
    const i = this.find(k);
    if (i >= 0) this.a[i + 1] = v;
    else this.a = this.a.length ? this.a.concat(k, v) : [k, v];
    return this;
  }

  delete(k: string): boolean {
    const i = this.find(k);
    if (i < 0) return false;
    this.a.splice(i, 2);
    return true;
  }

  clear(): void {
    this.a = [];
  }

  forEach(cb: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) cb.call(thisArg, a[i + 1], a[i], this);
  }

  /** The flat array itself (read-only use: RDB listpack writing, copies). */
  flat(): readonly string[] {
    return this.a;
  }

  // Iterators stay correct if the current entry is deleted while iterating (the index is adjusted
  // by checking that the field at the cursor is still the one yielded last) and see fields added
  // meanwhile, like Map iterators.
  *entries(): MapIterator<[string, string]> {
    for (let i = 0; i < this.a.length; i += 2) {
      const f = this.a[i];
      yield [f, this.a[i + 1]];
      if (this.a[i] !== f) i -= 2;
    }
  }

  *keys(): MapIterator<string> {
    for (const [f] of this.entries()) yield f;
  }

  *values(): MapIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}
