// Master side of replication (Redis's replication.c, first half): SYNC/PSYNC from replicas, partial
// resync from the backlog (+CONTINUE), full resync by streaming a point-in-time snapshot straight to
// the replica sockets (+FULLRESYNC, then `$EOF:<mark>` diskless or `$<len>`), and the command stream:
// every change is encoded as RESP, preceded by SELECT when the DB changes, appended to the backlog and
// written to every online replica (or accumulated while its snapshot is being delivered).

import crypto from 'node:crypto';
import type { Client } from '../client';
import type { Server } from '../server';
import { encodeCommand } from '../../resp/encode';
import { E } from '../../resp/errors';
import { parseInteger } from '../commands/args';
import { overOutputLimit, closeForOutputLimit, parseLimits, replicaHard } from '../output-limits';
import { logger } from '../../common/log';
import { replState, type ReplState, type ReplicaLink } from './state';
import { produceSnapshot } from './rdb-bridge';
import { tuneReplicationSocket } from './keepalive';

/** The component logger, looked up when used: modules load before the process configures logging. */
const log = (): ReturnType<typeof logger> => logger('replication');

/** Replication-related fields a replica announced with REPLCONF before SYNC/PSYNC. */
export interface ReplconfInfo {
  listeningPort: number;
  announcedIp: string;
  capaEof: boolean;
  capaPsync2: boolean;
  /** REPLCONF rdb-only 1 (redis-cli --rdb): the snapshot and nothing after it. */
  rdbOnly: boolean;
  /** REPLCONF rdb-filter-only (redis-cli --replica): a snapshot without keys, by EOF-mark transfer. */
  excludeData: boolean;
}

/** The REPLCONF settings of a client (created on first use). */
export function replconfOf(c: Client): ReplconfInfo {
  let r = c.ext.replconf as ReplconfInfo | undefined;
  if (!r) c.ext.replconf = r = { listeningPort: 0, announcedIp: '', capaEof: false, capaPsync2: false, rdbOnly: false, excludeData: false };
  return r;
}

/** "ip:port" of a replica as Redis names it in logs. */
export function replicaName(l: ReplicaLink): string {
  const ip = l.announcedIp || l.client.socket?.remoteAddress?.replace(/^::ffff:/, '') || '?';
  return `${ip}:${l.listeningPort}`;
}

// ---- the stream ----

/** Stream bytes queued per online replica during this event-loop pass. */
const queued = new Map<ReplicaLink, { s: Server; bufs: Buffer[] }>();
let flushScheduled = false;

/** Writes each replica's queued stream bytes with one socket write, then checks its output limits. */
function flushReplicas(): void {
  flushScheduled = false;
  const batch = [...queued];
  queued.clear();
  for (const [l, { s, bufs }] of batch) {
    const sock = l.client.socket;
    if (!sock || sock.destroyed || l.client.closed) continue;
    sock.write(bufs.length === 1 ? bufs[0] : Buffer.concat(bufs));
    if (overOutputLimit(s, l.client)) closeForOutputLimit(s, l.client);
  }
}

/**
 * Queues stream bytes for one online replica. A burst of commands in one event-loop pass costs one
 * socket write per replica, not one per command (the bytes are in the backlog already, so nothing
 * acknowledged depends on this write happening sooner).
 */
function writeReplica(s: Server, l: ReplicaLink, b: Buffer): void {
  const sock = l.client.socket;
  if (!sock || sock.destroyed || l.client.closed) return;
  let q = queued.get(l);
  if (!q) queued.set(l, (q = { s, bufs: [] }));
  q.bufs.push(b);
  s.stats.netReplOutputBytes += b.length;
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushReplicas);
  }
}

/** Hard output limit of the replica class (bytes; 0 = none), bounding the accumulated stream. */
function replicaHardLimit(s: Server): number {
  return replicaHard(s, parseLimits(s.config.get('client-output-buffer-limit')).replica?.hard ?? 0);
}

/**
 * Appends bytes to the replication stream: advances master_repl_offset, fills the backlog, and sends
 * them to the replicas (online ones now, syncing ones once their snapshot is delivered).
 */
export function feedStream(s: Server, st: ReplState, b: Buffer): void {
  if (!b.length) return;
  st.offset += b.length;
  if (st.backlog) st.backlog.append(b);
  if (!st.replicas.size) return;
  let hard = -1;
  for (const l of st.replicas.values()) {
    if (l.rdbOnly) continue;
    if (l.pending) {
      l.pending.push(b);
      l.pendingBytes += b.length;
      if (hard < 0) hard = replicaHardLimit(s);
      if (hard > 0 && l.pendingBytes >= hard) {
        log().warn({ replica: replicaName(l) }, 'Client scheduled to be closed ASAP for overcoming of output buffer limits.');
        s.stats.clientOutbufLimitDisconnections++;
        s.freeClient(l.client);
      }
    } else if (l.state === 'online') writeReplica(s, l, b);
  }
}

/** server.replicationFeed: one propagated command (a replica never feeds its own changes). */
export function feedCommand(s: Server, st: ReplState, db: number, argv: string[]): void {
  if (st.isReplica || !st.backlog) return;
  if (st.selDb !== db) {
    feedStream(s, st, encodeCommand(['SELECT', String(db)]));
    st.selDb = db;
  }
  feedStream(s, st, encodeCommand(argv));
}

/** Sends PING to the replicas through the stream (repl-ping-replica-period). */
export function pingReplicas(s: Server, st: ReplState): void {
  if (st.isReplica || !st.backlog || !st.replicas.size) return;
  feedStream(s, st, encodeCommand(['PING']));
}

/** Asks every replica for its offset (WAIT): REPLCONF GETACK * through the stream, no SELECT. */
export function sendGetAck(s: Server, st: ReplState): void {
  if (st.isReplica || !st.backlog || !st.replicas.size) return;
  feedStream(s, st, encodeCommand(['REPLCONF', 'GETACK', '*']));
}

// ---- attaching replicas ----

/** Turns a client into a replica link: replies to it are dropped from now on (it only reads the stream). */
function attachReplica(s: Server, st: ReplState, c: Client, state: ReplicaLink['state']): ReplicaLink {
  const rc = replconfOf(c);
  const now = Date.now();
  const l: ReplicaLink = {
    client: c,
    state,
    waitingStart: state !== 'online',
    capaEof: rc.capaEof,
    capaPsync2: rc.capaPsync2,
    rdbOnly: rc.rdbOnly,
    excludeData: rc.excludeData,
    preSync: false,
    listeningPort: rc.listeningPort,
    announcedIp: rc.announcedIp,
    ackOff: 0,
    ackTime: now,
    pending: null,
    pendingBytes: 0,
    startOnAck: false,
    since: now,
  };
  c.isReplica = true;
  c.reply.take();
  // Redis 7.0 never writes replies to a replica link (a rogue command's reply would corrupt the stream).
  c.reply.take = () => null;
  if (c.socket) tuneReplicationSocket(c.socket, !s.config.getBool('repl-disable-tcp-nodelay'));
  st.replicas.set(c, l);
  return l;
}

/** SYNC / PSYNC <replid> <offset>. */
export function syncCommand(c: Client, argv: string[], s: Server): void {
  const st = replState(s);
  if (c.isReplica) return;
  const isPsync = argv[0].toLowerCase() === 'psync';
  let psyncOffset = 0;
  if (isPsync) {
    const n = parseInteger(argv[2]);
    if (n === null) return c.reply.error(E.NOT_INTEGER);
    psyncOffset = n;
  }
  if (st.isReplica && st.linkState !== 'connected') return c.reply.error("NOMASTERLINK Can't SYNC while not connected with my master");
  if (c.reply.pending > 0) return c.reply.error('ERR SYNC and PSYNC are invalid with pending output');
  const rc = replconfOf(c);
  // A filtered snapshot is only ever streamed (Redis never writes one to a file).
  if (rc.excludeData && !rc.capaEof) return c.reply.error('ERR Filtered replica requires EOF capability');
  const name = `${rc.announcedIp || c.socket?.remoteAddress?.replace(/^::ffff:/, '') || '?'}:${rc.listeningPort}`;
  log().info({ replica: name }, `Replica ${name} asks for synchronization`);
  if (isPsync) {
    if (tryPartialResync(s, st, c, argv[1], psyncOffset)) {
      s.stats.syncPartialOk++;
      return;
    }
    if (argv[1] !== '?') s.stats.syncPartialErr++;
  }
  s.stats.syncFull++;
  const l = attachReplica(s, st, c, 'wait_bgsave');
  l.preSync = !isPsync;
  if (st.replicas.size === 1 && !st.backlog) {
    // A backlog created from scratch starts a new history.
    st.changeReplicationId();
    st.clearReplicationId2();
    st.createBacklog();
    log().info({ replid: st.replid }, `Replication backlog created, my new replication IDs are '${st.replid}' and '${st.replid2}'`);
  }
  maybeStartSnapshot(s, st);
}

/** PSYNC that can continue from the backlog: +CONTINUE and the missing bytes. */
function tryPartialResync(s: Server, st: ReplState, c: Client, replid: string, from: number): boolean {
  if (replid !== st.replid && (replid !== st.replid2 || from > st.secondOffset)) {
    if (replid === '?') log().info('Full resync requested by replica');
    else if (replid !== st.replid2) log().info({ replid }, `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${st.replid}' and '${st.replid2}')`);
    else log().info({ replid, from }, `Partial resynchronization not accepted: Requested offset for second ID was ${from}, but I can reply up to ${st.secondOffset}`);
    return false;
  }
  if (!st.backlog || !st.backlog.covers(from)) {
    log().info({ from }, `Unable to partial resync with replica: lack of backlog (Replica request was: ${from}).`);
    return false;
  }
  const l = attachReplica(s, st, c, 'online');
  l.waitingStart = false;
  const sock = c.socket;
  const data = st.backlog.copyFrom(from);
  if (sock && !sock.destroyed) {
    sock.write(l.capaPsync2 ? `+CONTINUE ${st.replid}\r\n` : '+CONTINUE\r\n');
    if (data.length) sock.write(data);
    s.stats.netReplOutputBytes += data.length;
  }
  log().info({ replica: replicaName(l), bytes: data.length, from }, `Partial resynchronization request from ${replicaName(l)} accepted. Sending ${data.length} bytes of backlog starting from offset ${from}.`);
  refreshGoodReplicas(s, st);
  return true;
}

/**
 * Starts a snapshot for the replicas waiting for one, unless one is running or the diskless sync delay
 * (repl-diskless-sync-delay, to let more replicas join the same transfer) has not elapsed yet.
 */
export function maybeStartSnapshot(s: Server, st: ReplState): void {
  if (st.snapshotRunning) return;
  let waiting = [...st.replicas.values()].filter((l) => l.waitingStart && !l.client.closed);
  if (!waiting.length) return;
  // Replicas wanting a snapshot without keys get one of their own; the oldest request goes first.
  const filtered = waiting.reduce((a, b) => (b.since < a.since ? b : a)).excludeData;
  waiting = waiting.filter((l) => l.excludeData === filtered);
  const wantsDiskless = s.config.getBool('repl-diskless-sync');
  const diskless = (wantsDiskless || filtered) && waiting.every((l) => l.capaEof);
  if (diskless && wantsDiskless) {
    const delay = s.config.getInt('repl-diskless-sync-delay') * 1000;
    const max = s.config.getInt('repl-diskless-sync-max-replicas');
    const oldest = Math.min(...waiting.map((l) => l.since));
    if (delay > 0 && Date.now() - oldest < delay && !(max > 0 && waiting.length >= max)) return;
  }
  void runSnapshot(s, st, waiting, diskless, filtered);
}

/** Produces one snapshot and delivers it to `links` (EOF-mark streaming, or buffered with a length). */
async function runSnapshot(s: Server, st: ReplState, links: ReplicaLink[], eofMode: boolean, excludeData: boolean): Promise<void> {
  st.snapshotRunning = true;
  st.snapshotStartedAt = Date.now();
  const offset = st.offset;
  // A new stream for these replicas: the next propagated command starts with SELECT.
  st.selDb = -1;
  for (const l of links) {
    l.waitingStart = false;
    l.pending = l.rdbOnly ? null : [];
    l.pendingBytes = 0;
    const sock = l.client.socket;
    if (!l.preSync && sock && !sock.destroyed) sock.write(`+FULLRESYNC ${st.replid} ${offset}\r\n`);
  }
  const alive = () => links.filter((l) => !l.client.closed && l.client.socket && !l.client.socket.destroyed);
  log().info({ replicas: links.map(replicaName), offset, diskless: eofMode }, `Starting BGSAVE for SYNC with target: ${eofMode ? 'replicas sockets' : 'memory'}`);
  const info = { replId: st.replid, replOffset: offset, replStreamDb: st.isReplica ? (st.masterClient?.db.id ?? 0) : 0, excludeData };
  const started = Date.now();
  let bytes = 0;
  try {
    if (eofMode) {
      const mark = crypto.randomBytes(20).toString('hex');
      for (const l of alive()) {
        l.state = 'send_bulk';
        l.client.socket!.write(`$EOF:${mark}\r\n`);
      }
      await produceSnapshot(
        s,
        (chunk) => {
          bytes += chunk.length;
          const targets = alive();
          if (!targets.length) throw new Error('no replica left for the transfer');
          let slow: import('node:net').Socket | null = null;
          for (const l of targets) {
            const sock = l.client.socket!;
            if (!sock.write(chunk) && !slow) slow = sock;
            s.stats.netReplOutputBytes += chunk.length;
          }
          if (slow) return waitDrain(slow);
        },
        info,
      );
      for (const l of alive()) {
        l.client.socket!.write(mark);
        if (l.rdbOnly) {
          rdbDelivered(s, l);
          continue;
        }
        // The replica detects the end by the mark being the last bytes read: hold the stream until its first ACK.
        l.state = 'online';
        l.startOnAck = true;
        l.ackTime = Date.now();
        log().info({ replica: replicaName(l) }, `Streamed RDB transfer with replica ${replicaName(l)} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming`);
      }
    } else {
      const parts: Buffer[] = [];
      await produceSnapshot(s, (chunk) => void parts.push(chunk), info);
      const rdb = Buffer.concat(parts);
      bytes = rdb.length;
      for (const l of alive()) {
        l.state = 'send_bulk';
        const sock = l.client.socket!;
        sock.write(`$${rdb.length}\r\n`);
        sock.write(rdb);
        s.stats.netReplOutputBytes += rdb.length;
        if (l.rdbOnly) rdbDelivered(s, l);
        else startStream(s, st, l);
      }
    }
    log().info({ bytes, ms: Date.now() - started }, 'Background RDB transfer terminated with success');
  } catch (err) {
    log().warn({ err }, 'Background transfer error');
    for (const l of links) if (!l.client.closed && l.state !== 'online') s.freeClient(l.client);
  } finally {
    st.snapshotRunning = false;
  }
  refreshGoodReplicas(s, st);
  maybeStartSnapshot(s, st);
}

/** An rdb-only replica (redis-cli --rdb) has its snapshot: closed once the kernel has taken it, as Redis does. */
function rdbDelivered(s: Server, l: ReplicaLink): void {
  log().info({ replica: replicaName(l) }, `RDB transfer completed, rdb only replica (${replicaName(l)}) should be disconnected asap`);
  l.client.socket!.end();
  s.freeClient(l.client, true);
}

function waitDrain(sock: import('node:net').Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sock.off('drain', done);
      sock.off('close', done);
      resolve();
    };
    sock.once('drain', done);
    sock.once('close', done);
  });
}

/** Puts a replica online: sends the stream accumulated during its snapshot, then streams live. */
function startStream(s: Server, st: ReplState, l: ReplicaLink): void {
  l.state = 'online';
  l.startOnAck = false;
  l.ackTime = Date.now();
  const pend = l.pending;
  l.pending = null;
  l.pendingBytes = 0;
  if (pend && pend.length) writeReplica(s, l, pend.length === 1 ? pend[0] : Buffer.concat(pend));
  log().info({ replica: replicaName(l) }, `Synchronization with replica ${replicaName(l)} succeeded`);
  refreshGoodReplicas(s, st);
}

/** REPLCONF ACK <offset> from a replica. */
export function handleAck(s: Server, c: Client, offset: number): void {
  const st = replState(s);
  const l = st.replicas.get(c);
  if (!l) return;
  if (offset > l.ackOff) l.ackOff = offset;
  l.ackTime = Date.now();
  if (l.startOnAck) startStream(s, st, l);
}

/** Drops a replica link (client gone). */
export function detachReplica(s: Server, c: Client): void {
  const st = replState(s);
  const l = st.replicas.get(c);
  if (!l) return;
  st.replicas.delete(c);
  if (!st.replicas.size) st.noReplicasSince = Date.now();
  log().info({ replica: replicaName(l) }, `Connection with replica ${replicaName(l)} lost.`);
  refreshGoodReplicas(s, st);
}

/** Closes every replica link (they reconnect and PSYNC: after an ID change, a new master, ...). */
export function disconnectReplicas(s: Server, st: ReplState): void {
  for (const c of [...st.replicas.keys()]) s.freeClient(c);
}

/** Counts replicas good for min-replicas-to-write (online, lag <= min-replicas-max-lag). */
export function refreshGoodReplicas(s: Server, st: ReplState): void {
  const maxLag = s.config.getInt('min-replicas-max-lag');
  const now = Math.floor(Date.now() / 1000);
  let good = 0;
  for (const l of st.replicas.values()) {
    if (l.state === 'online' && now - Math.floor(l.ackTime / 1000) <= maxLag) good++;
  }
  st.goodReplicas = good;
}

/** Master-side part of the once-per-second cron: pings, newlines to waiting replicas, timeouts, backlog TTL. */
export function masterCron(s: Server, st: ReplState): void {
  const period = s.config.getInt('repl-ping-replica-period');
  if (st.cronLoops % period === 0) pingReplicas(s, st);
  const now = Date.now();
  const timeout = s.config.getInt('repl-timeout') * 1000;
  for (const l of [...st.replicas.values()]) {
    const sock = l.client.socket;
    if (!sock || sock.destroyed) continue;
    // Keep replicas waiting for their snapshot alive (they skip empty lines before the payload header).
    if (l.waitingStart || (l.state === 'wait_bgsave' && l.pending !== null)) sock.write('\n');
    if (l.state === 'online' && !l.preSync && now - l.ackTime > timeout) {
      log().warn({ replica: replicaName(l) }, `Disconnecting timedout replica (streaming sync): ${replicaName(l)}`);
      s.freeClient(l.client);
    }
  }
  const ttl = s.config.getInt('repl-backlog-ttl');
  if (!st.isReplica && !st.replicas.size && ttl > 0 && st.backlog && now - st.noReplicasSince > ttl * 1000) {
    // No replica for a long time: free the backlog, and start a new history (nobody can continue the old one).
    st.changeReplicationId();
    st.clearReplicationId2();
    st.freeBacklog();
    log().info({ ttl }, `Replication backlog freed after ${ttl} seconds without connected replicas.`);
  }
  maybeStartSnapshot(s, st);
  refreshGoodReplicas(s, st);
}
