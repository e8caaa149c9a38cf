// The list value: a growable ring-buffer deque of latin1 strings. Redis keeps lists in a quicklist
// (O(1) at both ends, O(n) in the middle); a ring buffer gives the same costs with O(1) indexing on
// top, which keeps LINDEX/LRANGE/LSET cheap on long lists, and stores one pointer per element.

import type { CollectionValue, EncodingLimits } from '../db';

/** Smallest backing array (sizes are powers of two so that index wrapping is a mask). */
const MIN_CAP = 1;

/** A Redis list. Indexes are 0-based from the head; callers resolve negative indexes. */
export class ListValue implements CollectionValue {
  /** On the prototype rather than per instance: one slot less per key. */
  get type(): 'list' {
    return 'list';
  }
  /** Backing ring; its length is always a power of two. */
  private buf: Array<string | undefined>;
  /** Position of the head element in `buf`. */
  private head = 0;
  private len = 0;

  constructor(capacity = MIN_CAP) {
    let cap = MIN_CAP;
    while (cap < capacity) cap <<= 1;
    this.buf = new Array<string | undefined>(cap);
  }

  /** Builds a list from head to tail (RDB load, RESTORE, replication). */
  static from(items: Iterable<string>): ListValue {
    const arr = Array.isArray(items) ? (items as string[]) : [...items];
    const l = new ListValue(arr.length);
    for (let i = 0; i < arr.length; i++) l.buf[i] = arr[i];
    l.len = arr.length;
    return l;
  }

  size(): number {
    return this.len;
  }

  /** Redis 7.0 always encodes lists as a quicklist (listpack lists arrived in 7.2). */
  encoding(_limits: EncodingLimits): string {
    return 'quicklist';
  }

  clone(): ListValue {
    const l = new ListValue(this.len);
    for (let i = 0; i < this.len; i++) l.buf[i] = this.at(i);
    l.len = this.len;
    return l;
  }

  private grow(): void {
    const old = this.buf;
    const mask = old.length - 1;
    const next = new Array<string | undefined>(old.length << 1);
    for (let i = 0; i < this.len; i++) next[i] = old[(this.head + i) & mask];
    this.buf = next;
    this.head = 0;
  }

  /** Halves the ring when it is mostly empty so that a drained long list gives memory back. */
  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > 64 && this.len < cap >> 2) {
      const next = new Array<string | undefined>(cap >> 1);
      const mask = cap - 1;
      for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) & mask];
      this.buf = next;
      this.head = 0;
    }
  }

  pushBack(v: string): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & (this.buf.length - 1)] = v;
    this.len++;
  }

  pushFront(v: string): void {
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = v;
    this.len++;
  }

  popFront(): string | undefined {
    if (!this.len) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
    this.maybeShrink();
    return v;
  }

  popBack(): string | undefined {
    if (!this.len) return undefined;
    const i = (this.head + this.len - 1) & (this.buf.length - 1);
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Element at a 0-based index from the head, or undefined when out of range. */
  at(i: number): string | undefined {
    if (i < 0 || i >= this.len) return undefined;
    return this.buf[(this.head + i) & (this.buf.length - 1)];
  }

  /** Replaces the element at a valid index (LSET). */
  setAt(i: number, v: string): void {
    this.buf[(this.head + i) & (this.buf.length - 1)] = v;
  }

  /** Inserts before index i (0..size) (LINSERT); shifts the shorter side. */
  insertAt(i: number, v: string): void {
    if (i <= 0) return this.pushFront(v);
    if (i >= this.len) return this.pushBack(v);
    if (this.len === this.buf.length) this.grow();
    const mask = this.buf.length - 1;
    if (i < this.len >> 1) {
      this.head = (this.head - 1) & mask;
      for (let k = 0; k < i; k++) this.buf[(this.head + k) & mask] = this.buf[(this.head + k + 1) & mask];
    } else {
      for (let k = this.len; k > i; k--) this.buf[(this.head + k) & mask] = this.buf[(this.head + k - 1) & mask];
    }
    this.buf[(this.head + i) & mask] = v;
    this.len++;
  }

  /** Keeps the elements for which keep(value, index) is true, in order; returns how many were removed. */
  filter(keep: (v: string, i: number) => boolean): number {
    const mask = this.buf.length - 1;
    let w = 0;
    for (let r = 0; r < this.len; r++) {
      const v = this.buf[(this.head + r) & mask] as string;
      if (keep(v, r)) {
        if (w !== r) this.buf[(this.head + w) & mask] = v;
        w++;
      }
    }
    const removed = this.len - w;
    for (let k = w; k < this.len; k++) this.buf[(this.head + k) & mask] = undefined;
    this.len = w;
    if (removed) this.maybeShrink();
    return removed;
  }

  /** Keeps only indexes start..end inclusive (already clamped, start <= end) (LTRIM). */
  trim(start: number, end: number): void {
    while (this.len > end + 1) this.popBackRaw();
    for (let k = 0; k < start; k++) this.popFrontRaw();
    this.maybeShrink();
  }

  private popFrontRaw(): void {
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
  }

  private popBackRaw(): void {
    this.buf[(this.head + this.len - 1) & (this.buf.length - 1)] = undefined;
    this.len--;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.len; i++) yield this.at(i) as string;
  }
}
