// DUMP's serialized format: the value in RDB encoding, then the 2-byte RDB version (little-endian) and
// the CRC-64 of everything before it, so payloads move between resplit and redis-server 7.0 both ways.

import type { EncodingLimits, Value } from '../db';
import { RDB_VERSION, RdbError } from './constants';
import { crc64 } from './crc64';
import { OutBuf, writeValue } from './writer';
import { RdbReader, readValue } from './reader';

/** The DUMP payload of a value. */
export function dumpPayload(v: Value, limits: EncodingLimits, compress: boolean): Buffer {
  const out = new OutBuf(256);
  writeValue(out, v, limits, compress);
  out.u8(RDB_VERSION & 0xff);
  out.u8(RDB_VERSION >> 8);
  const body = out.take();
  return Buffer.concat([body, crc64(body)]);
}

/** verifyDumpPayload: length, version (at most ours) and checksum (unless skipped). */
export function verifyPayload(p: Buffer, checksum = true): boolean {
  if (p.length < 10) return false;
  const ver = p[p.length - 10] | (p[p.length - 9] << 8);
  if (ver > RDB_VERSION) return false;
  if (!checksum) return true;
  return crc64(p, 0, p.length - 8).equals(p.subarray(p.length - 8));
}

/** Decodes a verified payload; throws RdbError ("Bad data format") when the body is not a value. */
export function restorePayload(p: Buffer, key: string): Value {
  const r = new RdbReader(p, 0, p.length - 10);
  const type = r.u8();
  const v = readValue(r, type, key);
  if (v === null) throw new RdbError('empty collection in payload');
  return v;
}
