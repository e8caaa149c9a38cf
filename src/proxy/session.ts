// One client connection (Envoy's downstream session): parses requests, routes each one, and writes
// replies strictly in request order from the head of its FIFO, because replies come back from
// different backends out of order. It also holds the per-client state a shared backend connection
// cannot: db, auth, name, read mode, and pinning (transactions, blocking commands, pub/sub tunnel).

import type net from 'node:net';
import { RequestParser, ProtocolError, DEFAULT_LIMITS } from '../resp/parser';
import { F, arityOk, resolveCommand } from '../resp/commands';
import { scanFrame, frame } from '../resp/frame-scan';
import { ReplyWriter, encodeCommand, R_QUEUED } from '../resp/encode';
import { lazyLogger } from './log';
import { K, routeByName, routeByBytes, routedName, resolveRoute, xreadBlocks, type Route } from './classify';
import { Slot, type SlotOwner, type PostFn } from './slot';
import { scheduleFlush, type Flushable } from './flush';
import { SocketWriter } from '../common/socket-writer';
import { coarseNow } from '../common/coarse-clock';
import type { BackendConn, ConnEvents } from './backend-conn';
import { stalledTwice, type Backend } from './pool';
import type { ProxyContext } from './context';
import { stats } from './stats';
import { readClient } from '../common/client-reads';
import { PE, errorReply, multiRefusal, R_NO_BACKEND, R_EXECABORT, R_CONFIG_SET_OWN_MULTI, roScriptPost } from './replies';
import { Tunnel, type TunnelOwner } from './tunnel';
import { mapElements, type ClientView } from './local';
import { handleLocal, parseDb, preAuthReply, refuse, type LocalSession } from './session-local';
import { isNoted } from './noted';
import { configGet, info, scan, type RewriteSession } from './session-rewrite';
import { inputAfterClose } from '../common/close-after-reply';

const log = lazyLogger('proxy-session');

/**
 * What one argument of a request still being received costs the proxy beyond its bytes (a Buffer
 * view: about 110 bytes of heap), counted against client-query-buffer-limit.
 */
const ARG_COST = 128;
/** Parsed-but-unhandled bytes at which a waiting client stops being read. */
const QBUF_PAUSE = 256 * 1024;
/** How long a closing client's socket may wait for the peer to take its last replies (as the store). */
const CLOSE_DRAIN_MS = 30_000;
const DISCARD_ARGS = [Buffer.from('DISCARD')];
const DISCARD_CMD = encodeCommand(['DISCARD']);
/**
 * Sent before WAIT on a dedicated connection. WAIT waits for the replicas to acknowledge the
 * connection's last write, and a fresh dedicated connection has none: the client's writes went over
 * the shared connection. SPUBLISH is always propagated to replicas (even with no subscriber), so it
 * moves the connection's write offset to the master's current offset, past every earlier write of
 * this client (the barrier before WAIT has seen all of them answered). A shard channel, so no
 * pattern subscriber (PSUBSCRIBE *) sees it, as none would see WAIT on Redis.
 */
const WAIT_OFFSET_MARK = encodeCommand(['SPUBLISH', '__resplit__:wait', '']);
// Only when the connection may not cover the client's writes (Session.uncovered): otherwise the
// mark moves the offset past what the replicas have acknowledged for nothing, and WAIT 0 0 counts
// no replica where Redis counts them all.

let lastId = 0;

/** EXEC of a transaction flagged at queue time went out as DISCARD: its +OK becomes Redis's EXECABORT. */
/** A parsed request's size as sent on (multibulk framing included), for the in-flight byte budget. */
function argvBytes(args: Buffer[]): number {
  let n = 16;
  for (const a of args) n += a.length + 16;
  return n;
}

/**
 * Whether Redis counts a K.BLOCK command as blocked (BLPOP, XREAD BLOCK, ...): not SCRIPT KILL or
 * CLIENT UNPAUSE, which are routed alike only for a connection of their own.
 */
function blocksInRedis(args: Buffer[]): boolean {
  const cmd = resolveCommand(args);
  return cmd !== undefined && (cmd.bits & F.blocking) !== 0;
}
const execAbortPost: PostFn = (_s, reply) => (reply[0] === 43 /* '+' */ ? R_EXECABORT : reply);

/** One client connection of the proxy (see the module comment). */
export class Session implements Flushable, SlotOwner, ConnEvents, ClientView, TunnelOwner, LocalSession, RewriteSession {
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
   * Writes of this client not yet answered (slots of kind WRITE still in the FIFO). While there are
   * any, its reads go to the master (reads-after-writes: master): a read pipelined behind its own
   * write then sees it, as on a single Redis, instead of racing replication to a replica.
   */
  private writesPending = 0;
  private readonly readsFollowWrites: boolean;
  /**
   * Reads of this client sent to a replica and still in the FIFO. While there are any, its writes
   * wait (drained): sent on to the master at once, a write could be applied and replicated to that
   * replica before the replica ran the read, which then saw a write the client made after it (a
   * differential fuzz saw `GET k` pipelined before `SET k v` answer v in 98 of 2000 pipelines; a
   * single Redis never does).
   */
  private replicaReads = 0;

  /** Whether this client's next read goes to the master: its read mode, or a write of it still unanswered. Not private: RewriteSession (SCAN). */
  readsToMaster(): boolean {
    return this.readMaster || (this.readsFollowWrites && (this.writesPending > 0 || this.afterWrite));
  }
  /**
   * An ordering barrier that may have written (EXEC, a blocking command, WAIT) held this client's
   * later requests until its reply: reads pipelined behind it are handled with the write answered,
   * yet belong behind it as much as behind an unanswered write (reads-after-writes). Set when the
   * barrier lifts, cleared once the client's buffered input is used up.
   */
  private haltWrote = false;
  private afterWrite = false;
  /**
   * Reply bytes received for this client and not yet passed to `out`: replies behind the FIFO head
   * (Slot.held each). They count against the output limits with the unsent output.
   */
  private held = 0;
  /**
   * Request bytes in flight (Slot.reqBytes of the slots in the FIFO), against
   * max-pending-bytes-per-client: past it no more requests are read, so a stuck backend cannot make
   * the proxy buffer a client's pipeline without bound. `nextReqBytes`: the request being handled.
   */
  private inflightBytes = 0;
  private nextReqBytes = 0;
  /** This client's own master connection (transactions, blocking commands), made on demand. */
  private dedicated: BackendConn | null = null;
  /** Every command goes to `dedicated` (between MULTI/WATCH and EXEC/DISCARD/UNWATCH). */
  private pinned = false;
  private inMulti = false;
  /** The db a SELECT queued inside MULTI switches to at EXEC. */
  private multiDb = -1;
  /** A command was refused while queueing: EXEC discards the transaction and answers -EXECABORT. */
  private multiFailed = false;
  /**
   * This transaction as the backend queued it (counted from its +QUEUED replies: Redis answers some
   * commands inside MULTI without queueing them): how many, which are CONFIG GET (filtered in
   * EXEC's reply) and the NOTED commands (noted.ts) to take note of once EXEC has run them. EXEC
   * halts the session until its reply, so these are read then, before another MULTI resets them.
   */
  private multiQueued = 0;
  private multiConfig: number[] | null = null;
  private multiNoted: Array<[Buffer[], string]> | null = null;
  /** The transaction queued a command that is not a read: a WRITE pause holds its EXEC. */
  private multiWrites = false;
  /**
   * Subscribed: every request goes through the tunnel's dedicated connection as it is, until no
   * subscription is left. Not private: the tunnel checks it is still the session's (TunnelOwner).
   */
  tunnel: Tunnel | null = null;
  /** Ordering barrier: parse nothing more until every reply so far has arrived. */
  private halted = false;
  /**
   * For WAIT: the client has written (anywhere), and some write may have gone over a connection
   * other than its own current one (shared, pause, an earlier own connection) since the last mark.
   */
  private wroteAny = false;
  private uncovered = false;
  /** The client shut down its sending side: the connection ends once its requests are answered. */
  private peerEnded = false;
  /** The tunnel's connection holds max-pending-bytes-per-client unsent: the client is not read until it drains. */
  private tunnelFull = false;
  /** A command blocking on the client's own connection, until its reply is written (CLIENT LIST's flag b). */
  private blockedOn: Slot | null = null;
  private deferred: Buffer[] | null = null;
  private deferredRaw: Buffer | null = null;
  /** The loop stopped on a barrier or a full FIFO (a completed reply restarts it). */
  private waiting = false;
  private inLoop = false;
  private outPaused = false;
  private sockPaused = false;
  /** QUIT or a protocol error: reply, then close. Not private: LocalSession (QUIT). */
  closing = false;
  /** When the close after the last reply began (ms; 0 before). */
  private closedAt = 0;
  /** Chunks arrive in the shared read buffer (client-reads.ts): bytes kept past onData are copied. */
  private readonly sharedReads: boolean;
  private readonly writer: SocketWriter;
  closed = false;

  /** `ctx` is not private: session-local.ts reads it (LocalSession). */
  constructor(readonly sock: net.Socket, readonly ctx: ProxyContext) {
    const cfg = ctx.cfg;
    this.authed = cfg.requirepass === '';
    this.readMaster = cfg.readMode === 'master';
    this.readsFollowWrites = cfg.readsAfterWrites === 'master';
    this.addr = `${sock.remoteAddress}:${sock.remotePort}`;
    this.laddr = `${sock.localAddress}:${sock.localPort}`;
    this.parser = new RequestParser<Buffer>('buffer', { ...DEFAULT_LIMITS, maxBulkLen: cfg.protoMaxBulkLen }, () => !this.authed);
    sock.setNoDelay(true);
    this.sharedReads = readClient(sock, (d: Buffer) => this.onData(d));
    // Every reply goes through the writer, which reports drain for both of its paths.
    this.writer = new SocketWriter(sock, () => this.onDrain());
    sock.on('error', () => undefined);
    sock.on('close', () => this.onClose());
    sock.on('end', () => this.onEnd());
  }

  /**
   * The client shut down its side (the listener allows half-open sockets). As Redis, which runs
   * what it read before the end: requests already received are answered, then the connection
   * closes. A client blocked (BLPOP, WAIT) or subscribed is closed at once, as Redis frees it.
   */
  private onEnd(): void {
    if (this.closing || this.closed) return;
    this.peerEnded = true;
    if (this.blockedOn !== null || this.tunnel !== null) {
      this.sock.destroy();
      this.release();
      return;
    }
    this.loop();
    this.endIfDone();
  }

  /** After the client's end: once every request it sent is answered, our side ends too. */
  private endIfDone(): void {
    if (this.peerEnded && !this.closed && this.blockedOn !== null) {
      // It blocked on a request it sent before its end (after earlier replies came).
      this.sock.destroy();
      this.release();
      return;
    }
    if (this.peerEnded && !this.closing && !this.closed && !this.inLoop && !this.waiting && this.count === 0 && this.deferred === null) {
      this.closing = true;
      scheduleFlush(this);
    }
  }

  /** Waiting on a blocking command, WAIT or a write held by a pause (INFO's blocked_clients). */
  get blocked(): boolean {
    return this.blockedOn !== null;
  }

  get flags(): string {
    if (this.tunnel) return 'P';
    // Redis's order: x (MULTI), b (blocked: a blocking command, WAIT or a write held by a pause).
    const f = (this.inMulti ? 'x' : '') + (this.blockedOn !== null ? 'b' : '');
    return f === '' ? 'N' : f;
  }

  private onData(d: Buffer): void {
    // After QUIT or a protocol error input is dropped, as Redis does (the socket reads on only to
    // see the peer's FIN); a peer that keeps sending is cut off (close-after-reply.ts).
    if (this.closing) return inputAfterClose(this.sock, this.closedAt, this.writer.pending);
    this.lastCmdAt = coarseNow();
    if (this.authed && this.resp === 2 && this.tunnel === null && !this.pinned && !this.halted && !this.closing && this.deferred === null && this.parser.idle) {
      const pos = this.forward(d);
      if (pos === d.length) return;
      if (pos > 0) d = d.subarray(pos);
    }
    this.parser.feed(this.sharedReads ? Buffer.from(d) : d);
    this.loop();
    const p = this.parser;
    if (!p.idle && p.partialBytes + p.partialArgs * ARG_COST > this.ctx.cfg.clientQueryBufferLimit) this.queryBufferLimit();
  }

  /**
   * A request still being received holds more than client-query-buffer-limit (its bytes, and its
   * arguments at ARG_COST each): closed without a reply, as Redis closes a client past its query
   * buffer limit. Without it one request that never ends (`*2000000000` and endless arguments)
   * grew the proxy until it died.
   */
  private queryBufferLimit(): void {
    if (this.closed) return;
    stats.queryBufferLimitCloses++;
    log().warn({ client: this.id, addr: this.addr, bytes: this.parser.partialBytes, args: this.parser.partialArgs }, 'closing client that reached max query buffer length');
    this.sock.destroy();
    this.release();
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
    const maxBytes = this.ctx.cfg.maxPendingBytesPerClient;
    let pos = 0;
    let runStart = 0;
    let runN = 0;
    let runKind = 0;
    let runB: Backend | null = null;
    // Reads go to the master behind an unanswered write of this client, including one earlier in this chunk.
    let toMaster = this.readsToMaster();
    while (room > 0 && this.inflightBytes + pos - runStart < maxBytes && scanFrame(d, pos, maxBulk)) {
      const r = routeByBytes(d, frame.nameStart, frame.nameEnd);
      const kind = r.kind;
      let b: Backend | null;
      if (r.container) break;
      if (kind === K.READ) {
        b = toMaster && pool.master.eligible ? pool.master : pool.readBackend();
        if (b === null) break;
      } else if (kind === K.WRITE) {
        if (!pool.master.eligible || pool.master.pausedUntil !== 0) break;
        // Behind a read of this client on a replica: the full parser holds it until the read is answered.
        if (this.replicaReads > 0 || (runKind === K.READ && runN > 0 && runB !== pool.master)) break;
        b = pool.master;
        toMaster ||= this.readsFollowWrites;
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
    s.reqBytes = end - start;
    this.inflightBytes += end - start;
    const bytes = d.subarray(start, end);
    // A read keeps its bytes for a retry; from the shared read buffer, the backend connection
    // replaces them with its own copy (BackendConn.send with copy).
    if (kind === K.READ) {
      s.raw = bytes;
      if (!b.isMaster) this.onReplica(s);
    } else this.wroteAny = this.uncovered = true;
    this.ctx.pool.send(b, s, bytes, this.sharedReads);
  }

  /** Handles buffered requests until the parser is empty, a barrier holds, or the FIFO is full. */
  private loop(): void {
    if (this.inLoop || this.closed) return;
    this.inLoop = true;
    this.waiting = false;
    const max = this.ctx.cfg.maxPendingPerClient;
    const maxBytes = this.ctx.cfg.maxPendingBytesPerClient;
    try {
      while (!this.closing && !this.closed) {
        // Output past client-output-pause-bytes: no more requests are taken (the proxy's own
        // replies to one chunk of pipelined CLIENT LIST could reach gigabytes) until it drains.
        if (this.outPaused) {
          this.waiting = true;
          break;
        }
        // A subscribed client's requests are not counted in the FIFO: bounded by what its tunnel's
        // connection has not sent yet (a stalled master, a pipeline of slow scripts).
        if (this.tunnel !== null && this.tunnel.conn.unsent >= maxBytes) {
          this.waiting = this.tunnelFull = true;
          break;
        }
        if (this.halted) {
          if (this.count > 0) {
            this.waiting = true;
            break;
          }
          this.halted = false;
          if (this.haltWrote) {
            this.haltWrote = false;
            this.afterWrite = true;
          }
        }
        if (this.count >= max || this.inflightBytes >= maxBytes) {
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
          if (r === null) {
            this.afterWrite = false;
            break;
          }
          if (r instanceof ProtocolError) {
            this.protocolError(r);
            break;
          }
          args = r;
          // An inline request is sent on re-encoded: the backend runs exactly the arguments the
          // proxy classified, whatever its own reading of the line would be.
          raw = this.parser.lastInline ? null : this.parser.raw;
        }
        this.nextReqBytes = raw !== null ? raw.length : argvBytes(args);
        this.handle(args, raw);
        this.nextReqBytes = 0;
      }
    } finally {
      this.inLoop = false;
    }
    this.updatePause();
  }

  private updatePause(): void {
    if (this.closed) return;
    const want = this.outPaused || this.tunnelFull || this.closing || (this.waiting && this.parser.pendingBytes >= QBUF_PAUSE);
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
    if (this.tunnel) {
      this.lastCmd = name.toLowerCase();
      // A RESP3 subscriber may write through its tunnel: a later WAIT marks its offset.
      this.wroteAny = this.uncovered = true;
      return this.tunnel.request(name, args, raw);
    }
    let r = routeByName(name);
    if (r.container) r = resolveRoute(args);
    // CLIENT LIST's cmd=: the full name, as Redis's lastcmd ("client|list"; NULL when unknown).
    this.lastCmd = r.name !== '' ? r.name : 'NULL';
    // Redis's no_auth commands; RESET too (it logs the client out, which it is already).
    if (!this.authed && !(r.kind === K.LOCAL && (r.name === 'auth' || r.name === 'hello' || r.name === 'quit' || r.name === 'reset'))) {
      this.local(preAuthReply(args, r));
      return;
    }
    if (r.name === 'config|set' || r.name === 'acl|setuser' || r.name === 'acl|deluser') {
      const x = this.ctx.backendGuard(r.name, args);
      if (x !== null) {
        // Inside MULTI only a plain pass-through can be queued: anything else aborts the transaction.
        if (Buffer.isBuffer(x) || this.inMulti) {
          if (this.inMulti) this.multiFailed = true;
          return this.local(Buffer.isBuffer(x) && (x[0] === 45 /* '-' */ || !this.inMulti) ? x : R_CONFIG_SET_OWN_MULTI);
        }
        args = x;
        raw = null;
      }
    }
    if (this.pinned) {
      this.handlePinned(args, raw, r);
      return;
    }
    // A write behind a read of this client still unanswered on a replica waits for it (replicaReads).
    if (this.replicaReads > 0 && (r.kind === K.WRITE || r.kind === K.NOTED || r.kind === K.BLOCK || r.kind === K.XREAD || r.kind === K.EVALSHA_RO) && !this.drained(args, raw)) return;
    const r3 = this.resp === 3;
    switch (r.kind) {
      case K.READ:
        r3 ? this.read3(args, raw) : this.read(args, raw);
        return;
      case K.SCRIPT_RO:
        return this.readScriptRo(args, raw);
      case K.WRITE:
        return r3 ? this.write3(args, raw) : this.write(args, raw);
      case K.LOCAL:
        return handleLocal(this, args, raw, r);
      case K.BLOCK:
        return this.blocking(args, raw, isNoted(r) ? this.ctx.noted.after(r.name, args) : null);
      case K.WAIT:
        return this.wait(args, raw);
      case K.XREAD:
        return xreadBlocks(args) ? this.blocking(args, raw) : r3 ? this.write3(args, raw) : this.write(args, raw);
      case K.SCAN:
        // RESP3: the master answers every cursor (a cursor is only meaningful where it was issued).
        return r3 ? this.write3(args, raw) : scan(this, args, raw, 1);
      case K.KEYSCAN:
        return r3 ? this.write3(args, raw) : scan(this, args, raw, 2);
      case K.INFO:
        return info(this, args, raw);
      case K.CONFIG_GET:
        return configGet(this, args, raw);
      case K.NOTED: {
        const s = r3 ? this.write3Slot(args, raw) : this.writeSlot(args, raw);
        if (s !== null) s.post = this.ctx.noted.after(r.name, args);
        return;
      }
      case K.EVALSHA_RO: {
        const ev = this.ctx.scripts.asEvalRo(args);
        if (ev !== null) return this.readScriptRo(ev, null);
        return r3 ? this.write3(args, raw) : this.write(args, raw);
      }
      case K.SUB:
        return this.subscribe(args, raw);
      default:
        return refuse(this, r, args);
    }
  }

  // ---- FIFO ----

  /** Not private: RewriteSession. */
  enqueue(kind: number): Slot {
    const s = new Slot(this);
    s.kind = kind;
    s.db = this.db;
    if (this.tail) this.tail.next = s;
    else this.head = s;
    this.tail = s;
    this.count++;
    // The request being handled is counted on its first slot (local replies included: they leave at once).
    if (this.nextReqBytes !== 0) {
      s.reqBytes = this.nextReqBytes;
      this.inflightBytes += this.nextReqBytes;
      this.nextReqBytes = 0;
    }
    if (kind === K.WRITE) this.writesPending++;
    return s;
  }

  /** A read no backend can serve: CLUSTERDOWN, counted. Not private: RewriteSession. */
  noBackend(): void {
    stats.readsNoBackend++;
    this.local(R_NO_BACKEND);
  }

  /** A reply the proxy makes itself, in order with the forwarded ones. Not private: LocalSession. */
  local(reply: Buffer): void {
    stats.commandsLocal++;
    if (this.count === 0) {
      this.out.rawRef(reply);
      this.checkOutput();
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
      if (h === this.blockedOn) this.blockedOn = null;
      const n: Slot | null = h.next;
      h.next = null;
      this.count -= h.count;
      this.inflightBytes -= h.reqBytes;
      if (h.kind === K.WRITE) this.writesPending--;
      if (h.onReplica) this.replicaReads--;
      h = n;
    }
    this.head = h;
    if (h === null) this.tail = null;
    // A run that becomes the head sends what it already has now, and the rest as it comes (slotPartial).
    else if (h.parts !== null && h.post === null) this.writeParts(h);
    this.checkOutput();
    if (this.closed) return;
    scheduleFlush(this);
    const cfg = this.ctx.cfg;
    if (this.waiting && (this.count === 0 || (!this.halted && this.count <= cfg.maxPendingPerClient >> 1 && this.inflightBytes * 2 <= cfg.maxPendingBytesPerClient))) this.loop();
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

  canStream(s: Slot): boolean {
    return this.closed || (s === this.head && s.post === null);
  }

  /** Part of a reply went to the client and the rest never will: closed, as its Redis connection would drop. */
  slotTorn(s: Slot): void {
    if (this.closed) return;
    log().warn({ client: this.id, addr: this.addr, backend: s.backend }, 'backend connection lost in the middle of a reply being streamed: closing the client');
    this.sock.destroy();
    this.release();
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
    // A tunnel's replies held behind its barrier count too.
    const n = this.held + this.out.pending + this.writer.pending + (this.tunnel !== null ? this.tunnel.heldBytes : 0);
    const cfg = this.ctx.cfg;
    // A subscriber has Redis's pubsub class limit (a publisher's messages pile up there).
    if (n > (this.tunnel === null ? cfg.clientOutputLimitBytes : cfg.clientOutputLimitPubsubBytes)) {
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
    if (this.writer.pending > 0 || this.held * 2 > this.ctx.cfg.clientOutputPauseBytes) return;
    this.outPaused = false;
    this.updatePause();
    // Requests already read wait in the parser (or deferred) for the loop.
    if (this.waiting) this.loop();
  }

  flush(): void {
    if (this.closed) return;
    const b = this.out.take();
    if (b) this.writer.write(b);
    this.checkOutput();
    if (this.closed) return;
    if (this.outPaused) this.resumeOutput();
    if (this.peerEnded) this.endIfDone();
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
    // Replies made since flush took the output (a loop restarted by resumeOutput) go first.
    const b = this.out.take();
    if (b) this.writer.write(b);
    this.closedAt = Date.now();
    this.sock.end();
    this.release();
    this.sock.resume();
    const t = setTimeout(() => this.sock.destroy(), CLOSE_DRAIN_MS);
    t.unref();
    this.sock.once('close', () => clearTimeout(t));
  }

  private onDrain(): void {
    if (this.outPaused) this.resumeOutput();
    // A loop restarted here may have answered the half-closed client's last request.
    if (this.peerEnded) this.endIfDone();
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
    // A write held for a pause is dropped with its client, as Redis frees a paused client.
    if (this.blockedOn !== null) this.ctx.pool.forgetHeld(this.blockedOn);
    this.dedicated?.close();
    this.tunnel?.conn.close();
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
    if (this.tunnel && !this.tunnel.syncing) this.tunnel.closeAfter(reply);
    else this.local(reply);
    this.closing = true;
  }

  /**
   * Ordering barrier before a request that moves to another connection: true when nothing is in
   * flight; otherwise the request is kept and handled once every earlier reply has arrived.
   * Not private: LocalSession (HELLO's protocol switch).
   */
  drained(args: Buffer[], raw: Buffer | null): boolean {
    if (this.count === 0) return true;
    this.deferred = args;
    this.deferredRaw = raw;
    this.halted = true;
    // Reads pipelined behind it were also behind the client's unanswered writes: they still go to
    // the master once the wait has let those writes be answered (afterWrite), as without the wait.
    if (this.writesPending > 0) this.haltWrote = true;
    return false;
  }

  // ---- routing ----

  /** EVAL_RO/FCALL_RO (and EVALSHA_RO as EVAL_RO): a read whose write-flag error is the master's. */
  private readScriptRo(args: Buffer[], raw: Buffer | null): void {
    const s = this.resp === 3 ? this.read3(args, raw) : this.read(args, raw);
    if (s !== null) s.post = roScriptPost;
  }

  /** A read for a replica (or the master behind an unanswered write); its slot, or null when no backend serves. */
  private read(args: Buffer[], raw: Buffer | null): Slot | null {
    const pool = this.ctx.pool;
    let b: Backend | null;
    if (this.readsToMaster() && pool.master.eligible) b = pool.master;
    else b = pool.readBackend();
    if (b === null) {
      this.noBackend();
      return null;
    }
    const s = this.enqueue(K.READ);
    const bytes = raw ?? encodeCommand(args);
    s.raw = bytes;
    if (!b.isMaster) this.onReplica(s);
    pool.send(b, s, bytes);
    return s;
  }

  /** A read of this client goes to a replica: its later writes wait for it (replicaReads). Not private: RewriteSession (SCAN). */
  onReplica(s: Slot): void {
    s.onReplica = true;
    this.replicaReads++;
  }

  /** Not private: RewriteSession (SCAN with a cursor that is not one). */
  write(args: Buffer[], raw: Buffer | null): void {
    // During a CLIENT PAUSE the master holds writes: on the shared connection one would hold every
    // client's requests behind it (INFO, reads served by the master).
    if (this.ctx.pool.masterPausedNow()) return this.pausedWrite(args, raw);
    this.writeSlot(args, raw);
  }

  /**
   * A write while the master is paused: on the pool's pause connection, with barriers on both sides
   * as a blocking command has (the client's next request waits for it, as on its own connection to
   * a paused Redis).
   */
  private pausedWrite(args: Buffer[], raw: Buffer | null): void {
    if (!this.drained(args, raw)) return;
    if (!this.ctx.pool.master.eligible) return this.masterDown();
    const s = (this.blockedOn = this.enqueue(K.WRITE));
    this.wroteAny = this.uncovered = true;
    const cmd = resolveCommand(args);
    // Redis holds a write it would run; a malformed one (its arity) is answered at once.
    this.ctx.pool.sendPaused(s, raw ?? encodeCommand(args), cmd !== undefined && (cmd.bits & F.write) !== 0 && arityOk(cmd, args.length));
    this.halted = this.haltWrote = true;
  }

  /** A plain write to the master; its slot, or null when refused (master down). */
  private writeSlot(args: Buffer[], raw: Buffer | null): Slot | null {
    const pool = this.ctx.pool;
    if (!pool.master.eligible) {
      this.masterDown();
      return null;
    }
    const s = this.enqueue(K.WRITE);
    this.wroteAny = this.uncovered = true;
    pool.send(pool.master, s, raw ?? encodeCommand(args));
    return s;
  }

  /** Not private: RewriteSession. */
  masterDown(): void {
    stats.masterDownRejects++;
    this.local(this.ctx.masterDown);
  }

  /** The client's own master connection, opened on demand (null while the master is down). Not private: RewriteSession. */
  dedicatedConn(): BackendConn | null {
    if (this.dedicated && !this.dedicated.closed) return this.dedicated;
    if (!this.ctx.pool.master.eligible) return null;
    // A new connection's write offset covers none of the client's earlier writes.
    if (this.wroteAny) this.uncovered = true;
    return (this.dedicated = this.ctx.pool.dedicated(this, this.resp === 3));
  }

  /** RESP3: everything but reads goes to the client's own master connection. */
  private write3(args: Buffer[], raw: Buffer | null): void {
    this.write3Slot(args, raw);
  }

  private write3Slot(args: Buffer[], raw: Buffer | null): Slot | null {
    if (!this.dedicatedConn()) {
      this.masterDown();
      return null;
    }
    return this.sendDedicated(args, raw, K.WRITE);
  }

  /**
   * RESP3: the connection this client's reads go to: its replica connection while that replica
   * serves, else a new one to the next eligible replica (never `exclude`), else its master connection.
   * Not private: RewriteSession (INFO).
   */
  readConnection(exclude?: Backend): BackendConn | null {
    const pool = this.ctx.pool;
    const cur = this.readConn;
    if (cur && !cur.closed && cur.addr !== exclude) {
      if ((cur.addr as Backend).eligible) return cur;
      if (cur.pending === 0) cur.close();
      else cur.fail('replica no longer serving', (cur.addr as Backend).silent); // its reads move on through connFailed (readFailover)
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

  /** Sends a read slot on a RESP3 connection (the slot keeps its bytes for a retry elsewhere). Not private: RewriteSession. */
  sendRead3(c: BackendConn, s: Slot, bytes: Buffer): void {
    const b = c.addr as Backend;
    s.backend = b.index;
    s.tries++;
    s.raw = bytes;
    b.routed++;
    if (b.isMaster) stats.commandsMaster++;
    else {
      stats.commandsReplica++;
      if (!s.onReplica) this.onReplica(s);
    }
    c.send(s, bytes);
  }

  /** RESP3 reads: on the client's own replica connection. */
  private read3(args: Buffer[], raw: Buffer | null): Slot | null {
    // Behind an unanswered write on the client's own master connection: the same connection, in order.
    const c = this.readsFollowWrites && (this.writesPending > 0 || this.afterWrite) && this.dedicatedConn() !== null ? this.dedicated : this.readConnection();
    if (c === null) {
      this.noBackend();
      return null;
    }
    const s = this.enqueue(K.READ);
    this.sendRead3(c, s, raw ?? encodeCommand(args));
    return s;
  }

  /** Sends on the client's own master connection (it must be open: dedicatedConn). Not private: RewriteSession. */
  sendDedicated(args: Buffer[], raw: Buffer | null, kind: number): Slot {
    stats.commandsMaster++;
    this.wroteAny = true;
    const s = this.enqueue(kind);
    this.dedicated!.send(s, raw ?? encodeCommand(args));
    return s;
  }

  /** Before WAIT on the client's own connection: covers its writes that went elsewhere (WAIT_OFFSET_MARK). */
  private markWaitOffset(c: BackendConn): void {
    if (!this.uncovered) return;
    this.uncovered = false;
    c.sendInternal(WAIT_OFFSET_MARK, 'SPUBLISH');
  }

  /** Blocking commands get the client's own master connection, with barriers on both sides. */
  private blocking(args: Buffer[], raw: Buffer | null, post: PostFn | null = null): void {
    if (!this.drained(args, raw)) return;
    if (!this.dedicatedConn()) return this.masterDown();
    const s = this.sendDedicated(args, raw, K.BLOCK);
    s.post = post;
    if (blocksInRedis(args)) this.blockedOn = s;
    this.halted = this.haltWrote = true;
  }

  /** WAIT: like a blocking command, after moving the dedicated connection's write offset forward. */
  private wait(args: Buffer[], raw: Buffer | null): void {
    if (!this.drained(args, raw)) return;
    const c = this.dedicatedConn();
    if (!c) return this.masterDown();
    this.markWaitOffset(c);
    this.blockedOn = this.sendDedicated(args, raw, K.BLOCK);
    this.halted = this.haltWrote = true;
  }

  /**
   * (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE: the session becomes a tunnel to a dedicated master connection
   * until no subscription is left or RESET (see tunnel.ts).
   */
  private subscribe(args: Buffer[], raw: Buffer | null): void {
    if (!this.drained(args, raw)) return;
    const c = this.dedicatedConn();
    if (!c) return this.masterDown();
    // WATCHed keys live on this connection: the tunnel keeps them for after the subscriptions.
    const watching = this.pinned && !this.inMulti;
    this.dedicated = null;
    this.pinned = this.inMulti = false;
    const t = (this.tunnel = new Tunnel(c, this, this.out));
    t.watching = watching;
    c.onDrain = () => {
      if (!this.tunnelFull || c !== this.tunnel?.conn) return;
      this.tunnelFull = false;
      this.loop();
    };
    stats.commandsMaster++;
    t.open(raw ?? encodeCommand(args), this.db);
  }

  /** TunnelOwner: a barrier's slot; the loop holds further requests until it completes. */
  barrierSlot(): Slot {
    const s = this.enqueue(0);
    this.halted = true;
    return s;
  }

  /** TunnelOwner: leaves tunnel mode (the tunnel closes its connection). */
  endTunnel(): void {
    const t = this.tunnel;
    this.tunnel = null;
    this.tunnelFull = false;
    if (!t) return;
    // A client that WATCHed keeps its connection, and so its watched keys, pinned as before.
    const c = t.watching ? t.release() : null;
    if (c === null) {
      t.close();
      // The WATCH lived on that connection and something still in flight on it keeps it from being
      // handed back: the client closes after its replies, as when its pinned connection is lost,
      // rather than carry on with an EXEC that no longer checks its watched keys.
      if (t.watching) {
        this.closing = true;
        scheduleFlush(this);
      }
      return;
    }
    c.db = this.db;
    this.dedicated?.close();
    this.dedicated = c;
    this.pinned = true;
    this.inMulti = false;
    this.startMulti();
  }

  /** TunnelOwner: a CONFIG GET reply as clients of the proxy see it. */
  filterConfig(reply: Buffer): Buffer {
    return this.ctx.configFilter(reply);
  }

  /** TunnelOwner: the proxy's guard against reconfiguring a backend. */
  guard(name: string, args: Buffer[]): Buffer[] | Buffer | null {
    return this.ctx.backendGuard(name, args);
  }

  /** TunnelOwner: a command the proxy answers itself, from a subscribed RESP3 client. */
  runLocal(args: Buffer[], raw: Buffer | null, r: Route): void {
    handleLocal(this, args, raw, r);
  }

  /** TunnelOwner: the tunnel forwarded SELECT (the backend answers it); a valid index is the client's db from now on. */
  selected(args: Buffer[]): void {
    if (args.length !== 2) return;
    const db = parseDb(args[1], this.ctx.cfg.databases);
    if (typeof db === 'number') this.db = db;
  }

  // ---- transactions ----

  /** While pinned every request goes to the dedicated connection, in order. */
  private handlePinned(args: Buffer[], raw: Buffer | null, r: Route): void {
    const n = r.name;
    if (n === 'quit' || n === 'reset') return handleLocal(this, args, raw, r);
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
            if (this.heldByPause(this.multiWrites)) this.blockedOn = s;
          }
        }
        this.unpin();
        this.halted = this.haltWrote = true;
        return;
      }
      // Refused while queueing, as Redis rejects a command at queue time: the error now, and the
      // transaction is flagged so that EXEC aborts it.
      const err = multiRefusal(r);
      if (err !== null) {
        this.multiFailed = true;
        return this.local(errorReply(err));
      }
      if (n === 'select' && args.length === 2) {
        const db = parseDb(args[1], this.ctx.cfg.databases);
        if (typeof db === 'number') this.multiDb = db;
      }
      const kind = r.kind;
      if (kind !== K.READ && kind !== K.LOCAL) this.multiWrites = true;
      // Copied: the arguments may be views of a read buffer that is reused.
      const noted = isNoted(r) ? args.map((a) => Buffer.from(a)) : null;
      this.sendDedicated(args, raw, K.WRITE).post = (_slot, reply) => {
        if (reply.length === R_QUEUED.length && reply.equals(R_QUEUED)) {
          if (kind === K.CONFIG_GET) (this.multiConfig ??= []).push(this.multiQueued);
          if (noted !== null) (this.multiNoted ??= []).push([noted, r.name]);
          this.multiQueued++;
        }
        return reply;
      };
      return;
    }
    switch (n) {
      case 'multi':
        this.inMulti = true;
        this.startMulti();
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
    if (r.kind === K.LOCAL) return handleLocal(this, args, raw, r);
    if (r.kind === K.REFUSE) return refuse(this, r, args);
    if (r.kind === K.SUB) return this.subscribe(args, raw);
    // WATCH is active: earlier writes of this client may have gone over the shared connection.
    if (r.kind === K.WAIT) this.markWaitOffset(this.dedicated!);
    this.sendPinned(args, raw, r);
  }

  /** A pinned client's command on its dedicated connection, with what its route adds (filter, copies). */
  private sendPinned(args: Buffer[], raw: Buffer | null, r: Route): void {
    const s = this.sendDedicated(args, raw, K.WRITE);
    if (!this.inMulti && ((r.kind === K.BLOCK && blocksInRedis(args)) || r.kind === K.WAIT || (r.kind === K.XREAD && xreadBlocks(args)) || this.heldByPause(r.kind !== K.READ))) this.blockedOn = s;
    if (isNoted(r)) s.post = this.ctx.noted.after(r.name, args);
    if (r.kind === K.CONFIG_GET) s.post = this.ctx.configPost;
  }

  /** Whether the master holds a command now for a pause the proxy knows of (ALL: any; WRITE: a write). */
  private heldByPause(write: boolean): boolean {
    const pool = this.ctx.pool;
    return pool.masterPausedNow() && (write || pool.master.pauseAll);
  }

  /** A transaction starts: nothing queued yet. */
  private startMulti(): void {
    this.multiWrites = false;
    this.multiDb = -1;
    this.multiFailed = false;
    this.multiQueued = 0;
    this.multiConfig = null;
    this.multiNoted = null;
  }

  private unpin(): void {
    this.pinned = false;
    this.inMulti = false;
    this.multiFailed = false;
  }

  /**
   * After a successful EXEC: a SELECT queued in the transaction has switched the db, its SCRIPT
   * LOAD/FLUSH go to the replicas too, and its CONFIG GET replies are filtered.
   */
  private readonly execPost: PostFn = (s, reply) => {
    if (reply[0] !== 42 /* '*' */ || reply[1] === 45 /* '-' (*-1: aborted) */) return reply;
    if (s.arg >= 0) {
      this.db = s.arg;
      if (this.dedicated) this.dedicated.db = s.arg;
    }
    if (this.multiNoted !== null) for (const [a, name] of this.multiNoted) this.ctx.noted.command(name, a);
    return this.multiConfig === null ? reply : mapElements(reply, this.multiConfig, this.ctx.configFilter);
  };

  /** Starts MULTI or WATCH on the dedicated connection. Not private: LocalSession (MULTI, WATCH). */
  pin(args: Buffer[], raw: Buffer | null, multi: boolean): void {
    if (!this.drained(args, raw)) return;
    if (!this.dedicatedConn()) return this.masterDown();
    this.pinned = true;
    this.inMulti = multi;
    this.startMulti();
    this.sendDedicated(args, raw, K.WRITE);
  }

  /** Moves the client to another protocol: its own connections are closed (nothing is in flight). Not private: LocalSession. */
  switchProto(proto: 2 | 3): void {
    log().debug({ client: this.id, proto }, 'client switches protocol');
    this.readConn?.close();
    this.readConn = null;
    if (this.pinned && !this.inMulti && this.dedicated && !this.dedicated.closed) {
      // WATCHed keys live on the dedicated connection: it switches protocol with the client
      // (closing it lost the WATCH, and a later EXEC ran although a watched key had changed).
      this.dedicated.switchProto(proto === 3);
    } else {
      this.dedicated?.close();
      this.dedicated = null;
      this.pinned = this.inMulti = false;
    }
    this.resp = proto;
  }

  /** RESET: the session as a new connection's. Not private: LocalSession, and TunnelOwner once a tunnel has answered RESET. */
  reset(): void {
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
      if (s.torn) s.lostTorn();
      // Closed (by that, or before): the rest are dropped, no connection is opened for them.
      if (this.closed) return;
      const bytes = s.request();
      if (bytes && s.kind === K.READ && conn.failedStalled && stalledTwice(s, from)) continue;
      const c = bytes && s.kind === K.READ && s.tries < this.ctx.pool.all.length + 1 ? this.readConnection(from) : null;
      if (c === null || bytes === null) {
        log().warn({ client: this.id, from: from.name }, 'RESP3 read failover: no backend left for the read');
        stats.readsNoBackend++;
        s.fail(R_NO_BACKEND);
        continue;
      }
      stats.readFailovers++;
      log().debug({ client: this.id, from: from.name, to: c.addr.name }, 'RESP3 read failover');
      this.sendRead3(c, s, bytes);
    }
  }

  // ---- dedicated connection events ----

  /** A reply on one of the client's own connections said its replica cannot serve reads now. */
  refused(conn: BackendConn, what: string): void {
    this.ctx.pool.refused(conn, what);
  }

  connFailed(conn: BackendConn, pending: Slot[], reason: string): void {
    log().info({ client: this.id, backend: conn.addr.name, reason }, 'dedicated backend connection lost');
    const t = this.tunnel;
    if (t !== null && conn === t.conn) {
      // The backend closed the tunnel (QUIT, or it went away): close the client after what it sent.
      this.tunnel = null;
      this.tunnelFull = false;
      this.closing = true;
      // A barrier that will not return: the replies before it are lost, the client closes.
      t.lost();
      scheduleFlush(this);
    } else if (conn === this.dedicated) {
      this.dedicated = null;
      if (this.pinned) {
        // WATCH or MULTI state lived on that connection: carrying on would run the transaction's
        // commands one by one (or EXEC without the WATCH). The client closes after its replies,
        // as it would see its own Redis connection drop.
        this.pinned = this.inMulti = false;
        this.closing = true;
        scheduleFlush(this);
      }
    } else if (conn === this.readConn) {
      this.readConn = null;
      return this.readFailover(conn, pending);
    }
    // Never connected: nothing was sent, so the outcome is known (a master that is gone), as the
    // pool answers for its shared connections.
    const neverSent = !conn.ready && (conn.addr as Backend).isMaster;
    for (const s of pending) {
      if (s.torn) {
        s.lostTorn();
        continue;
      }
      if (neverSent) {
        s.fail(this.ctx.masterDown);
        continue;
      }
      stats.backendLostReplies += s.count - s.got;
      s.fail(errorReply(PE.BACKEND_LOST(conn.addr.name)));
    }
  }
}
