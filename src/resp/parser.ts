// Resumable RESP request parser (multibulk and inline), shared by the store and the proxy.
// It follows redis/src/networking.c (processMultibulkBuffer / processInlineBuffer): the same limits,
// the same protocol error texts, and the same tolerance (the two bytes after a length line or a bulk
// payload are skipped, not checked). A chunk that ends mid-request keeps the parse state so nothing is
// rescanned; a large bulk is copied once into a buffer of its declared size.

/** Redis's limits; defaults are redis.conf's. */
export interface ParserLimits {
  /** proto-max-bulk-len: largest bulk argument accepted (512 MB). */
  maxBulkLen: number;
  /** PROTO_INLINE_MAX_SIZE: largest inline request / length line (64 KB). */
  maxInline: number;
  /** Largest multibulk count (Redis: INT_MAX). */
  maxMultibulk: number;
}

/** redis.conf's defaults, for parsers whose owner has no config (the proxy, tests). */
export const DEFAULT_LIMITS: ParserLimits = {
  maxBulkLen: 512 * 1024 * 1024,
  maxInline: 64 * 1024,
  maxMultibulk: 2147483647,
};

/** A protocol violation: reply `-ERR <message>` and then close the connection. */
export class ProtocolError {
  constructor(readonly message: string) {}
}

/** Arguments as Buffers (proxy, binary-safe) or latin1 strings (store: one byte per char, lossless). */
export type ArgMode = 'buffer' | 'string';

const CR = 13;
const LF = 10;
/** Bulks at least this large are assembled in a buffer of their declared size (no repeated concat). */
const BIG_ARG = 32 * 1024;
const EMPTY = Buffer.alloc(0);
/** A request still arriving keeps its parsed bytes (for its raw form) up to this size (see trimParsed). */
const KEEP_RAW = 256 * 1024;

/**
 * Parses requests out of a byte stream. Call `feed(chunk)` with each chunk read, then `next()` until it
 * returns null (needs more bytes). `next()` returns the argument vector of one request, or a
 * ProtocolError (after which the connection must be closed).
 */
export class RequestParser<A extends Buffer | string = Buffer> {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Offset in buf where the request being parsed started (for raw bytes). */
  private start = 0;
  /** Remaining bulk arguments of the current multibulk request; 0 when between requests. */
  private remaining = 0;
  /** Declared length of the bulk being waited for, or -1 when expecting a '$' line. */
  private bulkLen = -1;
  private args: A[] = [];
  /** Bytes of the arguments in `args` (the request being received). */
  private argBytes = 0;
  /** A large bulk being filled across chunks. */
  private big: Buffer | null = null;
  private bigFill = 0;
  /** False when the current request's bytes are not contiguous in one buffer. */
  private contiguous = true;
  /** Where the request returned last lies (buffer and offsets); raw slices it only when asked. */
  private rawBuf: Buffer | null = null;
  private rawStart = 0;
  private rawEnd = 0;
  /** Whether the request returned last by next() was inline. */
  lastInline = false;

  constructor(
    private readonly mode: ArgMode = 'buffer',
    public limits: ParserLimits = DEFAULT_LIMITS,
    /** Redis caps multibulk and bulk sizes for clients that still have to authenticate. */
    public authRequired: () => boolean = () => false,
  ) {}

  /** Appends bytes read from the socket. */
  feed(chunk: Buffer): void {
    if (this.big) {
      const need = this.big.length - this.bigFill;
      const n = Math.min(need, chunk.length);
      chunk.copy(this.big, this.bigFill, 0, n);
      this.bigFill += n;
      chunk = chunk.subarray(n);
      if (this.bigFill < this.big.length) return;
      // The big argument is complete (with its trailing CRLF).
      this.args.push(this.wrap(this.big, 0, this.big.length - 2));
      this.argBytes += this.big.length - 2;
      this.big = null;
      this.bulkLen = -1;
      this.remaining--;
      this.buf = chunk;
      this.pos = 0;
      this.start = 0;
      return;
    }
    if (this.pos >= this.buf.length && this.remaining === 0) {
      this.buf = chunk;
      this.pos = 0;
      this.start = 0;
    } else {
      this.trimParsed();
      const keep = this.buf.subarray(this.start);
      this.buf = keep.length ? Buffer.concat([keep, chunk]) : chunk;
      this.pos -= this.start;
      this.start = 0;
    }
  }

  /**
   * Stops referring to the chunks fed so far: the bytes still buffered (and, for Buffer arguments,
   * the arguments of a request half read) are copied. For a caller that reads into one shared
   * buffer and is about to reuse it; cheap when everything fed was parsed (the common case).
   */
  detach(): void {
    this.rawBuf = null;
    this.trimParsed();
    this.buf = this.start >= this.buf.length ? EMPTY : Buffer.from(this.buf.subarray(this.start));
    this.pos -= this.start;
    this.start = 0;
    if (this.mode === 'buffer' && this.args.length) this.args = this.args.map((a) => Buffer.from(a as Buffer) as A);
  }

  /**
   * Mid-request: forgets the bytes of the arguments parsed so far (they are held by the arguments
   * themselves), so that only the unparsed tail is copied with the next chunk. Keeping the whole
   * request made one of n bytes cost O(n^2) time and memory (a 28 MB RPUSH of small arguments took
   * 8 GB). The request's raw bytes are then not contiguous: the proxy re-encodes it from its
   * arguments, so Buffer mode keeps them while the request is small (the common split at a chunk
   * boundary costs nothing).
   */
  private trimParsed(): void {
    if (this.pos <= this.start || (this.remaining === 0 && this.args.length === 0)) return;
    if (this.mode === 'buffer' && this.pos - this.start < KEEP_RAW) return;
    this.start = this.pos;
    this.contiguous = false;
  }

  /** Nothing buffered and no request half read: the next chunk starts at a request boundary. */
  get idle(): boolean {
    return this.buf.length === this.start && this.remaining === 0 && this.args.length === 0 && this.big === null;
  }

  /** Bytes buffered but not yet returned as requests (for client-query-buffer limits). */
  get pendingBytes(): number {
    return this.buf.length - this.start + (this.big ? this.bigFill : 0);
  }

  /**
   * What a request still being received holds: its arguments so far (count and bytes) and the bytes
   * buffered after them. Redis's query buffer limit sees only the unparsed bytes (it frees them into
   * argv as it parses); the proxy, whose argument objects cost more than their bytes, limits the sum.
   */
  get partialArgs(): number {
    return this.args.length;
  }
  get partialBytes(): number {
    return this.argBytes + this.pendingBytes;
  }

  /** Everything held, the requests of this chunk already returned included (Redis's sdslen(querybuf)). */
  get heldBytes(): number {
    return this.buf.length + (this.big ? this.bigFill : 0);
  }

  /**
   * The raw bytes of the request returned last by next(), or null if they were not contiguous. Sliced
   * on demand: the store never asks, so it allocates nothing per request for it.
   */
  get raw(): Buffer | null {
    return this.rawBuf === null ? null : this.rawBuf.subarray(this.rawStart, this.rawEnd);
  }

  private setRaw(contiguous: boolean): void {
    this.rawBuf = contiguous ? this.buf : null;
    this.rawStart = this.start;
    this.rawEnd = this.pos;
  }

  /** Next complete request, null if more bytes are needed, or a ProtocolError. */
  next(): A[] | ProtocolError | null {
    for (;;) {
      if (this.big) return null;
      if (this.remaining === 0 && this.args.length === 0) {
        if (this.pos >= this.buf.length) return null;
        this.start = this.pos;
        this.contiguous = true;
        if (this.buf[this.pos] === 42 /* '*' */) {
          const r = this.multibulkHeader();
          if (r !== true) return r;
          if (this.remaining === 0) continue; // "*0" or "*-1": empty request, ignored
        } else {
          const r = this.inline();
          if (r === null || r instanceof ProtocolError) return r;
          if (r.length === 0) continue; // empty line
          this.lastInline = true;
          this.setRaw(true);
          this.start = this.pos;
          return r;
        }
      }
      const r = this.bulks();
      if (r !== true) return r;
      const out = this.args;
      this.args = [];
      this.argBytes = 0;
      this.lastInline = false;
      this.setRaw(this.contiguous);
      this.start = this.pos;
      return out;
    }
  }

  private wrap(b: Buffer, s: number, e: number): A {
    return (this.mode === 'string' ? b.latin1Slice(s, e) : b.subarray(s, e)) as A;
  }

  /** Reads "*<count>\r\n". */
  private multibulkHeader(): true | ProtocolError | null {
    const nl = this.buf.indexOf(CR, this.pos);
    if (nl < 0) {
      if (this.buf.length - this.pos > this.limits.maxInline) return new ProtocolError('Protocol error: too big mbulk count string');
      return null;
    }
    if (nl + 1 >= this.buf.length) return null; // need the byte after CR
    const ll = parseLL(this.buf, this.pos + 1, nl);
    if (ll === null || ll > this.limits.maxMultibulk) return new ProtocolError('Protocol error: invalid multibulk length');
    if (ll > 10 && this.authRequired()) return new ProtocolError('Protocol error: unauthenticated multibulk length');
    this.pos = nl + 2;
    this.remaining = ll > 0 ? ll : 0;
    this.bulkLen = -1;
    return true;
  }

  /** Reads the bulk arguments of a multibulk request. */
  private bulks(): true | ProtocolError | null {
    const buf = this.buf;
    while (this.remaining > 0) {
      if (this.bulkLen < 0) {
        const nl = buf.indexOf(CR, this.pos);
        if (nl < 0) {
          if (buf.length - this.pos > this.limits.maxInline) return new ProtocolError('Protocol error: too big bulk count string');
          return null;
        }
        if (nl + 1 >= buf.length) return null;
        if (buf[this.pos] !== 36 /* '$' */) {
          return new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
        }
        const ll = parseLL(buf, this.pos + 1, nl);
        if (ll === null || ll < 0 || ll > this.limits.maxBulkLen) return new ProtocolError('Protocol error: invalid bulk length');
        if (ll > 16384 && this.authRequired()) return new ProtocolError('Protocol error: unauthenticated bulk length');
        this.pos = nl + 2;
        this.bulkLen = ll;
      }
      const avail = buf.length - this.pos;
      if (avail < this.bulkLen + 2) {
        if (this.bulkLen >= BIG_ARG) {
          // Assemble the rest of this argument in a buffer of its declared size.
          this.big = Buffer.allocUnsafe(this.bulkLen + 2);
          buf.copy(this.big, 0, this.pos);
          this.bigFill = avail;
          this.contiguous = false;
          this.buf = EMPTY;
          this.pos = 0;
          this.start = 0;
        }
        return null;
      }
      this.args.push(this.wrap(buf, this.pos, this.pos + this.bulkLen));
      this.argBytes += this.bulkLen;
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.remaining--;
    }
    return true;
  }

  /** Reads one inline request ("SET a b\r\n"), split as sdssplitargs does. */
  private inline(): A[] | ProtocolError | null {
    const nl = this.buf.indexOf(LF, this.pos);
    // Redis finds the line's end with strchr, which stops at a NUL: a NUL before the newline leaves
    // the request incomplete for good (until the 64 KB limit), as it does there.
    if (nl < 0 || this.buf.subarray(this.pos, nl).indexOf(0) >= 0) {
      if (this.buf.length - this.pos > this.limits.maxInline) return new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === CR) end--;
    const parts = splitArgs(this.buf, this.pos, end);
    this.pos = nl + 1;
    if (parts === null) return new ProtocolError('Protocol error: unbalanced quotes in request');
    return parts.map((p) => (this.mode === 'string' ? p.latin1Slice(0, p.length) : p) as A);
  }
}

/**
 * Parses a signed decimal integer as Redis's string2ll does: no '+', no spaces, no leading zeros,
 * at most 19 digits. Returns null if invalid. Values beyond 2^53 lose precision, which is harmless here.
 */
export function parseLL(b: Buffer, s: number, e: number): number | null {
  if (s >= e || e - s > 20) return null;
  let i = s;
  let neg = false;
  if (b[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i === e) return null;
  }
  if (b[i] === 48 /* '0' */) return e - i === 1 && !neg ? 0 : null;
  let v = 0;
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}

/** sdssplitargs: splits an inline line into arguments with "..." and '...' quoting; null if unbalanced. */
export function splitArgs(b: Buffer, s: number, e: number): Buffer[] | null {
  const out: Buffer[] = [];
  let p = s;
  for (;;) {
    while (p < e && isSpace(b[p])) p++;
    if (p >= e) return out;
    const cur: number[] = [];
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      if (inq) {
        if (p >= e) return null;
        const c = b[p];
        if (c === 92 /* \ */ && p + 3 < e && b[p + 1] === 120 /* x */ && isHex(b[p + 2]) && isHex(b[p + 3])) {
          cur.push(hexVal(b[p + 2]) * 16 + hexVal(b[p + 3]));
          p += 3;
        } else if (c === 92 && p + 1 < e) {
          p++;
          const n = b[p];
          cur.push(n === 110 ? 10 : n === 114 ? 13 : n === 116 ? 9 : n === 98 ? 8 : n === 97 ? 7 : n);
        } else if (c === 34 /* " */) {
          if (p + 1 < e && !isSpace(b[p + 1])) return null;
          done = true;
        } else cur.push(c);
      } else if (insq) {
        if (p >= e) return null;
        const c = b[p];
        if (c === 92 && p + 1 < e && b[p + 1] === 39) {
          p++;
          cur.push(39);
        } else if (c === 39 /* ' */) {
          if (p + 1 < e && !isSpace(b[p + 1])) return null;
          done = true;
        } else cur.push(c);
      } else {
        if (p >= e) {
          done = true;
          break;
        }
        const c = b[p];
        if (isSpace(c)) done = true;
        else if (c === 34) inq = true;
        else if (c === 39) insq = true;
        else cur.push(c);
      }
      if (p < e) p++;
    }
    out.push(Buffer.from(cur));
  }
}
