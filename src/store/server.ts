// The store's server: listens, owns the databases, the clients and the counters INFO reports, runs the
// read loop (parse -> dispatch -> one write per socket per pass) and the cron (active expiry, stats).
// Features that hang off it (replication, persistence, pub/sub, blocking) attach through the hooks
// declared here, so this file stays about connections and the keyspace.

import net from 'node:net';
import fs from 'node:fs';
import crypto from 'node:crypto';
import type pino from 'pino';
import { Client } from './client';
import { Config, NOTIFY_UNSUPPORTED } from './config';
import { readClient } from '../common/client-reads';
import { Db, type DbHost, type EncodingLimits, type Value } from './db';
import { dispatch } from './dispatch';
import { SERVER_INIT_HOOKS } from './registry';
import { inputAfterClose } from '../common/close-after-reply';
import { noteRead, resizeQueryBuffers } from './querybuf';
import { LoopMonitor } from './loop-monitor';
import { applyReplyMode } from './reply-mode';
import { redactArgv } from './redact';
import type { PauseState } from './client-pause';
import { overOutputLimit, closeForOutputLimit, type OutputLimits } from './output-limits';
import { ProtocolError } from '../resp/parser';
import { E } from '../resp/errors';
import { logger } from '../common/log';
import type { Command } from '../resp/commands';
import './commands';
import './maxmemory';
import { SocketWriter } from '../common/socket-writer';

/** How long a client closed after its reply (QUIT) may take to read what it was sent. */
const CLOSE_DRAIN_MS = 30_000;

/** Counters behind INFO stats / commandstats / errorstats. */
export class Stats {
  totalConnections = 0;
  totalCommands = 0;
  rejectedConnections = 0;
  expiredKeys = 0;
  expiredStalePerc = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  netReplInputBytes = 0;
  netReplOutputBytes = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  pubsubChannelsPeak = 0;
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  clientQbufLimitDisconnections = 0;
  clientOutbufLimitDisconnections = 0;
  /** Per command full name: calls, usec, rejected, failed. */
  readonly commands = new Map<string, { calls: number; usec: number; rejected: number; failed: number }>();
  /** Per error code ("ERR", "WRONGTYPE", ...). */
  readonly errors = new Map<string, number>();
  /** Counters kept outside this class (the loop monitor) reset with CONFIG RESETSTAT through these. */
  readonly resetHooks: Array<() => void> = [];

  cmd(name: string): { calls: number; usec: number; rejected: number; failed: number } {
    let s = this.commands.get(name);
    if (!s) this.commands.set(name, (s = { calls: 0, usec: 0, rejected: 0, failed: 0 }));
    return s;
  }

  reset(): void {
    const fresh = new Stats();
    for (const k of Object.keys(fresh) as Array<keyof Stats>) {
      const v = fresh[k];
      if (typeof v === 'number') (this as unknown as Record<string, number>)[k] = 0;
    }
    this.commands.clear();
    this.errors.clear();
    for (const h of this.resetHooks) h();
  }
}

/** What a Server is built from: tests pass a Config, the process passes the parsed config file too. */
export interface ServerOptions {
  config?: Config;
  /** Path of the config file this server was started with (CONFIG REWRITE, INFO config_file). */
  configFile?: string;
  log?: pino.Logger;
}

/** A slow log entry (SLOWLOG GET). */
export interface SlowlogEntry {
  id: number;
  time: number;
  usec: number;
  argv: string[];
  addr: string;
  name: string;
}

/** SHUTDOWN's options: save (null: as the save points say), now (do not wait for lagging replicas). */
export interface ShutdownOptions {
  save: boolean | null;
  now?: boolean;
  /** SHUTDOWN FORCE: exit even if the final save fails. */
  force?: boolean;
}

/** Redis 7.0's reply to a client refused by protected mode (the connection is then closed). */
export const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/** One store instance: tests run several in one process, so all state hangs off it (no module globals). */
export class Server implements DbHost {
  readonly config: Config;
  readonly configFile: string;
  readonly log: pino.Logger;
  readonly stats = new Stats();
  dbs: Db[] = [];
  readonly clients = new Map<number, Client>();
  readonly startTime = Date.now();
  readonly runId = crypto.randomBytes(20).toString('hex');
  /** Incremented for every change to the dataset (propagation, save points). */
  dirty = 0;
  /** Time (ms) used by expiry decisions during the current command, as Redis caches mstime. */
  cmdTime = Date.now();
  /** The time source for expiry and the cron; tests inject a controllable clock instead of sleeping. */
  clock: () => number = Date.now;
  /** Access time Db records for OBJECT IDLETIME during the current command (-1: do not touch). */
  lruClock = 0;
  nextClientId = 1;
  /** The client whose command is running (null from the cron). */
  current: Client | null = null;
  activeExpire = true;
  /**
   * A writable replica's keys given a TTL by its own clients (key -> ids of the databases holding
   * it), expired by its cron: Redis's slaveKeysWithExpire.
   */
  readonly slaveKeysWithExpire = new Map<string, Set<number>>();
  private slaveExpireCursor: Iterator<[string, Set<number>]> | null = null;
  /** slowlog-log-slower-than, cached for the dispatcher's hot path. */
  slowlogSlower = 10000;
  /** Loading a dataset (RDB or full sync): commands without the `loading` flag are refused. */
  loading = false;
  slowlog: SlowlogEntry[] = [];
  slowlogNextId = 0;
  readonly monitors = new Set<Client>();
  /** Longest event-loop stall (INFO stats eventloop_max_stall_ms); sampling starts with listen(). */
  readonly loopMonitor = new LoopMonitor();
  readonly encodingLimits: EncodingLimits;
  /** Listening sockets. */
  private listeners: net.Server[] = [];
  /** The `unixsocket` listener (kept apart: CONFIG SET port/bind rebinds the TCP ones only). */
  private unixListener: net.Server | null = null;
  private cron: NodeJS.Timeout | null = null;
  private readonly pendingFlush = new Set<Client>();
  private flushScheduled = false;
  /** Commands to propagate for the current top-level call (wrapped in MULTI/EXEC when several). */
  pendingPropagation: Array<{ db: number; argv: string[] }> = [];
  /** Replication attaches here: receives every command to feed to replicas and the backlog. */
  replicationFeed: ((db: number, argv: string[]) => void) | null = null;
  /** Hooks run before a key changes (snapshots register here). */
  readonly keyChangeHooks = new Set<(db: Db, key: string, valueChanges: boolean, deleted: boolean) => void>();
  readonly flushHooks = new Set<(db: Db, oldData: Map<string, Value>, oldExpires: Map<string, number>) => void>();
  readonly swapHooks = new Set<(a: Db, b: Db) => void>();
  /**
   * Extensions: replica role, persistence, pub/sub, blocking state attach here by name. Entries come
   * and go (a dictionary to V8): what the read loop checks per command is a field below instead.
   */
  readonly ext: Record<string, unknown> = {};
  /** The CLIENT PAUSE in effect, or null (client-pause.ts); checked before every command. */
  pauseState: PauseState | null = null;
  /** client-output-buffer-limit parsed (output-limits.ts), null until needed again after CONFIG SET. */
  outputLimits: OutputLimits | null = null;
  /** Role hooks set by replication: whether this server is a replica, and of whom. */
  isReplica = false;
  /** Shutdown hooks (persistence saves, replication closes links). Return a promise to delay exit. */
  readonly shutdownHooks: Array<(opts: ShutdownOptions) => Promise<void> | void> = [];
  /** Run before every shutdown hook (before the final save): lagging replicas catch up. */
  readonly shutdownWaits: Array<(opts: ShutdownOptions) => Promise<void>> = [];
  /**
   * Run after the waits and before anything is torn down: one answering false stops the shutdown
   * and the server goes on (the final save failed, as Redis's "can't exit").
   */
  readonly shutdownChecks: Array<(opts: ShutdownOptions) => Promise<boolean> | boolean> = [];
  /** Undo what the waits did when a check stops the shutdown (the write pause for lagging replicas). */
  readonly shutdownAborts: Array<() => void> = [];
  /**
   * INFO section providers contributed by features (persistence, replication): name (lower case) ->
   * fields in print order. The INFO command prints these in Redis's section order.
   */
  readonly infoSections = new Map<string, () => Array<[string, string | number]>>();
  /** Run after FLUSHALL (persistence: save when save points are set, as Redis does). */
  readonly flushAllHooks: Array<() => void> = [];
  /** Cron hooks run every tick (1000/hz ms). */
  readonly cronHooks: Array<() => void> = [];
  private closing = false;
  /** Set by a handler to propagate a different command vector (empty: nothing) instead of its own. */
  rewrittenArgv: string[] | null = null;
  /** True while EXEC runs its queue (blocking commands do not block then). */
  inExec = false;
  /** Set by a handler whose change must not be propagated. */
  preventPropagation = false;
  /**
   * Checks run before write commands (min-replicas-to-write, stop-writes-on-bgsave-error); each
   * returns an error text to refuse the command, or null.
   */
  readonly writeGates: Array<(c: Client, cmd: Command) => string | null> = [];
  /** maxmemory's check before a command (maxmemory.ts): an error to refuse it with, or null. */
  oomGate: ((c: Client, cmd: Command) => string | null) | null = null;

  /** Records a slow command (SLOWLOG GET), keeping at most slowlog-max-len entries. */
  slowlogPush(c: Client, argv: string[], usec: number): void {
    const max = this.config.getInt('slowlog-max-len');
    if (max <= 0) return;
    // Redis keeps at most 32 arguments and 128 bytes per argument.
    argv = redactArgv(argv);
    const kept = argv.length > 32 ? [...argv.slice(0, 31), `... (${argv.length - 31} more arguments)`] : argv.slice();
    for (let i = 0; i < kept.length; i++) {
      if (kept[i].length > 128) kept[i] = `${kept[i].slice(0, 128)}... (${kept[i].length - 128} more bytes)`;
    }
    this.slowlog.unshift({ id: this.slowlogNextId++, time: Math.floor(Date.now() / 1000), usec: Math.round(usec), argv: kept, addr: c.addr, name: c.name });
    if (this.slowlog.length > max) this.slowlog.length = max;
  }

  /** Sends a command to every MONITOR client, formatted as Redis does. */
  feedMonitors(c: Client, argv: string[]): void {
    const t = Date.now();
    const sec = Math.floor(t / 1000);
    const usec = String((t % 1000) * 1000 + (Number(process.hrtime.bigint() / 1000n) % 1000)).padStart(6, '0');
    // As Redis's getClientPeerId: "lua" for the scripting client, else the peer address.
    const who = c.ext.lua ? 'lua' : c.addr || (c.isMaster ? String(c.ext.masterAddr ?? 'master') : 'unix');
    const args = redactArgv(argv).map((a) => `"${reprArg(a)}"`).join(' ');
    const line = `+${sec}.${usec} [${c.db.id} ${who}] ${args}\r\n`;
    for (const m of this.monitors) {
      if (m.closed) continue;
      m.reply.rawStr(line);
      this.wake(m);
    }
  }

  constructor(opts: ServerOptions = {}) {
    this.config = opts.config ?? new Config();
    this.configFile = opts.configFile ?? '';
    this.log = opts.log ?? logger('server');
    const n = this.config.getInt('databases');
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i, this));
    this.encodingLimits = {} as EncodingLimits;
    this.refreshEncodingLimits();
    this.activeExpire = this.config.getBool('active-expire-enabled');
    this.slowlogSlower = this.config.getInt('slowlog-log-slower-than');
    this.config.onChange((name) => {
      if (name === 'slowlog-log-slower-than') this.slowlogSlower = this.config.getInt(name);
      if (name.includes('listpack') || name.includes('intset')) this.refreshEncodingLimits();
      if (name === 'active-expire-enabled') this.activeExpire = this.config.getBool(name);
      if (name === 'hz') this.startCron();
      if (name === 'maxclients') for (const l of this.listeners) l.maxConnections = this.config.getInt(name) + 32;
      // Accepted as Redis accepts it (clients and tools set it), but nothing is sent: said once per change.
      if (name === 'notify-keyspace-events' && this.config.get(name) !== '') {
        this.log.warn({ value: this.config.get(name) }, NOTIFY_UNSUPPORTED);
      }
    });
    this.stats.resetHooks.push(() => this.loopMonitor.reset());
    for (const h of SERVER_INIT_HOOKS) h(this);
  }

  private refreshEncodingLimits(): void {
    const c = this.config;
    Object.assign(this.encodingLimits, {
      hashMaxListpackEntries: c.getInt('hash-max-listpack-entries'),
      hashMaxListpackValue: c.getInt('hash-max-listpack-value'),
      setMaxIntsetEntries: c.getInt('set-max-intset-entries'),
      zsetMaxListpackEntries: c.getInt('zset-max-listpack-entries'),
      zsetMaxListpackValue: c.getInt('zset-max-listpack-value'),
      listMaxListpackSize: c.getInt('list-max-listpack-size'),
    });
  }

  // ---- DbHost ----
  now(): number {
    return this.cmdTime;
  }
  activeExpiryAllowed(write = false): boolean {
    // During CLIENT PAUSE (WRITE or ALL) the dataset stays as it is: expired keys read as missing but
    // are kept (not counted, no DEL propagated) until the pause ends, as Redis's expireIfNeeded.
    if (this.pauseState !== null) return false;
    if (!this.isReplica) return true;
    // A replica waits for its master's DEL, except that a write on a writable replica reclaims the
    // expired key it overwrites (Redis's lookupKey with LOOKUP_WRITE on a non-read-only replica): an
    // INCR of an expired key starts from 0 without the old TTL.
    return write && !this.config.getBool('replica-read-only');
  }
  servingMaster(): boolean {
    return this.current !== null && this.current.isMaster;
  }
  onExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    this.propagate(db.id, ['DEL', key]);
  }
  onKeyChange(db: Db, key: string, valueChanges = true, deleted = false): void {
    if (this.keyChangeHooks.size) for (const h of this.keyChangeHooks) h(db, key, valueChanges, deleted);
  }
  onFlush(db: Db, oldData: Map<string, Value>, oldExpires: Map<string, number>): void {
    for (const h of this.flushHooks) h(db, oldData, oldExpires);
  }
  onSwap(a: Db, b: Db): void {
    for (const h of this.swapHooks) h(a, b);
  }
  addDirty(n: number): void {
    this.dirty += n;
  }
  onExpireSet(db: Db, key: string): void {
    // Redis's setExpire: on a writable replica, a TTL given by one of its own clients (not the
    // master link, not a load) is remembered so that the replica expires that key itself.
    const c = this.current;
    if (c === null || c.isMaster || !this.isReplica || this.config.getBool('replica-read-only')) return;
    if (db.id > 63) return;
    const ids = this.slaveKeysWithExpire.get(key);
    if (ids) ids.add(db.id);
    else this.slaveKeysWithExpire.set(key, new Set([db.id]));
  }

  /** Forgets the writable replica's own keys with a TTL (FLUSHALL, a dataset loaded): flushSlaveKeysWithExpireList. */
  flushSlaveKeysWithExpire(): void {
    this.slaveKeysWithExpire.clear();
    this.slaveExpireCursor = null;
  }

  /**
   * Redis's expireSlaveKeys, run by the cron of a replica instead of active expiry: the keys its
   * own clients gave a TTL are deleted once expired (the master never sends a DEL for them). Keys no
   * longer having a TTL in a database are forgotten there. Stops after more than 3 keys that are not
   * yet due, or after 1 ms (checked every 64 keys); resumes where it stopped.
   */
  expireSlaveKeys(): void {
    const list = this.slaveKeysWithExpire;
    if (!list.size) return;
    const start = Date.now();
    const now = this.cmdTime;
    let cycles = 0;
    let noexpire = 0;
    let wrapped = false;
    for (;;) {
      if (!this.slaveExpireCursor) this.slaveExpireCursor = list.entries();
      const nx = this.slaveExpireCursor.next();
      if (nx.done) {
        this.slaveExpireCursor = null;
        // One full pass per cron call at most (Redis samples at random; this walks in order).
        if (wrapped) break;
        wrapped = true;
        continue;
      }
      const [key, ids] = nx.value;
      for (const id of [...ids]) {
        const db = this.dbs[id];
        const at = db?.expires.get(key);
        if (db && at !== undefined && at < now) {
          db.deleteExpired(key);
          this.flushPropagation();
          ids.delete(id);
        } else if (at !== undefined) {
          noexpire++;
        } else {
          ids.delete(id);
        }
      }
      if (!ids.size) list.delete(key);
      cycles++;
      if (noexpire > 3) break;
      if (cycles % 64 === 0 && Date.now() - start > 1) break;
      if (!list.size) break;
    }
  }

  /** Queues a command for replication (flushed after the current top-level call). */
  propagate(db: number, argv: string[]): void {
    this.pendingPropagation.push({ db, argv });
  }

  /**
   * Sends the commands queued by the last call to replication, wrapped in MULTI/EXEC when several
   * (unless `noWrap`: a command touching arbitrary keys, see the dispatcher).
   */
  flushPropagation(noWrap = false): void {
    const p = this.pendingPropagation;
    if (!p.length) return;
    this.pendingPropagation = [];
    const feed = this.replicationFeed;
    if (!feed) return;
    if (p.length === 1 || noWrap) {
      for (const e of p) feed(e.db, e.argv);
      return;
    }
    feed(p[0].db, ['MULTI']);
    for (const e of p) feed(e.db, e.argv);
    feed(p[p.length - 1].db, ['EXEC']);
  }

  // ---- connections ----

  /** Start-up hooks (load the RDB file, start replication) run before listening. */
  readonly startHooks: Array<() => Promise<void> | void> = [];

  /** Runs the start-up hooks, then listens. Returns the bound port. */
  async start(): Promise<number> {
    for (const h of this.startHooks) await h();
    return this.listen();
  }

  /** Starts listening on the configured bind addresses and port (port 0: ephemeral). */
  async listen(): Promise<number> {
    const port = this.config.getInt('port');
    const { bound, hosts } = await this.bindListeners();
    if (port === 0) this.config.set('port', [String(bound)], true);
    await this.listenUnix();
    if (!this.listeners.length && !this.unixListener) throw new Error('Configured to not listen anywhere, exiting.');
    this.startCron();
    this.loopMonitor.start();
    this.writePidfile();
    this.log.info({ port: bound, hosts }, 'Ready to accept connections');
    return bound;
  }

  /** Binds one listener per bind address on the port (the configured ones by default; into this.listeners). */
  private async bindListeners(port = this.config.getInt('port'), bind = this.config.get('bind')): Promise<{ bound: number; hosts: string[] }> {
    const binds = bind.split(/\s+/).filter((b) => b && b !== '-::*' && b !== '::*' && b !== '-::1');
    // An empty bind (CONFIG SET bind "" or bind "" in the file) listens on no TCP address, as Redis:
    // only the unix socket, if any, takes clients.
    const none = bind.trim() === '';
    const hosts = none ? [] : binds.length ? binds.map((b) => (b === '*' ? '0.0.0.0' : b.replace(/^-/, ''))) : ['0.0.0.0'];
    let bound = port;
    for (const host of hosts) {
      const srv = net.createServer({ noDelay: true }, (sock) => this.accept(sock));
      srv.maxConnections = this.config.getInt('maxclients') + 32;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ port: bound, host, backlog: this.config.getInt('tcp-backlog') }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      srv.on('error', (err) => this.log.error({ err }, 'listener error'));
      bound = (srv.address() as net.AddressInfo).port;
      this.listeners.push(srv);
    }
    return { bound, hosts };
  }

  /**
   * The `unixsocket` listener, as Redis's: a file left by an earlier run is removed first, clients
   * connected through it show `addr=<path>:0` and flag U; the file is removed at shutdown.
   */
  private async listenUnix(): Promise<void> {
    const file = this.config.get('unixsocket');
    if (!file) return;
    fs.rmSync(file, { force: true });
    const srv = net.createServer((sock) => this.accept(sock, file));
    srv.maxConnections = this.config.getInt('maxclients') + 32;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen({ path: file, backlog: this.config.getInt('tcp-backlog') }, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    srv.on('error', (err) => this.log.error({ err }, 'listener error'));
    this.unixListener = srv;
    this.log.info({ path: file }, 'The server is now ready to accept connections at ' + file);
  }

  /**
   * CONFIG SET port/bind, as Redis's changeListener: the old listeners are closed first (the new set
   * may share an address and port with them), then the new ones are bound; if that fails, the
   * partial new ones are closed, the old addresses (`prev`) are bound again and the error is thrown.
   * Connected clients stay.
   */
  async rebind(prev: { port: string; bind: string }): Promise<void> {
    for (const l of this.listeners) l.close();
    this.listeners = [];
    try {
      await this.bindListeners();
    } catch (err) {
      for (const l of this.listeners) l.close();
      this.listeners = [];
      try {
        await this.bindListeners(Number(prev.port), prev.bind);
      } catch (err2) {
        // Redis panics here ("Failed to restore old listener"); this server keeps its clients.
        this.log.error({ err: err2, port: prev.port, bind: prev.bind }, 'failed to restore the old listeners');
      }
      throw err;
    }
    this.log.info({ port: this.port, bind: this.config.get('bind') }, 'listening on the new address');
  }

  /** The port actually bound. */
  get port(): number {
    const a = this.listeners[0]?.address();
    return a && typeof a === 'object' ? a.port : this.config.getInt('port');
  }

  private writePidfile(): void {
    const pf = this.config.get('pidfile');
    if (!pf) return;
    try {
      fs.writeFileSync(pf, `${process.pid}\n`);
    } catch (err) {
      this.log.warn({ err, pidfile: pf }, 'could not write pidfile');
    }
  }

  /** Creates a client for a socket (or a socketless internal client such as the master link). */
  createClient(sock: net.Socket | null): Client {
    const c = new Client(this.nextClientId++, sock, this.dbs[0], this.config.get('requirepass') !== '');
    c.parser.limits = { ...c.parser.limits, maxBulkLen: this.config.getInt('proto-max-bulk-len') };
    this.clients.set(c.id, c);
    return c;
  }

  /**
   * Redis's protected mode (clientAcceptHandler): with protected-mode yes and no password for the
   * default user, only 127.0.0.1 and ::1 may connect, whatever the bind addresses.
   */
  private protectedModeRefuses(sock: net.Socket, unixPath?: string): boolean {
    // A unix socket is local (Redis's connIsLocal).
    if (unixPath !== undefined || !this.config.getBool('protected-mode') || this.config.get('requirepass') !== '') return false;
    const ip = (sock.remoteAddress ?? '').replace(/^::ffff:/, '');
    return ip !== '127.0.0.1' && ip !== '::1';
  }

  private accept(sock: net.Socket, unixPath?: string): void {
    this.stats.totalConnections++;
    // Until the client is set up (and for a refused one, for good): a reset from the peer (a client
    // refused at maxclients that goes away at once) must not be an unhandled 'error', which ends the
    // process.
    const ignore = () => undefined;
    sock.on('error', ignore);
    if (this.clients.size >= this.config.getInt('maxclients')) {
      this.stats.rejectedConnections++;
      sock.end(`-${E.MAX_CLIENTS}\r\n`, () => sock.destroy());
      return;
    }
    if (this.protectedModeRefuses(sock, unixPath)) {
      this.stats.rejectedConnections++;
      sock.end(PROTECTED_MODE_DENIED, () => sock.destroy());
      return;
    }
    sock.setNoDelay(true);
    const ka = this.config.getInt('tcp-keepalive');
    if (ka > 0) sock.setKeepAlive(true, ka * 1000);
    const c = this.createClient(sock);
    if (unixPath !== undefined) {
      c.unixSocket = true;
      c.addr = c.laddr = `${unixPath}:0`;
    }
    // Requests are read into one shared buffer (src/common/client-reads.ts); the parser copies what
    // it still holds after the chunk is processed (a partial request, or input a paused client left).
    const shared = readClient(sock, (chunk) => {
      // A client closed after its reply (QUIT, a protocol error) is still read until it hangs up
      // (so its FIN is seen), but what it sends is dropped, not buffered; one that keeps sending
      // is cut off (close-after-reply.ts).
      if (c.closed) return inputAfterClose(sock, c.closedAt, c.unsent);
      this.stats.netInputBytes += chunk.length;
      c.parser.feed(chunk);
      noteRead(c);
      this.processInput(c);
      if (shared) c.parser.detach();
    });
    const drained = () => {
      if (c.closed || c.unsent > 0) return;
      if (sock.isPaused()) {
        sock.resume();
        this.processInput(c);
      }
    };
    c.writer = new SocketWriter(sock, drained);
    sock.on('drain', drained);
    sock.off('error', ignore);
    sock.on('error', () => this.freeClient(c));
    sock.on('close', () => this.freeClient(c));
  }

  /** Runs every complete request buffered for a client, then writes its replies once. */
  processInput(c: Client): void {
    if (c.closed) return;
    // One clock read per read callback, not per pipelined command (the idle timeout needs whole seconds).
    const now = Date.now();
    while (!c.blocked && !c.closeAfterReply) {
      const argv = c.parser.next();
      if (argv === null) break;
      if (argv instanceof ProtocolError) {
        c.reply.error(`ERR ${argv.message}`);
        this.log.debug({ client: c.addr, error: argv.message }, 'protocol error');
        c.closeAfterReply = true;
        break;
      }
      c.lastInteraction = now;
      this.stats.totalReadsProcessed++;
      this.runCommand(c, argv);
      if (c.closed) return;
      const sock = c.socket;
      if (sock && c.unsent > 8 * 1024 * 1024) {
        // The client does not read its replies: stop reading its requests until it drains.
        this.flush(c);
        sock.pause();
        return;
      }
    }
    // client-query-buffer-limit is at least 1 MB, so the setting is only read for big buffers.
    if (!c.closeAfterReply && c.parser.pendingBytes > 1048576 && c.parser.pendingBytes > this.config.getInt('client-query-buffer-limit')) {
      this.stats.clientQbufLimitDisconnections++;
      this.log.warn({ client: c.addr }, 'closing client that reached max query buffer length');
      this.freeClient(c);
      return;
    }
    this.flush(c);
  }

  /** Runs one request through the dispatcher, then applies CLIENT REPLY OFF/SKIP to what it wrote. */
  runCommand(c: Client, argv: string[]): void {
    const replyFlags = c.replyFlags;
    if (replyFlags !== 0) this.flush(c);
    dispatch(this, c, argv);
    // A blocked command (held by CLIENT PAUSE, on keys, WAIT, CONFIG SET port) has not replied yet:
    // the reply mode applies when it does (reply-mode.ts deferredReplyWritten), as Redis resets the
    // client then.
    if (c.blocked) return;
    if (replyFlags !== 0 || c.replyFlags !== 0 || c.replyKept !== null) applyReplyMode(c);
  }

  /** Writes a client's pending replies with one socket write; closes it if it asked to. */
  flush(c: Client): void {
    // The limits count the replies produced since the last write with what the socket still holds,
    // before writing, as Redis checks them while it builds replies in memory: a reply (or pipeline
    // of replies) over the hard limit closes the client with nothing of it sent, even when the
    // kernel's buffer could have taken it at once.
    if (c.reply.pending > 0 && c.socket && overOutputLimit(this, c)) {
      c.reply.take();
      closeForOutputLimit(this, c);
      return;
    }
    const b = c.reply.take();
    const sock = c.socket;
    if (!sock) return;
    if (b) {
      this.stats.netOutputBytes += b.length;
      this.stats.totalWritesProcessed++;
      if (c.writer) c.writer.write(b);
      else if (!sock.destroyed) sock.write(b);
    }
    if (c.closeAfterReply && !c.closed) {
      // QUIT or a protocol error: the replies already written still go out before the FIN (end()
      // waits for queued writes; destroying now would cancel them, as a 5 MB reply before QUIT showed).
      c.closed = true;
      sock.end();
      this.freeClient(c, true);
    }
  }

  /** Schedules a flush for a client that got output outside its own read loop (pushes, unblocking). */
  wake(c: Client): void {
    this.pendingFlush.add(c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        const list = [...this.pendingFlush];
        this.pendingFlush.clear();
        for (const cl of list) if (!cl.closed) this.flush(cl);
      });
    }
  }

  /** Client cleanup hooks (pub/sub, blocking, WATCH, replication) run when a client goes away. */
  readonly freeHooks: Array<(c: Client) => void> = [];
  /** Run after each top-level command (and EXEC) has finished: blocking serves ready keys here. */
  readonly afterCommandHooks: Array<() => void> = [];

  /** Forgets every key a client WATCHes. */
  unwatchAll(c: Client): void {
    for (const w of c.watching.values()) {
      const set = w.db.watched.get(w.key);
      if (set) {
        set.delete(w.rec);
        if (!set.size) w.db.watched.delete(w.key);
      }
    }
    c.watching.clear();
  }

  /**
   * Forgets a client. With `draining` its socket, already ended, is left to deliver what it holds
   * and close; if the peer never takes it, the socket is destroyed after CLOSE_DRAIN_MS.
   */
  freeClient(c: Client, draining = false): void {
    if (!this.clients.has(c.id)) return;
    this.clients.delete(c.id);
    c.closed = true;
    this.monitors.delete(c);
    this.unwatchAll(c);
    for (const h of this.freeHooks) h(c);
    const sock = c.socket;
    if (!sock || sock.destroyed) return;
    if (!draining) {
      sock.destroy();
      return;
    }
    c.closedAt = Date.now();
    const t = setTimeout(() => sock.destroy(), CLOSE_DRAIN_MS);
    t.unref();
    sock.once('close', () => clearTimeout(t));
  }

  // ---- cron ----

  private startCron(): void {
    if (this.cron) clearInterval(this.cron);
    const hz = this.config.getInt('hz');
    this.cron = setInterval(() => this.tick(), Math.max(2, Math.floor(1000 / hz)));
    this.cron.unref();
  }

  private tick(): void {
    this.cmdTime = this.clock();
    // As Redis's databasesCron: a master expires keys actively, a replica only the keys its own
    // clients gave a TTL while writable (the master's expired keys wait for its DEL).
    if (this.activeExpire) {
      if (!this.isReplica) {
        if (this.pauseState === null) this.activeExpireCycle();
      } else this.expireSlaveKeys();
    }
    const timeout = this.config.getInt('timeout');
    if (timeout > 0) {
      const limit = Date.now() - timeout * 1000;
      for (const c of this.clients.values()) {
        if (c.socket && !c.isReplica && !c.isMaster && !c.blocked && !c.isPubSub && c.lastInteraction < limit) this.freeClient(c);
      }
    }
    resizeQueryBuffers(this, Date.now());
    // Redis's clientsCron checks output limits too: a client over its soft limit is disconnected
    // once the soft seconds pass even if nothing more is written to it (no flush to check it then).
    for (const c of this.clients.values()) {
      if (c.softLimitSince >= 0 && !c.closed && overOutputLimit(this, c)) closeForOutputLimit(this, c);
    }
    for (const h of this.cronHooks) h();
    this.flushPropagation();
  }

  /**
   * Active expiry: samples keys with a TTL (20 per round, as Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP)
   * continuing where the last cycle stopped, repeating while more than 10% of a sample was expired,
   * within a time budget of 25% of the cron period.
   */
  activeExpireCycle(): void {
    const budget = Math.max(1, Math.floor(250 / this.config.getInt('hz')));
    const deadline = Date.now() + budget;
    const now = this.cmdTime;
    for (const db of this.dbs) {
      if (!db.expires.size) continue;
      for (;;) {
        let sampled = 0;
        let expired = 0;
        let ttlSum = 0;
        let ttlCount = 0;
        while (sampled < 20) {
          if (!db.expireCursor) db.expireCursor = db.expires.entries();
          const nx = db.expireCursor.next();
          if (nx.done) {
            db.expireCursor = null;
            break;
          }
          sampled++;
          const [key, at] = nx.value;
          if (at < now) {
            db.deleteExpired(key);
            // Each expired key is its own DEL on the replication stream (no MULTI batching).
            this.flushPropagation();
            expired++;
          } else {
            ttlSum += at - now;
            ttlCount++;
          }
        }
        if (ttlCount) db.avgTtl = db.avgTtl ? (db.avgTtl * 49 + ttlSum / ttlCount) / 50 : ttlSum / ttlCount;
        this.flushPropagation();
        if (sampled === 0 || expired * 10 <= sampled || Date.now() >= deadline) break;
      }
      if (Date.now() >= deadline) break;
    }
  }

  // ---- shutdown ----

  /** Stops listening, runs shutdown hooks (replicas catch up, save, ...), closes clients, removes the pidfile. */
  /**
   * Shuts down; a SHUTDOWN (or signal) while one is already in progress (waiting for replicas,
   * saving) joins it and gets its outcome, as the clients blocked on SHUTDOWN in Redis do.
   */
  shutdown(opts: ShutdownOptions = { save: null }): Promise<boolean> {
    if (this.shutdownRun) return this.shutdownRun;
    if (this.closing) return Promise.resolve(true);
    const run = this.runShutdown(opts).then((done) => {
      if (!done) this.shutdownRun = null;
      return done;
    });
    this.shutdownRun = run;
    return run;
  }

  private shutdownRun: Promise<boolean> | null = null;

  private async runShutdown(opts: ShutdownOptions): Promise<boolean> {
    this.closing = true;
    this.log.info('shutting down');
    if (this.cron) clearInterval(this.cron);
    this.loopMonitor.stop();
    // Clients are still accepted while replicas catch up and the final save runs (as Redis: new
    // writes wait in the shutdown's pause); the listeners close once the shutdown is sure.
    this.shutdownAbortRequested = false;
    for (const w of this.shutdownWaits) await w(opts);
    this.shutdownDeadline = null;
    for (const c of [() => !this.shutdownAbortRequested, ...this.shutdownChecks]) {
      if (await c(opts)) continue;
      if (this.shutdownAbortRequested) this.log.warn('Shutdown manually aborted.');
      // As Redis: the server goes on as it was (the final save failed, and no FORCE).
      this.closing = false;
      for (const a of this.shutdownAborts) a();
      this.startCron();
      this.loopMonitor.start();
      return false;
    }
    for (const l of this.listeners) l.close();
    this.listeners = [];
    if (this.unixListener) {
      // Closing a listener on a path unlinks the socket file (libuv).
      this.unixListener.close();
      this.unixListener = null;
    }
    for (const h of this.shutdownHooks) await h(opts);
    for (const c of [...this.clients.values()]) {
      this.flush(c);
      this.freeClient(c);
    }
    const pf = this.config.get('pidfile');
    if (pf) fs.rmSync(pf, { force: true });
    this.log.info('Redis is now ready to exit, bye bye...');
    return true;
  }

  /** SHUTDOWN ABORT arrived while the shutdown waited for lagging replicas: the shutdown is cancelled. */
  shutdownAbortRequested = false;
  /** When the shutdown's wait for lagging replicas ends (INFO shutdown_in_milliseconds); null if none. */
  shutdownDeadline: number | null = null;
  /**
   * A signal's shutdown held while DEBUG PAUSE-CRON is on (Redis acts on shutdown_asap in serverCron):
   * SHUTDOWN ABORT drops it, PAUSE-CRON 0 runs it.
   */
  pendingSignalShutdown: (() => void) | null = null;

  get isClosing(): boolean {
    return this.closing;
  }
}

/** An argument as MONITOR quotes it (sdscatrepr without the surrounding quotes). */
export function reprArg(a: string): string {
  let out = '';
  for (let i = 0; i < a.length; i++) {
    const ch = a.charCodeAt(i);
    switch (ch) {
      case 92:
        out += '\\\\';
        break;
      case 34:
        out += '\\"';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      default:
        out += ch >= 32 && ch < 127 ? a[i] : '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return out;
}
