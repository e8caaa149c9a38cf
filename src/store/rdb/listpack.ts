// Listpack (redis/redis src/listpack.c): the blob inside HASH_LISTPACK, ZSET_LISTPACK, SET_LISTPACK and
// QUICKLIST_2 nodes. Reading validates every entry against the blob's bounds; writing encodes integer-
// looking strings as integers, as lpAppend does, so Redis reads back exactly the same strings.

import { RdbError, isCanonicalInt } from './constants';

const EOF = 0xff;

/** Decodes a listpack into its entries (integers as decimal strings). Throws RdbError when corrupt. */
export function readListpack(lp: Buffer, what: string): string[] {
  if (lp.length < 7) throw new RdbError(`${what}: listpack too short`);
  const total = lp.readUInt32LE(0);
  if (total !== lp.length) throw new RdbError(`${what}: listpack header size ${total} does not match blob size ${lp.length}`);
  if (lp[lp.length - 1] !== EOF) throw new RdbError(`${what}: listpack not terminated`);
  const declared = lp.readUInt16LE(4);
  const out: string[] = [];
  let p = 6;
  const end = lp.length - 1;
  while (p < end) {
    const b = lp[p];
    let entryLen: number;
    if ((b & 0x80) === 0) {
      out.push(String(b & 0x7f));
      entryLen = 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      if (p + 1 + len > end) throw new RdbError(`${what}: listpack entry out of range`);
      out.push(lp.latin1Slice(p + 1, p + 1 + len));
      entryLen = 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) throw new RdbError(`${what}: listpack entry out of range`);
      let v = ((b & 0x1f) << 8) | lp[p + 1];
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(String(v));
      entryLen = 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) throw new RdbError(`${what}: listpack entry out of range`);
      const len = ((b & 0x0f) << 8) | lp[p + 1];
      if (p + 2 + len > end) throw new RdbError(`${what}: listpack entry out of range`);
      out.push(lp.latin1Slice(p + 2, p + 2 + len));
      entryLen = 2 + len;
    } else {
      switch (b) {
        case 0xf0: {
          if (p + 5 > end) throw new RdbError(`${what}: listpack entry out of range`);
          const len = lp.readUInt32LE(p + 1);
          if (p + 5 + len > end) throw new RdbError(`${what}: listpack entry out of range`);
          out.push(lp.latin1Slice(p + 5, p + 5 + len));
          entryLen = 5 + len;
          break;
        }
        case 0xf1:
          if (p + 3 > end) throw new RdbError(`${what}: listpack entry out of range`);
          out.push(String(lp.readInt16LE(p + 1)));
          entryLen = 3;
          break;
        case 0xf2:
          if (p + 4 > end) throw new RdbError(`${what}: listpack entry out of range`);
          out.push(String(lp.readIntLE(p + 1, 3)));
          entryLen = 4;
          break;
        case 0xf3:
          if (p + 5 > end) throw new RdbError(`${what}: listpack entry out of range`);
          out.push(String(lp.readInt32LE(p + 1)));
          entryLen = 5;
          break;
        case 0xf4:
          if (p + 9 > end) throw new RdbError(`${what}: listpack entry out of range`);
          out.push(lp.readBigInt64LE(p + 1).toString());
          entryLen = 9;
          break;
        default:
          throw new RdbError(`${what}: invalid listpack entry encoding 0x${b.toString(16)}`);
      }
    }
    p += entryLen + backlenSize(entryLen);
    if (p > end) throw new RdbError(`${what}: listpack entry out of range`);
    // The back-length must give the entry's size (lpValidateNext), or reverse iteration goes astray.
    if (decodeBacklen(lp, p - 1) !== entryLen) throw new RdbError(`${what}: listpack entry back-length does not match its size ${entryLen}`);
  }
  if (declared !== 65535 && declared !== out.length) throw new RdbError(`${what}: listpack count ${declared} does not match ${out.length} entries`);
  return out;
}

/** lpDecodeBacklen: the back-length whose last byte is at `p` (7 bits a byte, high bit = more before). */
function decodeBacklen(lp: Buffer, p: number): number {
  let v = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++, p--) {
    v += (lp[p] & 127) * 2 ** shift;
    if (!(lp[p] & 128)) return v;
    shift += 7;
  }
  return -1;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes one entry takes in a listpack (encoding + data + backlen), to size nodes before building. */
export function listpackEntrySize(s: string): number {
  const l = entryBodySize(s);
  return l + backlenSize(l);
}

function entryBodySize(s: string): number {
  if (isCanonicalInt(s)) {
    const v = s.length < 16 ? Number(s) : null;
    if (v !== null) {
      if (v >= 0 && v <= 127) return 1;
      if (v >= -4096 && v <= 4095) return 2;
      if (v >= -32768 && v <= 32767) return 3;
      if (v >= -8388608 && v <= 8388607) return 4;
      if (v >= -2147483648 && v <= 2147483647) return 5;
    }
    return 9;
  }
  const n = s.length;
  if (n < 64) return 1 + n;
  if (n < 4096) return 2 + n;
  return 5 + n;
}

function writeBacklen(out: Buffer, p: number, l: number): number {
  if (l <= 127) {
    out[p] = l;
    return 1;
  }
  if (l < 16383) {
    out[p] = l >>> 7;
    out[p + 1] = (l & 127) | 128;
    return 2;
  }
  if (l < 2097151) {
    out[p] = l >>> 14;
    out[p + 1] = ((l >>> 7) & 127) | 128;
    out[p + 2] = (l & 127) | 128;
    return 3;
  }
  if (l < 268435455) {
    out[p] = l >>> 21;
    out[p + 1] = ((l >>> 14) & 127) | 128;
    out[p + 2] = ((l >>> 7) & 127) | 128;
    out[p + 3] = (l & 127) | 128;
    return 4;
  }
  out[p] = Math.floor(l / 2 ** 28);
  out[p + 1] = ((l >>> 21) & 127) | 128;
  out[p + 2] = ((l >>> 14) & 127) | 128;
  out[p + 3] = ((l >>> 7) & 127) | 128;
  out[p + 4] = (l & 127) | 128;
  return 5;
}

/** Builds a listpack from entries, as Redis's lpAppend would encode them. */
export function buildListpack(entries: readonly string[]): Buffer {
  let total = 6 + 1;
  for (const e of entries) total += listpackEntrySize(e);
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32LE(total, 0);
  out.writeUInt16LE(entries.length < 65535 ? entries.length : 65535, 4);
  let p = 6;
  for (const s of entries) {
    const start = p;
    if (isCanonicalInt(s)) {
      const big = s.length >= 16;
      const v = big ? 0 : Number(s);
      if (!big && v >= 0 && v <= 127) out[p++] = v;
      else if (!big && v >= -4096 && v <= 4095) {
        const u = v & 0x1fff;
        out[p++] = 0xc0 | (u >> 8);
        out[p++] = u & 0xff;
      } else if (!big && v >= -32768 && v <= 32767) {
        out[p++] = 0xf1;
        p = out.writeInt16LE(v, p);
      } else if (!big && v >= -8388608 && v <= 8388607) {
        out[p++] = 0xf2;
        p = out.writeIntLE(v, p, 3);
      } else if (!big && v >= -2147483648 && v <= 2147483647) {
        out[p++] = 0xf3;
        p = out.writeInt32LE(v, p);
      } else {
        out[p++] = 0xf4;
        p = out.writeBigInt64LE(BigInt(s), p);
      }
    } else {
      const n = s.length;
      if (n < 64) out[p++] = 0x80 | n;
      else if (n < 4096) {
        out[p++] = 0xe0 | (n >> 8);
        out[p++] = n & 0xff;
      } else {
        out[p++] = 0xf0;
        p = out.writeUInt32LE(n, p);
      }
      p += out.latin1Write(s, p, n);
    }
    p += writeBacklen(out, p, p - start);
  }
  out[p++] = EOF;
  if (p !== total) throw new Error(`listpack size mismatch ${p} != ${total}`);
  return out;
}
