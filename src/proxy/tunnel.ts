// The pub/sub tunnel of a subscribed client: every request goes as it is to one dedicated master
// connection and its replies come back byte for byte, until no subscription is left or RESET. Kept
// apart from the session because it has its own state (reply decoder, subscription counts, the
// barrier) and its own reply path; the session only owns it and gives it slots in its FIFO.

import { randomBytes } from 'node:crypto';
import { ReplyDecoder } from '../resp/decoder';
import { encodeCommand, type ReplyWriter } from '../resp/encode';
import { K, resolveRoute, routeByName, type Route } from './classify';
import { scheduleFlush, type Flushable } from './flush';
import { bulkReply, errorReply, PE, refusal, R_RESET } from './replies';
import type { BackendConn } from './backend-conn';
import type { Slot } from './slot';

/**
 * Tunnel barrier: the tunnel's replies are not counted (one SUBSCRIBE or UNSUBSCRIBE has as many
 * replies as channels), so "every reply to what was forwarded so far has arrived" is found by
 * sending PING <token> and waiting for its echo, which the client never sees. A subscribed RESP2
 * connection answers [pong, token], any other a bulk token. The token is random per process so a
 * client's own PING cannot pass for it.
 */
const SYNC_TOKEN = `__resplit__:sync:${randomBytes(12).toString('hex')}`;
/** Each barrier PING carries its own number, so an echo says which PING it answers (see Tunnel.probe). */
let pingSeq = 0;
/** A barrier PING: its request and the two forms of its echo. */
interface Ping {
  req: Buffer;
  bulk: Buffer;
  sub: Buffer;
}
function newPing(): Ping {
  const token = `${SYNC_TOKEN}:${++pingSeq}`;
  const bulk = bulkReply(token);
  return { req: encodeCommand(['PING', token]), bulk, sub: Buffer.concat([PONG_PREFIX, bulk]) };
}
const TOKEN_BUF = Buffer.from(SYNC_TOKEN);
/** Whether a reply is the echo of some barrier PING (a short reply holding the process's token). */
function isEcho(r: Buffer): boolean {
  return r.length < 128 && r.indexOf(TOKEN_BUF) >= 0;
}
/**
 * While a barrier is in flight and an error came back, a further PING goes this often: the error
 * may have been the barrier's own (a PING refused with BUSY while the master runs a script), after
 * which nothing would ever answer it.
 */
const PROBE_MS = 50;
/** Replies held behind an unanswered barrier before the tunnel gives up (the client is closed). */
const MAX_HELD = 65536;
/** Ends the backend's transaction before a RESET's or protocol error's barrier (its reply is dropped). */
const DISCARD = encodeCommand(['DISCARD']);
const PONG_PREFIX = Buffer.from('*2\r\n$4\r\npong\r\n');
const EMPTY = Buffer.alloc(0);
/** What happens once the tunnel has answered everything before the barrier. */
const SYNC_LEAVE = 1; // no subscription left: back to normal routing (unless the client subscribed again)
const SYNC_RESET = 2; // RESET: close the tunnel, reset the session, +RESET
const SYNC_CLOSE = 3; // protocol error: its error after the tunnel's replies, then the client closes
const SYNC_CONFIG = 4; // RESP3 CONFIG GET: sent now, its reply (the next non-push one) filtered
const SYNC_ANSWER = 5; // RESP3: a command the proxy refuses, its error in order
const SYNC_LOCAL = 6; // RESP3: a command the proxy answers itself (CLIENT ID, AUTH, ...), run in order
/**
 * The proxy's own commands a subscribed RESP3 client's tunnel still forwards: they act on the
 * tunnel's connection as on the client's own (its transaction, its db) or are answered alike.
 */
const RAW_IN_TUNNEL = new Set(['ping', 'echo', 'multi', 'exec', 'discard', 'watch', 'unwatch', 'select', 'quit']);
const UNSUBS = new Set(['unsubscribe', 'punsubscribe', 'sunsubscribe']);
/**
 * What a subscribed RESP3 client's CONFIG GET, or a command the proxy refuses or answers, becomes
 * inside MULTI: a command the backend refuses, which aborts the transaction as a command refused at
 * queue time (the proxy's own error cannot be put in order there: the backend queues any barrier).
 */
const notInTransaction = (name: string) => encodeCommand([`resplit:${name.replace('|', '-')}-is-not-supported-in-a-subscribed-transaction`]);
const CONFIG_IN_MULTI = notInTransaction('config-get');

/** What a tunnel needs from the session that owns it. */
export interface TunnelOwner extends Flushable {
  /** The owner's current tunnel: replies of a tunnel it has let go of are dropped. */
  readonly tunnel: Tunnel | null;
  /** A slot at the tail of the owner's FIFO for a barrier; the owner parses nothing more until it completes. */
  barrierSlot(): Slot;
  /** Drops the tunnel and closes its connection (back to normal routing). */
  endTunnel(): void;
  /** RESET's effect on the session (the tunnel is already ended). */
  reset(): void;
  /** CONFIG GET's reply as the proxy shows it (ProxyContext.configFilter). */
  filterConfig(reply: Buffer): Buffer;
  /** Runs a command the proxy answers itself (after the tunnel has answered everything before it). */
  runLocal(args: Buffer[], raw: Buffer | null, r: Route): void;
  /** A SELECT the tunnel forwarded: the client's db once it leaves the tunnel. */
  selected(args: Buffer[]): void;
  /** ProxyContext.backendGuard: CONFIG SET or ACL SETUSER that would reconfigure the backend. */
  guard(name: string, args: Buffer[]): Buffer[] | Buffer | null;
}

/** One subscribed client's tunnel (see the module comment), created and ended by its session. */
export class Tunnel {
  /** Finds the tunnel's reply boundaries (replies are forwarded byte for byte). */
  private readonly dec = new ReplyDecoder(false);
  /** Subscription counts as the tunnel's last (un)subscribe replies said: channels+patterns, shard channels. */
  private subCount = 0;
  private shardCount = 0;
  /** A tunnel barrier in flight (its FIFO slot), what to do when it returns, and the reply it then gives. */
  private sync: Slot | null = null;
  private syncAction = 0;
  private syncReply: Buffer = EMPTY;
  /**
   * Between MULTI and EXEC/DISCARD, as the client's requests say. Only a RESP3 connection can be in
   * a transaction while subscribed (a subscribed RESP2 one refuses MULTI).
   */
  private inMulti = false;
  /**
   * A DISCARD went before the barrier in flight: the last non-push reply before its echo is the
   * DISCARD's and is dropped. Until the echo, that last reply and the pushes after it are held here.
   */
  private discarding = false;
  private held: Buffer[] = [];
  /** A CONFIG GET waiting for its barrier, then: its reply is the next reply that is not a push. */
  private configRequest: Buffer = EMPTY;
  private configNext = false;
  /** Barrier PINGs sent and not yet answered, oldest first (the barrier's, then probes). */
  private pings: Ping[] = [];
  /**
   * Replies held since an error came back while a barrier was in flight: the error may be a PING's
   * (see probe). An echo settles it: the errors of the PINGs before it are dropped, the rest given.
   */
  private heldErr: Buffer[] = [];
  /** Bytes in `held` and `heldErr`: the owner counts them against its output limit (pubsub class). */
  heldBytes = 0;
  /** Replies still owed to PINGs sent after the one whose echo completed a barrier: dropped. */
  private stale = 0;
  private probeTimer: NodeJS.Timeout | null = null;
  /**
   * The connection holds WATCHed keys of the client (it WATCHed before subscribing, or as a RESP3
   * subscriber): when the tunnel ends the connection stays the client's (see release), since
   * Redis keeps a subscribed client's watched keys and its EXEC fails if one changed meanwhile.
   */
  watching = false;
  /** A command for the owner to answer once its barrier returns (SYNC_LOCAL). */
  private localReq: { args: Buffer[]; raw: Buffer | null; r: Route } | null = null;

  /** `out` is the owner's reply writer: the tunnel's replies go into it as they arrive. */
  constructor(readonly conn: BackendConn, private readonly owner: TunnelOwner, private readonly out: ReplyWriter) {
    conn.passthrough = (chunk) => this.data(chunk);
  }

  /** A barrier is in flight. */
  get syncing(): boolean {
    return this.sync !== null;
  }

  /** Sends the request that opened the tunnel (on the owner's db). */
  open(bytes: Buffer, db: number): void {
    this.conn.sendUntracked(bytes, db);
    // Requests pipelined after it wait for its replies: if it subscribed to nothing (an error, an
    // UNSUBSCRIBE while not subscribed) the client is not subscribed and is routed normally.
    this.barrier(SYNC_LEAVE, EMPTY);
  }

  /** A request of the subscribed client (`name` as the client wrote it). */
  request(name: string, args: Buffer[], raw: Buffer | null): void {
    // RESET is the proxy's: forwarded, it would log the tunnel's backend connection out and leave
    // the client a tunnel. It is answered once the tunnel has answered everything before it.
    const lname = name.toLowerCase();
    if (args.length === 1 && lname === 'reset') return this.barrier(SYNC_RESET, R_RESET);
    // Inside MULTI the backend queues what it gets, a barrier's PING included (its echo would never
    // come): no barrier until EXEC or DISCARD. (RESET and QUIT run at once even there.)
    // By what Redis does with them: MULTI or DISCARD with arguments is refused (DISCARD's arity
    // error only flags the transaction); EXEC with arguments aborts it.
    if (lname === 'multi') {
      if (args.length === 1) this.inMulti = this.conn.resp3;
    } else if (lname === 'exec' || (lname === 'discard' && args.length === 1)) {
      // EXEC and DISCARD end a transaction's WATCH; outside one they are errors and keep it.
      if (this.inMulti) this.watching = false;
      this.inMulti = false;
    } else if (this.conn.resp3 && !this.inMulti && (lname === 'watch' || lname === 'unwatch')) this.watching = lname === 'watch' && args.length > 1;
    // A subscribed RESP2 connection refuses everything but (un)subscribing, PING, QUIT and RESET
    // itself (Redis's own error). A RESP3 one runs anything: what the proxy refuses or answers
    // itself must not reach the backend as it is (REPLICAOF, CLIENT REPLY, CLIENT ID...).
    if (this.conn.resp3) {
      let r = routeByName(name);
      if (r.container) r = resolveRoute(args);
      const refused = r.kind === K.REFUSE || (r.kind === K.LOCAL && r.name === 'hello');
      if (refused || (r.kind === K.LOCAL && !RAW_IN_TUNNEL.has(r.name))) {
        if (this.inMulti) return this.conn.sendUntracked(notInTransaction(r.name));
        if (refused) return this.barrier(SYNC_ANSWER, errorReply(r.name === 'hello' ? PE.HELLO_SUBSCRIBED : refusal(r)));
        this.localReq = { args, raw, r };
        return this.barrier(SYNC_LOCAL, EMPTY);
      }
      if (r.name === 'select' && !this.inMulti) this.owner.selected(args);
      if (r.name === 'config|set' || r.name === 'acl|setuser' || r.name === 'acl|deluser') {
        const x = this.owner.guard(r.name, args);
        if (Buffer.isBuffer(x)) return this.inMulti ? this.conn.sendUntracked(notInTransaction(r.name)) : this.barrier(SYNC_ANSWER, x);
        if (x !== null) {
          args = x;
          raw = null;
        }
      }
    }
    // A RESP3 subscribed client may run CONFIG GET (RESP2 ones are refused by the backend): sent
    // once everything before it is answered, so its reply is known and filtered like any other.
    if (this.conn.resp3 && args.length >= 2 && lname === 'config' && args[1].latin1Slice(0, args[1].length).toLowerCase() === 'get') {
      // Queued in a transaction its reply would be hidden in EXEC's: the backend refuses it (an
      // unknown command) instead, which aborts the transaction as a command refused at queue time.
      if (this.inMulti) return this.conn.sendUntracked(CONFIG_IN_MULTI);
      this.configRequest = raw ?? encodeCommand(args);
      return this.barrier(SYNC_CONFIG, EMPTY);
    }
    this.conn.sendUntracked(raw ?? encodeCommand(args));
    // After an unsubscribe the client may be back to normal: what follows waits for its replies
    // (a barrier) and is routed by the proxy again if no subscription is left.
    if (!this.inMulti && UNSUBS.has(routeByName(name).name)) this.barrier(SYNC_LEAVE, EMPTY);
  }

  /** A protocol error: `reply` goes after the replies to the requests before it, then the client closes. */
  closeAfter(reply: Buffer): void {
    this.barrier(SYNC_CLOSE, reply);
  }

  /**
   * Replies from the tunnel, forwarded byte for byte. Each one is looked at for the subscription
   * counts of (un)subscribe replies and for the barrier's echo. With no subscription left (an
   * unsubscribe reply said 0 for both counts, or the first reply was an error) the client is no
   * longer subscribed, as in Redis: a barrier makes sure requests already forwarded are answered
   * here, then the session routes normally again.
   */
  private data(chunk: Buffer): void {
    if (this !== this.owner.tunnel) return;
    const d = this.dec;
    d.feed(chunk);
    try {
      while (d.skip(1) === 1) {
        const r = d.take();
        if (this.stale > 0 && (r[0] === 45 /* '-' */ || isEcho(r))) {
          // A probe sent after the PING that completed a barrier: its echo or error is no one's
          // (it comes before the replies to anything sent since; messages may come in between).
          this.stale--;
          continue;
        }
        const j = this.pings.length > 0 ? this.echoOf(r) : -1;
        if (j >= 0) {
          this.echoed(j);
          if (this !== this.owner.tunnel) return;
          continue;
        }
        if (this.pings.length > 0 && (this.heldErr.length > 0 || r[0] === 45 /* '-' */)) {
          // A PING refused for good (a backend user without +ping) would hold replies forever.
          if (this.heldErr.length >= MAX_HELD) return this.conn.fail('tunnel barrier never answered');
          this.heldErr.push(r);
          this.heldBytes += r.length;
          if (r[0] === 45) this.probe();
          continue;
        }
        this.deliver(r);
      }
    } catch (err) {
      this.conn.fail(`bad reply stream: ${(err as Error).message}`);
      return;
    }
    scheduleFlush(this.owner);
  }

  /** A reply that is not a barrier PING's: to the client (filtered, held behind a DISCARD, or as it is). */
  private deliver(r: Buffer): void {
    if (this.configNext && r[0] !== 62 /* '>' */) {
      this.configNext = false;
      this.out.raw(this.owner.filterConfig(r));
      return;
    }
    if (this.discarding) {
      if (r[0] !== 62 /* '>' */) {
        for (const h of this.held) this.forward(h);
        this.held = [r];
        this.recount();
      } else if (this.held.length) {
        this.held.push(r);
        this.heldBytes += r.length;
      } else this.forward(r);
      return;
    }
    this.forward(r);
  }

  /** heldBytes after replies left `held` or `heldErr`. */
  private recount(): void {
    let n = 0;
    for (const r of this.held) n += r.length;
    for (const r of this.heldErr) n += r.length;
    this.heldBytes = n;
  }

  /** Which outstanding PING `r` is the echo of (-1: none). */
  private echoOf(r: Buffer): number {
    for (let i = 0; i < this.pings.length; i++) {
      const p = this.pings[i];
      if ((r.length === p.bulk.length && r.equals(p.bulk)) || (r.length === p.sub.length && r.equals(p.sub))) return i;
    }
    return -1;
  }

  /**
   * The echo of pings[j]: the j PINGs before it were refused (their errors are the last j errors
   * held, since every request before the barrier was answered before any PING), so the other held
   * replies are given, the PINGs after it are stale, and the barrier is complete.
   */
  private echoed(j: number): void {
    const held = this.heldErr;
    this.heldErr = [];
    this.recount();
    let drop = j;
    for (let i = held.length - 1; i >= 0 && drop > 0; i--) {
      if (held[i][0] === 45 /* '-' */) {
        held.splice(i, 1);
        drop--;
      }
    }
    this.stale += this.pings.length - j - 1;
    this.pings = [];
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    for (const r of held) this.deliver(r);
    if (this.sync !== null) this.synced();
  }

  /** Sends a barrier PING. */
  private ping(): void {
    const p = newPing();
    this.pings.push(p);
    this.conn.sendUntracked(p.req);
  }

  /**
   * An error came back while a barrier PING is unanswered: it may be that PING's (BUSY during a
   * script, LOADING), after which no echo would come and the client would wait for good. Another
   * PING goes shortly (while none is pending), until one is echoed.
   */
  private probe(): void {
    if (this.probeTimer !== null) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      if (this === this.owner.tunnel && this.pings.length > 0 && this.heldErr.length > 0) this.ping();
    }, PROBE_MS);
  }

  /** Gives the client one reply of the tunnel and notes what it says about subscriptions. */
  private forward(r: Buffer): void {
    this.out.raw(r);
    this.countSubs(r, this.conn.resp3);
    if (this.subCount === 0 && this.shardCount === 0 && this.sync === null && !this.inMulti) this.barrier(SYNC_LEAVE, EMPTY);
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

  /** Starts a tunnel barrier; the owner's loop holds further requests until it returns. */
  private barrier(action: number, reply: Buffer): void {
    this.sync = this.owner.barrierSlot();
    this.syncAction = action;
    this.syncReply = reply;
    // RESET and a protocol error also happen inside a transaction, where the backend would queue
    // the PING: the transaction is discarded first (the tunnel's connection is closed after anyway).
    if (this.inMulti && (action === SYNC_RESET || action === SYNC_CLOSE)) {
      this.inMulti = false;
      this.discarding = true;
      this.conn.sendUntracked(DISCARD);
    }
    this.ping();
  }

  /** The barrier returned: everything forwarded before it has been answered. */
  private synced(): void {
    const s = this.sync!;
    const reply = this.syncReply;
    const action = this.syncAction;
    if (action === SYNC_CONFIG) {
      // Everything before is answered: CONFIG GET goes now, and a second barrier (same slot)
      // holds what follows until its reply has passed.
      this.conn.sendUntracked(this.configRequest);
      this.configRequest = EMPTY;
      this.configNext = true;
      this.syncAction = SYNC_LEAVE;
      this.ping();
      return;
    }
    this.sync = null;
    this.syncReply = EMPTY;
    if (action === SYNC_LOCAL) {
      const q = this.localReq!;
      this.localReq = null;
      // Its reply is queued behind the barrier's slot before that completes (completing lets the
      // owner's loop go on with the next request).
      this.owner.runLocal(q.args, q.raw, q.r);
      s.complete(EMPTY);
      return;
    }
    if (this.discarding) {
      // held[0] is the DISCARD's reply; the pushes that came after it are the client's.
      this.discarding = false;
      // (Only RESET and a protocol error discard: the tunnel ends here, its counts no longer matter.)
      for (let i = 1; i < this.held.length; i++) this.out.raw(this.held[i]);
      this.held = [];
      this.recount();
    }
    if (action === SYNC_RESET) {
      this.owner.endTunnel();
      this.owner.reset();
    } else if (action === SYNC_CLOSE || (this.subCount === 0 && this.shardCount === 0)) this.owner.endTunnel();
    s.complete(reply);
  }

  /**
   * Leaves tunnel mode keeping the connection (for the client's WATCH): only when everything sent
   * on it has been answered (no barrier PING or probe in flight, no transaction, nothing held), so
   * that the next reply on it is the next request's. Returns the connection, or null (then close()).
   */
  release(): BackendConn | null {
    if (this.pings.length > 0 || this.stale > 0 || this.discarding || this.inMulti || this.sync !== null) return null;
    if (this.held.length > 0 || this.heldErr.length > 0 || this.conn.closed || this.conn.pending > 0) return null;
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.subCount = this.shardCount = 0;
    this.conn.passthrough = null;
    return this.conn;
  }

  /** Leaves tunnel mode: the connection is closed (requests forwarded raw may have changed its state, its db). */
  close(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.subCount = this.shardCount = 0;
    this.conn.passthrough = null;
    this.conn.close();
  }

  /**
   * The backend closed the tunnel (the owner has already let go of it): a barrier in flight will
   * not return, the replies before it are lost, and only a protocol error's reply is still given.
   */
  lost(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.discarding = false;
    this.held = [];
    this.heldErr = [];
    this.heldBytes = 0;
    const s = this.sync;
    if (s !== null) {
      this.sync = null;
      s.complete(this.syncAction === SYNC_CLOSE ? this.syncReply : EMPTY);
      this.syncReply = EMPTY;
    }
  }
}
