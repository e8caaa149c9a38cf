// Argument parsing helpers shared by command families: integers and floats parsed exactly as Redis's
// string2ll / strtod checks do, so that the same inputs are accepted and refused with the same errors.

/** Parses a 64-bit signed integer as Redis's string2ll (strict: no spaces, no '+', no leading zeros). */
export function parseInteger(s: string): number | null {
  if (s.length === 0 || s.length > 20) return null;
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s === '-0') return null;
  const n = Number(s);
  if (n > 9223372036854775807 || n < -9223372036854775808) return null;
  if (!Number.isSafeInteger(n)) {
    const b = BigInt(s);
    if (b > 9223372036854775807n || b < -9223372036854775808n) return null;
  }
  return n;
}

/** Parses a 64-bit signed integer exactly as a bigint (for INCR-style arithmetic near the limits). */
export function parseBigInt(s: string): bigint | null {
  if (parseInteger(s) === null) return null;
  return BigInt(s);
}

/** int64 bounds: Redis's integer replies and INCR arithmetic overflow at these. */
export const LLONG_MAX = 9223372036854775807n;
/** The lowest int64 (Redis's LLONG_MIN). */
export const LLONG_MIN = -9223372036854775808n;

/** Parses a double as Redis's string2d / strtod: "inf", "-inf", "+inf" allowed, no spaces, not NaN. */
export function parseFloatArg(s: string): number | null {
  if (s.length === 0 || s !== s.trim()) return null;
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/.test(s)) return null;
  const n = Number(s);
  if (Number.isNaN(n)) return null;
  return n;
}
