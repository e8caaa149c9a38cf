// A small hash packed into ONE latin1 string, as Redis packs it into one listpack: a V8 Map costs
// ~250 bytes even with two entries and every separate field/value string 16-24 more, while memory
// per key is benchmarked against Redis. Layout: [encoding byte][count byte], then per entry
// [field length][field][value length][value] (varint lengths, see packed.ts), in insertion order
// with in-place updates and closing deletions: the listpack order Redis replies in. Lookups scan
// linearly, as Redis scans a listpack; mutations rebuild the (short) string.
// FlatMap is the Map interface over such a string (what HashValue.map returns, for RDB and SORT);
// FieldMap is the plain Map a hash switches to when it grows, carrying the encoding byte along.

import { after, build, detach, equalAt, lenAt, lenStr } from './packed';

/** Encoding byte of a hash (OBJECT ENCODING as Redis would answer; Unknown = not checked yet). */
export const enum HEnc {
  Unknown = 0,
  Listpack = 1,
  Hashtable = 2,
}

/** Most entries a packed hash can count (its count is one byte); past it a FieldMap is used. */
export const PACKED_MAX = 255;

/** The big shape of a hash: a Map plus the encoding byte (no second field on HashValue for it). */
export class FieldMap extends Map<string, string> {
  enc: HEnc = HEnc.Unknown;
}

/** Who holds the packed string (a HashValue, or a standalone FlatMap). It may swap it for a FieldMap. */
export interface PackedHolder {
  d: string | FieldMap;
}

// ---- the packed string ----

/** Packs a flat [f0, v0, f1, v1, ...] array (fields unique, at most PACKED_MAX) with an encoding byte. */
export function packFlat(flat: readonly string[], enc: HEnc = HEnc.Unknown): string {
  const out: string[] = [String.fromCharCode(enc), String.fromCharCode(flat.length >> 1)];
  for (let i = 0; i < flat.length; i++) out.push(lenStr(flat[i].length), flat[i]);
  return out.join('');
}

/** Number of entries of a packed hash. */
export function packedCount(p: string): number {
  return p.charCodeAt(1);
}

/** Offset of the entry whose field is k, or -1. */
export function findField(p: string, k: string): number {
  const end = p.length;
  let o = 2;
  while (o < end) {
    const fl = lenAt(p, o);
    const fo = after;
    if (equalAt(p, fo, fl, k)) return o;
    const vl = lenAt(p, fo + fl);
    o = after + vl;
  }
  return -1;
}

/** Offset of the value length of the entry at o (just past its field). */
function valueOffset(p: string, o: number): number {
  const fl = lenAt(p, o);
  return after + fl;
}

/** The value of the entry at o. */
export function valueAt(p: string, o: number): string {
  const vl = lenAt(p, valueOffset(p, o));
  return p.slice(after, after + vl);
}

/** Offset just past the entry at o. */
function entryEnd(p: string, o: number): number {
  const vl = lenAt(p, valueOffset(p, o));
  return after + vl;
}

/** p with the value of the entry at o replaced. */
export function replaceValue(p: string, o: number, v: string): string {
  const vo = valueOffset(p, o);
  const end = entryEnd(p, o);
  return build(p.slice(0, vo), lenStr(v.length), v, p.slice(end));
}

/** p with a new entry appended (the field must be absent and the count below PACKED_MAX). */
export function appendEntry(p: string, k: string, v: string): string {
  return build(p[0], String.fromCharCode(packedCount(p) + 1), p.slice(2), lenStr(k.length), k, lenStr(v.length), v);
}

/** p without the entry at o. */
export function removeEntry(p: string, o: number): string {
  return build(p[0], String.fromCharCode(packedCount(p) - 1), p.slice(2, o), p.slice(entryEnd(p, o)));
}

/** p with another encoding byte. */
export function withEnc(p: string, enc: HEnc): string {
  return build(String.fromCharCode(enc), p.slice(1));
}

/** Length of the longest field or value (for hash-max-listpack-value). */
export function longestString(p: string): number {
  const end = p.length;
  let max = 0;
  for (let o = 2; o < end; ) {
    const fl = lenAt(p, o);
    const vl = lenAt(p, after + fl);
    o = after + vl;
    if (fl > max) max = fl;
    if (vl > max) max = vl;
  }
  return max;
}

/** Calls fn(field, value) for each entry in order (substrings: short-lived use). */
export function forEachEntry(p: string, fn: (f: string, v: string) => void): void {
  const end = p.length;
  let o = 2;
  while (o < end) {
    const fl = lenAt(p, o);
    const f = p.slice(after, after + fl);
    const vl = lenAt(p, after + fl);
    o = after + vl;
    fn(f, p.slice(after, o));
  }
}

/** Unpacks into a FieldMap with the same encoding byte; its strings do not keep p alive. */
export function unpack(p: string): FieldMap {
  const m = new FieldMap();
  m.enc = p.charCodeAt(0) as HEnc;
  const buf = Buffer.from(p, 'latin1');
  const end = p.length;
  let o = 2;
  while (o < end) {
    const fl = lenAt(p, o);
    const fo = after;
    const vl = lenAt(p, fo + fl);
    o = after + vl;
    m.set(detach(buf, fo, fo + fl), detach(buf, after, o));
  }
  return m;
}

// ---- the Map view ----

/**
 * Map interface over a holder's packed string. When the holder has switched to a FieldMap (the hash
 * grew), every call goes to that Map, so a view stays valid across the conversion.
 */
export class FlatMap implements Map<string, string> {
  private readonly h: PackedHolder;

  /** A view of a holder's string, or a standalone packed map of a flat [f0, v0, ...] array. */
  constructor(src: PackedHolder | readonly string[] = []) {
    if (Array.isArray(src)) {
      const flat = src as readonly string[];
      const m = new Map<string, string>();
      for (let i = 0; i < flat.length; i += 2) m.set(flat[i], flat[i + 1]);
      this.h = { d: '' };
      this.h.d = m.size <= PACKED_MAX ? packFlat([...m].flat()) : new FieldMap(m);
    } else {
      this.h = src as PackedHolder;
    }
  }

  get size(): number {
    const d = this.h.d;
    return typeof d === 'string' ? packedCount(d) : d.size;
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  /** The packed string (tests, copies). */
  packed(): string | null {
    const d = this.h.d;
    return typeof d === 'string' ? d : null;
  }

  get(k: string): string | undefined {
    const d = this.h.d;
    if (typeof d !== 'string') return d.get(k);
    const o = findField(d, k);
    return o < 0 ? undefined : valueAt(d, o);
  }

  has(k: string): boolean {
    const d = this.h.d;
    if (typeof d !== 'string') return d.has(k);
    return findField(d, k) >= 0;
  }

  set(k: string, v: string): this {
    const d = this.h.d;
    if (typeof d !== 'string') {
      d.set(k, v);
      return this;
    }
    const o = findField(d, k);
    if (o >= 0) this.h.d = replaceValue(d, o, v);
    else if (packedCount(d) < PACKED_MAX) this.h.d = appendEntry(d, k, v);
    else {
      const m = unpack(d);
      m.set(k, v);
      this.h.d = m;
    }
    return this;
  }

  delete(k: string): boolean {
    const d = this.h.d;
    if (typeof d !== 'string') return d.delete(k);
    const o = findField(d, k);
    if (o < 0) return false;
    this.h.d = removeEntry(d, o);
    return true;
  }

  clear(): void {
    const d = this.h.d;
    if (typeof d !== 'string') d.clear();
    else this.h.d = packFlat([], d.charCodeAt(0) as HEnc);
  }

  forEach(cb: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this);
  }

  /** The entries as a flat [f0, v0, f1, v1, ...] array (RDB listpack writing, copies). */
  flat(): string[] {
    const d = this.h.d;
    const out: string[] = [];
    if (typeof d === 'string') forEachEntry(d, (f, v) => out.push(f, v));
    else for (const [f, v] of d) out.push(f, v);
    return out;
  }

  // Iterators stay correct if the current entry is deleted or updated while iterating (the offset
  // is kept when the field at the cursor is no longer the one yielded last) and see fields added
  // meanwhile, like Map iterators.
  *entries(): MapIterator<[string, string]> {
    let o = 2;
    for (;;) {
      const d = this.h.d;
      if (typeof d !== 'string') {
        yield* d.entries();
        return;
      }
      if (o >= d.length) return;
      const fl = lenAt(d, o);
      const f = d.slice(after, after + fl);
      const v = valueAt(d, o);
      yield [f, v];
      const d2 = this.h.d;
      if (typeof d2 !== 'string') {
        // Converted meanwhile: continue in the Map after the field yielded last (order is kept).
        let seen = false;
        for (const e of d2) {
          if (seen) yield e;
          else if (e[0] === f) seen = true;
        }
        return;
      }
      if (o < d2.length) {
        const fl2 = lenAt(d2, o);
        if (equalAt(d2, after, fl2, f)) o = entryEnd(d2, o);
      }
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
