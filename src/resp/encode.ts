// RESP encoders. ReplyWriter appends replies (RESP2 or RESP3 shapes) into one growing chunk that the
// owner takes once per event-loop pass and writes to its socket with a single write() call.
// encodeCommand builds a request as a client would send it (proxy health checks, replication links).

import { formatDouble } from './numfmt';

const CHUNK = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/** Replies encoded once: constant answers cost a copy, not an encode. */
export const R_OK = Buffer.from('+OK\r\n');
/** PING's reply without an argument. */
export const R_PONG = Buffer.from('+PONG\r\n');
/** The reply to a command queued inside MULTI. */
export const R_QUEUED = Buffer.from('+QUEUED\r\n');

/**
 * Append-only reply buffer for one connection. Handlers call the typed methods in protocol order;
 * the connection calls take() once per pass and writes the bytes.
 */
export class ReplyWriter {
  /** Protocol version of the connection (HELLO 2/3). */
  resp: 2 | 3 = 2;
  /** Number of error replies written so far (the dispatcher reads it to count failed calls). */
  errors = 0;
  /** The last error reply text written (for errorstats). */
  lastError = '';
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private off = 0;
  private full: Buffer[] = [];
  private fullBytes = 0;
  /** Bytes appended by reference (rawRef) while the writer was otherwise empty. */
  private ref: Buffer | null = null;

  /** Bytes written but not yet taken. */
  get pending(): number {
    return this.fullBytes + this.off - this.start + (this.ref === null ? 0 : this.ref.length);
  }

  /** Returns the bytes written since the last take (or null), leaving the writer empty. */
  take(): Buffer | null {
    if (this.ref !== null) {
      // Only a reference is held (any later append copies it in first).
      const r = this.ref;
      this.ref = null;
      return r;
    }
    let out: Buffer | null = null;
    if (this.full.length) {
      if (this.off > this.start) this.full.push(this.chunk.subarray(this.start, this.off));
      out = this.full.length === 1 ? this.full[0] : Buffer.concat(this.full);
      this.full = [];
      this.fullBytes = 0;
      this.chunk = Buffer.allocUnsafe(CHUNK);
      this.start = this.off = 0;
      return out;
    }
    if (this.off === this.start) return null;
    out = this.chunk.subarray(this.start, this.off);
    if (this.chunk.length - this.off < 512) {
      this.chunk = Buffer.allocUnsafe(CHUNK);
      this.off = 0;
    }
    this.start = this.off;
    return out;
  }

  /** Drops everything not yet taken (used for clients whose replies are discarded). */
  discard(): void {
    this.ref = null;
    this.full = [];
    this.fullBytes = 0;
    this.start = this.off;
  }

  private ensure(n: number): void {
    if (this.ref !== null) this.unref();
    if (this.chunk.length - this.off >= n) return;
    if (this.off > this.start) {
      const b = this.chunk.subarray(this.start, this.off);
      this.full.push(b);
      this.fullBytes += b.length;
    }
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.start = this.off = 0;
  }

  /**
   * Appends bytes that nobody changes until they are written (a reply read from a backend, a
   * constant): into an empty writer by reference, so a lone reply is written without a copy.
   */
  rawRef(b: Buffer): void {
    if (this.ref === null && this.off === this.start && this.fullBytes === 0 && this.full.length === 0) this.ref = b;
    else this.raw(b);
  }

  /** Copies a referenced buffer in, before anything appended after it. */
  private unref(): void {
    const r = this.ref!;
    this.ref = null;
    this.raw(r);
  }

  /** Appends bytes already in RESP form. */
  raw(b: Buffer): void {
    if (this.ref !== null) this.unref();
    if (b.length > CHUNK) {
      this.ensure(0);
      if (this.off > this.start) {
        const part = this.chunk.subarray(this.start, this.off);
        this.full.push(part);
        this.fullBytes += part.length;
        this.start = this.off;
      }
      this.full.push(b);
      this.fullBytes += b.length;
      return;
    }
    this.ensure(b.length);
    this.off += b.copy(this.chunk, this.off);
  }

  /** Where rawKept put its last bytes: keptBuf[keptAt, keptEnd) (never overwritten later). */
  keptBuf: Buffer = EMPTY;
  keptAt = 0;
  keptEnd = 0;

  /**
   * Appends bytes already in RESP form, copying them, and records where the copy is (keptBuf,
   * keptAt, keptEnd; big ones get a buffer of their own), for a caller whose `b` is about to be
   * overwritten (a shared read buffer) and who may need the bytes again (a read to re-send). No
   * view is made here: most kept bytes are never looked at again.
   */
  rawKept(b: Buffer): void {
    if (b.length > CHUNK) {
      const own = Buffer.from(b);
      this.raw(own);
      this.keptBuf = own;
      this.keptAt = 0;
      this.keptEnd = own.length;
      return;
    }
    this.ensure(b.length);
    const at = this.off;
    this.off += b.copy(this.chunk, at);
    this.keptBuf = this.chunk;
    this.keptAt = at;
    this.keptEnd = this.off;
  }

  /** Appends a latin1 string already in RESP form. */
  rawStr(s: string): void {
    this.ensure(s.length);
    this.off += this.chunk.latin1Write(s, this.off);
  }

  private line(prefix: string, s: string): void {
    this.ensure(s.length + 3);
    let o = this.off;
    this.chunk[o++] = prefix.charCodeAt(0);
    o += this.chunk.latin1Write(s, o);
    this.chunk[o++] = 13;
    this.chunk[o++] = 10;
    this.off = o;
  }

  ok(): void {
    this.raw(R_OK);
  }
  simple(s: string): void {
    this.line('+', s);
  }
  /** An error reply; `msg` is the full text including its code ("ERR ...", "WRONGTYPE ..."). */
  error(msg: string): void {
    this.errors++;
    // As addReplyErrorFormat: newlines at either end are trimmed, the others become spaces, so that
    // an error never breaks the protocol.
    if (msg.indexOf('\n') >= 0 || msg.indexOf('\r') >= 0) msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, '').replace(/[\r\n]/g, ' ');
    this.lastError = msg;
    this.line('-', msg);
  }
  int(n: number | bigint): void {
    this.line(':', typeof n === 'number' ? intStr(n) : n.toString());
  }
  /** Bulk string from a latin1 (byte-per-char) string. */
  bulk(s: string): void {
    const n = s.length;
    this.ensure(n + 16);
    let o = this.off;
    this.chunk[o++] = 36;
    o += this.chunk.latin1Write(String(n), o);
    this.chunk[o++] = 13;
    this.chunk[o++] = 10;
    if (n > this.chunk.length - o - 2) {
      this.off = o;
      this.raw(Buffer.from(s, 'latin1'));
      this.raw(CRLF);
      return;
    }
    o += this.chunk.latin1Write(s, o);
    this.chunk[o++] = 13;
    this.chunk[o++] = 10;
    this.off = o;
  }
  bulkBuf(b: Buffer): void {
    this.line('$', String(b.length));
    this.raw(b);
    this.raw(CRLF);
  }
  /** Bulk string for a number (Redis replies integers stored in strings as bulks). */
  bulkInt(n: number): void {
    this.bulk(intStr(n));
  }
  /** Null bulk (RESP2 $-1, RESP3 _). */
  nil(): void {
    this.rawStr(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }
  /** Null array (RESP2 *-1, RESP3 _). */
  nilArray(): void {
    this.rawStr(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }
  arrayLen(n: number): void {
    this.line('*', String(n));
  }
  /** A map of n pairs (RESP2: a flat array of 2n elements). */
  mapLen(n: number): void {
    if (this.resp === 3) this.line('%', String(n));
    else this.line('*', String(n * 2));
  }
  /** A set of n elements (RESP2: an array). */
  setLen(n: number): void {
    this.line(this.resp === 3 ? '~' : '*', String(n));
  }
  /** An out-of-band push of n elements (RESP2: an array). */
  pushLen(n: number): void {
    this.line(this.resp === 3 ? '>' : '*', String(n));
  }
  /** A double (RESP2: a bulk string as Redis formats it, RESP3: ','). */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) this.line(',', s);
    else this.bulk(s);
  }
  /** A boolean (RESP2: :1/:0, RESP3: #t/#f). */
  bool(b: boolean): void {
    if (this.resp === 3) this.rawStr(b ? '#t\r\n' : '#f\r\n');
    else this.rawStr(b ? ':1\r\n' : ':0\r\n');
  }
  /** Verbatim text (RESP2: a bulk string, RESP3: '=' with the "txt" format). */
  verbatim(s: string): void {
    if (this.resp === 3) {
      const body = 'txt:' + s;
      this.line('=', String(Buffer.byteLength(body, 'latin1')));
      this.rawStr(body);
      this.rawStr('\r\n');
    } else this.bulk(s);
  }
  /** An array of latin1 strings as bulks. */
  bulks(arr: readonly string[]): void {
    this.arrayLen(arr.length);
    for (let i = 0; i < arr.length; i++) this.bulk(arr[i]);
  }
}

const CRLF = Buffer.from('\r\n');

/** Integer to decimal without exponent notation (safe integers only). */
function intStr(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

/** Encodes a request as a multibulk array, as clients send it (one allocation, no concat). */
export function encodeCommand(args: ReadonlyArray<string | Buffer>): Buffer {
  let total = 3 + digits(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const n = typeof a === 'string' ? a.length : a.length;
    total += 5 + digits(n) + n;
  }
  const out = Buffer.allocUnsafe(total);
  let o = out.latin1Write(`*${args.length}\r\n`, 0);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    o += out.latin1Write(`$${a.length}\r\n`, o);
    o += typeof a === 'string' ? out.latin1Write(a, o) : a.copy(out, o);
    out[o++] = 13;
    out[o++] = 10;
  }
  return out;
}

/** Number of decimal digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}
