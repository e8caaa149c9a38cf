// Request frame scanner: finds where one complete, canonically written multibulk request ends and
// where its command name lies, without building an argument vector. The proxy forwards such requests
// as raw bytes and needs only the name to route them, so this skips the per-argument Buffer objects
// the full RequestParser makes. Anything unusual (inline requests, an incomplete frame, a length the
// full parser would reject or read differently) is reported as "not a fast frame" and left to
// RequestParser, which owns Redis's limits and error texts.

/** Where the last frame found by scanFrame lies (reused, so scanning allocates nothing). */
export const frame = {
  /** Offset just past the frame. */
  end: 0,
  /** The command name's bytes: [nameStart, nameEnd). */
  nameStart: 0,
  nameEnd: 0,
  /** Number of arguments, the name included. */
  argc: 0,
};

/**
 * Reads the decimal number starting at b[i] and ending at a CR followed by LF. Only the canonical
 * spelling is accepted (no sign, no leading zero, at most 10 digits). Returns the offset after the LF
 * with the value in `lastNum`, or -1.
 */
let lastNum = 0;
function num(b: Buffer, i: number, len: number): number {
  let v = 0;
  const s = i;
  for (; i < len; i++) {
    const c = b[i];
    if (c < 48 || c > 57) break;
    v = v * 10 + c - 48;
  }
  const digits = i - s;
  if (digits === 0 || digits > 10 || (digits > 1 && b[s] === 48)) return -1;
  if (i + 1 >= len || b[i] !== 13 || b[i + 1] !== 10) return -1;
  lastNum = v;
  return i + 2;
}

/**
 * Scans one multibulk request at b[pos]: `*<argc>\r\n` then argc `$<len>\r\n<bytes>\r\n`, all within
 * b. Returns true and fills `frame`, or false when the bytes there are not a complete fast frame.
 */
export function scanFrame(b: Buffer, pos: number, maxBulkLen: number): boolean {
  const len = b.length;
  if (pos >= len || b[pos] !== 42 /* * */) return false;
  let i = num(b, pos + 1, len);
  if (i < 0) return false;
  const argc = lastNum;
  if (argc === 0) return false;
  for (let a = 0; a < argc; a++) {
    if (i >= len || b[i] !== 36 /* $ */) return false;
    i = num(b, i + 1, len);
    if (i < 0) return false;
    const n = lastNum;
    if (n > maxBulkLen) return false;
    if (a === 0) {
      frame.nameStart = i;
      frame.nameEnd = i + n;
    }
    // The two bytes after a bulk are skipped unchecked, as RequestParser and Redis do.
    i += n + 2;
    if (i > len) return false;
  }
  frame.end = i;
  frame.argc = argc;
  return true;
}
