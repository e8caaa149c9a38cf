// Active health checks: every interval each backend gets PING, INFO replication and INFO persistence
// on a connection of its own (so checks never queue behind client traffic). Results feed rise/fall
// thresholds and the replica state the pool routes by (role, link, sync, loading, offset lag).

import net from 'node:net';
import { lazyLogger } from './log';
import { ReplyDecoder, ReplyError, NEED_MORE, type ReplyValue } from '../resp/decoder';
import { encodeCommand } from '../resp/encode';
import { applyKeepalive, type ConnOptions } from './backend-conn';
import { CHECK_TIMEOUT, type Backend, type Pool } from './pool';

const log = lazyLogger('proxy-health');

/** Check timing, rise/fall thresholds and the credentials of the check connections (from the proxy's configuration). */
export interface HealthOptions {
  intervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
  requestTimeoutMs: number;
  conn: ConnOptions;
  /** The proxy's `databases`: each check selects the highest, which the backend must allow. */
  databases: number;
}

/**
 * The replicas a master's INFO replication lists: "slaveN:ip=...,port=...,state=online,offset=...,lag=...".
 * Only online ones (one still waiting for or loading its snapshot has no offset worth routing by).
 */
export function listedReplicas(info: Map<string, string>): Array<{ ip: string; port: number; offset: number }> {
  const out: Array<{ ip: string; port: number; offset: number }> = [];
  for (const [k, v] of info) {
    if (!/^slave\d+$/.test(k)) continue;
    const f = new Map(v.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    if (f.get('state') !== 'online') continue;
    const port = Number(f.get('port'));
    const offset = Number(f.get('offset'));
    if (Number.isInteger(port) && Number.isSafeInteger(offset)) out.push({ ip: f.get('ip') ?? '', port, offset });
  }
  return out;
}

/** Parses "key:value" lines of an INFO reply. */
export function parseInfo(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && line[0] !== '#') m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/** The probe connection of one backend. */
class Probe {
  private sock: net.Socket | null = null;
  private dec = new ReplyDecoder(true);
  private replies: ReplyValue[] = [];
  private expect = 0;
  private sentAt = 0;
  private readonly request: Buffer;

  constructor(readonly b: Backend, private readonly h: HealthChecker) {
    // SELECT first: a backend that refuses the proxy's highest db (fewer databases, an ACL user
    // without +select) would run a client's requests in another db after refusing the proxy's
    // SELECT (pipelined behind it); it serves nothing, with the reason.
    // AUTH and SELECT once per connection (the first check on it): sent with every check they
    // showed in the backend's commandstats between a client's CONFIG RESETSTAT and its reading
    // (Redis's own suite counts SELECT calls). A refusal closes the connection, so the next check
    // asks again.
    const check = [encodeCommand(['PING']), encodeCommand(['INFO', 'replication']), encodeCommand(['INFO', 'persistence'])];
    const first = [encodeCommand(['SELECT', String(h.opts.databases - 1)]), ...check];
    const o = h.opts.conn;
    if (o.password) first.unshift(encodeCommand(o.username ? ['AUTH', o.username, o.password] : ['AUTH', o.password]));
    this.request = Buffer.concat(check);
    this.firstRequest = Buffer.concat(first);
    this.replyCount = check.length;
    this.firstCount = first.length;
  }
  private readonly replyCount: number;
  private readonly firstRequest: Buffer;
  private readonly firstCount: number;
  /** The check in flight is the connection's first (AUTH, SELECT in front). */
  private first = false;

  /** Starts a check unless one is still running; a check running too long fails. */
  tick(now: number): void {
    if (this.expect > 0) {
      // A check sent while the backend is paused by CLIENT PAUSE ALL is answered after the pause:
      // its time counts from the pause's end. (A WRITE pause does not hold checks.)
      const from = Math.max(this.sentAt, this.b.allPauseEnd);
      if (now - from >= this.h.opts.timeoutMs) this.failed(`${CHECK_TIMEOUT} after ${this.h.opts.timeoutMs} ms`);
      return;
    }
    this.sentAt = now;
    this.replies = [];
    this.first = !this.sock;
    this.expect = this.first ? this.firstCount : this.replyCount;
    if (!this.sock) this.connect();
    else this.sock.write(this.request);
  }

  private connect(): void {
    const s = (this.sock = net.connect({ host: this.b.host, port: this.b.port }));
    this.dec = new ReplyDecoder(true);
    s.setNoDelay(true);
    s.on('connect', () => {
      applyKeepalive(s, this.h.opts.conn);
      s.write(this.firstRequest);
    });
    s.on('data', (d: Buffer) => this.onData(d));
    s.on('error', (err) => this.failed(err.message));
    s.on('close', () => this.failed('health check connection closed'));
  }

  private onData(d: Buffer): void {
    this.dec.feed(d);
    try {
      for (let v = this.dec.next(); v !== NEED_MORE; v = this.dec.next()) this.replies.push(v);
    } catch (err) {
      this.failed(`bad reply: ${(err as Error).message}`);
      return;
    }
    if (this.expect > 0 && this.replies.length >= this.expect) {
      this.expect = 0;
      let r = this.replies;
      this.replies = [];
      if (this.first) {
        const auth = this.h.opts.conn.password ? r[0] : null;
        const select = r[auth !== null ? 1 : 0];
        r = r.slice(auth !== null ? 2 : 1);
        // Refused: the next check asks again, on a new connection.
        if (auth instanceof ReplyError || select instanceof ReplyError) this.dropSocket();
        // Wrong backend credentials: say so, rather than the NOAUTH that every later command gets.
        if (auth instanceof ReplyError) return this.h.failure(this.b, `AUTH with backend-password failed: ${auth.message}`);
        // BUSY or LOADING: the backend's state of the moment, which PING reports as well.
        if (select instanceof ReplyError && /^NOAUTH /.test(select.message)) return this.h.failure(this.b, `backend requires a password (backend-password): ${select.message}`);
        if (select instanceof ReplyError && !/^(BUSY|LOADING) /.test(select.message)) {
          return this.h.failure(this.b, `SELECT ${this.h.opts.databases - 1} refused (${select.message}): the backend must allow SELECT of every db the proxy's databases setting allows`);
        }
      }
      // Answered during an ALL pause it learnt of before sending: the master is not paused any
      // more (CLIENT UNPAUSE sent to it directly, or a restart); the allowance would hide a hang.
      if (this.b.pauseAll && this.b.pausedUntil > Date.now() && this.sentAt > this.b.pausedAt) this.h.pool.masterPaused(0, false, 'the master answered a health check during the pause');
      this.h.result(this.b, r);
    }
  }

  /** Closes the check's connection without a verdict (the next check opens another). */
  private dropSocket(): void {
    if (!this.sock) return;
    const s = this.sock;
    this.sock = null;
    s.removeAllListeners();
    s.on('error', () => undefined);
    s.destroy();
  }

  failed(reason: string): void {
    // A pause does not outlive the master's connection (a restart ends it).
    if (reason !== 'closing' && this.b.pausedUntil !== 0) this.h.pool.masterPaused(0, false, `health check failed: ${reason}`);
    this.dropSocket();
    if (this.expect > 0) {
      this.expect = 0;
      this.h.failure(this.b, reason);
    }
  }

  close(): void {
    this.expect = 0;
    this.failed('closing');
  }
}

/** Runs the checks of every backend on a timer and applies their results to the pool (up/down, replica state); also drives the pool's stall check. */
export class HealthChecker {
  private readonly probes: Probe[];
  private timer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];

  constructor(readonly pool: Pool, readonly opts: HealthOptions) {
    this.probes = pool.all.map((b) => new Probe(b, this));
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    const stallTick = Math.max(10, Math.min(250, Math.floor(this.opts.requestTimeoutMs / 4) || 250));
    this.stallTimer = setInterval(() => this.pool.checkStalls(stallTick, this.opts.requestTimeoutMs), stallTick);
  }

  /** Resolves after every backend has answered or failed one check (start-up), or after timeoutMs. */
  firstRound(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
      this.checkFirstRound();
    });
  }

  private checked = new Set<Backend>();
  private checkFirstRound(): void {
    if (this.checked.size < this.pool.all.length) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.timer = this.stallTimer = null;
    for (const p of this.probes) p.close();
  }

  private tick(): void {
    const now = Date.now();
    for (const p of this.probes) p.tick(now);
  }

  /** A check answered: PING, INFO replication, INFO persistence. */
  result(b: Backend, r: ReplyValue[]): void {
    const [pong, repl, pers] = r;
    // BUSY: alive, running a script (or function) past busy-reply-threshold. Not down: requests in
    // flight behind it stay (SCRIPT KILL can end it); a replica takes no reads meanwhile. Its
    // replication state is as last seen (INFO is refused too).
    const busy = pong instanceof ReplyError && pong.message.startsWith('BUSY');
    if (busy !== b.busy) log().warn({ backend: b.name, busy }, busy ? 'backend busy running a script' : 'backend no longer busy');
    b.busy = busy;
    if (busy) return this.alive(b);
    if (pong instanceof ReplyError && !pong.message.startsWith('LOADING')) {
      this.failure(b, `PING: ${pong.message}`);
      return;
    }
    const replInfo = Buffer.isBuffer(repl) ? parseInfo(repl.latin1Slice()) : new Map<string, string>();
    const persInfo = Buffer.isBuffer(pers) ? parseInfo(pers.latin1Slice()) : new Map<string, string>();
    b.loading = pong instanceof ReplyError || persInfo.get('loading') === '1';
    const infoError = repl instanceof ReplyError ? repl.message : '';
    if (infoError !== b.infoError && infoError) {
      log().warn({ backend: b.name, reply: infoError }, 'INFO replication refused: the backend user needs +info (a replica is kept out of reads, a master cannot be checked for lag)');
    }
    b.infoError = infoError;
    b.role = replInfo.get('role') ?? '';
    b.replid = replInfo.get('master_replid') ?? '';
    if (b.isMaster) {
      b.linkUp = true;
      b.syncing = false;
      b.offset = num(replInfo.get('master_repl_offset'));
      this.pool.masterReplicas(listedReplicas(replInfo));
    } else {
      b.linkUp = replInfo.get('master_link_status') === 'up';
      if (b.linkUp) b.refusesStale = false;
      b.syncing = replInfo.get('master_sync_in_progress') === '1';
      b.offset = num(replInfo.get('slave_repl_offset') ?? replInfo.get('master_repl_offset'));
      const max = this.pool.opts.maxReplicaLag;
      b.lagRun = max > 0 && this.pool.lag(b) > max ? b.lagRun + 1 : 0;
      b.lagging = b.lagRun >= this.opts.fall;
    }
    this.alive(b);
  }

  /** A check found the backend alive: the rise threshold, then who serves. */
  private alive(b: Backend): void {
    b.history = (b.history << 1) & 0xff;
    b.failRun = 0;
    b.okRun++;
    b.checkError = '';
    if (!b.up && b.okRun >= this.opts.rise) {
      b.up = true;
      log().info({ backend: b.name, role: b.role }, 'backend up');
    }
    if (b.isMaster && b.up && b.role && b.role !== 'master') log().warn({ backend: b.name, role: b.role }, 'configured master reports another role');
    this.pool.evaluate();
    this.checked.add(b);
    this.checkFirstRound();
  }

  /** A check failed (error, timeout, connection refused). */
  failure(b: Backend, reason: string): void {
    b.okRun = 0;
    b.failRun++;
    b.history = ((b.history << 1) | 1) & 0xff;
    const before = b.checkError;
    b.checkError = reason;
    const fall = this.opts.fall;
    // A replica is also out when `fall` of its last 2 x fall checks failed, not in a row: one that
    // hangs again and again (a gray failure) would otherwise never be taken out, and each hang
    // stalls the reads sent to it. The master keeps the consecutive rule (writes have nowhere else).
    const intermittent = !b.isMaster && fall > 1 && popcount(b.history & ((1 << (2 * Math.min(fall, 4))) - 1)) >= fall;
    if (b.up && (b.failRun >= fall || intermittent)) {
      b.up = false;
      log().warn({ backend: b.name, reason, intermittent: b.failRun < fall }, 'backend down');
    } else if (!b.up && before !== reason) {
      // A backend that never came up (or stays down) says why once per distinct reason.
      log().warn({ backend: b.name, reason }, 'backend not serving');
    }
    this.pool.evaluate();
    this.checked.add(b);
    this.checkFirstRound();
  }
}

/** Set bits of an 8-bit check history. */
function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

function num(s: string | undefined): number {
  const n = s === undefined ? NaN : Number(s);
  return Number.isFinite(n) ? n : -1;
}
