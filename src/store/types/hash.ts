// The hash value: a JS Map field -> value. Map keeps insertion order, which is exactly the order of a
// small (listpack-encoded) Redis hash: new fields are appended, updates stay in place, deletions close
// the gap. The listpack/hashtable encoding is a one-way flag, because Redis converts a hash to a
// hashtable when it first exceeds hash-max-listpack-entries/-value and never converts it back.

import type { CollectionValue, EncodingLimits } from '../db';

/** A Redis hash. */
export class HashValue implements CollectionValue {
  readonly type = 'hash' as const;
  /** field -> value, in listpack order while small. */
  readonly map: Map<string, string>;
  /** Set once the hash would be a hashtable in Redis; never cleared. */
  private big = false;
  /** Whether `big` was decided against the limits yet (values built by from() are checked lazily). */
  private checked = false;

  constructor(map: Map<string, string> = new Map()) {
    this.map = map;
  }

  /** Builds a hash from field/value pairs (RDB load, RESTORE, replication). */
  static from(pairs: Iterable<[string, string]>): HashValue {
    return new HashValue(new Map(pairs));
  }

  size(): number {
    return this.map.size;
  }

  clone(): HashValue {
    const h = new HashValue(new Map(this.map));
    h.big = this.big;
    h.checked = this.checked;
    return h;
  }

  /** "listpack" or "hashtable", as Redis 7.0 would have encoded this hash. */
  encoding(limits: EncodingLimits): string {
    if (!this.checked) this.checkAll(limits);
    return this.big ? 'hashtable' : 'listpack';
  }

  /** Whether this hash is hashtable-encoded (its reply order then differs from Redis's). */
  isBig(limits: EncodingLimits): boolean {
    if (!this.checked) this.checkAll(limits);
    return this.big;
  }

  /** Decides the encoding from the whole contents (a loaded value, as Redis checks after loading). */
  private checkAll(limits: EncodingLimits): void {
    this.checked = true;
    if (this.big) return;
    if (this.map.size > limits.hashMaxListpackEntries) {
      this.big = true;
      return;
    }
    const max = limits.hashMaxListpackValue;
    for (const [f, v] of this.map) {
      if (f.length > max || v.length > max) {
        this.big = true;
        return;
      }
    }
  }

  /**
   * Converts before a write whose strings are longer than hash-max-listpack-value (Redis's
   * hashTypeTryConversion, which looks at every field and value argument first).
   */
  tryConvert(limits: EncodingLimits, strings: readonly string[], from: number, to: number): void {
    if (!this.checked) this.checkAll(limits);
    if (this.big) return;
    const max = limits.hashMaxListpackValue;
    for (let i = from; i <= to; i++) {
      if (strings[i].length > max) {
        this.big = true;
        return;
      }
    }
  }

  /** Sets a field; returns true when it was new. Converts as Redis's hashTypeSet does. */
  set(limits: EncodingLimits, field: string, value: string): boolean {
    if (!this.checked) this.checkAll(limits);
    if (!this.big && (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)) this.big = true;
    const had = this.map.has(field);
    this.map.set(field, value);
    // Checked on updates too (after CONFIG SET lowered the limit), as hashTypeSet does.
    if (!this.big && this.map.size > limits.hashMaxListpackEntries) this.big = true;
    return !had;
  }
}
