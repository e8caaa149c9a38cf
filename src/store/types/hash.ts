// The hash value. While Redis would keep it as a listpack it is ONE packed latin1 string (flatmap.ts:
// ~4x less memory per small hash than a Map of separate strings, scanned linearly as Redis scans a listpack);
// once Redis would convert it to a hashtable (hash-max-listpack-entries/-value crossed, checked
// exactly where hashTypeSet / hashTypeTryConversion check) it becomes a Map (FieldMap) for good.
// Both iterate in insertion order, which is exactly the order of a listpack-encoded Redis hash.
// The OBJECT ENCODING answer lives in the packed string's first byte or in FieldMap.enc, so a
// HashValue has a single field (every field costs 8 bytes per key). A value built without limits
// (RDB load, RESTORE) is checked against them on first use, as Redis checks after loading.

import type { CollectionValue, EncodingLimits } from '../db';
import {
  FieldMap,
  FlatMap,
  HEnc,
  PACKED_MAX,
  appendEntry,
  findField,
  longestString,
  packFlat,
  packedCount,
  replaceValue,
  unpack,
  withEnc,
  type PackedHolder,
} from './flatmap';

/** The packed empty hash, listpack-encoded. */
const EMPTY = packFlat([], HEnc.Listpack);

/** A Redis hash. */
export class HashValue implements CollectionValue, PackedHolder {
  /** The packed string while listpack-shaped, else a FieldMap. Internal (FlatMap views write it). */
  d: string | FieldMap;

  /** On the prototype rather than per instance: one slot less per key. */
  get type(): 'hash' {
    return 'hash';
  }

  /** A hash with these fields (an empty one if none), its encoding to be checked on first use. */
  constructor(map?: Map<string, string>) {
    if (!map || map.size === 0) this.d = EMPTY; // an empty hash is a listpack whatever the limits
    else if (map instanceof FlatMap) this.d = map.packed() ?? new FieldMap(map);
    else if (map.size > PACKED_MAX) this.d = new FieldMap(map);
    else {
      const flat: string[] = [];
      for (const [f, v] of map) flat.push(f, v);
      this.d = packFlat(flat, HEnc.Unknown);
    }
  }

  /** field -> value, in listpack order while small (read it; mutate only through the commands). */
  get map(): Map<string, string> {
    const d = this.d;
    return typeof d === 'string' ? new FlatMap(this) : d;
  }

  /** Builds a hash from field/value pairs (RDB load, RESTORE, replication). */
  static from(pairs: Iterable<[string, string]>): HashValue {
    return new HashValue(new Map(pairs));
  }

  size(): number {
    const d = this.d;
    return typeof d === 'string' ? packedCount(d) : d.size;
  }

  clone(): HashValue {
    const h = new HashValue();
    const d = this.d;
    if (typeof d === 'string') h.d = d; // strings are immutable: sharing is copying
    else {
      const m = new FieldMap(d);
      m.enc = d.enc;
      h.d = m;
    }
    return h;
  }

  /** The encoding byte, checked against the limits first if not known yet. */
  private enc(limits: EncodingLimits): HEnc {
    let d = this.d;
    let e = typeof d === 'string' ? (d.charCodeAt(0) as HEnc) : d.enc;
    if (e === HEnc.Unknown) {
      this.checkAll(limits);
      d = this.d;
      e = typeof d === 'string' ? (d.charCodeAt(0) as HEnc) : d.enc;
    }
    return e;
  }

  /** "listpack" or "hashtable", as Redis 7.0 would have encoded this hash. */
  encoding(limits: EncodingLimits): string {
    return this.enc(limits) === HEnc.Hashtable ? 'hashtable' : 'listpack';
  }

  /** Whether this hash is hashtable-encoded (its reply order then differs from Redis's). */
  isBig(limits: EncodingLimits): boolean {
    return this.enc(limits) === HEnc.Hashtable;
  }

  /** Decides the encoding from the whole contents (a loaded value, as Redis checks after loading). */
  private checkAll(limits: EncodingLimits): void {
    if (this.size() > limits.hashMaxListpackEntries) return this.becomeBig();
    const max = limits.hashMaxListpackValue;
    const d = this.d;
    if (typeof d === 'string') {
      if (longestString(d) > max) return this.becomeBig();
    } else {
      for (const [f, v] of d) if (f.length > max || v.length > max) return this.becomeBig();
    }
    if (typeof d === 'string') this.d = withEnc(d, HEnc.Listpack);
    else d.enc = HEnc.Listpack;
  }

  /**
   * Converts before a write whose strings are longer than hash-max-listpack-value (Redis's
   * hashTypeTryConversion, which looks at every field and value argument first).
   */
  tryConvert(limits: EncodingLimits, strings: readonly string[], from: number, to: number): void {
    if (this.enc(limits) === HEnc.Hashtable) return;
    const max = limits.hashMaxListpackValue;
    for (let i = from; i <= to; i++) if (strings[i].length > max) return this.becomeBig();
  }

  /** Sets a field; returns true when it was new. Converts as Redis's hashTypeSet does. */
  set(limits: EncodingLimits, field: string, value: string): boolean {
    if (this.enc(limits) !== HEnc.Hashtable) {
      const max = limits.hashMaxListpackValue;
      if (field.length > max || value.length > max) this.becomeBig();
    }
    const d = this.d;
    if (typeof d === 'string') {
      const o = findField(d, field);
      const n = packedCount(d);
      // Checked on updates too (after CONFIG SET lowered the limit), as hashTypeSet does.
      if (o >= 0) {
        this.d = replaceValue(d, o, value);
        if (n > limits.hashMaxListpackEntries) this.becomeBig();
        return false;
      }
      if (n < PACKED_MAX && n + 1 <= limits.hashMaxListpackEntries) {
        this.d = appendEntry(d, field, value);
        return true;
      }
      this.d = unpack(d);
    }
    const m = this.d as FieldMap;
    const n = m.size;
    m.set(field, value);
    if (m.enc !== HEnc.Hashtable && m.size > limits.hashMaxListpackEntries) m.enc = HEnc.Hashtable;
    return m.size !== n;
  }

  /** Converts to the hashtable encoding (a FieldMap) for good. */
  private becomeBig(): void {
    const d = this.d;
    const m = typeof d === 'string' ? unpack(d) : d;
    m.enc = HEnc.Hashtable;
    this.d = m;
  }
}
