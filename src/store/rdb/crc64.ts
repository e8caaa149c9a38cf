// CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor):
// the trailer of RDB files and DUMP payloads. Kept as two 32-bit halves so the hot loop stays in
// small integers instead of BigInt.

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

/** An incremental CRC-64 (feed chunks in order, read the 8-byte little-endian trailer). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = start; i < end; i++) {
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
