// One connection to a backend (a master or a replica): requests from many clients are pipelined on it
// and replies are matched to them in FIFO order (Redis answers in order). Request and reply bytes pass
// through untouched: only reply boundaries are found (ReplyDecoder raw mode). A connection that fails
// hands its unanswered slots back to its owner (the pool retries reads elsewhere).

import net from 'node:net';
import NetKeepAlive from 'net-keepalive';
import { ReplyDecoder } from '../resp/decoder';
import { ReplyWriter, encodeCommand } from '../resp/encode';
import { lazyLogger } from './log';
import { Ring } from './ring';
import { Slot } from './slot';
import { scheduleFlush, type Flushable } from './flush';
import { SocketWriter } from '../common/socket-writer';
import { PE, errorReply } from './replies';

const log = lazyLogger('proxy-backend');

/** Where a backend is. */
export interface BackendAddr {
  readonly host: string;
  readonly port: number;
  /** "host:port". */
  readonly name: string;
}

/** Socket and credential settings shared by every backend connection. */
export interface ConnOptions {
  username?: string;
  password?: string;
  connectTimeoutMs: number;
  keepaliveMs: number;
  keepaliveProbes: number;
  userTimeoutMs: number;
}

/** Told when a connection fails, with the slots it never answered (oldest first). */
export interface ConnEvents {
  connFailed(conn: BackendConn, pending: Slot[], reason: string): void;
  /** A reply said the backend cannot serve reads now: "MASTERDOWN" or "LOADING". */
  refused?(conn: BackendConn, what: string): void;
}

/** Replies to requests the proxy adds itself (SELECT prefixes, AUTH) are dropped. */
class Swallow extends Slot {
  constructor(private readonly what: string, private readonly conn: () => BackendConn) {
    super(null);
  }
  override complete(reply: Buffer): void {
    if (reply[0] === 45 /* '-' */) {
      const c = this.conn();
      log().warn({ backend: c.addr.name, request: this.what, reply: reply.toString('latin1').trim() }, 'backend refused a proxy request');
      if (this.what === 'AUTH') c.fail('backend authentication failed');
      else if (this.what === 'HELLO') c.fail('backend refused HELLO');
      // The connection is still in the old db while the proxy took it for the new one: it takes no
      // new requests (they would run in the wrong db). The requests already sent behind the SELECT
      // get what the backend answers them (refused too, for BUSY or LOADING); a shared connection
      // is then closed and replaced, a client's own one fails (its session's state went with it).
      else if (this.what === 'SELECT') {
        if (c.shared) c.retire();
        else c.fail('backend refused SELECT', false, true);
      }
    }
  }
}

/** Bytes of one reply in progress past which they are passed on before the reply is complete (streamHead). */
const STREAM_AT = 1024 * 1024;
/** The read buffer every backend connection shares (reads are handled one at a time). */
const READ_BUF = Buffer.allocUnsafe(64 * 1024);
const STREAM_READS = process.env.RESPLIT_CLIENT_IO === 'stream';

const selectCache: Buffer[] = [];
/** "SELECT n" encoded once per db. */
function selectCmd(db: number): Buffer {
  return selectCache[db] ?? (selectCache[db] = encodeCommand(['SELECT', String(db)]));
}

/** A pipelined connection to one backend: a pool's shared one, or a dedicated one (Pool.dedicated). */
export class BackendConn implements Flushable {
  flushQueued = false;
  readonly toBackend = true;
  readonly sock: net.Socket;
  /** The db the backend connection is in (after the requests sent so far). */
  db = 0;
  ready = false;
  closed = false;
  /** Bumped on every chunk received; the stall check compares it between ticks. */
  progress = 0;
  /** Stall check state: progress seen at the last tick and how long it has not moved. */
  lastSeen = 0;
  stalledMs = 0;
  /** Set when the connection was failed because the backend went silent, not because it was lost. */
  failedStalled = false;
  /** Set when the backend closed the established connection (a FIN, no socket error). */
  closedCleanly = false;
  /** Failed for a reason that says nothing about the backend's health (a refused SELECT). */
  failedNotDown = false;
  /** A backend's shared connection (the pool's), not a client's own. */
  shared = false;
  /** Takes no new requests; closed once those in flight are answered (see retire). */
  retired = false;
  /** Called once every request byte has gone to the kernel after some had to wait (a tunnel's client is read again). */
  onDrain: (() => void) | null = null;
  /** Pub/sub tunnel: once the queue is empty every byte received goes here. */
  passthrough: ((chunk: Buffer) => void) | null = null;
  private readonly dec = new ReplyDecoder(false);
  private readonly out = new ReplyWriter();
  private readonly q = new Ring<Slot>();
  private connectTimer: NodeJS.Timeout | null;
  private writer: SocketWriter | null = null;
  private readonly swallowSelect: Swallow;

  /** The connection speaks RESP3 (a RESP3 client's own connection). */
  resp3: boolean;

  /** @param resp3 open the connection with HELLO 3 (a RESP3 client's own connection). */
  constructor(readonly addr: BackendAddr, readonly opts: ConnOptions, private readonly events: ConnEvents, resp3 = false) {
    this.resp3 = resp3;
    this.swallowSelect = new Swallow('SELECT', () => this);
    // Replies are read into one shared buffer (net.connect's onread) and copied out once per read:
    // the same bytes 'data' would allocate, without the Readable's push/emit per read.
    const sock = (this.sock = STREAM_READS
      ? net.connect({ host: addr.host, port: addr.port })
      : net.connect({ host: addr.host, port: addr.port, onread: { buffer: READ_BUF, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) } }));
    sock.setNoDelay(true);
    this.connectTimer = setTimeout(() => this.fail(`connect timeout after ${opts.connectTimeoutMs} ms`), opts.connectTimeoutMs);
    sock.on('connect', () => this.onConnect());
    if (STREAM_READS) sock.on('data', (d: Buffer) => this.onData(d));
    sock.on('error', (err) => this.fail(err.message));
    sock.on('close', () => {
      // A FIN after the connection was up, with no socket error: Redis closed it (timeout, CLIENT KILL, exit).
      if (!this.closed && this.ready) this.closedCleanly = true;
      this.fail('connection closed by the backend');
    });
    if (resp3) {
      // HELLO 3 carries the credentials itself; its reply (a map) is dropped, an error fails the connection.
      const args = ['HELLO', '3'];
      if (opts.password) args.push('AUTH', opts.username || 'default', opts.password);
      this.out.raw(encodeCommand(args));
      this.q.push(new Swallow('HELLO', () => this));
    } else if (opts.password) {
      const args = opts.username ? ['AUTH', opts.username, opts.password] : ['AUTH', opts.password];
      this.out.raw(encodeCommand(args));
      this.q.push(new Swallow('AUTH', () => this));
    }
  }

  /** Requests sent and not yet answered. */
  get pending(): number {
    return this.q.length;
  }

  private onConnect(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.ready = true;
    this.writer = new SocketWriter(this.sock, () => this.onDrain?.());
    applyKeepalive(this.sock, this.opts);
    scheduleFlush(this);
  }

  /**
   * Queues a request for `slot`, first switching the backend connection to the slot's db if needed.
   * With `copy` the bytes are copied now (they are in a buffer about to be reused) and a slot that
   * keeps its request (a read) keeps the copy.
   */
  send(slot: Slot, raw: Buffer, copy = false): void {
    if (slot.db !== this.db) {
      this.out.raw(selectCmd(slot.db));
      this.q.push(this.swallowSelect);
      this.db = slot.db;
    }
    if (!copy) this.out.raw(raw);
    else {
      const out = this.out;
      out.rawKept(raw);
      if (slot.raw !== null) {
        slot.raw = null;
        slot.keptBuf = out.keptBuf;
        slot.keptAt = out.keptAt;
        slot.keptEnd = out.keptEnd;
      }
    }
    this.q.push(slot);
    if (!this.flushQueued) scheduleFlush(this);
  }

  /**
   * Moves a client's own connection to another protocol (HELLO 2|3, its reply dropped, a refusal
   * fails the connection), keeping its state: a client that WATCHed keeps its watched keys.
   */
  switchProto(resp3: boolean): void {
    this.sendInternal(encodeCommand(['HELLO', resp3 ? '3' : '2']), 'HELLO');
    this.resp3 = resp3;
  }

  /** Sends a request of the proxy's own whose reply is dropped (an error reply is logged). */
  sendInternal(raw: Buffer, what: string): void {
    this.out.raw(raw);
    this.q.push(new Swallow(what, () => this));
    if (!this.flushQueued) scheduleFlush(this);
  }

  /** Sends bytes whose replies nobody waits for (pub/sub tunnel). */
  sendUntracked(raw: Buffer, db = -1): void {
    if (db >= 0 && db !== this.db) {
      this.out.raw(selectCmd(db));
      this.q.push(this.swallowSelect);
      this.db = db;
    }
    this.out.raw(raw);
    if (!this.flushQueued) scheduleFlush(this);
  }

  flush(): void {
    if (!this.ready || this.closed) return;
    const b = this.out.take();
    if (b) this.writer!.write(b);
    // Bytes held before the connection was up went at once: no drain event will say so.
    if (this.onDrain !== null && this.writer!.pending === 0) this.onDrain();
  }

  /** Request bytes not yet taken by the kernel (held here, or queued in libuv). */
  get unsent(): number {
    return this.out.pending + (this.writer === null ? 0 : this.writer.pending);
  }

  private onRead(n: number, buf: Uint8Array): boolean {
    const chunk = Buffer.allocUnsafe(n);
    chunk.set(n === buf.length ? buf : buf.subarray(0, n));
    this.onData(chunk);
    return true;
  }

  private onData(chunk: Buffer): void {
    this.progress++;
    if (this.passthrough && this.q.length === 0) {
      this.passthrough(chunk);
      return;
    }
    const dec = this.dec;
    dec.feed(chunk);
    try {
      for (;;) {
        const s = this.q.peek();
        if (s === undefined) {
          if (dec.buffered > 0) this.fail('backend sent a reply nobody asked for');
          return;
        }
        const want = s.count - s.got;
        const k = dec.skip(want);
        if (k === 0) return this.streamHead(s);
        const refusal = dec.takeRefusal();
        if (refusal !== '' && this.events.refused) this.events.refused(this, refusal);
        if (k < want) {
          // Part of a run: keep what arrived, wait for the rest.
          s.partial(k, dec.take());
          if (!dec.isBroken) return this.streamHead(s);
          continue; // the next skip() throws: the rest of the run is handled below
        }
        this.q.shift();
        s.complete(dec.take());
        if (this.closed) return;
        if (this.retired && this.q.length === 0) return this.close();
        if (this.passthrough && this.q.length === 0) {
          const rest = dec.drain();
          if (rest.length) this.passthrough(rest);
          return;
        }
      }
    } catch (err) {
      // A reply the proxy cannot take (a bulk past what one Buffer holds) or a stream it cannot read.
      // The request it answers gets the error rather than being sent elsewhere (it would fail there
      // too), and the backend is not taken out for it: one client's request must not take every
      // backend out in turn. The rest in flight go as for a lost connection (reads elsewhere).
      const msg = (err as Error).message;
      const head = this.q.peek();
      if (head !== undefined && head.torn) {
        this.q.shift();
        head.lostTorn();
      } else if (head !== undefined && head.owner !== null) {
        const e = errorReply(PE.BAD_REPLY(this.addr.name, msg));
        // One reply of a run: the rest of the run (unanswered) goes on with the others.
        if (head.count - head.got > 1) head.partial(1, e);
        else {
          this.q.shift();
          head.complete(e);
        }
      }
      this.fail(`bad reply stream: ${msg}`, false, true);
    }
  }

  /**
   * A reply in progress for the slot at the head of this connection: once STREAM_AT of it has come
   * and its client can take it now, what came goes on (a 500 MB GET is not held whole, and counts
   * against its client's output limit as it arrives).
   */
  private streamHead(s: Slot): void {
    if (this.dec.progressBytes >= STREAM_AT && s.owner !== null && s.owner.canStream(s)) s.stream(this.dec.takeProgress());
  }

  /**
   * Fails the connection: closes it and hands the unanswered slots to the owner. `stalled`: the
   * backend is alive as far as TCP knows but silent (request timeout, unanswered health checks), so
   * one of the reads in flight may be what keeps it busy (see Slot.stalls). `notDown`: the failure
   * is the connection's own, the backend is not taken out.
   */
  fail(reason: string, stalled = false, notDown = false): void {
    if (this.closed) return;
    this.closed = true;
    this.failedStalled = stalled;
    this.failedNotDown = notDown;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.sock.destroy();
    const pending: Slot[] = [];
    for (let s = this.q.shift(); s !== undefined; s = this.q.shift()) if (s.owner) pending.push(s);
    this.events.connFailed(this, pending, reason);
  }

  /**
   * Takes no new requests (the pool opens another connection): the backend refused a SELECT the
   * proxy sent, so this one is in another db than the proxy believes. Closes when nothing is in flight.
   */
  retire(): void {
    if (this.retired || this.closed) return;
    this.retired = true;
    log().warn({ backend: this.addr.name }, 'backend refused SELECT: its shared connection is replaced');
    if (this.q.length === 0) this.close();
  }

  /** Closes without reporting (the owner is going away). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.sock.destroy();
    this.q.drain();
  }
}

/** TCP keepalive and TCP_USER_TIMEOUT, so a dead peer is noticed even on an idle or stuck socket. */
export function applyKeepalive(sock: net.Socket, o: ConnOptions): void {
  try {
    // Independent settings: TCP_USER_TIMEOUT bounds unacknowledged sends with keepalive off too.
    if (o.keepaliveMs > 0) {
      sock.setKeepAlive(true, o.keepaliveMs);
      NetKeepAlive.setKeepAliveInterval(sock, Math.max(1000, Math.floor(o.keepaliveMs / 3)));
      NetKeepAlive.setKeepAliveProbes(sock, o.keepaliveProbes);
    }
    if (o.userTimeoutMs > 0) NetKeepAlive.setUserTimeout(sock, o.userTimeoutMs);
  } catch (err) {
    log().debug({ err: (err as Error).message }, 'net-keepalive options unavailable');
  }
}
