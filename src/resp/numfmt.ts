// Number formatting as Redis prints it: doubles with "%.17g" (addReplyDouble in 7.0), inf/-inf/nan.

/** Formats a double exactly like C's printf("%.17g"), with Redis's spelling of infinities. */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  return formatG(d, 17);
}

/**
 * The exact decimal expansion of a finite non-zero |d|: its significant digits and the decimal
 * exponent of the first one (d = 0.D1D2... x 10^(x+1)).
 */
function exactDigits(d: number): { digits: string; x: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(d));
  const bits = view.getBigUint64(0);
  const be = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp2: number;
  if (be === 0) exp2 = -1074;
  else {
    mant |= 1n << 52n;
    exp2 = be - 1075;
  }
  let int: bigint;
  let frac: number; // decimal digits after the point
  if (exp2 >= 0) {
    int = mant << BigInt(exp2);
    frac = 0;
  } else {
    int = mant * 5n ** BigInt(-exp2);
    frac = -exp2;
  }
  const all = int.toString();
  const digits = all.replace(/0+$/, '');
  return { digits, x: all.length - frac - 1 };
}

/**
 * C's "%.<p>g" for a finite non-zero double. toExponential/toFixed round an exact tie (the value
 * halfway between two p-digit decimals, such as 736.896514892578125 at 17 digits) up, where printf
 * (glibc) rounds it to even: 736.89651489257812. Such ties are settled on the exact expansion.
 */
export function formatG(d: number, p: number): string {
  const longer = d.toExponential(p);
  if (longer.charCodeAt(longer.indexOf('e') - 1) === 53 /* '5' */) {
    const { digits, x } = exactDigits(d);
    if (digits.length === p + 1 && digits.charCodeAt(p) === 53 && (digits.charCodeAt(p - 1) - 48) % 2 === 0) {
      // A tie to round down (to the even digit): the first p digits, as they are.
      return layoutG(d < 0 ? '-' : '', digits.slice(0, p), x, p);
    }
  }
  const e = d.toExponential(p - 1);
  const ei = e.indexOf('e');
  const x = parseInt(e.slice(ei + 1), 10);
  if (x < -4 || x >= p) {
    let m = e.slice(0, ei);
    if (m.indexOf('.') >= 0) m = m.replace(/0+$/, '').replace(/\.$/, '');
    const ax = Math.abs(x);
    return `${m}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' + ax : ax}`;
  }
  let f = d.toFixed(Math.max(0, p - 1 - x));
  if (f.indexOf('.') >= 0) f = f.replace(/0+$/, '').replace(/\.$/, '');
  return f;
}

/** Lays out p significant digits (first one at decimal exponent x) as %g does. */
function layoutG(sign: string, digits: string, x: number, p: number): string {
  if (x < -4 || x >= p) {
    let m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    if (m.indexOf('.') >= 0) m = m.replace(/0+$/, '').replace(/\.$/, '');
    const ax = Math.abs(x);
    return `${sign}${m}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' + ax : ax}`;
  }
  let f: string;
  if (x < 0) f = `0.${'0'.repeat(-x - 1)}${digits}`;
  else if (x + 1 >= digits.length) f = digits + '0'.repeat(x + 1 - digits.length);
  else f = `${digits.slice(0, x + 1)}.${digits.slice(x + 1)}`;
  if (f.indexOf('.') >= 0) f = f.replace(/0+$/, '').replace(/\.$/, '');
  return sign + f;
}
