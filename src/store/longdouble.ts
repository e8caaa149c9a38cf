// x87 80-bit long double arithmetic, just enough for INCRBYFLOAT and HINCRBYFLOAT: Redis parses with
// strtold, adds in long double (64-bit mantissa) and prints with "%.17Lf" then trims zeros. Doing the
// same in JS doubles gives different text (10.5 + 0.1 prints "10.59999999999999964" from a double but
// "10.6" from a long double), so values are kept exactly as m * 2^e with a 64-bit BigInt mantissa and
// every step rounds as the hardware does (nearest, ties to even).

/** A finite long double: (-1)^neg * m * 2^e, with m = 0 or 2^63 <= m < 2^64. */
export interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
}

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;
/** Largest binary exponent of the leading bit (LDBL_MAX_EXP - 1). */
const MAX_EXP = 16383;
/** Below this leading-bit exponent the value underflows (denormals are not modelled further). */
const MIN_EXP = -16445;
/** strtold input longer than this is refused by Redis's string2ld (MAX_LONG_DOUBLE_CHARS). */
const MAX_CHARS = 5 * 1024;

/** 0 as a long double (the start of HINCRBYFLOAT/INCRBYFLOAT on a missing value). */
export const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0 };

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Rounds num/den * 2^e0 (num >= 0, den > 0) to a long double. Returns Infinity on overflow, null on
 * underflow of a non-zero value (strtold's ERANGE towards zero).
 */
function round(neg: boolean, num: bigint, den: bigint, e0: number): LongDouble | number | null {
  if (num === 0n) return { neg, m: 0n, e: 0 };
  let e = bitLength(num) - bitLength(den) - 64;
  let q: bigint;
  let r: bigint;
  let d: bigint;
  for (;;) {
    let n = num;
    d = den;
    if (e < 0) n <<= BigInt(-e);
    else d <<= BigInt(e);
    q = n / d;
    r = n - q * d;
    if (q >= TWO64) e++;
    else if (q < TWO63) e--;
    else break;
  }
  const twice = r * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) {
    q++;
    if (q === TWO64) {
      q = TWO63;
      e++;
    }
  }
  const exp = e + e0;
  if (exp + 63 > MAX_EXP) return neg ? -Infinity : Infinity;
  if (exp + 63 < MIN_EXP) return null;
  return { neg, m: q, e: exp };
}

/** strtold sets ERANGE on overflow (HUGE_VAL) and string2ld refuses it, unlike a literal "inf". */
function finite(r: LongDouble | number | null): LongDouble | null {
  return typeof r === 'number' ? null : r;
}

const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * Parses as Redis's string2ld (strtold, no leading space, whole string consumed, no NaN, no ERANGE).
 * Returns a long double, +-Infinity for "inf", or null when Redis says "not a valid float".
 */
export function parseLongDouble(s: string): LongDouble | number | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const low = s.toLowerCase();
  const body = low[0] === '+' || low[0] === '-' ? low.slice(1) : low;
  if (body === 'inf' || body === 'infinity') return low[0] === '-' ? -Infinity : Infinity;
  if (body.startsWith('nan')) return null;
  let mt = HEX_RE.exec(s);
  if (mt) {
    const int = mt[2];
    const frac = mt[3] ?? '';
    if (int.length + frac.length === 0) return null;
    const num = BigInt('0x' + (int + frac || '0'));
    const exp = (mt[4] ? parseInt(mt[4], 10) : 0) - 4 * frac.length;
    if (!Number.isFinite(exp) || Math.abs(exp) > 100000) return num === 0n ? { neg: mt[1] === '-', m: 0n, e: 0 } : null;
    return finite(round(mt[1] === '-', num, 1n, exp));
  }
  mt = DEC_RE.exec(s);
  if (!mt) return null;
  const int = mt[2];
  const frac = mt[3] ?? '';
  if (int.length + frac.length === 0) return null;
  const digits = (int + frac).replace(/^0+/, '');
  const neg = mt[1] === '-';
  if (digits === '') return { neg, m: 0n, e: 0 };
  const exp10 = (mt[4] ? parseInt(mt[4], 10) : 0) - frac.length;
  if (exp10 + digits.length > 5000) return null;
  if (exp10 + digits.length < -5000) return null;
  const n = BigInt(digits);
  return finite(exp10 >= 0 ? round(neg, n * 10n ** BigInt(exp10), 1n, 0) : round(neg, n, 10n ** BigInt(-exp10), 0));
}

/** a + b rounded to long double; +-Infinity on overflow. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | number {
  if (a.m === 0n && b.m === 0n) return { neg: a.neg && b.neg, m: 0n, e: 0 };
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const emin = Math.min(a.e, b.e);
  const av = (a.neg ? -a.m : a.m) << BigInt(a.e - emin);
  const bv = (b.neg ? -b.m : b.m) << BigInt(b.e - emin);
  const sum = av + bv;
  if (sum === 0n) return LD_ZERO;
  const r = round(sum < 0n, sum < 0n ? -sum : sum, 1n, emin);
  // An exact sum of two in-range values cannot underflow past the smallest exponent we model.
  return r === null ? LD_ZERO : r;
}

/** "%.17Lf" with trailing zeros (and a trailing '.') removed, "-0" printed as "0" (ld2string HUMAN). */
export function formatLongDoubleHuman(v: LongDouble): string {
  const P = 10n ** 17n;
  let q: bigint;
  if (v.e >= 0) q = (v.m << BigInt(v.e)) * P;
  else {
    const num = v.m * P;
    const sh = BigInt(-v.e);
    q = num >> sh;
    const r = num - (q << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
  }
  let digits = q.toString().padStart(18, '0');
  let out = digits.slice(0, -17) + '.' + digits.slice(-17);
  out = out.replace(/0+$/, '');
  if (out.endsWith('.')) out = out.slice(0, -1);
  if (v.neg) out = '-' + out;
  if (out === '-0') out = '0';
  digits = out;
  return digits;
}
