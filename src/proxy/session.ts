// One client connection (Envoy's downstream session): parses requests, routes each one, and writes
// replies strictly in request order from the head of its FIFO, because replies come back from
// different backends out of order. It also holds the per-client state a shared backend connection
// cannot: db, auth, name, read mode, and pinning (transactions, blocking commands, pub/sub tunnel).

import type net from 'node:net';
import { randomBytes } from 'node:crypto';
import { ReplyDecoder } from '../resp/decoder';
import { RequestParser, ProtocolError, DEFAULT_LIMITS } from '../resp/parser';
import { scanFrame, frame } from '../resp/frame-scan';
import { ReplyWriter, encodeCommand } from '../resp/encode';
import { E, errArity } from '../resp/errors';
import { lazyLogger } from './log';
import { K, routeByName, routeByBytes, routedName, resolveRoute, xreadBlocks, type Route } from './classify';
import { Slot, type SlotOwner, type PostFn } from './slot';
import { scheduleFlush, type Flushable } from './flush';
import { SocketWriter } from '../common/socket-writer';
import { coarseNow } from '../common/coarse-clock';
import type { BackendConn, ConnEvents } from './backend-conn';
import type { Backend, Pool } from './pool';
import type { ProxyConfig } from './config';
import { stats } from './stats';
import { readClient } from '../common/client-reads';
import { PE, errorReply, bulkReply, intReply, R_OK, R_PONG, R_RESET, R_NIL, R_NO_BACKEND } from './replies';
import { clientLine, clientListFilter, clientType, helloReply, proxySection, roleReply, validClientName, verbatimReply, type ClientView } from './local';

const log = lazyLogger('proxy-session');

/** What every session shares: configuration, backends, the session registry. */
export interface ProxyContext {
  cfg: ProxyConfig;
  pool: Pool;
  sessions: Map<number, Session>;
  startedAt: number;
  /** Reply to writes while the master is down. */
  masterDown: Buffer;
  scanPost: PostFn;
  infoPost: PostFn;
  /** CONFIG GET: the proxy's values instead of the backend's credentials and port. */
  configPost: PostFn;
}

/** Parsed-but-unhandled bytes at which a waiting client stops being read. */
const QBUF_PAUSE = 256 * 1024;
/** How long a closing client's socket may wait for the peer to take its last replies (as the store). */
const CLOSE_DRAIN_MS = 30_000;
const R_NOAUTH = errorReply(E.NOAUTH);
const R_EXEC_NO_MULTI = errorReply(E.EXEC_NO_MULTI);
const R_DISCARD_NO_MULTI = errorReply(E.DISCARD_NO_MULTI);
const R_EXECABORT = errorReply(E.EXECABORT);
const DISCARD_ARGS = [Buffer.from('DISCARD')];
const DISCARD_CMD = encodeCommand(['DISCARD']);
/**
 * Commands the proxy answers itself that are refused between MULTI and EXEC (an error at queue time,
 * and EXEC answers -EXECABORT, as Redis does for a command rejected while queueing). Forwarded, they
 * ran on the master connection: CLIENT ID/GETNAME/INFO answered for the backend's connection, CLIENT
 * SETNAME named the backend connection and never the client, ROLE was the master's, HELLO/AUTH
 * acted on the backend connection. Emulating them would mean answering them locally at queue time
 * (+QUEUED), sending a placeholder to the backend and splicing the proxy's reply into EXEC's array,
 * with the side effect applied only if EXEC ran; refusing is exact and simple, and clients hardly
 * ever queue these. PING, ECHO and SELECT keep working inside MULTI (the backend answers the first
 * two; SELECT is tracked in multiDb and takes effect for the session at EXEC).
 */
const LOCAL_NOT_IN_MULTI = new Set([
  'client|setname', 'client|getname', 'client|id', 'client|info', 'client|list', 'client|setinfo',
  'auth', 'hello', 'readonly', 'readwrite', 'role', 'resplit',
]);
/** Subscribing inside MULTI would leave the client subscribed after EXEC on a connection that is not a tunnel. */
const SUB_NOT_IN_MULTI = new Set(['subscribe', 'psubscribe', 'ssubscribe']);
const R_NULL3 = Buffer.from('_\r\n');
/**
 * Sent before WAIT on a dedicated connection. WAIT waits for the replicas to acknowledge the
 * connection's last write, and a fresh dedicated connection has none: the client's writes went over
 * the shared connection. PUBLISH is always propagated to replicas (even with no subscriber), so it
 * moves the connection's write offset to the master's current offset, past every earlier write of
 * this client (the barrier before WAIT has seen all of them answered).
 */
const WAIT_OFFSET_MARK = encodeCommand(['PUBLISH', '__resplit__:wait', '']);

/**
 * Tunnel barrier: the tunnel's replies are not counted (one SUBSCRIBE or UNSUBSCRIBE has as many
 * replies as channels), so "every reply to what was forwarded so far has arrived" is found by
 * sending PING <token> and waiting for its echo, which the client never sees. A subscribed RESP2
 * connection answers [pong, token], any other a bulk token. The token is random per process so a
 * client's own PING cannot pass for it.
 */
const SYNC_TOKEN = `__resplit__:sync:${randomBytes(12).toString('hex')}`;
const SYNC_PING = encodeCommand(['PING', SYNC_TOKEN]);
const SYNC_REPLY = bulkReply(SYNC_TOKEN);
const SYNC_REPLY_SUB = Buffer.concat([Buffer.from('*2\r\n$4\r\npong\r\n'), SYNC_REPLY]);
const EMPTY = Buffer.alloc(0);
/** What happens once the tunnel has answered everything before the barrier. */
const SYNC_LEAVE = 1; // no subscription left: back to normal routing (unless the client subscribed again)
const SYNC_RESET = 2; // RESET: close the tunnel, reset the session, +RESET
const SYNC_CLOSE = 3; // protocol error: its error after the tunnel's replies, then the client closes
const UNSUBS = new Set(['unsubscribe', 'punsubscribe', 'sunsubscribe']);

let lastId = 0;

/** "client|kill" as clients write it: "CLIENT KILL". */
function displayName(n: string): string {
  return n.replace('|', ' ').toUpperCase();
}

/** The error for a command the proxy does not carry out. */
function refusal(r: Route): string {
  return r.name === 'monitor' ? PE.MONITOR : PE.REFUSED(displayName(r.name));
}

/** EXEC of a transaction flagged at queue time went out as DISCARD: its +OK becomes Redis's EXECABORT. */
const execAbortPost: PostFn = (_s, reply) => (reply[0] === 43 /* '+' */ ? R_EXECABORT : reply);

export class Session implements Flushable, SlotOwner, ConnEvents, ClientView {
  flushQueued = false;
  readonly id = ++lastId;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastCmdAt = this.createdAt;
  lastCmd = 'NULL';
  db = 0;
  name = '';
  libName = '';
  libVer = '';
  authed: boolean;
  /**
   * The protocol the client speaks. A RESP3 client (HELLO 3) gets connections of its own, opened with
   * HELLO 3: `dedicated` to the master for everything but reads, `readConn` to a replica for reads;
   * reply bytes pass through untouched and the proxy's own answers are encoded in RESP3.
   */
  resp: 2 | 3 = 2;
  /** RESP3: this client's own replica connection for reads (round-robin choice, opened on demand). */
  private readConn: BackendConn | null = null;
  /** Reads go to the master (RESPLIT READMODE MASTER or READWRITE). */
  readMaster: boolean;
  private readonly parser: RequestParser<Buffer>;
  private readonly out = new ReplyWriter();
  /** The reply FIFO: a linked list of slots through Slot.next. */
  private head: Slot | null = null;
  private tail: Slot | null = null;
  private count = 0;
  /**
   * Reply bytes received for this client and not yet passed to `out`: replies behind the FIFO head
   * (Slot.held each). They count against the output limits with the unsent output.
   */
  private held = 0;
  /** This client's own master connection (transactions, blocking commands), made on demand. */
  private dedicated: BackendConn | null = null;
  /** Every command goes to `dedicated` (between MULTI/WATCH and EXEC/DISCARD/UNWATCH). */
  private pinned = false;
  private inMulti = false;
  /** The db a SELECT queued inside MULTI switches to at EXEC. */
  private multiDb = -1;
  /** A command was refused while queueing: EXEC discards the transaction and answers -EXECABORT. */
  private multiFailed = false;
  /** Subscribed: every request goes through this dedicated connection as it is, until no subscription is left. */
  private tunnel: BackendConn | null = null;
  /** Finds the tunnel's reply boundaries (replies are forwarded byte for byte). */
  private tdec: ReplyDecoder | null = null;
  /** Subscription counts as the tunnel's last (un)subscribe replies said: channels+patterns, shard channels. */
  private subCount = 0;
  private shardCount = 0;
  /** A tunnel barrier in flight (its FIFO slot), what to do when it returns, and the reply it then gives. */
  private sync: Slot | null = null;
  private syncAction = 0;
  private syncReply: Buffer = EMPTY;
  /** Ordering barrier: parse nothing more until every reply so far has arrived. */
  private halted = false;
  private deferred: Buffer[] | null = null;
  private deferredRaw: Buffer | null = null;
  /** The loop stopped on a barrier or a full FIFO (a completed reply restarts it). */
  private waiting = false;
  private inLoop = false;
  private outPaused = false;
  private sockPaused = false;
  /** QUIT or a protocol error: reply, then close. */
  private closing = false;
  /** Chunks arrive in the shared read buffer (client-reads.ts): bytes kept past onData are copied. */
  private readonly sharedReads: boolean;
  private readonly writer: SocketWriter;
  closed = false;

  constructor(readonly sock: net.Socket, private readonly ctx: ProxyContext) {
    const cfg = ctx.cfg;
    this.authed = cfg.requirepass === '';
    this.readMaster = cfg.readMode === 'master';
    this.addr = `${sock.remoteAddress}:${sock.remotePort}`;
    this.laddr = `${sock.localAddress}:${sock.localPort}`;
    this.parser = new RequestParser<Buffer>('buffer', { ...DEFAULT_LIMITS, maxBulkLen: cfg.protoMaxBulkLen }, () => !this.authed);
    sock.setNoDelay(true);
    this.sharedReads = readClient(sock, (d: Buffer) => this.onData(d));
    // Every reply goes through the writer, which reports drain for both of its paths.
    this.writer = new SocketWriter(sock, () => this.onDrain());
    sock.on('error', () => undefined);
    sock.on('close', () => this.onClose());
  }

  get flags(): string {
    return this.tunnel ? 'P' : this.inMulti ? 'x' : 'N';
  }

  private onData(d: Buffer): void {
    // After QUIT or a protocol error input is dropped, as Redis does (the socket reads on only to see the peer's FIN).
    if (this.closing) return;
    this.lastCmdAt = coarseNow();
    if (this.authed && this.resp === 2 && this.tunnel === null && !this.pinned && !this.closing && this.deferred === null && this.parser.idle) {
      const pos = this.forward(d);
      if (pos === d.length) return;
      if (pos > 0) d = d.subarray(pos);
    }
    this.parser.feed(this.sharedReads ? Buffer.from(d) : d);
    this.loop();
  }

  /**
   * The fast path, for a client in the plain state (authenticated, RESP2, not pinned, nothing left
   * over from the last chunk): complete requests at the start of the chunk that are plain reads or
   * writes are forwarded as raw bytes, found by scanFrame, with no argument vector. Consecutive ones
   * bound for the same backend form one run: one slot, one copy into the backend's output, one reply
   * buffer. Stops at the first request that needs more (a local or pinning command, a partial frame,
   * an inline request, no backend to take it) and returns its offset; the full parser takes the rest.
   */
  private forward(d: Buffer): number {
    const pool = this.ctx.pool;
    const maxBulk = this.ctx.cfg.protoMaxBulkLen;
    let room = this.ctx.cfg.maxPendingPerClient - this.count;
    let pos = 0;
    let runStart = 0;
    let runN = 0;
    let runKind = 0;
    let runB: Backend | null = null;
    while (room > 0 && scanFrame(d, pos, maxBulk)) {
      const r = routeByBytes(d, frame.nameStart, frame.nameEnd);
      const kind = r.kind;
      let b: Backend | null;
      if (r.container) break;
      if (kind === K.READ) {
        b = this.readMaster && pool.master.eligible ? pool.master : pool.readBackend();
        if (b === null) break;
      } else if (kind === K.WRITE) {
        if (!pool.master.eligible) break;
        b = pool.master;
      } else break;
      if (b !== runB || kind !== runKind) {
        if (runN > 0) this.sendRun(runB!, runKind, d, runStart, pos, runN);
        runB = b;
        runKind = kind;
        runStart = pos;
        runN = 0;
      }
      runN++;
      room--;
      pos = frame.end;
      this.lastCmd = routedName.name;
    }
    if (runN > 0) this.sendRun(runB!, runKind, d, runStart, pos, runN);
    return pos;
  }

  /** One slot for n requests (d[start, end)) that go to backend b together. */
  private sendRun(b: Backend, kind: number, d: Buffer, start: number, end: number, n: number): void {
    const s = this.enqueue(kind);
    s.count = n;
    this.count += n - 1;
    const bytes = d.subarray(start, end);
    // A read keeps its bytes for a retry; from the shared read buffer, the backend connection
    // replaces them with its own copy (BackendConn.send with copy).
    if (kind === K.READ) s.raw = bytes;
    this.ctx.pool.send(b, s, bytes, this.sharedReads);
  }

  /** Handles buffered requests until the parser is empty, a barrier holds, or the FIFO is full. */
  private loop(): void {
    if (this.inLoop || this.closed) return;
    this.inLoop = true;
    this.waiting = false;
    const max = this.ctx.cfg.maxPendingPerClient;
    try {
      while (!this.closing) {
        if (this.halted) {
          if (this.count > 0) {
            this.waiting = true;
            break;
          }
          this.halted = false;
        }
        if (this.count >= max) {
          this.waiting = true;
          break;
        }
        let args: Buffer[];
        let raw: Buffer | null;
        if (this.deferred) {
          args = this.deferred;
          raw = this.deferredRaw;
          this.deferred = this.deferredRaw = null;
        } else {
          const r = this.parser.next();
          if (r === null) break;
          if (r instanceof ProtocolError) {
            this.protocolError(r);
            break;
          }
          args = r;
          raw = this.parser.raw;
        }
        this.handle(args, raw);
      }
    } finally {
      this.inLoop = false;
    }
    this.updatePause();
  }

  private updatePause(): void {
    if (this.closed) return;
    const want = this.outPaused || this.closing || (this.waiting && this.parser.pendingBytes >= QBUF_PAUSE);
    if (want && !this.sockPaused) {
      this.sockPaused = true;
      this.sock.pause();
    } else if (!want && this.sockPaused) {
      this.sockPaused = false;
      this.sock.resume();
    }
  }

  private handle(args: Buffer[], raw: Buffer | null): void {
    const a0 = args[0];
    const name = a0.latin1Slice(0, a0.length);
    this.lastCmd = name;
    if (this.tunnel) {
      // RESET is the proxy's: forwarded, it would log the tunnel's backend connection out and leave
      // the client a tunnel. It is answered once the tunnel has answered everything before it.
      if (args.length === 1 && name.length === 5 && name.toLowerCase() === 'reset') return this.tunnelSync(SYNC_RESET, R_RESET);
      this.tunnel.sendUntracked(raw ?? encodeCommand(args));
      // After an unsubscribe the client may be back to normal: what follows waits for its replies
      // (a barrier) and is routed by the proxy again if no subscription is left.
      if (UNSUBS.has(routeByName(name).name)) this.tunnelSync(SYNC_LEAVE, EMPTY);
      return;
    }
    let r = routeByName(name);
    if (r.container) r = resolveRoute(args);
    if (!this.authed && !(r.kind === K.LOCAL && (r.name === 'auth' || r.name === 'hello' || r.name === 'quit'))) {
      this.local(R_NOAUTH);
      return;
    }
    if (this.pinned) {
      this.handlePinned(args, raw, r);
      return;
    }
    const r3 = this.resp === 3;
    if (r.name === 'config|get') return this.configGet(args, raw);
    switch (r.kind) {
      case K.READ:
        return r3 ? this.read3(args, raw) : this.read(args, raw);
      case K.WRITE:
        return r3 ? this.write3(args, raw) : this.write(args, raw);
      case K.LOCAL:
        return this.handleLocal(args, raw, r);
      case K.BLOCK:
        return this.blocking(args, raw);
      case K.WAIT:
        return this.wait(args, raw);
      case K.XREAD:
        return xreadBlocks(args) ? this.blocking(args, raw) : r3 ? this.write3(args, raw) : this.write(args, raw);
      case K.SCAN:
        // RESP3: the master answers every cursor (a cursor is only meaningful where it was issued).
        return r3 ? this.write3(args, raw) : this.scan(args, raw, 1);
      case K.KEYSCAN:
        return r3 ? this.write3(args, raw) : this.scan(args, raw, 2);
      case K.INFO:
        return this.info(args, raw);
      case K.SUB:
        return this.subscribe(args, raw);
      default:
        return this.refuse(r, args);
    }
  }

  // ---- FIFO ----

  private enqueue(kind: number): Slot {
    const s = new Slot(this);
    s.kind = kind;
    s.db = this.db;
    if (this.tail) this.tail.next = s;
    else this.head = s;
    this.tail = s;
    this.count++;
    return s;
  }

  /** A reply the proxy makes itself, in order with the forwarded ones. */
  private local(reply: Buffer): void {
    stats.commandsLocal++;
    if (this.count === 0) {
      this.out.rawRef(reply);
      scheduleFlush(this);
    } else this.enqueue(0).complete(reply);
  }

  /** A slot got its reply: write every completed slot from the head of the FIFO. */
  slotDone(s: Slot): void {
    if (this.closed) return;
    if (s !== this.head) {
      // Behind the head: held until the slots before it are written, and counted meanwhile.
      const n = s.reply!.length;
      s.held += n;
      this.held += n;
      this.checkOutput();
      return;
    }
    let h: Slot | null = s;
    while (h !== null && h.reply !== null) {
      this.writeParts(h);
      this.out.rawRef(h.reply);
      h.reply = null;
      const n: Slot | null = h.next;
      h.next = null;
      this.count -= h.count;
      h = n;
    }
    this.head = h;
    if (h === null) this.tail = null;
    // A run that becomes the head sends what it already has now, and the rest as it comes (slotPartial).
    else if (h.parts !== null && h.post === null) this.writeParts(h);
    this.checkOutput();
    if (this.closed) return;
    scheduleFlush(this);
    if (this.waiting && (this.count === 0 || (!this.halted && this.count <= this.ctx.cfg.maxPendingPerClient >> 1))) this.loop();
  }

  /**
   * Some replies of a run arrived. At the head of the FIFO they go to the client at once: holding a
   * run's replies until the whole run is in kept hundreds of MB for a client that reads (30 pipelined
   * GETs of 10 MB) and tripped the output limit. Behind the head the slot keeps them, counted.
   */
  slotPartial(s: Slot, bytes: Buffer): boolean {
    if (this.closed) return true; // dropped: nobody will read them
    const sent = s === this.head && s.post === null;
    if (sent) {
      this.out.rawRef(bytes);
      scheduleFlush(this);
    } else {
      s.held += bytes.length;
      this.held += bytes.length;
    }
    this.checkOutput();
    return sent || this.closed;
  }

  /** Passes a slot's kept replies to `out`, in order, and stops counting them as held. */
  private writeParts(h: Slot): void {
    const parts = h.parts;
    if (parts !== null) {
      for (let i = 0; i < parts.length; i++) this.out.rawRef(parts[i]);
      h.parts = null;
    }
    this.held -= h.held;
    h.held = 0;
  }

  /**
   * Everything the proxy holds for this client (replies not yet written, output not yet taken by the
   * kernel) against its limits, as Redis's client-output-buffer-limit: past client-output-pause-bytes
   * its requests are not read; past client-output-limit-bytes it is closed and what it held freed.
   * O(1), on every reply.
   */
  private checkOutput(): void {
    const n = this.held + this.out.pending + this.writer.pending;
    const cfg = this.ctx.cfg;
    if (n > cfg.clientOutputLimitBytes) {
      stats.outputLimitCloses++;
      stats.outputLimitLastBytes = n;
      log().warn({ client: this.id, addr: this.addr, bytes: n }, 'client output limit exceeded, closing the client');
      this.sock.destroy();
      // Now, not at 'close': replies still arriving for it are dropped from here on.
      this.release();
      return;
    }
    if (n > cfg.clientOutputPauseBytes && !this.outPaused) {
      this.outPaused = true;
      this.updatePause();
    }
  }

  /** Reads requests again once the output has gone and little is held (a write the kernel took at once never reports drain). */
  private resumeOutput(): void {
    if (this.writer.pending > 0 || this.held > this.ctx.cfg.clientOutputPauseBytes >> 1) return;
    this.outPaused = false;
    this.updatePause();
  }

  flush(): void {
    if (this.closed) return;
    const b = this.out.take();
    if (b) this.writer.write(b);
    this.checkOutput();
    if (this.closed) return;
    if (this.outPaused) this.resumeOutput();
    if (this.closing && this.count === 0) this.finish();
  }

  /**
   * QUIT or a protocol error, once every reply is with the socket: the FIN goes after them, the
   * session lets go of its backend connections and its place in CLIENT LIST and maxclients now, and
   * the socket reads on (dropping input) so it closes when the peer does; a peer that never closes
   * is cut off after CLOSE_DRAIN_MS. (A paused socket never saw the peer's FIN, so such sessions
   * used to stay forever.)
   */
  private finish(): void {
    this.sock.end();
    this.release();
    this.sock.resume();
    const t = setTimeout(() => this.sock.destroy(), CLOSE_DRAIN_MS);
    t.unref();
    this.sock.once('close', () => clearTimeout(t));
  }

  private onDrain(): void {
    if (this.outPaused) this.resumeOutput();
  }

  private onClose(): void {
    this.release();
  }

  /** Frees what the session holds: its entry, its count, its own backend connections. */
  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.sessions.delete(this.id);
    stats.connectionsCurrent--;
    this.dedicated?.close();
    this.tunnel?.close();
    this.readConn?.close();
    this.dedicated = this.tunnel = this.readConn = null;
    // Slots still owed by shared connections must not keep the replies of the ones after them alive.
    for (let h = this.head; h !== null; ) {
      const n: Slot | null = h.next;
      h.next = h.parts = h.reply = null;
      h = n;
    }
    this.head = this.tail = null;
    this.held = 0;
    this.out.discard();
  }

  /** Closes the client now (server shutdown). */
  destroy(): void {
    this.sock.destroy();
  }

  private protocolError(e: ProtocolError): void {
    stats.protocolErrors++;
    log().info({ client: this.id, addr: this.addr, error: e.message }, 'protocol error, closing the client');
    const reply = errorReply(`ERR ${e.message}`);
    // In a tunnel the replies to the requests before the bad one are still on their way.
    if (this.tunnel && this.sync === null) this.tunnelSync(SYNC_CLOSE, reply);
    else this.local(reply);
    this.closing = true;
  }

  /**
   * Ordering barrier before a request that moves to another connection: true when nothing is in
   * flight; otherwise the request is kept and handled once every earlier reply has arrived.
   */
  private drained(args: Buffer[], raw: Buffer | null): boolean {
    if (this.count === 0) return true;
    this.deferred = args;
    this.deferredRaw = raw;
    this.halted = true;
    return false;
  }

  // ---- routing ----

  private read(args: Buffer[], raw: Buffer | null): void {
    const pool = this.ctx.pool;
    let b: Backend | null;
    if (this.readMaster && pool.master.eligible) b = pool.master;
    else b = pool.readBackend();
    if (b === null) return this.local(R_NO_BACKEND);
    const s = this.enqueue(K.READ);
    const bytes = raw ?? encodeCommand(args);
    s.raw = bytes;
    pool.send(b, s, bytes);
  }

  private write(args: Buffer[], raw: Buffer | null): void {
    const pool = this.ctx.pool;
    if (!pool.master.eligible) return this.masterDown();
    pool.send(pool.master, this.enqueue(K.WRITE), raw ?? encodeCommand(args));
  }

  /** CONFIG GET goes to the master; its reply is filtered (ProxyContext.configPost). */
  private configGet(args: Buffer[], raw: Buffer | null): void {
    let s: Slot;
    if (this.resp === 3) {
      if (!this.dedicatedConn()) return this.masterDown();
      s = this.sendDedicated(args, raw, K.WRITE);
    } else {
      const pool = this.ctx.pool;
      if (!pool.master.eligible) return this.masterDown();
      s = this.enqueue(K.WRITE);
      pool.send(pool.master, s, raw ?? encodeCommand(args));
    }
    s.post = this.ctx.configPost;
  }

  private masterDown(): void {
    stats.masterDownRejects++;
    this.local(this.ctx.masterDown);
  }

  private dedicatedConn(): BackendConn | null {
    if (this.dedicated && !this.dedicated.closed) return this.dedicated;
    if (!this.ctx.pool.master.eligible) return null;
    return (this.dedicated = this.ctx.pool.dedicated(this, this.resp === 3));
  }

  /** RESP3: everything but reads goes to the client's own master connection. */
  private write3(args: Buffer[], raw: Buffer | null): void {
    if (!this.dedicatedConn()) return this.masterDown();
    this.sendDedicated(args, raw, K.WRITE);
  }

  /**
   * RESP3: the connection this client's reads go to: its replica connection while that replica
   * serves, else a new one to the next eligible replica (never `exclude`), else its master connection.
   */
  private readConnection(exclude?: Backend): BackendConn | null {
    const pool = this.ctx.pool;
    const cur = this.readConn;
    if (cur && !cur.closed && cur.addr !== exclude) {
      if ((cur.addr as Backend).eligible) return cur;
      if (cur.pending === 0) cur.close();
      else cur.fail('replica no longer serving'); // its reads move on through connFailed (readFailover)
      const moved = this.readConn;
      if (moved !== cur && moved !== null && !moved.closed && moved.addr !== exclude) return moved;
    }
    this.readConn = null;
    if (this.readMaster && pool.master.eligible && pool.master !== exclude) return this.dedicatedConn();
    const b = pool.readBackend(exclude);
    if (b === null) return null;
    if (b.isMaster) return this.dedicatedConn();
    return (this.readConn = pool.dedicated(this, true, b));
  }

  /** Sends a read slot on a RESP3 connection (the slot keeps its bytes for a retry elsewhere). */
  private sendRead3(c: BackendConn, s: Slot, bytes: Buffer): void {
    const b = c.addr as Backend;
    s.backend = b.index;
    s.tries++;
    s.raw = bytes;
    b.routed++;
    if (b.isMaster) stats.commandsMaster++;
    else stats.commandsReplica++;
    c.send(s, bytes);
  }

  /** RESP3 reads: on the client's own replica connection. */
  private read3(args: Buffer[], raw: Buffer | null): void {
    const c = this.readConnection();
    if (c === null) return this.local(R_NO_BACKEND);
    this.sendRead3(c, this.enqueue(K.READ), raw ?? encodeCommand(args));
  }

  private sendDedicated(args: Buffer[], raw: Buffer | null, kind: number): Slot {
    stats.commandsMaster++;
    const s = this.enqueue(kind);
    this.dedicated!.send(s, raw ?? encodeCommand(args));
    return s;
  }

  /** Blocking commands get the client's own master connection, with barriers on both sides. */
  private blocking(args: Buffer[], raw: Buffer | null): void {
    if (!this.drained(args, raw)) return;
    if (!this.dedicatedConn()) return this.masterDown();
    this.sendDedicated(args, raw, K.BLOCK);
    this.halted = true;
  }

  /** WAIT: like a blocking command, after moving the dedicated connection's write offset forward. */
  private wait(args: Buffer[], raw: Buffer | null): void {
    if (!this.drained(args, raw)) return;
    const c = this.dedicatedConn();
    if (!c) return this.masterDown();
    c.sendInternal(WAIT_OFFSET_MARK, 'PUBLISH');
    this.sendDedicated(args, raw, K.BLOCK);
    this.halted = true;
  }

  /**
   * (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE: the session becomes a tunnel to a dedicated master connection
   * until no subscription is left or RESET (see tunnelData).
   */
  private subscribe(args: Buffer[], raw: Buffer | null): void {
    if (!this.drained(args, raw)) return;
    const c = this.dedicatedConn();
    if (!c) return this.masterDown();
    this.dedicated = null;
    this.pinned = this.inMulti = false;
    this.tunnel = c;
    this.tdec = new ReplyDecoder(false);
    this.subCount = this.shardCount = 0;
    c.passthrough = (chunk) => this.tunnelData(c, chunk);
    stats.commandsMaster++;
    c.sendUntracked(raw ?? encodeCommand(args), this.db);
    // Requests pipelined after it wait for its replies: if it subscribed to nothing (an error, an
    // UNSUBSCRIBE while not subscribed) the client is not subscribed and is routed normally.
    this.tunnelSync(SYNC_LEAVE, EMPTY);
  }

  /**
   * Replies from the tunnel, forwarded byte for byte. Each one is looked at for the subscription
   * counts of (un)subscribe replies and for the barrier's echo. With no subscription left (an
   * unsubscribe reply said 0 for both counts, or the first reply was an error) the client is no
   * longer subscribed, as in Redis: a barrier makes sure requests already forwarded are answered
   * here, then the session routes normally again.
   */
  private tunnelData(c: BackendConn, chunk: Buffer): void {
    if (c !== this.tunnel) return;
    const d = this.tdec!;
    d.feed(chunk);
    try {
      while (d.skip(1) === 1) {
        const r = d.take();
        if (this.sync !== null && ((r.length === SYNC_REPLY.length && r.equals(SYNC_REPLY)) || (r.length === SYNC_REPLY_SUB.length && r.equals(SYNC_REPLY_SUB)))) {
          this.synced();
          if (c !== this.tunnel) return;
          continue;
        }
        this.out.raw(r);
        this.countSubs(r, c.resp3);
        if (this.subCount === 0 && this.shardCount === 0 && this.sync === null) this.tunnelSync(SYNC_LEAVE, EMPTY);
      }
    } catch (err) {
      c.fail(`bad reply stream: ${(err as Error).message}`);
      return;
    }
    scheduleFlush(this);
  }

  /** Takes the subscription count from an (un)subscribe reply (RESP2 array, RESP3 push). */
  private countSubs(r: Buffer, resp3: boolean): void {
    // [kind, channel, count]: "*3\r\n$<n>\r\n<kind>\r\n..." with a kind of 9 to 12 letters.
    if (r[0] !== (resp3 ? 62 /* '>' */ : 42 /* '*' */) || r[1] !== 51 || r[2] !== 13 || r[4] !== 36) return;
    let i = 5;
    let n = 0;
    while (i < r.length && r[i] >= 48 && r[i] <= 57) n = n * 10 + r[i++] - 48;
    if (n < 9 || n > 12 || r[i] !== 13) return;
    const kind = r.latin1Slice(i + 2, i + 2 + n).toLowerCase();
    let j = r.length - 3;
    while (j > 0 && r[j] >= 48 && r[j] <= 57) j--;
    if (r[j] !== 58 /* ':' */ || r[r.length - 2] !== 13) return;
    const count = Number(r.latin1Slice(j + 1, r.length - 2));
    if (kind === 'subscribe' || kind === 'unsubscribe' || kind === 'psubscribe' || kind === 'punsubscribe') this.subCount = count;
    else if (kind === 'ssubscribe' || kind === 'sunsubscribe') this.shardCount = count;
  }

  /** Starts a tunnel barrier; the loop holds further requests until it returns. */
  private tunnelSync(action: number, reply: Buffer): void {
    this.sync = this.enqueue(0);
    this.syncAction = action;
    this.syncReply = reply;
    this.halted = true;
    this.tunnel!.sendUntracked(SYNC_PING);
  }

  /** The barrier returned: everything forwarded before it has been answered. */
  private synced(): void {
    const s = this.sync!;
    const reply = this.syncReply;
    const action = this.syncAction;
    this.sync = null;
    this.syncReply = EMPTY;
    if (action === SYNC_RESET) {
      this.endTunnel();
      this.reset();
    } else if (action === SYNC_CLOSE || (this.subCount === 0 && this.shardCount === 0)) this.endTunnel();
    s.complete(reply);
  }

  /** Leaves tunnel mode: the connection is closed (requests forwarded raw may have changed its state, its db). */
  private endTunnel(): void {
    const c = this.tunnel;
    this.tunnel = null;
    this.tdec = null;
    this.subCount = this.shardCount = 0;
    if (c) {
      c.passthrough = null;
      c.close();
    }
  }

  /** SCAN family: the cursor the client sees encodes the backend that issued it (cursor*N+index). */
  private scan(args: Buffer[], raw: Buffer | null, idx: number): void {
    const pool = this.ctx.pool;
    if (args.length <= idx) return this.write(args, raw);
    const cs = args[idx].latin1Slice(0, args[idx].length);
    if (cs.length > 20 || !/^[0-9]+$/.test(cs)) return this.write(args, raw); // the master answers the error
    const n = BigInt(pool.all.length);
    const cur = BigInt(cs);
    let b: Backend | null;
    let c = 0n;
    if (cur === 0n) b = this.readMaster && pool.master.eligible ? pool.master : pool.readBackend();
    else {
      c = cur / n;
      b = pool.all[Number(cur % n)];
      if (!b.eligible) {
        log().info({ client: this.id, backend: b.name }, 'SCAN cursor backend unavailable, continuing on another backend');
        b = pool.readBackend();
      }
    }
    if (b === null) return this.local(R_NO_BACKEND);
    const nargs = args.slice();
    nargs[idx] = Buffer.from(c.toString(), 'latin1');
    const bytes = encodeCommand(nargs);
    const s = this.enqueue(K.READ);
    s.raw = bytes;
    s.post = this.ctx.scanPost;
    pool.send(b, s, bytes);
  }

  /** INFO: the master's (any backend's while it is down) with the `# Proxy` section appended. */
  private info(args: Buffer[], raw: Buffer | null): void {
    const pool = this.ctx.pool;
    let want = args.length === 1;
    let only = args.length > 1;
    for (let i = 1; i < args.length; i++) {
      const a = args[i].latin1Slice(0, args[i].length).toLowerCase();
      if (a === 'proxy') want = true;
      else {
        only = false;
        if (a === 'default' || a === 'all' || a === 'everything') want = true;
      }
    }
    const text = (s: string) => (this.resp === 3 ? verbatimReply(s) : bulkReply(s));
    if (only) return this.local(text(proxySection(pool, this.ctx.startedAt)));
    if (this.resp === 3) {
      const c = pool.master.eligible ? this.dedicatedConn() : this.readConnection();
      if (c === null) return this.local(text(proxySection(pool, this.ctx.startedAt)));
      const s = this.enqueue(K.READ);
      s.post = this.ctx.infoPost;
      s.arg = want ? 1 : 0;
      return this.sendRead3(c, s, raw ?? encodeCommand(args));
    }
    const b = pool.master.eligible ? pool.master : pool.readBackend();
    if (b === null) return this.local(bulkReply(proxySection(pool, this.ctx.startedAt)));
    const s = this.enqueue(K.READ);
    const bytes = raw ?? encodeCommand(args);
    s.raw = bytes;
    s.post = this.ctx.infoPost;
    s.arg = want ? 1 : 0;
    pool.send(b, s, bytes);
  }

  /** Commands the proxy does not pass on; a wrong argument count still gets Redis's arity error first. */
  private refuse(r: Route, args?: Buffer[]): void {
    if (args && !(r.arity > 0 ? args.length === r.arity : args.length >= -r.arity)) return this.local(errorReply(errArity(r.name)));
    this.local(errorReply(refusal(r)));
  }

  // ---- transactions ----

  /** While pinned every request goes to the dedicated connection, in order. */
  private handlePinned(args: Buffer[], raw: Buffer | null, r: Route): void {
    const n = r.name;
    if (n === 'quit' || n === 'reset') return this.handleLocal(args, raw, r);
    if (this.inMulti) {
      if (n === 'exec' || n === 'discard') {
        if (n === 'exec' && this.multiFailed) {
          // A command was refused while queueing: the backend's transaction is discarded, not run.
          this.sendDedicated(DISCARD_ARGS, DISCARD_CMD, K.WRITE).post = execAbortPost;
        } else {
          const s = this.sendDedicated(args, raw, K.WRITE);
          if (n === 'exec') {
            s.arg = this.multiDb;
            s.post = this.execPost;
          }
        }
        this.unpin();
        this.halted = true;
        return;
      }
      // Refused while queueing, as Redis rejects a command at queue time: the error now, and the
      // transaction is flagged so that EXEC aborts it.
      let err: string | null = null;
      if (r.kind === K.REFUSE) err = refusal(r);
      else if ((r.kind === K.LOCAL && LOCAL_NOT_IN_MULTI.has(n)) || (r.kind === K.SUB && SUB_NOT_IN_MULTI.has(n))) err = PE.IN_MULTI(displayName(n));
      if (err !== null) {
        this.multiFailed = true;
        return this.local(errorReply(err));
      }
      if (n === 'select' && args.length === 2) {
        const db = this.parseDb(args[1]);
        if (typeof db === 'number') this.multiDb = db;
      }
      this.sendDedicated(args, raw, K.WRITE);
      return;
    }
    switch (n) {
      case 'multi':
        this.inMulti = true;
        this.multiDb = -1;
        this.multiFailed = false;
        this.sendDedicated(args, raw, K.WRITE);
        return;
      case 'unwatch':
        this.sendDedicated(args, raw, K.WRITE);
        this.unpin();
        this.halted = true;
        return;
      case 'watch':
      case 'exec':
      case 'discard':
        this.sendDedicated(args, raw, K.WRITE);
        return;
    }
    if (r.kind === K.LOCAL) return this.handleLocal(args, raw, r);
    if (r.kind === K.REFUSE) return this.refuse(r);
    if (r.kind === K.SUB) {
      this.unpin();
      return this.subscribe(args, raw);
    }
    // WATCH is active: earlier writes of this client may have gone over the shared connection.
    if (r.kind === K.WAIT) this.dedicated!.sendInternal(WAIT_OFFSET_MARK, 'PUBLISH');
    this.sendDedicated(args, raw, K.WRITE);
  }

  private unpin(): void {
    this.pinned = false;
    this.inMulti = false;
    this.multiFailed = false;
  }

  /** After a successful EXEC, a SELECT queued in the transaction has switched the db. */
  private readonly execPost: PostFn = (s, reply) => {
    if (s.arg >= 0 && reply[0] === 42 /* '*' */ && reply[1] !== 45 /* '-' (*-1: aborted) */) {
      this.db = s.arg;
      if (this.dedicated) this.dedicated.db = s.arg;
    }
    return reply;
  };

  /** Starts MULTI or WATCH on the dedicated connection. */
  private pin(args: Buffer[], raw: Buffer | null, multi: boolean): void {
    if (!this.drained(args, raw)) return;
    if (!this.dedicatedConn()) return this.masterDown();
    this.pinned = true;
    this.inMulti = multi;
    this.multiDb = -1;
    this.multiFailed = false;
    this.sendDedicated(args, raw, K.WRITE);
  }

  // ---- commands the proxy answers ----

  private handleLocal(args: Buffer[], raw: Buffer | null, r: Route): void {
    if (!(r.arity > 0 ? args.length === r.arity : args.length >= -r.arity)) return this.local(errorReply(errArity(r.name)));
    switch (r.name) {
      case 'ping':
        if (args.length > 2) return this.local(errorReply(errArity('ping')));
        return this.local(args.length === 1 ? R_PONG : bulkReply(args[1]));
      case 'echo':
        return this.local(bulkReply(args[1]));
      case 'select': {
        const db = this.parseDb(args[1]);
        if (typeof db !== 'number') return this.local(errorReply(db));
        this.db = db;
        return this.local(R_OK);
      }
      case 'auth':
        return this.auth(args);
      case 'hello':
        return this.hello(args, raw);
      case 'quit':
        this.local(R_OK);
        this.closing = true;
        return;
      case 'reset':
        if (!this.drained(args, raw)) return;
        this.reset();
        return this.local(R_RESET);
      case 'readonly':
        this.readMaster = false;
        return this.local(R_OK);
      case 'readwrite':
        this.readMaster = true;
        return this.local(R_OK);
      case 'role':
        return this.local(roleReply(this.ctx.pool));
      case 'resplit':
        return this.resplit(args);
      case 'multi':
        return this.pin(args, raw, true);
      case 'watch':
        return this.pin(args, raw, false);
      case 'exec':
        return this.local(R_EXEC_NO_MULTI);
      case 'discard':
        return this.local(R_DISCARD_NO_MULTI);
      case 'unwatch':
        return this.local(R_OK);
      case 'client|setname': {
        const name = args[2].latin1Slice(0, args[2].length);
        if (!validClientName(name)) return this.local(errorReply('ERR Client names cannot contain spaces, newlines or special characters.'));
        this.name = name;
        return this.local(R_OK);
      }
      case 'client|getname':
        return this.local(this.name ? bulkReply(this.name) : this.resp === 3 ? R_NULL3 : R_NIL);
      case 'client|id':
        return this.local(intReply(this.id));
      case 'client|info':
        return this.local(this.text(clientLine(this, Date.now()) + '\n'));
      case 'client|list': {
        const f = clientListFilter(args.map((a) => a.latin1Slice(0, a.length)));
        if (typeof f === 'string') return this.local(errorReply(f));
        const now = Date.now();
        let s = '';
        if (f.ids) {
          for (const id of f.ids) {
            const c = this.ctx.sessions.get(id);
            if (c) s += clientLine(c, now) + '\n';
          }
        } else for (const c of this.ctx.sessions.values()) if (!f.type || clientType(c) === f.type) s += clientLine(c, now) + '\n';
        return this.local(this.text(s));
      }
      case 'client|setinfo': {
        const attr = args[2].latin1Slice(0, args[2].length).toLowerCase();
        const v = args[3].latin1Slice(0, args[3].length);
        if (attr !== 'lib-name' && attr !== 'lib-ver') return this.local(errorReply(`ERR Unrecognized option '${args[2].latin1Slice(0, args[2].length)}'`));
        if (!validClientName(v)) return this.local(errorReply(`ERR ${attr} cannot contain spaces, newlines or special characters.`));
        if (attr === 'lib-name') this.libName = v;
        else this.libVer = v;
        return this.local(R_OK);
      }
      default:
        return this.refuse(r);
    }
  }

  /** Text the way Redis sends it to this client (CLIENT INFO/LIST, INFO): RESP3 verbatim or a bulk. */
  private text(s: string): Buffer {
    return this.resp === 3 ? verbatimReply(s) : bulkReply(s);
  }

  /** A SELECT index, or Redis's error text. */
  private parseDb(a: Buffer): number | string {
    const s = a.latin1Slice(0, a.length);
    if (!/^-?(0|[1-9][0-9]{0,17})$/.test(s)) return PE.SELECT_NOT_INT;
    const n = Number(s);
    if (n < 0 || n >= this.ctx.cfg.databases) return E.DB_INDEX;
    return n;
  }

  private checkAuth(user: string, pass: string, oneArg: boolean): string | null {
    const want = this.ctx.cfg.requirepass;
    if (!want) {
      if (oneArg) return E.AUTH_NO_PASSWORD;
      return user === 'default' ? null : E.WRONGPASS;
    }
    if (user === 'default' && pass === want) return null;
    return E.WRONGPASS;
  }

  private auth(args: Buffer[]): void {
    if (args.length > 3) return this.local(errorReply(E.SYNTAX));
    const s = args.map((a) => a.latin1Slice(0, a.length));
    const oneArg = s.length === 2;
    const err = this.checkAuth(oneArg ? 'default' : s[1], oneArg ? s[1] : s[2], oneArg);
    if (err) return this.local(errorReply(err));
    this.authed = true;
    this.local(R_OK);
  }

  /** HELLO [2|3 [AUTH user pass] [SETNAME name]]; 3 moves the client to RESP3 connections of its own. */
  private hello(args: Buffer[], raw: Buffer | null): void {
    const s = args.map((a) => a.latin1Slice(0, a.length));
    let i = 1;
    let proto: 2 | 3 = this.resp;
    if (s.length >= 2) {
      if (!/^-?(0|[1-9][0-9]{0,17})$/.test(s[1])) return this.local(errorReply(PE.HELLO_NOT_INT));
      const ver = Number(s[1]);
      if (ver < 2 || ver > 3) return this.local(errorReply(E.NOPROTO));
      proto = ver as 2 | 3;
      i = 2;
    }
    let setname: string | null = null;
    for (; i < s.length; i++) {
      const opt = s[i].toLowerCase();
      const more = s.length - i - 1;
      if (opt === 'auth' && more >= 2) {
        const err = this.checkAuth(s[i + 1], s[i + 2], false);
        if (err) return this.local(errorReply(err));
        this.authed = true;
        i += 2;
      } else if (opt === 'setname' && more >= 1) {
        setname = s[++i];
        if (!validClientName(setname)) return this.local(errorReply('ERR Client names cannot contain spaces, newlines or special characters.'));
      } else return this.local(errorReply(`ERR Syntax error in HELLO option '${s[i]}'`));
    }
    if (!this.authed) {
      return this.local(
        errorReply('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'),
      );
    }
    if (proto !== this.resp) {
      // Replies still in flight belong to the old connections: switch once they have all arrived.
      if (!this.drained(args, raw)) return;
      this.switchProto(proto);
    }
    if (setname !== null) this.name = setname;
    this.local(helloReply(this.id, this.resp));
  }

  /** Moves the client to another protocol: its own connections are closed (nothing is in flight). */
  private switchProto(proto: 2 | 3): void {
    log().debug({ client: this.id, proto }, 'client switches protocol');
    this.dedicated?.close();
    this.readConn?.close();
    this.dedicated = this.readConn = null;
    this.pinned = this.inMulti = false;
    this.resp = proto;
  }

  /** RESPLIT READMODE MASTER|REPLICA, RESPLIT BACKENDS. */
  private resplit(args: Buffer[]): void {
    const sub = args[1].latin1Slice(0, args[1].length).toLowerCase();
    if (sub === 'readmode') {
      const m = args.length === 3 ? args[2].latin1Slice(0, args[2].length).toLowerCase() : '';
      if (m === 'master') this.readMaster = true;
      else if (m === 'replica') this.readMaster = false;
      else return this.local(errorReply(PE.READMODE));
      return this.local(R_OK);
    }
    if (sub === 'backends' && args.length === 2) {
      const pool = this.ctx.pool;
      const lines = pool.all.map(
        (b) => `${b.name} ${b.isMaster ? 'master' : 'replica'} ${b.eligible ? 'serving' : 'out'} offset=${b.offset} lag=${b.isMaster ? 0 : pool.lag(b)} routed=${b.routed}${b.reason ? ` reason=${b.reason}` : ''}`,
      );
      return this.local(Buffer.concat([Buffer.from(`*${lines.length}\r\n`), ...lines.map((l) => bulkReply(l))]));
    }
    this.local(errorReply(PE.RESPLIT_HELP));
  }

  private reset(): void {
    this.endTunnel();
    this.multiFailed = false;
    this.dedicated?.close();
    this.readConn?.close();
    this.dedicated = this.readConn = null;
    this.resp = 2;
    this.pinned = this.inMulti = false;
    this.db = 0;
    this.name = '';
    this.readMaster = this.ctx.cfg.readMode === 'master';
    this.authed = this.ctx.cfg.requirepass === '';
  }

  /** RESP3 read failover: a lost replica connection's reads go to the next eligible backend. */
  private readFailover(conn: BackendConn, pending: Slot[]): void {
    stats.backendConnFailures++;
    const from = conn.addr as Backend;
    for (const s of pending) {
      const bytes = s.request();
      const c = bytes && s.kind === K.READ && s.tries < this.ctx.pool.all.length + 1 ? this.readConnection(from) : null;
      if (c === null || bytes === null) {
        log().warn({ client: this.id, from: from.name }, 'RESP3 read failover: no backend left for the read');
        s.fail(R_NO_BACKEND);
        continue;
      }
      stats.readFailovers++;
      log().debug({ client: this.id, from: from.name, to: c.addr.name }, 'RESP3 read failover');
      this.sendRead3(c, s, bytes);
    }
  }

  // ---- dedicated connection events ----

  connFailed(conn: BackendConn, pending: Slot[], reason: string): void {
    log().info({ client: this.id, backend: conn.addr.name, reason }, 'dedicated backend connection lost');
    if (conn === this.tunnel) {
      // The backend closed the tunnel (QUIT, or it went away): close the client after what it sent.
      this.tunnel = this.tdec = null;
      this.closing = true;
      const s = this.sync;
      if (s !== null) {
        // A barrier that will not return: the replies before it are lost, the client closes.
        this.sync = null;
        s.complete(this.syncAction === SYNC_CLOSE ? this.syncReply : EMPTY);
        this.syncReply = EMPTY;
      }
      scheduleFlush(this);
    } else if (conn === this.dedicated) {
      this.dedicated = null;
      this.pinned = this.inMulti = false;
    } else if (conn === this.readConn) {
      this.readConn = null;
      return this.readFailover(conn, pending);
    }
    for (const s of pending) {
      stats.backendLostReplies += s.count - s.got;
      s.fail(errorReply(PE.BACKEND_LOST(conn.addr.name)));
    }
  }
}
