// Persistence in Redis's RDB format: load dir/dbfilename at start (refusing to start on a bad file),
// SAVE (synchronous), BGSAVE (a point-in-time snapshot written in slices while the server keeps
// serving), save points checked from the cron, saving on FLUSHALL and at shutdown when save points
// are set, DEBUG RELOAD, INFO persistence, and the MISCONF write gate (stop-writes-on-bgsave-error).
// Files are written to a temp file, fsynced and renamed, so a crash mid-save never damages the last
// good file.

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from './server';
import type { Client } from './client';
import type { Value } from './db';
import { SERVER_INIT_HOOKS } from './registry';
import { F } from '../resp/commands';
import { Snapshot } from './rdb/snapshot';
import { parseRdb, installRdb, decideEncoding, logEmptyKeys } from './rdb/load';
import { RdbError } from './rdb/constants';
import { persistenceState, type PersistenceState } from './rdb/state';
import { persistenceFields } from './info/persistence';

/** Redis's error for a write refused after a failed background save (stop-writes-on-bgsave-error). */
export const MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** Absolute path of the RDB file (dir + dbfilename). */
export function rdbPath(s: Server): string {
  return path.resolve(s.config.get('dir') || '.', s.config.get('dbfilename'));
}

/** The `save` directive as [seconds, changes] pairs (empty: saving disabled). */
export function savePoints(s: Server): Array<[number, number]> {
  const parts = s.config.get('save').split(/\s+/).filter(Boolean);
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([Number(parts[i]), Number(parts[i + 1])]);
  return out;
}

function tempPath(s: Server, tag: string): string {
  return path.resolve(s.config.get('dir') || '.', `temp-${tag}${process.pid}.rdb`);
}

function replOpts(s: Server): { replId?: string; replOffset?: number } {
  // Replication may publish its id/offset here so that saved files allow a partial resync later.
  const info = s.ext.replSaveInfo as undefined | (() => { replId: string; replOffset: number });
  return info ? info() : {};
}

/** Writes a file via temp + fsync + rename; throws on I/O errors (the old file is untouched). */
function writeFileAtomic(target: string, tmp: string, produce: (write: (b: Buffer) => void) => void): void {
  const fd = fs.openSync(tmp, 'w');
  try {
    produce((b) => {
      let off = 0;
      while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
    });
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** SAVE: serialises the dataset synchronously into dir/dbfilename. Returns false (and logs) on failure. */
export function saveSync(s: Server): boolean {
  const st = persistenceState(s);
  const target = rdbPath(s);
  const started = Date.now();
  try {
    writeFileAtomic(target, tempPath(s, ''), (write) => {
      const snap = new Snapshot(s, { ...replOpts(s), sliceMs: Infinity, synchronous: true });
      try {
        for (const c of snap.chunks()) if (Buffer.isBuffer(c)) write(c);
      } finally {
        snap.close();
      }
    });
  } catch (err) {
    s.log.error({ err, file: target }, 'Failed saving the DB');
    return false;
  }
  st.dirtyAtLastSave = s.dirty;
  st.lastSave = Math.floor(Date.now() / 1000);
  st.lastBgsaveOk = true;
  s.log.info({ file: target, ms: Date.now() - started }, 'DB saved on disk');
  return true;
}

/** A running BGSAVE that FLUSHALL/SHUTDOWN/DEBUG RELOAD may abort (as Redis kills its child). */
interface RunningBgsave {
  aborted: boolean;
  done: Promise<boolean>;
  /** Ends an rdb-key-save-delay wait at once (an abort must not wait for it). */
  wake?: () => void;
}

function running(s: Server): RunningBgsave | undefined {
  return s.ext.bgsaveRun as RunningBgsave | undefined;
}

/** Starts a BGSAVE; returns false when one is already running. */
export function startBgsave(s: Server): boolean {
  const st = persistenceState(s);
  if (st.bgsave) return false;
  const target = rdbPath(s);
  const tmp = tempPath(s, 'bg-');
  const dirtyAtStart = s.dirty;
  st.bgsaveStartedAt = Date.now();
  st.lastBgsaveTry = Date.now();
  // Redis counts rdb_saves when SAVE succeeds and when a BGSAVE starts (not FLUSHALL/shutdown saves).
  st.saves++;
  const snap = new Snapshot(s, replOpts(s));
  st.keysTotal = snap.keysTotal;
  st.keysProcessed = () => snap.keysProcessed;
  const run: RunningBgsave = { aborted: false, done: Promise.resolve(false) };
  s.ext.bgsaveRun = run;
  s.log.info({ file: target }, 'Background saving started');
  const gen = snap.chunks();
  const work = async (): Promise<boolean> => {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(tmp, 'w');
    } catch (err) {
      snap.close();
      throw err;
    }
    let ok = false;
    try {
      for (;;) {
        if (run.aborted) throw new Error('background save aborted');
        const r = gen.next();
        if (r.done) break;
        if (r.value === null) await new Promise<void>((resolve) => setImmediate(resolve));
        else if (typeof r.value === 'number') {
          const ms = r.value;
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => run.wake!(), ms);
            run.wake = () => {
              clearTimeout(t);
              run.wake = undefined;
              resolve();
            };
          });
        } else {
          let off = 0;
          while (off < r.value.length) off += (await fh.write(r.value, off, r.value.length - off)).bytesWritten;
        }
      }
      await fh.sync();
      ok = true;
    } finally {
      gen.return();
      snap.close();
      await fh.close();
      if (!ok) await fs.promises.rm(tmp, { force: true });
    }
    if (run.aborted) {
      await fs.promises.rm(tmp, { force: true });
      throw new Error('background save aborted');
    }
    await fs.promises.rename(tmp, target);
    return true;
  };
  const done = work().then(
    () => {
      // Changes made while saving stay counted (server.dirty -= dirty_before_bgsave).
      st.dirtyAtLastSave = dirtyAtStart;
      st.lastSave = Math.floor(Date.now() / 1000);
      st.lastBgsaveOk = true;
      s.log.info({ file: target }, 'Background saving terminated with success');
      return true;
    },
    (err) => {
      if (run.aborted) s.log.info('Background saving aborted');
      else {
        st.lastBgsaveOk = false;
        s.log.error({ err, file: target }, 'Background saving error');
      }
      return false;
    },
  );
  run.done = done;
  st.bgsave = done.finally(() => {
    st.lastBgsaveTimeSec = Math.floor((Date.now() - st.bgsaveStartedAt) / 1000);
    st.bgsave = null;
    st.bgsaveStartedAt = 0;
    st.keysTotal = 0;
    st.keysProcessed = () => 0;
    if (s.ext.bgsaveRun === run) s.ext.bgsaveRun = undefined;
  });
  return true;
}

/** Aborts a running BGSAVE (killRDBChild) and waits until its temp file is gone. */
export async function abortBgsave(s: Server): Promise<void> {
  const run = running(s);
  const st = persistenceState(s);
  if (!run || !st.bgsave) return;
  run.aborted = true;
  run.wake?.();
  await st.bgsave;
}

/** Aborts a running BGSAVE without waiting (synchronous callers: FLUSHALL, SAVE paths). */
function abortBgsaveNow(s: Server): void {
  const run = running(s);
  if (run) {
    run.aborted = true;
    run.wake?.();
  }
}

/** Reads and validates dir/dbfilename, then installs it. Returns false when there is no file. */
export function loadFromDisk(s: Server): boolean {
  const file = rdbPath(s);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new RdbError(`Fatal error loading the DB: ${(err as Error).message}. Exiting.`);
  }
  const started = Date.now();
  s.loading = true;
  try {
    const parsed = parseRdb(data, { databases: s.dbs.length, dropExpired: !s.isReplica, now: s.clock(), checksum: s.config.getBool('rdbchecksum') });
    installRdb(s, parsed);
    // Replication continues the history saved in the file (repl-id / repl-offset aux fields).
    const restore = s.ext.replRestore as undefined | ((i: { replId?: string; replOffset?: number; replStreamDb?: number; expired?: Array<[number, string]> }) => void);
    if (restore) restore({ replId: parsed.aux.get('repl-id'), replOffset: parsed.aux.has('repl-offset') ? Number(parsed.aux.get('repl-offset')) : undefined, replStreamDb: Number(parsed.aux.get('repl-stream-db') ?? 0), expired: parsed.expiredKeys });
    const st = persistenceState(s);
    st.lastLoadKeysLoaded = parsed.keysLoaded;
    st.lastLoadKeysExpired = parsed.keysExpired;
    logEmptyKeys(s.log, parsed);
    s.log.info({ file, keys: parsed.keysLoaded, expired: parsed.keysExpired, emptySkipped: parsed.emptyKeysSkipped, ms: Date.now() - started }, 'DB loaded from disk');
  } finally {
    s.loading = false;
  }
  return true;
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load the file back. The file is validated
 * before anything is flushed, so a bad file leaves the dataset as it was. Replies on `c`.
 * Exposed for the DEBUG command (s.ext.debugReload).
 */
export function debugReload(c: Client, argv: string[], s: Server): void {
  let flush = true;
  let save = true;
  let merge = false;
  for (let j = 2; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === 'merge') merge = true;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') save = false;
    else return c.reply.error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  if (save && !saveSync(s)) return c.reply.error('ERR');
  try {
    const parsed = parseRdb(fs.readFileSync(rdbPath(s)), { databases: s.dbs.length, dropExpired: !s.isReplica, now: s.clock(), checksum: s.config.getBool('rdbchecksum') });
    const dirty = s.dirty;
    if (flush) installRdb(s, parsed);
    else mergeRdb(s, parsed.dbs, merge);
    s.dirty = dirty;
    const st = persistenceState(s);
    st.lastLoadKeysLoaded = parsed.keysLoaded;
    st.lastLoadKeysExpired = parsed.keysExpired;
  } catch (err) {
    s.log.error({ err }, 'Error trying to load the RDB dump');
    return c.reply.error('ERR Error trying to load the RDB dump');
  }
  s.log.warn('DB reloaded by DEBUG RELOAD');
  c.reply.ok();
}

/** Adds loaded keys to the current dataset (DEBUG RELOAD NOFLUSH [MERGE]); duplicates fail unless merging. */
function mergeRdb(s: Server, dbs: Map<number, { data: Map<string, Value>; expires: Map<string, number> }>, merge: boolean): void {
  if (!merge) {
    for (const [id, d] of dbs) for (const k of d.data.keys()) if (s.dbs[id].data.has(k)) throw new RdbError(`RDB has duplicated key '${k}' in DB ${id}`);
  }
  for (const [id, d] of dbs) {
    const db = s.dbs[id];
    for (const [k, v] of d.data) {
      decideEncoding(s, v);
      db.set(k, v);
      const at = d.expires.get(k);
      if (at !== undefined) db.setExpire(k, at);
    }
  }
}

/** INFO persistence from this server's persistence state (the field list is info/persistence.ts's). */
function infoSection(s: Server, st: PersistenceState): Array<[string, string | number]> {
  const bgsave = st.bgsave !== null;
  // A full sync's snapshot is Redis's RDB child too (to disk or to the replicas' sockets): INFO shows
  // it as a background save in progress.
  const repl = s.ext.replication as { snapshotRunning: boolean; snapshotStartedAt: number } | undefined;
  const replSnapshot = !bgsave && repl !== undefined && repl.snapshotRunning;
  const inProgress = bgsave || replSnapshot;
  return persistenceFields({
    loading: s.loading,
    saveKeysProcessed: bgsave ? st.keysProcessed() : 0,
    saveKeysTotal: bgsave ? st.keysTotal : 0,
    changesSinceLastSave: Math.max(0, s.dirty - st.dirtyAtLastSave),
    bgsaveInProgress: inProgress,
    lastSaveTime: st.lastSave,
    lastBgsaveOk: st.lastBgsaveOk,
    lastBgsaveTimeSec: st.lastBgsaveTimeSec,
    currentBgsaveTimeSec: inProgress ? Math.floor((Date.now() - (bgsave ? st.bgsaveStartedAt : repl!.snapshotStartedAt)) / 1000) : -1,
    saves: st.saves,
    lastLoadKeysExpired: st.lastLoadKeysExpired,
    lastLoadKeysLoaded: st.lastLoadKeysLoaded,
  });
}

/** CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points retry only after 5 seconds. */
const BGSAVE_RETRY_MS = 5000;

/** serverCron's part: scheduled BGSAVE, then save points (changes >= n and more than s seconds). */
function cron(s: Server, st: PersistenceState): void {
  if (st.bgsave || s.isClosing) return;
  const now = Date.now();
  const retryOk = st.lastBgsaveOk || now - st.lastBgsaveTry > BGSAVE_RETRY_MS;
  if (st.bgsaveScheduled && retryOk) {
    st.bgsaveScheduled = false;
    startBgsave(s);
    return;
  }
  const changes = s.dirty - st.dirtyAtLastSave;
  const elapsed = Math.floor(now / 1000) - st.lastSave;
  for (const [secs, n] of savePoints(s)) {
    if (changes >= n && elapsed > secs && retryOk) {
      s.log.info({ changes, seconds: secs }, 'changes in seconds. Saving...');
      startBgsave(s);
      return;
    }
  }
}

SERVER_INIT_HOOKS.push((s) => {
  const st = persistenceState(s);
  s.ext.debugReload = (c: Client, argv: string[]) => debugReload(c, argv, s);
  s.infoSections.set('persistence', () => infoSection(s, st));
  s.startHooks.push(() => {
    try {
      loadFromDisk(s);
    } catch (err) {
      const msg = err instanceof RdbError ? err.message : String(err);
      if (err instanceof RdbError && err.reason) {
        // Redis's rdbReportCorruptRDB: the warning, the 'Internal error' line, then the exit notice.
        s.log.warn({ file: rdbPath(s) }, msg);
        s.log.warn(`Internal error in RDB reading offset 0, function at rdb.c:0 -> ${err.reason}`);
        s.log.warn('Terminating server after rdb file reading failure.');
      }
      s.log.error({ err, file: rdbPath(s) }, `Fatal error loading the DB: ${msg}. Exiting.`);
      throw new RdbError(`Fatal error loading the DB ${rdbPath(s)}: ${msg}`);
    }
  });
  s.cronHooks.push(() => cron(s, st));
  s.flushAllHooks.push(() => {
    abortBgsaveNow(s);
    if (savePoints(s).length) saveSync(s);
  });
  s.shutdownChecks.push(async (opts) => {
    await abortBgsave(s);
    if ((savePoints(s).length && opts.save !== false) || opts.save === true) {
      s.log.info('Saving the final RDB snapshot before exiting.');
      if (!saveSync(s)) {
        // Redis's texts: without FORCE it stays up rather than lose what the snapshot missed.
        if (!opts.force) {
          s.log.warn("Error trying to save the DB, can't exit.");
          return false;
        }
        s.log.warn('Error trying to save the DB. Exit anyway.');
      }
    }
    return true;
  });
  s.writeGates.push((c, cmd) => {
    if (st.lastBgsaveOk || c.isMaster) return null;
    if (!s.config.getBool('stop-writes-on-bgsave-error') || !savePoints(s).length) return null;
    if (cmd.bits & F.write) return MISCONF;
    if (cmd.name === 'exec' && c.multi !== null && (c.multiFlags & F.write) !== 0) return MISCONF;
    return null;
  });
});
