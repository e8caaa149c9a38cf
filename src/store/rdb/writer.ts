// Encoding values the way Redis 7.0 writes them (rdbSaveObjectType + rdbSaveObject): lengths, strings
// (integer-encoded when short and canonical, LZF when longer than 20 bytes and rdbcompression is on),
// and one encoding per type that redis-server 7.0 loads with identical contents. Shared by the RDB file
// writer (snapshot.ts) and DUMP.

import type { EncodingLimits, Value } from '../db';
import { ListValue } from '../types/list';
import { HashValue } from '../types/hash';
import { SetValue } from '../types/set';
import { ZSetValue } from '../types/zset';
import { formatDouble } from '../../resp/numfmt';
import { T, QUICKLIST_NODE_PACKED, RdbError, isCanonicalInt } from './constants';
import { lzfCompressInto } from './lzf';
import { buildListpack, listpackEntrySize } from './listpack';
import { buildIntset } from './intset';

/** Listpack node budget for list nodes (list-max-listpack-size -2 = 8 KB, Redis's default). */
const LIST_NODE_BYTES = 8192;
/** quicklist.c SIZE_ESTIMATE_OVERHEAD: the per-element estimate added when deciding to fill a node. */
const SIZE_ESTIMATE_OVERHEAD = 8;

/** Up to this length, strings and small blobs are copied with a JS loop instead of a native call. */
const SHORT = 48;

/** Scratch space for LZF (input copy of a string, compressed output), shared by all OutBufs. */
let lzfIn = Buffer.allocUnsafe(4096);
let lzfOut = Buffer.allocUnsafe(4096);
/** Scratch buffers grown past this are dropped after use (one huge value must not pin memory). */
const SCRATCH_KEEP = 1 << 20;

/** A growable output buffer; `take()` hands out what was written so far (for streaming in chunks). */
export class OutBuf {
  private buf: Buffer;
  pos = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  latin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n > SHORT) this.pos += this.buf.latin1Write(s, this.pos, n);
    else {
      // Short strings (most keys and values): a JS loop beats the native call's fixed cost.
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    }
  }

  u32le(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(v, this.pos);
  }

  i64le(v: number): void {
    this.ensure(8);
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      // Two 32-bit halves: no BigInt per expiry.
      this.buf.writeUInt32LE(v % 0x100000000, this.pos);
      this.buf.writeUInt32LE(Math.floor(v / 0x100000000), this.pos + 4);
      this.pos += 8;
    } else this.pos = this.buf.writeBigInt64LE(BigInt(v), this.pos);
  }

  doubleLE(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit big-endian or 64-bit big-endian length. */
  len(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 64) b[this.pos++] = n;
    else if (n < 16384) {
      b[this.pos++] = 0x40 | (n >> 8);
      b[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = 0x80;
      this.pos = b.writeUInt32BE(n, this.pos);
    } else {
      b[this.pos++] = 0x81;
      this.pos = b.writeBigUInt64BE(BigInt(n), this.pos);
    }
  }

  /** rdbSaveRawString for a latin1 string. */
  str(s: string, compress: boolean): void {
    const n = s.length;
    if (n <= 11 && isCanonicalInt(s)) {
      const v = Number(s);
      if (v >= -128 && v <= 127) {
        this.u8(0xc0);
        this.u8(v & 0xff);
        return;
      }
      if (v >= -32768 && v <= 32767) {
        this.ensure(3);
        this.buf[this.pos++] = 0xc1;
        this.pos = this.buf.writeInt16LE(v, this.pos);
        return;
      }
      if (v >= -2147483648 && v <= 2147483647) {
        this.ensure(5);
        this.buf[this.pos++] = 0xc2;
        this.pos = this.buf.writeInt32LE(v, this.pos);
        return;
      }
    }
    if (compress && n > 20) {
      let inp = lzfIn;
      if (inp.length < n) inp = Buffer.allocUnsafe(n);
      if (n > SHORT) inp.latin1Write(s, 0, n);
      else for (let i = 0; i < n; i++) inp[i] = s.charCodeAt(i);
      const done = this.lzf(inp, n);
      if (inp.length <= SCRATCH_KEEP) lzfIn = inp;
      if (done) return;
    }
    this.len(n);
    this.latin1(s);
  }

  /** rdbSaveRawString for a binary blob (listpack, intset). */
  blob(b: Buffer, compress: boolean): void {
    if (compress && b.length > 20 && this.lzf(b, b.length)) return;
    this.len(b.length);
    this.bytes(b);
  }

  /** rdbSaveLzfStringObject: writes raw[0, n) LZF-compressed unless that saves fewer than 4 bytes. */
  private lzf(raw: Uint8Array, n: number): boolean {
    let o = lzfOut;
    if (o.length < n - 3) o = Buffer.allocUnsafe(n - 3);
    const c = lzfCompressInto(raw, n, o, n - 4);
    if (o.length <= SCRATCH_KEEP) lzfOut = o;
    if (c < 0) return false;
    this.ensure(11 + c);
    this.buf[this.pos++] = 0xc3;
    this.len(c);
    this.len(n);
    const b = this.buf;
    let p = this.pos;
    if (c > SHORT) o.copy(b, p, 0, c);
    else for (let i = 0; i < c; i++) b[p + i] = o[i];
    this.pos = p + c;
    return true;
  }

  /** Bytes written since the last take(), as a copy-free view that stays valid (a fresh buffer follows). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(this.buf.length, 1 << 20)));
    this.pos = 0;
    return out;
  }

  /** A copy of what was written, keeping the buffer for reuse (scratch use). */
  takeCopy(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  get length(): number {
    return this.pos;
  }
}

/** Whether a number's text ends in the digit 5 (a possible exact tie one digit further). */
function endsWith5(t: string): boolean {
  return t.charCodeAt(t.length - 1) === 53;
}

/**
 * A listpack zset score as Redis 7.0 writes it (d2string): 0 and -0 as such, integral values within
 * +-2^62 (double2ll) as integers, everything else as %.17g. Fast paths avoid formatDouble's several
 * intermediate strings where the text is the same.
 */
export function scoreText(d: number): string {
  if (d !== 0 && Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904) {
    // Beyond 2^53 String() rounds to 17 significant digits; the exact integer is wanted.
    return d > -9007199254740992 && d < 9007199254740992 ? String(d) : BigInt(d).toString();
  }
  const a = d < 0 ? -d : d;
  // Exponent -4..15: C's %.17g and toPrecision(17) both use fixed notation and the same digits,
  // except at an exact tie (18th digit a final 5), which printf rounds to even: formatDouble settles it.
  if (a >= 1e-4 && a < 1e15 && !endsWith5(d.toPrecision(18))) {
    const t = d.toPrecision(17);
    let end = t.length;
    while (t.charCodeAt(end - 1) === 48) end--;
    if (t.charCodeAt(end - 1) === 46) end--;
    return end === t.length ? t : t.slice(0, end);
  }
  return formatDouble(d);
}

/**
 * Writes the type byte, the key when given (an RDB file record; DUMP has none), and the value body
 * (rdbSaveObjectType + rdbSaveStringObject(key) + rdbSaveObject).
 */
export function writeValue(out: OutBuf, v: Value, limits: EncodingLimits, compress: boolean, key: string | null = null): void {
  if (typeof v === 'string') {
    head(out, T.STRING, key, compress);
    out.str(v, compress);
    return;
  }
  if (v instanceof ListValue) return writeList(out, v, compress, key);
  if (v instanceof HashValue) {
    if (v.encoding(limits) === 'listpack') {
      const flat: string[] = [];
      for (const [f, x] of v.map) flat.push(f, x);
      head(out, T.HASH_LISTPACK, key, compress);
      out.blob(buildListpack(flat), compress);
    } else {
      head(out, T.HASH, key, compress);
      out.len(v.map.size);
      for (const [f, x] of v.map) {
        out.str(f, compress);
        out.str(x, compress);
      }
    }
    return;
  }
  if (v instanceof SetValue) {
    if (v.encoding(limits) === 'intset') {
      head(out, T.SET_INTSET, key, compress);
      out.blob(buildIntset(v.set), compress);
    } else {
      head(out, T.SET, key, compress);
      out.len(v.set.size);
      for (const m of v.set) out.str(m, compress);
    }
    return;
  }
  if (v instanceof ZSetValue) {
    if (v.encoding(limits) === 'listpack') {
      const flat: string[] = [];
      for (const [m, sc] of v.ascending()) flat.push(m, scoreText(sc));
      head(out, T.ZSET_LISTPACK, key, compress);
      out.blob(buildListpack(flat), compress);
    } else {
      // Redis saves skiplist zsets from the greatest to the smallest element (loads faster).
      const all = Array.from(v.ascending());
      head(out, T.ZSET_2, key, compress);
      out.len(all.length);
      for (let i = all.length - 1; i >= 0; i--) {
        out.str(all[i][0], compress);
        out.doubleLE(all[i][1]);
      }
    }
    return;
  }
  throw new RdbError(`cannot serialize ${key === null ? 'value' : `key '${key}'`}: type ${v.type} is not supported in RDB files by resplit`);
}

/** The type byte, then the key when given (no per-value closure: SAVE calls this once per key). */
function head(out: OutBuf, t: number, key: string | null, compress: boolean): void {
  out.u8(t);
  if (key !== null) out.str(key, compress);
}

/**
 * QUICKLIST_2 with packed (listpack) nodes filled as Redis 7.0 fills them when pushing at the tail with
 * list-max-listpack-size -2 (_quicklistNodeAllowInsert: node size + element length + 8 must stay
 * within 8 KB), so a list built by RPUSH dumps to the same bytes.
 */
/**
 * A list cut into quicklist nodes as Redis fills them at the default list-max-listpack-size (8 KB
 * listpacks): the RDB writer's nodes, and DEBUG OBJECT's ql_ fields.
 */
export function quicklistNodes(l: ListValue): string[][] {
  const nodes: string[][] = [];
  let cur: string[] = [];
  let curBytes = 7;
  for (const e of l) {
    if (cur.length && curBytes + e.length + SIZE_ESTIMATE_OVERHEAD > LIST_NODE_BYTES) {
      nodes.push(cur);
      cur = [];
      curBytes = 7;
    }
    cur.push(e);
    curBytes += listpackEntrySize(e);
  }
  if (cur.length) nodes.push(cur);
  return nodes;
}

function writeList(out: OutBuf, l: ListValue, compress: boolean, key: string | null): void {
  const nodes = quicklistNodes(l);
  head(out, T.LIST_QUICKLIST_2, key, compress);
  out.len(nodes.length);
  for (const node of nodes) {
    out.len(QUICKLIST_NODE_PACKED);
    out.blob(buildListpack(node), compress);
  }
}
