// Number formatting as Redis prints it: doubles with "%.17g" (addReplyDouble in 7.0), inf/-inf/nan.

/** Formats a double exactly like C's printf("%.17g"), with Redis's spelling of infinities. */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  return formatG(d, 17);
}

/** C's "%.<p>g" for a finite non-zero double. */
export function formatG(d: number, p: number): string {
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
