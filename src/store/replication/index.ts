// Replication wired into a server: the propagation feed, INFO replication, min-replicas-to-write,
// replica-serve-stale-data, the once-per-second replication cron (Redis's replicationCron), the
// `replicaof` directive, the replication id/offset saved into and restored from RDB files, and the
// cleanup when replica, master or WAITing clients go away.

import type { Client } from '../client';
import type { Server } from '../server';
import type { Command } from '../../resp/commands';
import { F } from '../../resp/commands';
import { E } from '../../resp/errors';
import { SERVER_INIT_HOOKS } from '../registry';
import { logger } from '../../common/log';
import { ReplState, replState } from './state';
import { feedCommand, detachReplica, masterCron, refreshGoodReplicas, sendGetAck } from './master';
import { pauseClients, restorePause } from '../client-pause';
import { replicaCron, connectToMaster } from './replica';
import { replicationInfo } from './info';
import { dropWaiter } from './wait';

/** The component logger, looked up when used: modules load before the process configures logging. */
const log = (): ReturnType<typeof logger> => logger('replication');

/** Re-exported for code outside replication/ that reads a server's replication state (MEMORY STATS, MEMORY DOCTOR). */
export { replState } from './state';

/** Replication metadata found in an RDB loaded at start-up (aux fields repl-id, repl-offset, repl-stream-db). */
export interface LoadedReplInfo {
  replId?: string;
  replOffset?: number;
  replStreamDb?: number;
  /** Keys a master dropped as expired while loading ([db, key], file order): their DELs go to the backlog. */
  expired?: Array<[number, string]>;
}

/**
 * After loading an RDB file at start-up: a master continues the history it saved (replicas that were in
 * sync can PSYNC), a replica remembers it as its cached master (it can PSYNC with its master).
 */
export function restoreReplicationInfo(s: Server, info: LoadedReplInfo): void {
  const st = replState(s);
  if (!info.replId || info.replId.length !== 40 || info.replOffset === undefined || !Number.isSafeInteger(info.replOffset)) return;
  st.offset = info.replOffset;
  if (st.isReplica) {
    st.replid = info.replId;
    st.cached = { replid: info.replId, offset: info.replOffset, db: info.replStreamDb ?? 0 };
  } else {
    // A master keeps the fresh id it started with (as Redis does): the saved history is only its
    // second id, valid up to the saved offset. A replica that got writes after the save (the master
    // crashed) asks for more than that and is fully resynced; reusing the old id as the main one
    // let it continue with writes the restarted master no longer has.
    st.replid2 = info.replId;
    st.secondOffset = info.replOffset + 1;
    st.createBacklog();
    st.noReplicasSince = Date.now();
    // Redis's rdbLoad with RDBFLAGS_FEED_REPL: the keys that expired while the master was down are
    // dropped at load and their DELs fed to the backlog (SELECT as needed), so that replicas which
    // continue with a partial resync delete them too; the offset grows by those bytes. Too many of
    // them push the saved offset out of the backlog, and replicas are then fully resynced.
    if (info.expired?.length) {
      st.selDb = -1;
      for (const [db, key] of info.expired) feedCommand(s, st, db, ['DEL', key]);
    }
  }
  log().info({ replid: st.replid, offset: st.offset }, 'replication id and offset restored from the RDB file');
}

/** How much longer than the wait the write pause lasts: until the process has exited. */
const SHUTDOWN_PAUSE_EXTRA_MS = 3_600_000;

/**
 * Before a master shuts down (SHUTDOWN without NOW, SIGTERM), writes are paused and replicas
 * that have not acknowledged everything get up to shutdown-timeout seconds to catch up, as Redis
 * 7.0 does, so that what was acknowledged to clients is not lost with the master.
 */
async function waitForReplicas(s: Server, st: ReplState, now: boolean): Promise<void> {
  const timeoutMs = s.config.getInt('shutdown-timeout') * 1000;
  if (st.isReplica || st.replicas.size === 0) return;
  const target = st.offset;
  const lagging = () => [...st.replicas.values()].filter((l) => l.ackOff < target);
  // Redis's finishShutdown: a line per lagging replica, then how many are in sync.
  const report = () => {
    const left = lagging();
    for (const l of left) log().warn({ offset: l.ackOff }, `Lagging replica reported offset ${target - l.ackOff} behind master, shutting down anyway.`);
    log().info(`${st.replicas.size - left.length} of ${st.replicas.size} replicas are in sync when shutting down.`);
  };
  if (now || timeoutMs <= 0 || lagging().length === 0) return report();
  log().warn('Waiting for replicas before shutting down.');
  // Writes stay held until the process exits (the pause outlasts the wait): one acknowledged now
  // would be in neither the final save nor, perhaps, the replicas.
  const before = s.pauseState === null ? null : { until: s.pauseState.until, mode: s.pauseState.mode };
  pauseClients(s, timeoutMs + SHUTDOWN_PAUSE_EXTRA_MS, 'write');
  st.shutdownPausedFrom = { prev: before };
  const deadline = Date.now() + timeoutMs;
  s.shutdownDeadline = deadline;
  let asked = 0;
  while (lagging().length > 0 && Date.now() < deadline && !s.shutdownAbortRequested) {
    if (Date.now() - asked >= 1000) {
      sendGetAck(s, st);
      asked = Date.now();
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  if (s.shutdownAbortRequested) return;
  report();
}

/** Whether a command counts as a write for min-replicas-to-write (EXEC: if it queued one). */
function isWrite(c: Client, cmd: Command): boolean {
  if (cmd.bits & F.write) return true;
  return cmd.name === 'exec' && !!c.multi && (c.multiFlags & F.write) !== 0;
}

/** Parses the `replicaof` directive ("host port"); null when unset or malformed. */
function configuredMaster(s: Server): { host: string; port: number } | null {
  const v = s.config.get('replicaof').trim();
  if (!v) return null;
  const [host, p] = v.split(/\s+/);
  const port = Number(p);
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { host, port };
}

/** Wires replication into a server (commands, hooks, cron, INFO section); called once per Server. */
export function attachReplication(s: Server): void {
  const st = new ReplState(s);
  s.ext.replication = st;
  // WAIT needs each client's offset after its last write: note who propagated during the call.
  const feeders = new Set<Client>();
  const propagate = s.propagate.bind(s);
  s.propagate = (db, argv) => {
    if (s.current) feeders.add(s.current);
    propagate(db, argv);
  };
  s.replicationFeed = (db, argv) => {
    feedCommand(s, st, db, argv);
    if (feeders.size) {
      for (const c of feeders) c.ext.replWoff = st.offset;
      feeders.clear();
    }
  };
  s.infoSections.set('replication', () => replicationInfo(s));
  s.writeGates.push((c, cmd) => {
    if (st.isReplica || c.isMaster) return null;
    const need = s.config.getInt('min-replicas-to-write');
    if (!need || !s.config.getInt('min-replicas-max-lag') || !isWrite(c, cmd)) return null;
    return st.goodReplicas < need ? E.NOREPLICAS : null;
  });
  s.ext.staleRefusal = () => st.isReplica && st.linkState !== 'connected' && !s.config.getBool('replica-serve-stale-data');
  // Redis's rdbPopulateSaveInfo: a replica saves the DB its master's stream is in, from the master
  // client or, while the link is down, from the cached master (the stream continues there after a
  // PSYNC, without a SELECT).
  s.ext.replSaveInfo = () => ({ replId: st.replid, replOffset: st.offset, replStreamDb: st.masterClient?.db.id ?? st.cached?.db ?? 0 });
  s.ext.replRestore = (info: LoadedReplInfo) => restoreReplicationInfo(s, info);
  s.freeHooks.push((c) => {
    if (c.isReplica) detachReplica(s, c);
    // CLIENT KILL of the master client drops the link (it reconnects and continues with PSYNC).
    if (c === st.masterClient && st.link) st.link.close('master client killed');
    if (st.waiters.length) dropWaiter(st, c);
  });
  let lastCron = 0;
  s.cronHooks.push(() => {
    const now = Date.now();
    if (now - lastCron < 1000) return;
    lastCron = now;
    st.cronLoops++;
    try {
      replicaCron(s, st);
      masterCron(s, st);
    } catch (err) {
      log().error({ err }, 'replication cron failed');
    }
  });
  s.config.onChange((name) => {
    if (name === 'repl-backlog-size' && st.backlog) st.backlog.resize(s.config.getInt('repl-backlog-size'));
    if (name.startsWith('min-replicas') || name.startsWith('min-slaves')) refreshGoodReplicas(s, st);
  });
  const m = configuredMaster(s);
  if (m) {
    // Replica from the start (expired keys are kept while loading); the cron connects once we listen.
    st.masterHost = m.host;
    st.masterPort = m.port;
    st.linkState = 'connect';
    s.isReplica = true;
    s.startHooks.push(() => {
      setImmediate(() => connectToMaster(s));
    });
  }
  s.shutdownWaits.push((opts) => waitForReplicas(s, st, opts.now === true));
  s.shutdownAborts.push(() => {
    // The shutdown did not happen: writes go on (a CLIENT PAUSE of before keeps its own end).
    const p = st.shutdownPausedFrom;
    st.shutdownPausedFrom = null;
    if (p !== null) restorePause(s, p.prev);
  });
  s.shutdownHooks.push(() => {
    const link = st.link;
    st.masterHost = null;
    if (link) link.close('shutdown');
  });
}

SERVER_INIT_HOOKS.push(attachReplication);
