// The hash value: field -> value in a Map-compatible store. A small hash keeps a FlatMap (one flat
// array, scanned linearly as Redis scans a listpack, ~4x less memory than a V8 Map); past a few
// hundred fields or once Redis would use a hashtable it keeps a real Map. Both iterate in insertion
// order, which is exactly the order of a small (listpack-encoded) Redis hash: new fields are
// appended, updates stay in place, deletions close the gap. The listpack/hashtable encoding is a
// one-way flag, because Redis converts a hash to a hashtable when it first exceeds
// hash-max-listpack-entries/-value and never converts it back.

import type { CollectionValue, EncodingLimits } from '../db';
import { FlatMap } from './flatmap';

/** Above this many fields a real Map is used whatever the encoding (linear scans get too long). */
const FLAT_MAX = 256;

/** A Redis hash. */
export class HashValue implements CollectionValue {
  /** field -> value storage: a FlatMap while small, then a Map. */
  private m: Map<string, string>;
  /** Set once the hash would be a hashtable in Redis; never cleared. */
  private big = false;
  /** Whether `big` was decided against the limits yet (values built by from() are checked lazily). */
  private checked = false;

  /** On the prototype rather than per instance: one slot less per key. */
  get type(): 'hash' {
    return 'hash';
  }

  constructor(map?: Map<string, string>) {
    if (!map) this.m = new FlatMap();
    else if (map.size > FLAT_MAX || map instanceof FlatMap) this.m = map;
    else {
      const flat: string[] = [];
      for (const [f, v] of map) flat.push(f, v);
      this.m = new FlatMap(flat);
    }
  }

  /** field -> value, in listpack order while small (read it; mutate only through the commands). */
  get map(): Map<string, string> {
    return this.m;
  }

  /** Builds a hash from field/value pairs (RDB load, RESTORE, replication). */
  static from(pairs: Iterable<[string, string]>): HashValue {
    // Fill a FlatMap while small, a Map past FLAT_MAX (set() on a long FlatMap would be quadratic).
    let m: Map<string, string> = new FlatMap();
    for (const [f, v] of pairs) {
      m.set(f, v);
      if (m.size > FLAT_MAX && m instanceof FlatMap) m = new Map(m);
    }
    return new HashValue(m);
  }

  /** Switches to a real Map (hashtable encoding, or too many fields for linear scans). */
  private toMap(): void {
    if (this.m instanceof FlatMap) this.m = new Map(this.m);
  }

  size(): number {
    return this.m.size;
  }

  clone(): HashValue {
    const h = new HashValue(this.m instanceof FlatMap ? new FlatMap([...this.m.flat()]) : new Map(this.m));
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
    if (this.m.size > limits.hashMaxListpackEntries) return this.becomeBig();
    const max = limits.hashMaxListpackValue;
    for (const [f, v] of this.m) if (f.length > max || v.length > max) return this.becomeBig();
  }

  /**
   * Converts before a write whose strings are longer than hash-max-listpack-value (Redis's
   * hashTypeTryConversion, which looks at every field and value argument first).
   */
  tryConvert(limits: EncodingLimits, strings: readonly string[], from: number, to: number): void {
    if (!this.checked) this.checkAll(limits);
    if (this.big) return;
    const max = limits.hashMaxListpackValue;
    for (let i = from; i <= to; i++) if (strings[i].length > max) return this.becomeBig();
  }

  /** Sets a field; returns true when it was new. Converts as Redis's hashTypeSet does. */
  set(limits: EncodingLimits, field: string, value: string): boolean {
    if (!this.checked) this.checkAll(limits);
    if (!this.big && (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)) this.becomeBig();
    const m = this.m;
    const n = m.size;
    m.set(field, value);
    // Checked on updates too (after CONFIG SET lowered the limit), as hashTypeSet does.
    if (!this.big && m.size > limits.hashMaxListpackEntries) this.becomeBig();
    else if (m.size > FLAT_MAX) this.toMap();
    return m.size !== n;
  }

  private becomeBig(): void {
    this.big = true;
    this.toMap();
  }
}
