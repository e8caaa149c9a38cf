// CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor):
// the trailer of RDB files and DUMP payloads. Kept as two 32-bit halves so the hot loop stays in
// small integers instead of BigInt; eight bytes per step with "slicing-by-8" tables (as Redis's
// crcspeed), about 3x faster than a byte at a time over a whole RDB file.

const TLO = new Uint32Array(256);
const THI = new Uint32Array(256);
(() => {
  // Reflected polynomial (bit-reversed 0xad93d23594c935a9) = 0x95ac9329ac4bc9b5.
  const PHI = 0x95ac9329;
  const PLO = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        lo = (lo ^ PLO) >>> 0;
        hi = (hi ^ PHI) >>> 0;
      }
    }
    TLO[i] = lo;
    THI[i] = hi;
  }
})();

/** Slicing tables: entry k*256+i is the CRC of byte i followed by k zero bytes. */
const SLO = new Uint32Array(8 * 256);
const SHI = new Uint32Array(8 * 256);
(() => {
  SLO.set(TLO);
  SHI.set(THI);
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const plo = SLO[(k - 1) * 256 + i];
      const phi = SHI[(k - 1) * 256 + i];
      const t = plo & 0xff;
      SLO[k * 256 + i] = (TLO[t] ^ ((plo >>> 8) | (phi << 24))) >>> 0;
      SHI[k * 256 + i] = (THI[t] ^ (phi >>> 8)) >>> 0;
    }
  }
})();

/** An incremental CRC-64 (feed chunks in order, read the 8-byte little-endian trailer). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    for (const stop = end - 7; i < stop; i += 8) {
      const a = lo ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
      const b = hi ^ (buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24));
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = (SLO[i7] ^ SLO[i6] ^ SLO[i5] ^ SLO[i4] ^ SLO[i3] ^ SLO[i2] ^ SLO[i1] ^ SLO[i0]) >>> 0;
      hi = (SHI[i7] ^ SHI[i6] ^ SHI[i5] ^ SHI[i4] ^ SHI[i3] ^ SHI[i2] ^ SHI[i1] ^ SHI[i0]) >>> 0;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      lo = (TLO[idx] ^ ((lo >>> 8) | (hi << 24))) >>> 0;
      hi = (THI[idx] ^ (hi >>> 8)) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** The checksum as Redis stores it: 8 bytes, little-endian. */
  digest(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }

  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** CRC-64 of a whole buffer (or a range of it), as the 8-byte little-endian trailer. */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): Buffer {
  return new Crc64().update(buf, start, end).digest();
}
