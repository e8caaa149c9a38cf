// Decoding Redis's RDB format: a bounds-checked cursor over a buffer (lengths, encoded strings, LZF,
// doubles) and the value decoder for every type Redis 7.0 loads (plus 7.2's SET_LISTPACK). A value
// type we do not store (streams, modules) is refused with an error naming the key and the type.
// Shared by the file loader (load.ts) and RESTORE.

import type { Value } from '../db';
import { ListValue } from '../types/list';
import { HashValue } from '../types/hash';
import { SetValue } from '../types/set';
import { ZSetValue } from '../types/zset';
import { T, TYPE_NAMES, QUICKLIST_NODE_PLAIN, QUICKLIST_NODE_PACKED, ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF, RdbError } from './constants';
import { lzfDecompressInto } from './lzf';
import { readListpack } from './listpack';
import { readZiplist } from './ziplist';
import { readIntset } from './intset';
import { readZipmap } from './zipmap';

/** Parses a score the way strtod would (ziplist/listpack zsets store scores as text). */
export function parseScore(s: string, what: string): number {
  const t = s.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const d = Number(s);
  if (s.trim() !== s || s === '' || Number.isNaN(d)) throw new RdbError(`${what}: invalid score '${s}'`);
  return d;
}

/**
 * Where LZF strings are decompressed: every decoder turns a blob into JS strings before the next one
 * is read, so one buffer serves them all (no Buffer per compressed string while loading).
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
/** A scratch buffer grown past this is not kept (one huge value must not pin memory). */
const SCRATCH_KEEP = 1 << 20;

function scratchFor(n: number): Buffer {
  if (n <= scratch.length) return scratch;
  const b = Buffer.allocUnsafe(n);
  if (n <= SCRATCH_KEEP) scratch = b;
  return b;
}

/** A bounds-checked read cursor; every read past the end throws RdbError ("truncated"). */
export class RdbReader {
  pos: number;

  constructor(readonly buf: Buffer, pos = 0, readonly end = buf.length) {
    this.pos = pos;
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw new RdbError(`unexpected end of data at offset ${this.pos} (truncated or corrupt RDB)`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32le(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32le(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i64le(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    // Exact within +-2^53 (any millisecond time); beyond, the nearest double as Number(BigInt) gives.
    if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
    return Number(this.buf.readBigInt64LE(this.pos - 8));
  }

  doubleLE(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** rdbLoadLenByRef: returns the length, or -(enc+1) for a special string encoding. */
  lenOrEnc(): number {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.u8();
    if (kind === 3) return -((b & 0x3f) + 1);
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError(`length ${v} too large at offset ${this.pos - 9}`);
      return Number(v);
    }
    throw new RdbError(`unknown length encoding 0x${b.toString(16)} at offset ${this.pos - 1}`);
  }

  /** A plain length (no string encodings allowed). */
  len(): number {
    const n = this.lenOrEnc();
    if (n < 0) throw new RdbError(`unexpected encoded length at offset ${this.pos - 1}`);
    return n;
  }

  /** A length that bounds a collection: at most what the remaining bytes could hold. */
  count(minBytesEach = 1): number {
    const n = this.len();
    if (n * minBytesEach > this.end - this.pos) throw new RdbError(`collection length ${n} exceeds the remaining data (truncated or corrupt RDB)`);
    return n;
  }

  /**
   * An encoded string as raw bytes: a view into the file, or (integer and LZF encodings) into a shared
   * scratch buffer that the next strBuf()/str() overwrites. Decode it before reading on.
   */
  strBuf(): Buffer {
    const n = this.lenOrEnc();
    if (n >= 0) return this.bytes(n);
    if (-n - 1 === ENC_LZF) return this.lzfBody().subarray(0, this.lzfLen);
    const s = this.intString(-n - 1);
    const b = scratchFor(s.length);
    b.latin1Write(s, 0, s.length);
    return b.subarray(0, s.length);
  }

  /** An encoded string as a latin1 JS string. */
  str(): string {
    const n = this.lenOrEnc();
    if (n >= 0) {
      this.need(n);
      const s = this.buf.latin1Slice(this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    const enc = -n - 1;
    if (enc !== ENC_LZF) return this.intString(enc);
    return this.lzfBody().latin1Slice(0, this.lzfLen);
  }

  /** Length of the string the last lzfBody() decompressed. */
  private lzfLen = 0;

  /** The body of an LZF string, decompressed into the scratch: its first lzfLen bytes. */
  private lzfBody(): Buffer {
    const clen = this.len();
    const ulen = this.len();
    this.need(clen);
    const start = this.pos;
    this.pos += clen;
    // LZF expands at most ~88x (3 bytes -> 264); refuse bogus sizes before allocating.
    if (ulen > clen * 90 + 64) throw new RdbError(`invalid LZF string lengths (${clen} -> ${ulen})`);
    const out = scratchFor(ulen);
    if (!lzfDecompressInto(this.buf, start, start + clen, out, ulen)) throw new RdbError(`invalid LZF compressed string at offset ${this.pos - clen}`);
    this.lzfLen = ulen;
    return out;
  }

  /** The decimal text of an integer-encoded string (ENC_INT8/16/32). */
  private intString(enc: number): string {
    switch (enc) {
      case ENC_INT8:
        this.need(1);
        return String(this.buf.readInt8(this.pos++));
      case ENC_INT16: {
        this.need(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return String(v);
      }
      case ENC_INT32:
        return String(this.i32le());
      default:
        throw new RdbError(`unknown string encoding ${enc} at offset ${this.pos - 1}`);
    }
  }

  /** Old ZSET (type 3) score: a length byte then text; 253 nan, 254 +inf, 255 -inf. */
  textDouble(what: string): number {
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    return parseScore(this.bytes(n).latin1Slice(), what);
  }
}

/**
 * Runs the decoding of an encoded blob (ziplist, listpack, intset, zipmap); a corrupt blob's RdbError
 * gets Redis's rdbReportCorruptRDB reason, '<kind> integrity check failed.', which RESTORE and loading log.
 */
function integrity<T>(kind: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RdbError && !err.reason) throw new RdbError(err.message, `${kind} integrity check failed.`);
    throw err;
  }
}

/** Decodes one value of RDB type `type`; null for an empty collection (Redis skips those keys). */
export function readValue(r: RdbReader, type: number, key: string): Value | null {
  // Strings first, before building the error-message prefix (most keys; no string per key).
  if (type === T.STRING) return r.str();
  const what = `key '${key}'`;
  switch (type) {
    case T.LIST: {
      const n = r.count();
      const items = new Array<string>(n);
      for (let i = 0; i < n; i++) items[i] = r.str();
      return n ? ListValue.from(items) : null;
    }
    case T.SET: {
      const n = r.count();
      const s = new Set<string>();
      for (let i = 0; i < n; i++) s.add(r.str());
      if (s.size !== n) throw new RdbError(`${what}: duplicate set members`);
      return n ? SetValue.from(s) : null;
    }
    case T.ZSET:
    case T.ZSET_2: {
      const n = r.count();
      const entries: Array<[string, number]> = new Array(n);
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const m = r.str();
        const sc = type === T.ZSET_2 ? r.doubleLE() : r.textDouble(what);
        if (Number.isNaN(sc)) throw new RdbError(`${what}: zset score is NaN`);
        seen.add(m);
        entries[i] = [m, sc];
      }
      if (seen.size !== n) throw new RdbError(`${what}: duplicate zset members`);
      return n ? ZSetValue.from(entries) : null;
    }
    case T.HASH: {
      const n = r.count(2);
      const m = new Map<string, string>();
      for (let i = 0; i < n; i++) {
        const f = r.str();
        m.set(f, r.str());
      }
      if (m.size !== n) throw new RdbError(`${what}: duplicate hash fields`);
      return n ? new HashValue(m) : null;
    }
    case T.HASH_ZIPMAP: {
      const b = r.strBuf();
      return integrity('Zipmap', () => {
        const pairs = readZipmap(b, what);
        // zipmapValidateIntegrity refuses an empty zipmap (Redis never wrote one).
        if (!pairs.length) throw new RdbError(`${what}: empty zipmap`);
        return hashFromPairs(pairs, what);
      });
    }
    case T.HASH_ZIPLIST: {
      const b = r.strBuf();
      return integrity('Hash ziplist', () => hashFromFlat(readZiplist(b, what), what));
    }
    case T.HASH_LISTPACK: {
      const b = r.strBuf();
      return integrity('Hash listpack', () => hashFromFlat(readListpack(b, what), what));
    }
    case T.LIST_ZIPLIST: {
      const b = r.strBuf();
      const items = integrity('List ziplist', () => readZiplist(b, what));
      return items.length ? ListValue.from(items) : null;
    }
    case T.LIST_QUICKLIST:
    case T.LIST_QUICKLIST_2: {
      const nodes = r.count();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_PACKED;
        if (type === T.LIST_QUICKLIST_2) {
          container = r.len();
          if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) throw new RdbError(`${what}: unknown quicklist node container ${container}`);
        }
        const blob = r.strBuf();
        if (container === QUICKLIST_NODE_PLAIN) {
          // A plain node holds one element too big for a listpack: never empty.
          if (blob.length === 0) throw new RdbError(`${what}: empty plain quicklist node`);
          items.push(blob.latin1Slice());
          continue;
        }
        const entries = type === T.LIST_QUICKLIST_2 ? integrity('Listpack', () => readListpack(blob, what)) : integrity('Ziplist', () => readZiplist(blob, what));
        // Redis skips empty nodes.
        for (const e of entries) items.push(e);
      }
      return items.length ? ListValue.from(items) : null;
    }
    case T.SET_INTSET: {
      const b = r.strBuf();
      const s = integrity('Intset', () => {
        const members = readIntset(b, what);
        const set = new Set(members);
        if (set.size !== members.length) throw new RdbError(`${what}: duplicate intset members`);
        return set;
      });
      return s.size ? SetValue.from(s) : null;
    }
    case T.SET_LISTPACK: {
      const b = r.strBuf();
      const s = integrity('Set listpack', () => {
        const members = readListpack(b, what);
        const set = new Set(members);
        if (set.size !== members.length) throw new RdbError(`${what}: duplicate set members`);
        return set;
      });
      return s.size ? SetValue.from(s) : null;
    }
    case T.ZSET_ZIPLIST:
    case T.ZSET_LISTPACK: {
      const b = r.strBuf();
      const entries = integrity(type === T.ZSET_ZIPLIST ? 'Zset ziplist' : 'Zset listpack', () => {
        const flat = type === T.ZSET_ZIPLIST ? readZiplist(b, what) : readListpack(b, what);
        if (flat.length % 2) throw new RdbError(`${what}: sorted set blob has an odd number of entries`);
        const out: Array<[string, number]> = [];
        const seen = new Set<string>();
        for (let i = 0; i < flat.length; i += 2) {
          seen.add(flat[i]);
          const sc = parseScore(flat[i + 1], what);
          if (Number.isNaN(sc)) throw new RdbError(`${what}: zset score is NaN`);
          out.push([flat[i], sc]);
        }
        if (seen.size !== out.length) throw new RdbError(`${what}: duplicate zset members`);
        return out;
      });
      return entries.length ? ZSetValue.from(entries) : null;
    }
    default: {
      const name = TYPE_NAMES[type];
      if (name === undefined) throw new RdbError(`${what}: unknown RDB value type ${type}`);
      const kind = name.startsWith('stream') ? 'stream' : name.startsWith('module') ? 'module' : name;
      throw new RdbError(`${what} has type ${kind} (RDB type ${type}), which resplit does not store`);
    }
  }
}

function hashFromFlat(flat: string[], what: string): HashValue | null {
  if (flat.length % 2) throw new RdbError(`${what}: hash blob has an odd number of entries`);
  const m = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) m.set(flat[i], flat[i + 1]);
  if (m.size * 2 !== flat.length) throw new RdbError(`${what}: duplicate hash fields`);
  return m.size ? new HashValue(m) : null;
}

function hashFromPairs(pairs: Array<[string, string]>, what: string): HashValue | null {
  const m = new Map(pairs);
  if (m.size !== pairs.length) throw new RdbError(`${what}: duplicate hash fields`);
  return m.size ? new HashValue(m) : null;
}
