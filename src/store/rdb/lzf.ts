// LZF, the compression Redis applies to RDB strings longer than 20 bytes (rdbcompression yes). The
// compressor follows liblzf 3.6 as Redis 7.0 builds it (HLOG 16, VERY_FAST) with a zeroed hash table, so our
// DUMP payloads and RDB files match the real server's bytes; the decompressor checks every bound.

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Reused hash table of input positions. liblzf starts every call from an empty table; instead of
 * clearing 256 KB per string (which dominated SAVE), each call stores positions offset by `base` and
 * moves `base` past them afterwards, so entries from earlier calls read as negative (empty) positions.
 */
const htab = new Int32Array(HSIZE);
let base = 0;
/** Past this, the table is cleared and `base` starts again from 0 (Int32 range). */
const BASE_LIMIT = 0x7fffffff;

function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Compresses `input` into at most `outLimit` bytes (Redis passes len - 4); null when the result
 * would not fit, in which case the caller stores the string raw.
 */
export function lzfCompress(input: Uint8Array, outLimit = input.length - 4): Buffer | null {
  if (!input.length || outLimit <= 0) return null;
  const out = Buffer.allocUnsafe(outLimit + 1);
  const n = lzfCompressInto(input, input.length, out, outLimit);
  return n < 0 ? null : out.subarray(0, n);
}

/**
 * lzfCompress without allocations: compresses input[0, inLen) into out[0, outLimit] (out must hold
 * outLimit + 1 bytes); returns the compressed length, or -1 when it would not fit in outLimit.
 */
export function lzfCompressInto(input: Uint8Array, inLen: number, out: Uint8Array, outLimit: number): number {
  if (!inLen || outLimit <= 0) return -1;
  if (base > BASE_LIMIT - inLen - 1) {
    htab.fill(0);
    base = 0;
  }
  const b = base;
  base += inLen + 1;
  const outEnd = outLimit;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run
  let hval = (input[0] << 8) | input[1];
  while (ip < inLen - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot] - b;
    htab[slot] = ip + b;
    const off = ip - ref - 1;
    if (off < MAX_OFF && ref > 0 && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit ? 0 : 1) + 3 + 1 >= outEnd) return -1;
      out[op - lit - 1] = lit - 1; // stop run
      if (!lit) op--;
      // liblzf compares up to 16 bytes unrolled first, then continues bounded by maxlen: after 16
      // matches the bound is checked only from byte 19 on, so a match can end past maxlen. Redis
      // 7.0's output depends on it, so keep the exact shape.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip + b;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip + b;
      ip++;
    } else {
      if (op >= outEnd) return -1;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return -1;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (!lit) op--;
  if (op > outEnd) return -1;
  return op;
}

/** Decompresses an LZF block that must expand to exactly `outLen` bytes; null when corrupt. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  return lzfDecompressInto(input, 0, input.length, out, outLen) ? out : null;
}

/** Decompresses input[start, end) into out[0, outLen) (a reused buffer); false when corrupt. */
export function lzfDecompressInto(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): boolean {
  let ip = start;
  let op = 0;
  const inLen = end;
  while (ip < inLen) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > inLen) return false;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inLen) return false;
      if (len === 7) {
        len += input[ip++];
        if (ip >= inLen) return false;
      }
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return false;
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  return op === outLen;
}
