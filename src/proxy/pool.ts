// The backends and the proxy's view of them: which ones may serve traffic now, their replication
// offsets (kept so a later change can route a session's reads by offset for read-your-writes), one
// shared multiplexed connection per backend (fastest on few cores), dedicated master connections on
// demand, and read failover when a shared connection fails.

import { lazyLogger } from './log';
import { BackendConn, type BackendAddr, type ConnEvents, type ConnOptions } from './backend-conn';
import { Slot } from './slot';
import { K } from './classify';
import { stats } from './stats';
import { loopPass } from './flush';
import { PE, errorReply, R_NO_BACKEND } from './replies';

const log = lazyLogger('proxy-pool');

/** Reads a replica takes per turn (the quantum of the deficit round-robin in Pool.readBackend). */
const READ_QUANTUM = 16;
/**
 * The most reads one turn takes: a long pass (many clients pipelining) still spreads over the
 * replicas in batches this big, and no replica owes more than this.
 */
const MAX_TURN = 128;

/** How a health check that got no answer in time is reported (Backend.silent). */
export const CHECK_TIMEOUT = 'health check timed out';

/** One backend server as the proxy sees it. */
export class Backend implements BackendAddr {
  readonly name: string;
  /** Reachable per the rise/fall thresholds of the checks (and passive failures). */
  up = false;
  /** May serve traffic now (up, and for a replica: in sync and not lagging). */
  eligible = false;
  /** Why it is not eligible (for logs and RESPLIT BACKENDS). */
  reason = 'not checked yet';
  okRun = 0;
  failRun = 0;
  /** The last 8 check outcomes, newest in bit 0 (1: failed), for intermittent failures. */
  history = 0;
  /** From INFO: role, link to its master, sync/loading state, replication offset. */
  role = '';
  linkUp = false;
  syncing = false;
  loading = false;
  /** Its last check was answered BUSY (a long script): alive, but a replica takes no reads. */
  busy = false;
  /**
   * A replica answered a read MASTERDOWN (replica-serve-stale-data no): it takes no reads while its
   * link is down, whatever the master's state. Learnt from replies, forgotten when its link is up.
   */
  refusesStale = false;
  /**
   * master_replid from INFO replication ('' unknown). A replica that follows the configured master
   * has the master's id; one re-pointed at another server (REPLICAOF elsewhere) has that server's.
   */
  replid = '';
  /** master_repl_offset (master) or slave_repl_offset (replica), from its own checks; -1 unknown. */
  offset = -1;
  /**
   * A replica's offset as the master last heard it (its REPLCONF ACK, from the slaveN lines of the
   * master's INFO replication); -1 while the master does not list it. Fresher than `offset` between
   * the replica's own checks, and the master's own account of what the replica has applied.
   */
  ackOffset = -1;

  /** The furthest offset this replica is known to have applied, by its own checks or the master's. */
  get applied(): number {
    return this.offset > this.ackOffset ? this.offset : this.ackOffset;
  }
  /**
   * Until when (ms since the epoch) the backend is paused by a CLIENT PAUSE sent through the proxy
   * (0: not paused): its silence until then is the pause, not a hang (health checks and request
   * timeouts count from the pause's end).
   */
  pausedUntil = 0;
  /**
   * The pause holds every command (ALL), not only writes (WRITE): only then are its health checks
   * held too, and exempt from their timeout (under a WRITE pause a silent check is a hang).
   */
  pauseAll = false;
  /**
   * When the last ALL pause ends (or ended): a check sent before then is answered after it, so its
   * timeout counts from here. Kept when the pause expires (pausedUntil goes back to 0 at the first
   * look after its end, which can come before the held check's answer).
   */
  allPauseEnd = 0;
  /** When the proxy learnt of the pause: a check sent later and answered during an ALL pause means it ended. */
  pausedAt = 0;
  /** Requests routed to it. */
  routed = 0;
  /** Reads it may still take in its turn (negative: reads it took beyond its share). */
  credit = 0;
  shared: BackendConn | null = null;
  /**
   * Lagging past max-replica-lag in `fall` consecutive checks of its own (HealthChecker.result):
   * judged when the replica's fresh offset arrives, not when the master's does, so one big write
   * whose bytes are still on the way does not flap the replica out and back.
   */
  lagging = false;
  lagRun = 0;
  /** Why the last health check failed ('' after a good one): part of `reason` while down. */
  checkError = '';
  /** INFO replication answered with an error (an ACL user without +info): a replica cannot be judged. */
  infoError = '';

  /**
   * Down because its checks went unanswered (busy or hung), not refused or closed (gone): reads in
   * flight on it count a stall (Slot.stalls).
   */
  get silent(): boolean {
    return !this.up && this.checkError.startsWith(CHECK_TIMEOUT);
  }

  constructor(readonly index: number, readonly host: string, readonly port: number, readonly isMaster: boolean) {
    this.name = `${host}:${port}`;
  }
}

/** Backend connection settings and the thresholds the pool routes by (from the proxy's configuration). */
export interface PoolOptions {
  conn: ConnOptions;
  rise: number;
  maxReplicaLag: number;
  /** request-timeout-ms (0: none); what bounds the wait of writes in flight on a silent master. */
  requestTimeoutMs?: number;
}

/**
 * A read in flight on a backend that went silent (Slot.stalls). Which of them keeps the backend
 * busy cannot be told (Redis sends the replies of everything it read in one go after the slow
 * command), so each is sent on once; in flight on a second silent backend, it gets an error.
 * Returns true when it was answered so.
 */
export function stalledTwice(s: Slot, from: Backend): boolean {
  if (++s.stalls < 2) return false;
  stats.readsStalled += s.count - s.got;
  log().warn({ backend: from.name, requests: s.count - s.got }, 'reads in flight on a second silent backend: answered with an error rather than sent on');
  s.fail(errorReply(PE.READ_STALLED(from.name)));
  return true;
}

/** Node's longest timer (a longer delay fires at once, with a warning): a longer pause is waited out in steps. */
const MAX_TIMER_MS = 0x7fffffff;

/** The backends, their shared and dedicated connections, and which backend serves each read (see the module comment). */
export class Pool implements ConnEvents {
  readonly all: Backend[];
  readonly master: Backend;
  readonly replicas: Backend[];
  private rr = 0;
  /** Whether some backend serves reads (null: none has yet). */
  private readable: boolean | null = null;
  /** The master's replication id as it reported it while serving (see evaluateOne). */
  private servingReplid = '';
  /** The replica whose turn it is, and the event-loop pass in which its turn last started or ran on. */
  private runB: Backend | null = null;
  private runPass = -1;
  /** Reads taken in the current turn. */
  private turnN = 0;
  /**
   * RESP3 clients' own replica connections, and retired shared connections still answering: the
   * stall check covers them as it does shared ones.
   */
  private readonly ownReads = new Set<BackendConn>();
  /**
   * During a CLIENT PAUSE: the master connection every client's writes wait on, so that the shared
   * one keeps answering the master's reads (INFO, READMODE MASTER) and a client need not open a
   * connection of its own per held write (thousands of clients would exhaust the master's
   * maxclients). Closed once the pause is over and it is idle.
   */
  private pauseWrites: BackendConn | null = null;

  constructor(master: { host: string; port: number }, replicas: Array<{ host: string; port: number }>, readonly opts: PoolOptions) {
    this.master = new Backend(0, master.host, master.port, true);
    this.replicas = replicas.map((r, i) => new Backend(i + 1, r.host, r.port, false));
    this.all = [this.master, ...this.replicas];
    // One good check is enough to start serving; later recoveries need `rise` in a row.
    for (const b of this.all) b.okRun = opts.rise - 1;
  }

  /**
   * The replica for the next read: deficit round-robin over the eligible replicas, whose turns end
   * only between event-loop passes. All reads of one pass (every client read in it, pipelined or
   * not) reach one replica in one write and come back in one batch, which halves the replicas'
   * per-read cost against spreading a pass over both; a replica that took more than its quantum in
   * a long pass owes it (negative credit) and sits out turns until the counts are even again. A
   * turn ends mid-pass after MAX_TURN reads, so a big pipeline still reaches every replica.
   * Skips ineligible replicas and `exclude` (a failed one); with no replica left, the master; else null.
   */
  readBackend(exclude?: Backend): Backend | null {
    const cur = this.runB;
    const pass = loopPass.n;
    if (cur !== null && cur.eligible && cur !== exclude && this.turnN < MAX_TURN && (cur.credit > 0 || this.runPass === pass)) {
      cur.credit--;
      this.turnN++;
      this.runPass = pass;
      return cur;
    }
    const reps = this.replicas;
    const n = reps.length;
    let any = false;
    // Each round gives every candidate a quantum; a debt of at most MAX_TURN ends within 9 rounds.
    for (let i = 0; i < n * (2 + MAX_TURN / READ_QUANTUM); i++) {
      const idx = (this.rr + i) % n;
      const b = reps[idx];
      if (!b.eligible || b === exclude) {
        if (i === n - 1 && !any) break;
        continue;
      }
      any = true;
      b.credit += READ_QUANTUM;
      if (b.credit <= 0) continue;
      this.rr = idx + 1;
      this.runB = b;
      this.runPass = pass;
      this.turnN = 1;
      b.credit--;
      return b;
    }
    this.runB = null;
    return this.master.eligible && this.master !== exclude ? this.master : null;
  }

  /** Sends a slot's request on a backend's shared connection (`copy`: see BackendConn.send). */
  send(b: Backend, slot: Slot, raw: Buffer, copy = false): void {
    routedTo(b, slot);
    this.sharedConn(b).send(slot, raw, copy);
  }

  /**
   * A write during a CLIENT PAUSE the proxy knows of. One Redis surely holds (`hold`: the command
   * has the write flag) is kept here until the pause ends, then sent on the pause connection
   * (pauseWrites): a client that leaves during the pause then has no effect, as Redis frees a
   * paused client with its command unrun (its session calls forgetHeld). The rest (a script flagged
   * no-writes runs during a WRITE pause) goes on the pause connection at once.
   */
  sendPaused(slot: Slot, raw: Buffer, hold: boolean): void {
    routedTo(this.master, slot);
    if (!hold) return this.pauseConn().send(slot, raw);
    this.heldWrites.set(slot, Buffer.from(raw));
    this.armRelease();
  }

  /** Writes held for a pause now (sendPaused). */
  get heldWriteCount(): number {
    return this.heldWrites.size;
  }

  /** The client of a held write left: the write is dropped with its bytes, as Redis frees it. */
  forgetHeld(slot: Slot): void {
    this.heldWrites.delete(slot);
  }

  /** Held writes (sendPaused) in the order they came, and the timer that sends them at the pause's end. */
  private heldWrites = new Map<Slot, Buffer>();
  private releaseTimer: NodeJS.Timeout | null = null;

  private armRelease(): void {
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    const wait = Math.max(0, this.master.pausedUntil - Date.now());
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = null;
      // Extended meanwhile (a later CLIENT PAUSE): wait on.
      if (this.masterPausedNow()) this.armRelease();
      else this.releaseHeld();
    }, Math.min(wait + 1, MAX_TIMER_MS));
  }

  /** The pause is over (or ended early): held writes of clients still there are sent. */
  private releaseHeld(): void {
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    const held = this.heldWrites;
    if (held.size === 0) return;
    this.heldWrites = new Map();
    const c = this.pauseConn();
    for (const [slot, bytes] of held) c.send(slot, bytes);
  }

  /** The pause connection, (re)opened if needed. */
  private pauseConn(): BackendConn {
    const c = this.pauseWrites;
    return c !== null && !c.closed && !c.retired ? c : (this.pauseWrites = this.replaceShared(this.master, c));
  }

  /** The backend's shared connection, (re)opened if it has none. */
  private sharedConn(b: Backend): BackendConn {
    const c = b.shared;
    return c !== null && !c.closed && !c.retired ? c : (b.shared = this.replaceShared(b, c));
  }

  /** A new pool-owned connection to `b` in place of `old` (closed, retired or none). */
  private replaceShared(b: Backend, old: BackendConn | null): BackendConn {
    // A retired one still has requests in flight: the stall check keeps watching it.
    if (old !== null && old.retired && !old.closed) this.ownReads.add(old);
    const n = new BackendConn(b, this.opts.conn, this);
    n.shared = true;
    return n;
  }

  /** A new dedicated connection (transactions, blocking commands, pub/sub: the master; RESP3 clients: any backend). */
  dedicated(events: ConnEvents, resp3 = false, b: Backend = this.master): BackendConn {
    const c = new BackendConn(b, this.opts.conn, events, resp3);
    if (!b.isMaster) this.ownReads.add(c);
    return c;
  }

  /** A shared connection failed: passive health, then reads go elsewhere and writes get an error. */
  connFailed(conn: BackendConn, pending: Slot[], reason: string): void {
    const b = conn.addr as Backend;
    if (b.shared === conn) b.shared = null;
    stats.backendConnFailures++;
    log().warn({ backend: b.name, reason, pending: pending.length }, 'backend connection failed');
    // A connection closed with nothing in flight is not a verdict on the backend: Redis's `timeout`
    // closes idle clients, an operator's CLIENT KILL too. The next request reconnects (and fails
    // over or errs if the backend is really gone); the health checks see a dead one within a period.
    // A master whose requests time out while its checks pass is slow (CLIENT PAUSE WRITE, a long
    // command), not gone: its writes in flight get the error, new ones still go to it.
    if ((pending.length > 0 || !conn.closedCleanly) && !(b.isMaster && conn.failedStalled) && !conn.failedNotDown) this.markDown(b, `passive: ${reason}`);
    for (const s of pending) {
      if (s.torn) {
        s.lostTorn();
        continue;
      }
      // Its client is gone: nothing to retry or answer.
      if (s.owner !== null && s.owner.closed) continue;
      const req = s.kind === K.READ && s.tries < this.all.length + 1 ? (s.scanRestart ?? s.request()) : null;
      if (req !== null && conn.failedStalled && stalledTwice(s, b)) continue;
      if (req !== null) {
        const next = this.readBackend(b);
        if (next) {
          stats.readFailovers += s.count - s.got;
          log().debug({ from: b.name, to: next.name }, 'read failover');
          s.restart();
          s.raw = req;
          s.keptBuf = null;
          this.send(next, s, req);
          continue;
        }
        s.restart();
        stats.readsNoBackend += s.count;
        s.fail(R_NO_BACKEND);
      } else if (!conn.ready && b.isMaster) {
        // Never connected: nothing was sent, so the outcome is known (a master that is gone).
        s.fail(errorReply(PE.MASTER_DOWN(b.name)));
      } else {
        stats.backendLostReplies += s.count - s.got;
        s.fail(errorReply(PE.BACKEND_LOST(b.name)));
      }
    }
  }

  /**
   * Passive: a reply from a replica said it cannot serve reads now (MASTERDOWN: no link and
   * replica-serve-stale-data no; LOADING). It is taken out at once rather than at its next check;
   * the replies already sent pass to the clients as Redis's own errors.
   */
  refused(conn: BackendConn, what: string): void {
    const b = conn.addr as Backend;
    if (b.isMaster) return;
    if (what === 'MASTERDOWN' && (!b.refusesStale || b.linkUp)) {
      // The reply itself says the link is down (the last check may be from before).
      b.refusesStale = true;
      b.linkUp = false;
    } else if (what === 'LOADING' && !b.loading) b.loading = true;
    else return;
    log().warn({ backend: b.name, reply: what }, 'replica refuses reads');
    this.evaluate();
  }

  /** Marks a backend unreachable at once (a connection failure is not a matter of thresholds). */
  markDown(b: Backend, reason: string): void {
    b.okRun = 0;
    if (b.up) {
      b.up = false;
      log().warn({ backend: b.name, reason }, 'backend down');
    }
    this.evaluate();
  }

  /** Recomputes who may serve; logs and counts every change. */
  evaluate(): void {
    this.evaluateOne(this.master);
    for (const r of this.replicas) this.evaluateOne(r);
    // Said once per change (after serving once): reads are answered CLUSTERDOWN while none serves.
    const readable = this.master.eligible || this.replicas.some((r) => r.eligible);
    if (readable && this.readable === false) log().info('reads are served again');
    else if (!readable && this.readable === true) log().error('no backend can serve reads: they are answered CLUSTERDOWN');
    if (this.readable !== null || readable) this.readable = readable;
  }

  private evaluateOne(b: Backend): void {
    let reason = '';
    if (!b.up) reason = b.checkError ? `down (${b.checkError})` : 'down';
    else if (b.loading) reason = 'loading';
    else if (b.busy && !b.isMaster) reason = 'busy running a script';
    else if (b.refusesStale && !b.linkUp) reason = 'refuses reads without its master link (replica-serve-stale-data no)';
    else if (!b.isMaster) {
      // A replica must be one, of this master: its replication id is the one the master reported
      // while it last served (a master back from a restart has a new id before it serves again, and
      // its replicas keep the old one until they resync: they go on serving reads meanwhile). With
      // the master not serving, a replica that lost its link or lags still serves reads (stale
      // reads beat no reads).
      const ref = this.master.eligible || this.servingReplid === '' ? this.master.replid : this.servingReplid;
      // (The master's current id is its own too: replicas resynced to a restarted master have it
      // before the master passes its rise checks.)
      const foreign = b.replid !== '' && ref !== '' && b.replid !== ref && b.replid !== this.master.replid;
      if (b.infoError) reason = `INFO replication refused (${b.infoError})`;
      else if (b.role !== 'slave') reason = `not a replica (role ${b.role || 'unknown'})`;
      else if (this.master.eligible && !b.linkUp) reason = 'link to master down';
      else if (this.master.eligible && b.syncing) reason = 'syncing';
      else if (foreign) reason = 'replicating from another master';
      else if (this.master.eligible && b.lagging) reason = `lagging ${this.lag(b)} bytes`;
    }
    const ok = reason === '';
    if (ok && b.isMaster) this.servingReplid = b.replid;
    const was = b.reason;
    b.reason = reason;
    if (ok === b.eligible) {
      // Out, for another reason than before (figures aside): said once, so that a backend that never
      // serves (a standalone server listed as a replica, say) says why. Down is the checker's to log.
      if (!ok && !reason.startsWith('down') && reason.replace(/\d+/g, '') !== was.replace(/\d+/g, '')) {
        log().info({ backend: b.name, role: b.isMaster ? 'master' : 'replica', reason }, 'backend not serving');
      }
      return;
    }
    b.eligible = ok;
    b.credit = 0;
    stats.healthTransitions++;
    if (ok) log().info({ backend: b.name, role: b.isMaster ? 'master' : 'replica' }, 'backend serving');
    else {
      log().warn({ backend: b.name, role: b.isMaster ? 'master' : 'replica', reason }, 'backend not serving');
      // A backend the checks found down (stalled, unreachable): reads in flight on it move on now
      // rather than at request-timeout-ms. Writes in flight on a master that went silent (a slow
      // command, a hang) are left to request-timeout-ms: no other server could take them, and a
      // master that answers after all (a 3 s command) gives them their real replies rather than an
      // error for a write that was applied. Without a request timeout (0) the verdict ends their
      // wait (a hung master would hold them for good). New writes get the master-down error at once.
      const c = b.shared;
      const waitOn = b.isMaster && b.silent && (this.opts.requestTimeoutMs ?? 0) > 0;
      if (!b.up && c !== null && !c.closed && c.pending > 0 && !waitOn) c.fail(`backend down: ${reason}`, b.silent);
      const pw = this.pauseWrites;
      if (b.isMaster && !b.up && pw !== null && !pw.closed && pw.pending > 0 && !waitOn) pw.fail(`backend down: ${reason}`, b.silent);
      // Writes held for a pause were never sent: their outcome is known.
      if (b.isMaster && !b.up && this.heldWrites.size > 0) {
        const held = this.heldWrites;
        this.heldWrites = new Map();
        for (const slot of held.keys()) slot.fail(errorReply(PE.MASTER_DOWN(b.name)));
      }
      // RESP3 clients' own replica connections too (their sessions fail the reads over).
      if (!b.up && !b.isMaster) for (const o of this.ownReads) if (o.addr === b && !o.closed && o.pending > 0) o.fail(`backend down: ${reason}`, b.silent);
    }
    if (b.isMaster) for (const r of this.replicas) this.evaluateOne(r);
  }

  /** Replication bytes a replica trails the master by (0 when unknown). */
  lag(b: Backend): number {
    const applied = b.applied;
    if (applied < 0 || this.master.offset < 0) return 0;
    return Math.max(0, this.master.offset - applied);
  }

  /**
   * Takes the master's slaveN lines (ip, port, offset as last acknowledged) onto the configured
   * replicas: matched by address, or by port alone when only one replica has that port (the master
   * sees the replica's IP, the configuration may name it by host name). A replica the master does
   * not list (down, re-pointed elsewhere) has no acknowledged offset.
   */
  masterReplicas(listed: Array<{ ip: string; port: number; offset: number }>): void {
    for (const r of this.replicas) {
      let hit = listed.find((l) => l.port === r.port && l.ip === r.host);
      if (hit === undefined) {
        const byPort = listed.filter((l) => l.port === r.port);
        if (byPort.length === 1 && this.replicas.filter((o) => o.port === r.port).length === 1) hit = byPort[0];
      }
      r.ackOffset = hit === undefined ? -1 : hit.offset;
    }
  }

  /**
   * The master ran CLIENT PAUSE (until `until`, ms since the epoch) or CLIENT UNPAUSE (0). As Redis,
   * a second pause never shortens the first.
   */
  masterPaused(until: number, all = false, why = 'CLIENT UNPAUSE'): void {
    const m = this.master;
    if (until === 0) {
      m.pausedUntil = 0;
      m.pauseAll = false;
      m.allPauseEnd = Math.min(m.allPauseEnd, Date.now());
      log().info({ backend: m.name, why }, 'master unpaused');
      this.releaseHeld();
      return;
    }
    // As Redis's pauseClients: the later end and the stricter mode of the two.
    m.pausedUntil = Math.max(m.pausedUntil, until);
    m.pauseAll ||= all;
    if (m.pauseAll) m.allPauseEnd = m.pausedUntil;
    m.pausedAt = Date.now();
    log().info({ backend: m.name, until: new Date(m.pausedUntil).toISOString(), mode: m.pauseAll ? 'all' : 'write' }, 'master paused by CLIENT PAUSE');
  }

  /** Whether the master is paused by a CLIENT PAUSE sent through the proxy (forgets one that ended). */
  masterPausedNow(): boolean {
    const m = this.master;
    if (m.pausedUntil === 0) return false;
    if (m.pausedUntil > Date.now()) return true;
    m.pausedUntil = 0;
    m.pauseAll = false;
    return false;
  }

  /** Fails shared connections stalled for longer than the request timeout (passive check). */
  checkStalls(tickMs: number, timeoutMs: number): void {
    // Closed connections leave the set on every tick, also when no timeout is set.
    for (const c of this.ownReads) if (c.closed) this.ownReads.delete(c);
    let pw = this.pauseWrites;
    if (pw !== null && (pw.closed || (pw.pending === 0 && this.heldWrites.size === 0 && !this.masterPausedNow()))) {
      pw.close();
      pw = this.pauseWrites = null;
    }
    if (timeoutMs <= 0) return;
    const conns: BackendConn[] = [...this.ownReads];
    if (pw !== null) conns.push(pw);
    for (const b of this.all) if (b.shared) conns.push(b.shared);
    const now = Date.now();
    for (const c of conns) {
      if (c.closed) continue;
      // Paused by CLIENT PAUSE: its requests wait for the pause's end, as they would on Redis. A
      // master whose checks answer BUSY runs a long script: alive, it answers them when it ends.
      const b = c.addr as Backend;
      if (c.pending === 0 || c.progress !== c.lastSeen || b.pausedUntil > now || (b.isMaster && b.busy)) {
        c.lastSeen = c.progress;
        c.stalledMs = 0;
        continue;
      }
      c.stalledMs += tickMs;
      if (c.stalledMs >= timeoutMs) c.fail(`no reply for ${timeoutMs} ms`, true);
    }
  }

  /** Closes every shared connection. */
  close(): void {
    for (const b of this.all) {
      b.shared?.close();
      b.shared = null;
    }
    this.pauseWrites?.close();
    this.pauseWrites = null;
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    this.heldWrites.clear();
  }
}

/** Counts a slot as sent to `b` (its backend, its tries, the backend's and the proxy's counters). */
function routedTo(b: Backend, slot: Slot): void {
  slot.backend = b.index;
  slot.tries++;
  b.routed += slot.count;
  if (b.isMaster) stats.commandsMaster += slot.count;
  else stats.commandsReplica += slot.count;
}
