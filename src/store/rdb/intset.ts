// Intset (redis/redis src/intset.c): the SET_INTSET blob, a sorted array of 16/32/64-bit integers.
// Read from any file; written for small all-integer sets as Redis 7.0 does.

import { RdbError } from './constants';

/** Decodes an intset blob into decimal strings. Throws RdbError when corrupt. */
export function readIntset(b: Buffer, what: string): string[] {
  if (b.length < 8) throw new RdbError(`${what}: intset too short`);
  const enc = b.readUInt32LE(0);
  const n = b.readUInt32LE(4);
  if (enc !== 2 && enc !== 4 && enc !== 8) throw new RdbError(`${what}: invalid intset encoding ${enc}`);
  if (8 + n * enc !== b.length) throw new RdbError(`${what}: intset size does not match its length`);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const p = 8 + i * enc;
    out[i] = enc === 2 ? String(b.readInt16LE(p)) : enc === 4 ? String(b.readInt32LE(p)) : b.readBigInt64LE(p).toString();
  }
  return out;
}

/** Builds an intset from integer strings (canonical int64), sorted ascending, with the narrowest width. */
export function buildIntset(members: Iterable<string>): Buffer {
  const vals = Array.from(members, (m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let enc = 2;
  for (const v of vals) {
    if (v < -2147483648n || v > 2147483647n) {
      enc = 8;
      break;
    }
    if (v < -32768n || v > 32767n) enc = 4;
  }
  const out = Buffer.allocUnsafe(8 + vals.length * enc);
  out.writeUInt32LE(enc, 0);
  out.writeUInt32LE(vals.length, 4);
  for (let i = 0; i < vals.length; i++) {
    const p = 8 + i * enc;
    if (enc === 2) out.writeInt16LE(Number(vals[i]), p);
    else if (enc === 4) out.writeInt32LE(Number(vals[i]), p);
    else out.writeBigInt64LE(vals[i], p);
  }
  return out;
}
