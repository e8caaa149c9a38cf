// The RDB module's public surface: stream a point-in-time snapshot (BGSAVE, replication full sync),
// serialise synchronously (SAVE, DEBUG RELOAD), and load a file, validating it completely before the
// dataset is replaced. Also the DUMP payload codec used by DUMP/RESTORE.

import type { Server } from '../server';
import { RdbError } from './constants';
import { Snapshot, type SnapshotOptions } from './snapshot';
import { parseRdb, installRdb, logEmptyKeys } from './load';
import { persistenceState } from './state';

/** Re-exported: the rest of the store reaches the RDB module through this file. */
export { RdbError } from './constants';
export { dumpPayload, restorePayload } from './dump-payload';
export { Snapshot, type SnapshotOptions } from './snapshot';

/**
 * Streams the RDB bytes of a snapshot of the dataset as it is at the moment of the call, in slices
 * between event-loop turns; when `sink` returns a promise the next chunk waits for it (backpressure).
 */
export async function snapshotRdb(server: Server, sink: (chunk: Buffer) => void | Promise<void>, opts: SnapshotOptions = {}): Promise<void> {
  const snap = new Snapshot(server, opts);
  const st = persistenceState(server);
  const gen = snap.chunks();
  try {
    for (;;) {
      const r = gen.next();
      if (r.done) break;
      if (r.value === null) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (typeof r.value === 'number') {
        // rdb-key-save-delay. Unref'd: a transfer nobody waits for any more must not hold the process.
        const ms = r.value;
        await new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
        continue;
      }
      const p = sink(r.value);
      if (p) await p;
    }
  } finally {
    gen.return();
    snap.close();
    void st;
  }
}

/** The whole RDB file of the current dataset, synchronously (SAVE, DEBUG RELOAD, tests). */
export function rdbBytes(server: Server, opts: SnapshotOptions = {}): Buffer {
  const snap = new Snapshot(server, { ...opts, sliceMs: Infinity, synchronous: true });
  const parts: Buffer[] = [];
  try {
    for (const c of snap.chunks()) if (Buffer.isBuffer(c)) parts.push(c);
  } finally {
    snap.close();
  }
  return Buffer.concat(parts);
}

/**
 * Validates a whole RDB file, then replaces every database with its contents (never half a dataset).
 * Keys already expired are dropped unless this server is a replica. Throws RdbError.
 */
export function loadRdb(server: Server, data: Buffer): { replId?: string; replOffset?: number; replStreamDb?: number } {
  const parsed = parseRdb(data, {
    databases: server.dbs.length,
    dropExpired: !server.isReplica,
    now: Date.now(),
    checksum: server.config.getBool('rdbchecksum'),
  });
  installRdb(server, parsed);
  const st = persistenceState(server);
  st.lastLoadKeysLoaded = parsed.keysLoaded;
  st.lastLoadKeysExpired = parsed.keysExpired;
  const replId = parsed.aux.get('repl-id');
  const off = parsed.aux.get('repl-offset');
  const streamDb = parsed.aux.get('repl-stream-db');
  const out: { replId?: string; replOffset?: number; replStreamDb?: number } = {};
  if (replId !== undefined) out.replId = replId;
  if (off !== undefined && /^-?\d+$/.test(off)) out.replOffset = Number(off);
  if (streamDb !== undefined && /^\d+$/.test(streamDb)) out.replStreamDb = Number(streamDb);
  logEmptyKeys(server.log, parsed);
  return out;
}

/** Whether an error is an RdbError (a refused file or payload) rather than an I/O or other failure. */
export function isRdbError(e: unknown): e is RdbError {
  return e instanceof RdbError;
}
