// Zipmap (redis/redis src/zipmap.c): the hash encoding of Redis before 2.6, still loadable by 7.0
// (HASH_ZIPMAP). Read only; every length is checked against the blob.

import { RdbError } from './constants';

/** Decodes a zipmap into [field, value] pairs. Throws RdbError when corrupt. */
export function readZipmap(b: Buffer, what: string): Array<[string, string]> {
  const bad = (): never => {
    throw new RdbError(`${what}: zipmap entry out of range`);
  };
  if (b.length < 2) bad();
  let p = 1; // zmlen
  const out: Array<[string, string]> = [];
  const readLen = (): number => {
    if (p >= b.length) bad();
    const f = b[p];
    if (f < 254) {
      p += 1;
      return f;
    }
    if (f === 254) {
      if (p + 5 > b.length) bad();
      const l = b.readUInt32LE(p + 1);
      p += 5;
      return l;
    }
    p += 1;
    return -1; // 255: end
  };
  for (;;) {
    const kl = readLen();
    if (kl < 0) break;
    if (p + kl > b.length) bad();
    const field = b.latin1Slice(p, p + kl);
    p += kl;
    const vl = readLen();
    if (vl < 0) bad();
    if (p >= b.length) bad();
    const free = b[p++];
    if (p + vl + free > b.length) bad();
    const value = b.latin1Slice(p, p + vl);
    p += vl + free;
    out.push([field, value]);
  }
  if (p !== b.length) bad();
  return out;
}
