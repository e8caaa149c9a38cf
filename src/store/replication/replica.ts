// Replica side of replication (Redis's replication.c, second half): the link to our master. It
// connects, runs the handshake (PING, AUTH, REPLCONF listening-port/capa, PSYNC), receives the RDB of
// a full resync (`$<len>` or diskless `$EOF:<mark>`), then applies the command stream through the
// normal dispatcher as a socketless master client, counting processed bytes for the offset, and
// proxying them to our own backlog and sub-replicas. A dropped link leaves a cached master (replid and
// offset) so the next connection can PSYNC and continue.

import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import type { Client } from '../client';
import type { Server } from '../server';
import { dispatch } from '../dispatch';
import { encodeCommand } from '../../resp/encode';
import { ProtocolError } from '../../resp/parser';
import { logger } from '../../common/log';
import { replState, type ReplState } from './state';
import { feedStream, disconnectReplicas } from './master';
import { loadPayload } from './rdb-bridge';
import { disconnectAllBlockedClients } from '../blocking';
import { disconnectWaiters } from './wait';
import { tuneReplicationSocket } from './keepalive';

/** The component logger, looked up when used: modules load before the process configures logging. */
const log = (): ReturnType<typeof logger> => logger('replication');
const EMPTY = Buffer.alloc(0);
/** Largest handshake reply line accepted (Redis reads them with a fixed buffer too). */
const MAX_LINE = 64 * 1024;

type Phase = 'connecting' | 'ping' | 'replconf' | 'psync' | 'bulk-header' | 'bulk' | 'stream' | 'closed';

/** One connection attempt to our master, from connect to close. A new one is made for every attempt. */
export class MasterLink {
  private readonly sock: net.Socket;
  private phase: Phase = 'connecting';
  private inbuf: Buffer = EMPTY;
  /** Replies still expected after PING (in order). */
  private expect: Array<'auth' | 'port' | 'ip' | 'capa'> = [];
  /** Last time anything arrived from the master (ms). */
  lastIo = Date.now();
  // Full sync transfer.
  transferSize = 0;
  transferRead = 0;
  private eofMark: Buffer | null = null;
  private rdbParts: Buffer[] = [];
  private fullReplid = '';
  private fullOffset = 0;
  // Stream.
  private mc: Client | null = null;
  /** slave_read_repl_offset: stream bytes read (processed or not). */
  readOffset = 0;
  private fed = 0;
  private applied = 0;
  private readonly unapplied: Buffer[] = [];

  constructor(private readonly s: Server, private readonly st: ReplState) {
    const host = st.masterHost!;
    const port = st.masterPort;
    log().info({ host, port }, `Connecting to MASTER ${host}:${port}`);
    log().info('MASTER <-> REPLICA sync started');
    st.linkState = 'connecting';
    // bind-source-addr: the local address the link is made from (Redis's NET_FIRST_BIND_ADDR use).
    const source = s.config.get('bind-source-addr');
    this.sock = net.connect(source ? { host, port, localAddress: source } : { host, port });
    this.sock.on('connect', () => this.onConnect());
    this.sock.on('data', (d) => this.onData(d));
    this.sock.on('error', (err) => {
      if (this.phase === 'connecting') log().warn({ host, port, err: err.message }, `Error condition on socket for SYNC: ${err.message}`);
      else log().warn({ host, port, err: err.message }, `Error on the link with MASTER: ${err.message}`);
    });
    this.sock.on('close', () => this.onClose());
  }

  get connected(): boolean {
    return this.phase === 'stream';
  }

  private send(args: string[]): void {
    this.sock.write(encodeCommand(args));
  }

  private onConnect(): void {
    if (this.phase !== 'connecting') return;
    tuneReplicationSocket(this.sock, !this.s.config.getBool('repl-disable-tcp-nodelay'));
    log().info('Non blocking connect for SYNC fired the event.');
    this.st.linkState = 'handshake';
    this.phase = 'ping';
    this.send(['PING']);
  }

  /** Ends this attempt; the cron connects again later while we are still a replica. */
  close(reason: string): void {
    if (this.phase === 'closed') return;
    log().info({ reason }, `Replication link closed: ${reason}`);
    this.sock.destroy();
    this.onClose();
  }

  private onClose(): void {
    if (this.phase === 'closed') return;
    const wasConnected = this.phase === 'stream';
    this.phase = 'closed';
    const st = this.st;
    if (st.link !== this) return;
    st.link = null;
    const mc = this.mc;
    this.mc = null;
    if (wasConnected && mc) {
      // Keep what we know of the master so the next connection can PSYNC (a half-applied MULTI is dropped).
      st.cached = { replid: st.replid, offset: st.offset, db: mc.db.id };
      st.masterClient = null;
      mc.multi = null;
      this.s.freeClient(mc);
      st.downSince = Date.now();
      log().warn({ offset: st.offset }, 'Connection with master lost. Caching the disconnected master state.');
    }
    if (st.isReplica) st.linkState = 'connect';
    if (this.s.loading && !wasConnected) this.s.loading = false;
  }

  private onData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.lastIo = Date.now();
    this.s.stats.netReplInputBytes += chunk.length;
    if (this.phase === 'stream') return this.applyStream(chunk);
    this.inbuf = this.inbuf.length ? Buffer.concat([this.inbuf, chunk]) : chunk;
    this.advance();
  }

  /** Reads one reply line of the handshake, without CRLF; null when incomplete. */
  private readLine(): string | null {
    const nl = this.inbuf.indexOf(10);
    if (nl < 0) {
      if (this.inbuf.length > MAX_LINE) this.close('reply line from master too long');
      return null;
    }
    const end = nl > 0 && this.inbuf[nl - 1] === 13 ? nl - 1 : nl;
    const line = this.inbuf.latin1Slice(0, end);
    this.inbuf = this.inbuf.subarray(nl + 1);
    return line;
  }

  private advance(): void {
    while (this.phase !== 'closed' && this.phase !== 'stream') {
      if (this.phase === 'bulk') {
        if (!this.readBulk()) return;
        continue;
      }
      const line = this.readLine();
      if (line === null) return;
      switch (this.phase) {
        case 'ping':
          this.onPingReply(line);
          break;
        case 'replconf':
          this.onReplconfReply(line);
          break;
        case 'psync':
          this.onPsyncReply(line);
          break;
        case 'bulk-header':
          this.onBulkHeader(line);
          break;
        default:
          return;
      }
    }
  }

  private onPingReply(line: string): void {
    if (line.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(line)) {
      log().warn({ reply: line }, `Error reply to PING from master: '${line.slice(1)}'`);
      return this.close('bad PING reply');
    }
    log().info('Master replied to PING, replication can continue...');
    const cfg = this.s.config;
    const auth = cfg.get('masterauth');
    if (auth) {
      const user = cfg.get('masteruser');
      this.send(user ? ['AUTH', user, auth] : ['AUTH', auth]);
      this.expect.push('auth');
    }
    const port = cfg.getInt('replica-announce-port') || this.s.port;
    this.send(['REPLCONF', 'listening-port', String(port)]);
    this.expect.push('port');
    const ip = cfg.get('replica-announce-ip');
    if (ip) {
      this.send(['REPLCONF', 'ip-address', ip]);
      this.expect.push('ip');
    }
    this.send(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    this.expect.push('capa');
    this.phase = 'replconf';
  }

  private onReplconfReply(line: string): void {
    const what = this.expect.shift();
    if (line.startsWith('-')) {
      if (what === 'auth') {
        log().warn({ reply: line }, `Unable to AUTH to MASTER: ${line}`);
        return this.close('AUTH refused');
      }
      log().info({ reply: line }, `(Non critical) Master does not understand REPLCONF ${what}: ${line}`);
    }
    if (this.expect.length) return;
    const c = this.st.cached;
    if (c) {
      log().info(`Trying a partial resynchronization (request ${c.replid}:${c.offset + 1}).`);
      this.send(['PSYNC', c.replid, String(c.offset + 1)]);
    } else {
      log().info('Partial resynchronization not possible (no cached master)');
      this.send(['PSYNC', '?', '-1']);
    }
    this.phase = 'psync';
  }

  private onPsyncReply(line: string): void {
    const st = this.st;
    if (line === '') return; // the master keeps the link alive with newlines before replying
    if (line.startsWith('+FULLRESYNC')) {
      const [, replid, off] = line.split(' ');
      const offset = Number(off);
      if (!replid || replid.length !== 40 || !Number.isSafeInteger(offset)) {
        log().warn({ reply: line }, 'Master replied with wrong +FULLRESYNC syntax.');
        return this.close('bad FULLRESYNC');
      }
      log().info({ replid, offset }, `Full resync from master: ${replid}:${offset}`);
      if (st.cached) log().info('Discarding previously cached master state.');
      this.fullReplid = replid;
      this.fullOffset = offset;
      // A new history: our own replicas must resync with us, and nobody can continue the old backlog.
      st.cached = null;
      disconnectReplicas(this.s, st);
      st.freeBacklog();
      st.linkState = 'transfer';
      this.phase = 'bulk-header';
      return;
    }
    if (line.startsWith('+CONTINUE')) {
      const cached = st.cached;
      if (!cached) return this.close('CONTINUE without a cached master');
      const newId = line.slice(9).trim();
      log().info('Successful partial resynchronization with master.');
      if (newId && newId.length === 40 && newId !== cached.replid) {
        // The master changed history (a promoted replica): keep the old ID valid up to here.
        st.replid2 = cached.replid;
        st.secondOffset = st.offset + 1;
        st.replid = newId;
        log().info({ replid: newId }, `Master replication ID changed to ${newId}`);
        disconnectReplicas(this.s, st);
      }
      st.offset = cached.offset;
      st.cached = null;
      if (!st.backlog) st.createBacklog();
      log().info('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
      this.becomeConnected(cached.db);
      return;
    }
    if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) {
      log().info({ reply: line }, `Master is currently unable to PSYNC but should be in the future: ${line}`);
      return this.close('master cannot PSYNC now');
    }
    log().warn({ reply: line }, `Unexpected reply to PSYNC from master: ${line}`);
    this.close('PSYNC refused');
  }

  private onBulkHeader(line: string): void {
    if (line === '') return; // keepalive newline
    if (line.startsWith('-')) {
      log().warn({ reply: line }, `MASTER aborted replication with an error: ${line.slice(1)}`);
      return this.close('master aborted');
    }
    if (!line.startsWith('$')) {
      log().warn({ reply: line }, `Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`);
      return this.close('bad payload header');
    }
    if (line.startsWith('$EOF:') && line.length >= 45) {
      this.eofMark = Buffer.from(line.slice(5, 45), 'latin1');
      this.transferSize = 0;
      log().info('MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk');
    } else {
      const n = Number(line.slice(1));
      if (!Number.isSafeInteger(n) || n < 0 || n > bufferConstants.MAX_LENGTH) return this.close('bad payload length');
      this.transferSize = n;
      log().info({ bytes: n }, `MASTER <-> REPLICA sync: receiving ${n} bytes from master to disk`);
    }
    this.transferRead = 0;
    this.rdbParts = [];
    this.phase = 'bulk';
    // Redis's diskless load (repl-diskless-load swapdb, or on-empty-db with no keys) parses the payload
    // as it arrives, loading from the first byte: INFO shows loading:1 and commands get -LOADING until
    // it is done. (With the master's replication id unchanged Redis 7.0 loads asynchronously instead,
    // serving the old data meanwhile, which is what the store does while the payload arrives.)
    const mode = this.s.config.get('repl-diskless-load');
    const empty = this.s.dbs.every((d) => d.size === 0);
    if ((mode === 'swapdb' && this.fullReplid !== this.st.replid) || (mode === 'on-empty-db' && empty)) this.s.loading = true;
  }

  /** Consumes payload bytes from inbuf; true when the payload completed (phase changed). */
  private readBulk(): boolean {
    if (!this.inbuf.length) return false;
    if (this.eofMark) {
      const chunk = this.inbuf;
      this.inbuf = EMPTY;
      this.rdbParts.push(chunk);
      this.transferRead += chunk.length;
      if (this.transferRead > bufferConstants.MAX_LENGTH) {
        this.close('payload too large');
        return true;
      }
      // The master sends nothing after the mark until we ACK, so the mark ends what we read.
      if (this.transferRead >= 40 && this.tailMatches(this.eofMark)) {
        const all = Buffer.concat(this.rdbParts);
        this.rdbParts = [];
        this.loadFull(all.subarray(0, all.length - 40), EMPTY);
        return true;
      }
      return false;
    }
    const left = this.transferSize - this.transferRead;
    const take = Math.min(left, this.inbuf.length);
    this.rdbParts.push(this.inbuf.subarray(0, take));
    this.inbuf = this.inbuf.subarray(take);
    this.transferRead += take;
    if (this.transferRead < this.transferSize) return false;
    const rest = this.inbuf;
    this.inbuf = EMPTY;
    const all = this.rdbParts.length === 1 ? this.rdbParts[0] : Buffer.concat(this.rdbParts);
    this.rdbParts = [];
    this.loadFull(all, rest);
    return true;
  }

  private tailMatches(mark: Buffer): boolean {
    let need = 40;
    let i = this.rdbParts.length - 1;
    const tail: Buffer[] = [];
    while (need > 0 && i >= 0) {
      const p = this.rdbParts[i--];
      const t = p.subarray(Math.max(0, p.length - need));
      tail.unshift(t);
      need -= t.length;
    }
    return Buffer.concat(tail).equals(mark);
  }

  /** Replaces the dataset with the master's RDB, then starts applying the stream. */
  private loadFull(rdb: Buffer, rest: Buffer): void {
    const s = this.s;
    const st = this.st;
    log().info('MASTER <-> REPLICA sync: Flushing old data');
    log().info({ bytes: rdb.length }, 'MASTER <-> REPLICA sync: Loading DB in memory');
    s.loading = true;
    let streamDb = 0;
    try {
      const loaded = loadPayload(s, rdb);
      // Redis's replicationCreateMasterClient(conn, rsi.repl_stream_db): a master that is itself a
      // replica proxies its own master's stream, which continues in the DB selected at the snapshot
      // (no SELECT is sent first); a top master's stream starts with SELECT anyway.
      if (loaded.replStreamDb !== undefined && loaded.replStreamDb < s.dbs.length) streamDb = loaded.replStreamDb;
    } catch (err) {
      s.loading = false;
      log().error({ err }, 'Failed trying to load the MASTER synchronization DB from disk, check server logs.');
      this.close('RDB load failed');
      return;
    }
    s.loading = false;
    keepSyncFile(s, rdb);
    st.replid = this.fullReplid;
    st.offset = this.fullOffset;
    st.clearReplicationId2();
    if (!st.backlog) st.createBacklog();
    log().info('MASTER <-> REPLICA sync: Finished with success');
    this.becomeConnected(streamDb);
    // Diskless: the master starts the stream on our first ACK.
    if (this.eofMark) this.sendAck();
    if (rest.length) this.applyStream(rest);
  }

  /** Link up: the master client starts applying the stream. */
  private becomeConnected(db: number): void {
    const s = this.s;
    const st = this.st;
    const mc = s.createClient(null);
    // CLIENT LIST shows and CLIENT KILL finds the master by the link's addresses, as in Redis.
    mc.addr = `${this.sock.remoteAddress}:${this.sock.remotePort}`;
    mc.laddr = `${this.sock.localAddress}:${this.sock.localPort}`;
    mc.fdSocket = this.sock;
    mc.isMaster = true;
    mc.authenticated = true;
    mc.name = '';
    mc.db = s.dbs[db] ?? s.dbs[0];
    this.mc = mc;
    st.masterClient = mc;
    this.readOffset = st.offset;
    this.fed = 0;
    this.applied = 0;
    this.unapplied.length = 0;
    st.linkState = 'connected';
    st.downSince = 0;
    this.phase = 'stream';
    log().info({ host: st.masterHost, port: st.masterPort, offset: st.offset }, 'MASTER <-> REPLICA link up');
    if (this.inbuf.length) {
      const rest = this.inbuf;
      this.inbuf = EMPTY;
      this.applyStream(rest);
    }
  }

  /** Applies the master's commands; the offset advances by the bytes of each complete command (not inside MULTI). */
  private applyStream(chunk: Buffer): void {
    const mc = this.mc;
    if (!mc) return;
    const s = this.s;
    const st = this.st;
    this.readOffset += chunk.length;
    this.fed += chunk.length;
    this.unapplied.push(chunk);
    mc.parser.feed(chunk);
    mc.lastInteraction = Date.now();
    if (mc.blocked) return; // held by CLIENT PAUSE: the rest waits in the parser
    this.drain(mc);
  }

  /** Applies the complete commands the master client has buffered, until one is held by CLIENT PAUSE. */
  private drain(mc: Client, held: string[] | null = null): void {
    for (;;) {
      const argv = held ?? mc.parser.next();
      held = null;
      if (argv === null) break;
      if (argv instanceof ProtocolError) {
        log().error({ error: argv.message }, `Protocol error from MASTER: ${argv.message}`);
        this.close('protocol error in the replication stream');
        return;
      }
      if (!this.applyOne(mc, argv)) return;
    }
  }

  /** Runs one command of the stream and advances the offset; false: stop (held, or the link changed). */
  private applyOne(mc: Client, argv: string[]): boolean {
    const s = this.s;
    const st = this.st;
    const errors = mc.reply.errors;
    dispatch(s, mc, argv);
    if (mc.blocked) {
      // Held by CLIENT PAUSE (as Redis postpones the master client): neither applied nor counted in
      // the offset; the pause's end runs it and the rest of the stream.
      mc.ext.resumeHeld = (a: string[]) => {
        if (this.phase !== 'stream' || this.mc !== mc || mc.closed) return;
        this.drain(mc, a);
      };
      return false;
    }
    if (mc.reply.errors !== errors) errorToMaster(s, mc);
    mc.reply.take();
    if (this.phase !== 'stream' || this.mc !== mc) return false;
    if (mc.multi) return true;
    const consumed = this.fed - mc.parser.pendingBytes;
    const delta = consumed - this.applied;
    if (delta > 0) {
      this.applied = consumed;
      feedStream(s, st, this.takeUnapplied(delta));
    }
    return true;
  }

  /** The next n stream bytes received (for our backlog and sub-replicas). */
  private takeUnapplied(n: number): Buffer {
    const out: Buffer[] = [];
    while (n > 0 && this.unapplied.length) {
      const head = this.unapplied[0];
      if (head.length <= n) {
        out.push(head);
        this.unapplied.shift();
        n -= head.length;
      } else {
        out.push(head.subarray(0, n));
        this.unapplied[0] = head.subarray(n);
        n = 0;
      }
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** REPLCONF ACK <processed offset>. */
  sendAck(): void {
    if (this.phase !== 'stream' || this.sock.destroyed) return;
    this.send(['REPLCONF', 'ACK', String(this.st.offset)]);
  }
}

/** Keeps the RDB received in a full sync as our dump file (as Redis does with disk-based loading). */
function keepSyncFile(s: Server, rdb: Buffer): void {
  const dir = s.config.get('dir') || '.';
  const target = path.resolve(dir, s.config.get('dbfilename'));
  const tmp = path.resolve(dir, `temp-${Date.now()}.${process.pid}.rdb`);
  try {
    fs.writeFileSync(tmp, rdb);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    log().warn({ err, file: target }, 'could not keep the RDB received from the master');
  }
}

/** Starts a connection attempt when we are a replica without a link. */
export function connectToMaster(s: Server): void {
  const st = replState(s);
  if (!st.isReplica || st.link) return;
  st.link = new MasterLink(s, st);
}

/** REPLICAOF host port: become a replica (or switch masters), keeping what allows a PSYNC. */
export function setMaster(s: Server, host: string, port: number, who: string): void {
  const st = replState(s);
  const wasMaster = !st.isReplica;
  const link = st.link;
  st.masterHost = null; // so that closing the old link does not schedule anything
  if (link) link.close('master changed');
  st.masterHost = host;
  st.masterPort = port;
  s.isReplica = true;
  disconnectReplicas(s, st);
  // Clients blocked while this was a master (BLPOP, WAIT) are told and disconnected, as Redis does.
  disconnectAllBlockedClients(s);
  disconnectWaiters(s, st);
  if (wasMaster) {
    // Our own history may continue on the new master (it could be a former replica of ours).
    st.cached = { replid: st.replid, offset: st.offset, db: 0 };
    log().info('Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.');
  }
  st.linkState = 'connect';
  st.downSince = 0;
  log().info({ host, port }, `REPLICAOF ${host}:${port} enabled (${who})`);
  connectToMaster(s);
}

/** REPLICAOF NO ONE: become a master; replicas of the old history can still PSYNC with us. */
export function unsetMaster(s: Server, who: string): void {
  const st = replState(s);
  if (!st.isReplica) return;
  st.masterHost = null;
  const link = st.link;
  if (link) link.close('promoted to master');
  if (st.masterClient) {
    s.freeClient(st.masterClient);
    st.masterClient = null;
  }
  st.cached = null;
  st.shiftReplicationId();
  disconnectReplicas(s, st);
  st.linkState = 'none';
  st.selDb = -1;
  st.noReplicasSince = Date.now();
  st.downSince = 0;
  s.isReplica = false;
  log().info({ replid: st.replid, replid2: st.replid2, offset: st.offset }, `MASTER MODE enabled (${who})`);
}

/** Replica-side part of the once-per-second cron: timeouts, reconnects, ACKs. */
export function replicaCron(s: Server, st: ReplState): void {
  if (!st.isReplica) return;
  const timeout = s.config.getInt('repl-timeout') * 1000;
  const now = Date.now();
  const link = st.link;
  if (link) {
    // Measured from the last bytes received, as Redis's repl_transfer_lastio: a master that delays
    // its reply to PSYNC (repl-diskless-sync-delay, a BGSAVE in progress) sends newlines meanwhile.
    if ((st.linkState === 'connecting' || st.linkState === 'handshake') && now - link.lastIo > timeout) {
      log().warn('Timeout connecting to the MASTER...');
      link.close('connect timeout');
    } else if (st.linkState === 'transfer' && now - link.lastIo > timeout) {
      log().warn("Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.");
      link.close('transfer timeout');
    } else if (st.linkState === 'connected' && now - link.lastIo > timeout) {
      log().warn('MASTER timeout: no data nor PING received...');
      link.close('master timeout');
    } else if (link.connected) link.sendAck();
  }
  if (!st.link && st.linkState === 'connect') connectToMaster(s);
}

/**
 * Redis's afterErrorReply for the master client: the error a command of the master's stream produced
 * (it is never sent) is logged as CRITICAL and counted (unexpected_error_replies); under
 * propagation-error-behavior panic or panic-on-replicas a read-only replica then panics, as Redis
 * does, rather than go on with a dataset that differs from its master's.
 */
function errorToMaster(s: Server, mc: Client): void {
  const msg = mc.reply.lastError.slice(0, 4096);
  const cmd = mc.lastCmd && mc.lastCmd !== 'NULL' ? mc.lastCmd : '<unknown>';
  s.stats.unexpectedErrorReplies++;
  log().warn(`== CRITICAL == This replica is sending an error to its master: '${msg}' after processing the command '${cmd}'`);
  const behavior = s.config.get('propagation-error-behavior');
  if (behavior !== 'ignore' && s.config.getBool('replica-read-only')) {
    const why = `This replica panicked sending an error to its master after processing the command '${cmd}'`;
    log().fatal(`Guru Meditation: ${why}`);
    if (s.ext.mainProcess) process.exit(1);
  }
}
