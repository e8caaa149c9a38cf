// Streaming RESP2/RESP3 reply decoder. The proxy uses it to find reply boundaries in a backend's byte
// stream (and forwards the raw bytes untouched); replication and health checks use it to read values.
// It is resumable: a chunk that ends inside a reply keeps the partial state (a stack of open
// aggregates), so no byte is scanned twice, and a large bulk is copied once into a buffer of its size.

import { constants as bufferConstants } from 'node:buffer';
import { E } from './errors';

/** An error reply (-ERR ... or RESP3 blob error). */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** A RESP3 verbatim string, a double, a big number: kept apart so callers can tell them from bulks. */
export class Verbatim {
  constructor(readonly format: string, readonly text: Buffer) {}
}

/** A RESP3 out-of-band push (pub/sub messages, invalidations). */
export class Push {
  constructor(readonly items: ReplyValue[]) {}
}

/** A decoded reply: one JS type per RESP type, so tests and the proxy's health checks can inspect replies. */
export type ReplyValue =
  | string // simple string
  | number // integer (or double, RESP3 ',')
  | bigint // integer outside the safe range, big number
  | boolean
  | null
  | Buffer // bulk string
  | ReplyError
  | Verbatim
  | Push
  | ReplyValue[] // array or set
  | Map<ReplyValue, ReplyValue>; // RESP3 map

/** Returned by next() when the buffered bytes hold no complete reply yet. */
export const NEED_MORE: unique symbol = Symbol('NEED_MORE');

interface Frame {
  kind: number; // the aggregate's type byte
  remaining: number;
  items: ReplyValue[];
}

const EMPTY = Buffer.alloc(0);
const BIG = 32 * 1024;
/**
 * The largest bulk accepted by default: what one Buffer can hold, less room for the rest of a read
 * (take() returns a reply with the other bytes of its chunk in one buffer). Backends' replies are
 * Redis's to limit (its proto-max-bulk-len can be raised past 512 MB); the decoder only has to hold them.
 */
const MAX_REPLY_BULK = bufferConstants.MAX_LENGTH - 1024 * 1024;
/**
 * Unconsumed bytes past which a chunk is appended into spare room instead of being joined with
 * them: a long line (a 20 MB status reply) arriving in 64 KB reads was copied whole with every read.
 */
const GROW_AT = 64 * 1024;

/** Redis's replies of a replica that cannot serve reads (server.h's shared.masterdownerr, shared.loadingerr). */
const MASTERDOWN_TEXT = E.MASTERDOWN;
const LOADING_TEXT = E.LOADING;

/** Streaming reply decoder (feed/next), resumable mid-reply, for backends' replies and test clients. */
export class ReplyDecoder {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private stack: Frame[] = [];
  /** Raw bytes of the reply in progress that were in earlier chunks. */
  private rawParts: Buffer[] = [];
  /** Total length of rawParts. */
  private rawLen = 0;
  /** Where the bytes not taken yet start in buf (after rawParts). */
  private frameStart = 0;
  /** How many of the bytes not taken yet belong to complete replies (raw mode; take() returns them). */
  private done = 0;
  private bulkLen = -1;
  private bulkKind = 0;
  private big: Buffer | null = null;
  private bigFill = 0;
  /** Raw mode: a big bulk being passed through (its bytes go to rawParts), and how many are still to come. */
  private passing = false;
  private passLeft = 0;
  /**
   * `buf` is the start of `room` and the rest of `room` is free: later chunks are copied in after
   * it (nothing handed out by take() or kept in rawParts lies there). Null when buf is someone else's.
   */
  private room: Buffer | null = null;
  /** The line starting at `crLine` has no CR before `crFrom` (a line split over reads is scanned once). */
  private crLine = -1;
  private crFrom = 0;

  /** @param values false: only find reply boundaries (nextRaw); true: build values (next). */
  constructor(private readonly values = true, readonly maxBulkLen = MAX_REPLY_BULK) {}

  feed(chunk: Buffer): void {
    if (this.passLeft > 0) {
      // Raw mode, a big bulk's body: kept as the read's own bytes, never copied.
      const n = Math.min(this.passLeft, chunk.length);
      this.pushRaw(n === chunk.length ? chunk : chunk.subarray(0, n));
      this.passLeft -= n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.big) {
      const n = Math.min(this.big.length - this.bigFill, chunk.length);
      chunk.copy(this.big, this.bigFill, 0, n);
      this.bigFill += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.pos >= this.buf.length) {
      if (!this.values && this.frameStart < this.buf.length) this.pushRaw(this.buf.subarray(this.frameStart));
      this.buf = chunk;
      this.room = null;
      this.pos = this.frameStart = 0;
      this.crLine = -1;
      return;
    }
    const len = this.buf.length;
    const room = this.room;
    if (room !== null && room.length - len >= chunk.length) {
      // Appended in place: positions in buf stay valid, and so does the CR scan.
      chunk.copy(room, len);
      this.buf = room.subarray(0, len + chunk.length);
      return;
    }
    if (!this.values && this.frameStart < this.pos) this.pushRaw(this.buf.subarray(this.frameStart, this.pos));
    const rest = len - this.pos;
    if (this.crLine === this.pos) {
      this.crLine = 0;
      this.crFrom -= this.pos;
    } else this.crLine = -1;
    if (rest + chunk.length <= GROW_AT) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.room = null;
    } else {
      // A long reply part: room for as much again, so a long line costs copies in proportion to its length.
      const r = Buffer.allocUnsafe(2 * (rest + chunk.length));
      this.buf.copy(r, 0, this.pos);
      chunk.copy(r, rest);
      this.buf = r.subarray(0, rest + chunk.length);
      this.room = r;
    }
    this.pos = this.frameStart = 0;
  }

  /** Where a line starting at `pos` ends (its CR), or -1; resumes where the last look at it stopped. */
  private lineEnd(b: Buffer, pos: number): number {
    // A plain loop: nearly every line is a few bytes (+OK, :1), where a native indexOf call costs more.
    const len = b.length;
    let i = this.crLine === pos ? this.crFrom : pos;
    while (i < len && b[i] !== 13) i++;
    if (i + 1 >= len) {
      this.crLine = pos;
      this.crFrom = i;
      return -1;
    }
    return i;
  }

  /** Bytes buffered and not yet consumed. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** Next complete reply value, or NEED_MORE. Throws on a malformed stream. */
  next(): ReplyValue | typeof NEED_MORE {
    return this.step();
  }

  /** Raw bytes of the next complete reply (values=false mode), or null. */
  nextRaw(): Buffer | null {
    return this.skip(1) === 1 ? this.take() : null;
  }

  /**
   * Raw mode: consumes up to n complete replies and returns how many it consumed; take() returns
   * their bytes. The proxy matches a run of pipelined requests to its replies this way, with no
   * object per reply. Top-level bulk, status, integer and error replies (nearly all traffic) are
   * scanned inline; anything else goes through the general state machine.
   */
  /**
   * Raw mode: "MASTERDOWN" or "LOADING" when a top-level error reply skipped since the last
   * takeRefusal() began so (a replica with replica-serve-stale-data no and no link, or loading).
   */
  private refusal = '';

  private noteRefusal(b: Buffer, start: number, end: number): void {
    // Redis's exact texts only: a script's own error_reply("LOADING ...") is not the server's.
    const len = end - start;
    if (len === MASTERDOWN_TEXT.length && b.latin1Slice(start, end) === MASTERDOWN_TEXT) this.refusal = 'MASTERDOWN';
    else if (len === LOADING_TEXT.length && b.latin1Slice(start, end) === LOADING_TEXT) this.refusal = 'LOADING';
  }

  /** The refusal noted (see `refusal`), cleared. */
  takeRefusal(): string {
    const r = this.refusal;
    this.refusal = '';
    return r;
  }

  skip(n: number): number {
    const broken = this.broken;
    if (broken !== null) throw broken;
    let k = 0;
    while (k < n) {
      if (this.stack.length === 0 && this.bulkLen < 0 && this.big === null && !this.passing) {
        const b = this.buf;
        const len = b.length;
        const pos = this.pos;
        if (pos >= len) break;
        const t = b[pos];
        if (t === 36 /* $ */) {
          let i = pos + 1;
          let v = 0;
          let c = b[i];
          if (c === 45 /* - */ && b[i + 1] === 49 /* 1 */ && b[i + 2] === 13 && i + 3 < len) {
            this.pos = i + 4; // $-1: a null bulk
            this.done = this.rawLen + this.pos - this.frameStart;
            k++;
            continue;
          }
          if (c !== 45 && c !== 13) {
            for (; i < len; i++) {
              c = b[i];
              if (c < 48 || c > 57) break;
              v = v * 10 + c - 48;
            }
            if (i + 1 >= len) break; // the length line is not complete yet
            const end = i + 4 + v;
            if (c === 13 && end <= len && v <= this.maxBulkLen) {
              this.pos = end;
              this.done = this.rawLen + end - this.frameStart;
              k++;
              continue;
            }
          }
        } else if (t === 43 /* + */ || t === 58 /* : */ || t === 45 /* - */) {
          const i = this.lineEnd(b, pos);
          if (i < 0) break;
          // A replica that cannot serve reads says so in every reply: noted for the proxy's health.
          if (t === 45 && (b[pos + 1] === 77 /* M */ || b[pos + 1] === 76 /* L */)) this.noteRefusal(b, pos + 1, i);
          this.pos = i + 2;
          this.done = this.rawLen + this.pos - this.frameStart;
          k++;
          continue;
        }
      }
      try {
        if (this.step() === NEED_MORE) break;
      } catch (err) {
        // The replies before the bad one are whole: they are returned, the error comes next call.
        if (k === 0) throw err;
        this.broken = err as Error;
        break;
      }
      this.done = this.rawLen + this.pos - this.frameStart;
      k++;
    }
    return k;
  }

  /** A malformed reply found after complete ones in one skip(): thrown by the next skip(). */
  private broken: Error | null = null;

  /** Whether the next skip() throws (the stream is malformed after what was taken). */
  get isBroken(): boolean {
    return this.broken !== null;
  }

  /**
   * Raw mode: the bytes of the complete replies consumed since the last take(), contiguous. The bytes
   * of a reply still in progress (a run cut by a chunk boundary) stay for the next take().
   */
  take(): Buffer {
    const n = this.done;
    this.done = 0;
    if (this.rawLen === 0) {
      const out = this.buf.subarray(this.frameStart, this.frameStart + n);
      this.frameStart += n;
      // A view of the spare-room buffer would keep all of it (twice the long reply) alive.
      return this.room === null ? out : Buffer.from(out);
    }
    const parts = this.rawParts;
    const out: Buffer[] = [];
    let need = n;
    let i = 0;
    for (; i < parts.length && need > 0; i++) {
      const p = parts[i];
      if (p.length > need) {
        out.push(p.subarray(0, need));
        parts[i] = p.subarray(need);
        need = 0;
        break;
      }
      out.push(p);
      need -= p.length;
    }
    this.rawParts = i > 0 ? parts.slice(i) : parts;
    this.rawLen -= n - need;
    if (need > 0) {
      // rawParts are used up; the rest is at the start of buf
      out.push(this.buf.subarray(0, need));
      this.frameStart = need;
    }
    return out.length === 1 ? out[0] : Buffer.concat(out, n);
  }

  private pushRaw(b: Buffer): void {
    this.rawParts.push(b);
    this.rawLen += b.length;
  }

  /**
   * Takes up to n raw bytes straight from the buffer (replication: an RDB payload that follows a
   * reply). Returns what is buffered, at most n bytes.
   */
  takeBytes(n: number): Buffer {
    const end = Math.min(this.buf.length, this.pos + n);
    const out = this.buf.subarray(this.pos, end);
    this.pos = this.frameStart = end;
    return out;
  }

  /**
   * Raw mode, with every complete reply taken: bytes of the reply in progress held so far (those
   * takeProgress would hand out).
   */
  get progressBytes(): number {
    return this.done === 0 ? this.rawLen + this.pos - this.frameStart : 0;
  }

  /**
   * Raw mode, with every complete reply taken: hands out the bytes of the reply in progress seen so
   * far, so that they need not be kept (the proxy streams a big reply to its client); the next
   * take() returns the rest of it.
   */
  takeProgress(): Buffer[] {
    if (this.done !== 0) return [];
    const out = this.rawParts;
    if (this.frameStart < this.pos) out.push(this.buf.subarray(this.frameStart, this.pos));
    this.rawParts = [];
    this.rawLen = 0;
    this.frameStart = this.pos;
    return out;
  }

  /** Everything buffered and not consumed; the decoder is left empty. */
  drain(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.buf = EMPTY;
    this.room = null;
    this.crLine = -1;
    this.passLeft = 0;
    this.passing = false;
    this.pos = this.frameStart = this.done = this.rawLen = 0;
    this.rawParts = [];
    return out;
  }

  private step(): ReplyValue | typeof NEED_MORE {
    for (;;) {
      let v: ReplyValue | undefined;
      if (this.passing) {
        if (this.passLeft > 0) return NEED_MORE;
        this.passing = false;
        v = null;
      } else if (this.big) {
        if (this.bigFill < this.big.length) return NEED_MORE;
        v = this.finishBulk(this.big, 0, this.big.length - 2);
        this.big = null;
      } else if (this.bulkLen >= 0) {
        if (this.buf.length - this.pos < this.bulkLen + 2) {
          if (this.bulkLen >= BIG) this.startBig();
          return NEED_MORE;
        }
        v = this.finishBulk(this.buf, this.pos, this.pos + this.bulkLen);
        this.pos += this.bulkLen + 2;
      } else {
        const r = this.header();
        if (r === NEED_MORE) return NEED_MORE;
        if (r === undefined) continue; // opened an aggregate or a bulk
        v = r;
      }
      this.bulkLen = -1;
      // Attach the value to the innermost open aggregate, closing finished ones.
      let val: ReplyValue = v;
      for (;;) {
        const top = this.stack[this.stack.length - 1];
        if (!top) return val;
        if (top.kind !== 124 /* attribute: dropped */) top.items.push(val);
        top.remaining--;
        if (top.remaining > 0) break;
        this.stack.pop();
        if (top.kind === 124) {
          // An attribute precedes the real reply; keep reading without producing a value.
          val = undefined as unknown as ReplyValue;
          if (!this.stack.length) break;
          continue;
        }
        val = this.close(top);
      }
      if (this.stack.length === 0 && val === undefined) continue;
    }
  }

  private startBig(): void {
    const have = this.buf.length - this.pos;
    if (this.values) {
      this.big = Buffer.allocUnsafe(this.bulkLen + 2);
      this.buf.copy(this.big, 0, this.pos);
      this.bigFill = have;
    } else {
      // Raw mode needs no value: what it saw of the frame is kept as it is, the rest of the body
      // as the reads bring it (feed), and the reply can be taken in pieces (takeProgress).
      if (this.frameStart < this.buf.length) this.pushRaw(this.buf.subarray(this.frameStart));
      this.passLeft = this.bulkLen + 2 - have;
      this.passing = true;
    }
    this.buf = EMPTY;
    this.room = null;
    this.crLine = -1;
    this.pos = this.frameStart = 0;
    this.bulkLen = -1;
  }

  private finishBulk(b: Buffer, s: number, e: number): ReplyValue {
    if (!this.values) return null;
    const kind = this.bulkKind;
    if (kind === 36 /* $ */) return b.subarray(s, e);
    if (kind === 33 /* ! */) return new ReplyError(b.latin1Slice(s, e));
    // '=' verbatim: "fmt:text"
    return new Verbatim(b.latin1Slice(s, Math.min(e, s + 3)), b.subarray(Math.min(e, s + 4), e));
  }

  private close(f: Frame): ReplyValue {
    if (!this.values) return null;
    if (f.kind === 37 /* % */) {
      const m = new Map<ReplyValue, ReplyValue>();
      for (let i = 0; i < f.items.length; i += 2) m.set(keyOf(f.items[i]), f.items[i + 1]);
      return m;
    }
    if (f.kind === 62 /* > */) return new Push(f.items);
    return f.items;
  }

  /** Parses one header line; returns a scalar value, undefined when it opened something, or NEED_MORE. */
  private header(): ReplyValue | undefined | typeof NEED_MORE {
    const b = this.buf;
    if (this.pos >= b.length) return NEED_MORE;
    const nl = this.lineEnd(b, this.pos);
    if (nl < 0) return NEED_MORE;
    const t = b[this.pos];
    const s = this.pos + 1;
    this.pos = nl + 2;
    switch (t) {
      case 43: // + simple
        return this.values ? b.latin1Slice(s, nl) : null;
      case 45: // - error
        return this.values ? new ReplyError(b.latin1Slice(s, nl)) : null;
      case 58: // : integer
        return this.values ? parseIntLine(b.latin1Slice(s, nl)) : null;
      case 36: // $ bulk
      case 33: // ! blob error
      case 61: {
        // = verbatim
        const n = lineInt(b, s, nl);
        if (Number.isNaN(n)) throw new Error('Protocol error: invalid bulk length');
        if (n < 0) return null;
        if (n > this.maxBulkLen) throw new Error('Protocol error: bulk too large');
        this.bulkLen = n;
        this.bulkKind = t;
        return undefined;
      }
      case 42: // * array
      case 126: // ~ set
      case 62: // > push
      case 37: // % map
      case 124: {
        // | attribute
        let n = lineInt(b, s, nl);
        if (Number.isNaN(n)) throw new Error('Protocol error: invalid multibulk length');
        if (n < 0) return null;
        if (t === 37 || t === 124) n *= 2;
        if (n === 0) {
          if (t === 124) return undefined;
          return this.close({ kind: t, remaining: 0, items: [] });
        }
        this.stack.push({ kind: t, remaining: n, items: [] });
        return undefined;
      }
      case 95: // _ null
        return null;
      case 35: // # boolean
        return this.values ? b[s] === 116 : null;
      case 44: {
        // , double
        if (!this.values) return null;
        const txt = b.latin1Slice(s, nl);
        return txt === 'inf' ? Infinity : txt === '-inf' ? -Infinity : parseFloat(txt);
      }
      case 40: // ( big number
        return this.values ? BigInt(b.latin1Slice(s, nl)) : null;
      default:
        throw new Error(`Protocol error: unexpected reply type byte ${t}`);
    }
  }
}

/** A length line's integer ("-1", "42"), read from the bytes without making a string; NaN if invalid. */
function lineInt(b: Buffer, s: number, e: number): number {
  let i = s;
  const neg = b[i] === 45;
  if (neg) i++;
  if (i >= e || e - i > 16) return NaN;
  let v = 0;
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

function parseIntLine(s: string): number | bigint {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

/** Map keys that are Buffers become latin1 strings so that lookups by name work. */
function keyOf(v: ReplyValue): ReplyValue {
  return Buffer.isBuffer(v) ? v.latin1Slice(0, v.length) : v;
}
