// Ziplist (redis/redis src/ziplist.c), the pre-7.0 small encoding of lists, hashes and sorted sets.
// Redis 7.0 still loads it from old files (LIST_ZIPLIST, QUICKLIST nodes, HASH_ZIPLIST, ZSET_ZIPLIST)
// and converts on load; we only read it, checking every entry against the blob's bounds.

import { RdbError } from './constants';

/** Decodes a ziplist into its entries (integers as decimal strings). Throws RdbError when corrupt. */
export function readZiplist(zl: Buffer, what: string): string[] {
  if (zl.length < 11) throw new RdbError(`${what}: ziplist too short`);
  const total = zl.readUInt32LE(0);
  if (total !== zl.length) throw new RdbError(`${what}: ziplist header size ${total} does not match blob size ${zl.length}`);
  if (zl[zl.length - 1] !== 0xff) throw new RdbError(`${what}: ziplist not terminated`);
  const declared = zl.readUInt16LE(8);
  const end = zl.length - 1;
  const out: string[] = [];
  let p = 10;
  const bad = (): never => {
    throw new RdbError(`${what}: ziplist entry out of range`);
  };
  let prevSize = 0;
  let last = 10;
  while (p < end) {
    const start = p;
    last = start;
    // prevlen: must be the previous entry's size, 0 for the first (ziplistValidateIntegrity).
    let prevlen: number;
    if (zl[p] === 0xfe) {
      if (p + 5 > end) bad();
      prevlen = zl.readUInt32LE(p + 1);
      p += 5;
    } else prevlen = zl[p++];
    if (prevlen !== prevSize) throw new RdbError(`${what}: ziplist entry prevlen ${prevlen} does not match the previous entry's size ${prevSize}`);
    if (p >= end) bad();
    const b = zl[p];
    const top = b >> 6;
    if (top === 0) {
      const len = b & 0x3f;
      if (p + 1 + len > end) bad();
      out.push(zl.latin1Slice(p + 1, p + 1 + len));
      p += 1 + len;
    } else if (top === 1) {
      if (p + 2 > end) bad();
      const len = ((b & 0x3f) << 8) | zl[p + 1];
      if (p + 2 + len > end) bad();
      out.push(zl.latin1Slice(p + 2, p + 2 + len));
      p += 2 + len;
    } else if (top === 2) {
      if (p + 5 > end) bad();
      const len = zl.readUInt32BE(p + 1);
      if (p + 5 + len > end) bad();
      out.push(zl.latin1Slice(p + 5, p + 5 + len));
      p += 5 + len;
    } else {
      switch (b) {
        case 0xc0:
          if (p + 3 > end) bad();
          out.push(String(zl.readInt16LE(p + 1)));
          p += 3;
          break;
        case 0xd0:
          if (p + 5 > end) bad();
          out.push(String(zl.readInt32LE(p + 1)));
          p += 5;
          break;
        case 0xe0:
          if (p + 9 > end) bad();
          out.push(zl.readBigInt64LE(p + 1).toString());
          p += 9;
          break;
        case 0xf0:
          if (p + 4 > end) bad();
          out.push(String(zl.readIntLE(p + 1, 3)));
          p += 4;
          break;
        case 0xfe:
          if (p + 2 > end) bad();
          out.push(String(zl.readInt8(p + 1)));
          p += 2;
          break;
        default:
          if (b >= 0xf1 && b <= 0xfd) {
            out.push(String((b & 0x0f) - 1));
            p += 1;
          } else throw new RdbError(`${what}: invalid ziplist entry encoding 0x${b.toString(16)}`);
      }
    }
    prevSize = p - start;
  }
  if (p !== end) bad();
  // The tail offset must point at the last entry (the header's end when there is none).
  const tail = zl.readUInt32LE(4);
  if (tail !== last) throw new RdbError(`${what}: ziplist tail offset ${tail} is not the last entry's ${last}`);
  if (declared !== 65535 && declared !== out.length) throw new RdbError(`${what}: ziplist count ${declared} does not match ${out.length} entries`);
  return out;
}
