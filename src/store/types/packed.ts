// Primitives of the packed encodings: a small hash or sorted set stored as ONE latin1 JS string,
// as Redis stores it as one listpack. A V8 string costs a 16-byte header plus its bytes, whereas
// arrays/Maps of separate strings cost 24+ bytes per element plus their containers; memory per key
// is benchmarked against Redis. Entries are length-prefixed (a varint of 7-bit groups, low first,
// high bit = more), so lookups scan linearly over a short string, like Redis's listpack.
//
// New packed strings are always built with Array.prototype.join: it yields one flat sequential
// string, whereas `a + b` yields a cons-string tree that costs extra objects until it is flattened.

/** Offset just past the last length read by lenAt (a module cursor: no tuple allocation per read). */
export let after = 0;

/** Reads the varint length at offset o; sets `after` to the offset of the bytes that follow it. */
export function lenAt(p: string, o: number): number {
  let c = p.charCodeAt(o++);
  if (c < 0x80) {
    after = o;
    return c;
  }
  let n = c & 0x7f;
  let mul = 0x80;
  for (;;) {
    c = p.charCodeAt(o++);
    n += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 0x80;
  }
  after = o;
  return n;
}

/** The varint text of a length (one char below 128: V8's single-char string cache, no allocation). */
export function lenStr(n: number): string {
  if (n < 0x80) return String.fromCharCode(n);
  let s = '';
  while (n >= 0x80) {
    s += String.fromCharCode(0x80 | (n & 0x7f));
    n = Math.floor(n / 0x80);
  }
  return s + String.fromCharCode(n);
}

/** Whether the `len` bytes at offset o of p equal s (no substring allocated). */
export function equalAt(p: string, o: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  if (len === 0) return true;
  return p.charCodeAt(o) === s.charCodeAt(0) && p.startsWith(s, o);
}

/** Bytewise comparison of the `len` bytes at offset o of p with s: <0, 0 or >0 (memcmp order). */
export function compareAt(p: string, o: number, len: number, s: string): number {
  const n = len < s.length ? len : s.length;
  for (let i = 0; i < n; i++) {
    const d = p.charCodeAt(o + i) - s.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - s.length;
}

/** Joins its arguments into one flat string. */
export function build(...pieces: string[]): string {
  return pieces.join('');
}

/**
 * A copy of p's bytes [from, to) that does not keep p alive (V8's substrings of 13+ chars are views
 * into their parent): for strings moved out of a packed string into a long-lived Map or skip list.
 */
export function detach(buf: Buffer, from: number, to: number): string {
  return buf.latin1Slice(from, to);
}
