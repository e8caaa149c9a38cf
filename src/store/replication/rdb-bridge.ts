// The two RDB operations replication needs, behind one small seam: produce a point-in-time snapshot
// of the dataset as RDB bytes (full sync, master side) and replace the dataset with a received RDB
// (full sync, replica side). The RDB format itself lives in ../rdb.

import type { Server } from '../server';
import { snapshotRdb, loadRdb, RdbError } from '../rdb';

/** Replication metadata written into / read from the RDB aux fields. */
export interface RdbReplInfo {
  replId?: string;
  replOffset?: number;
  /** DB the master's stream is in at the snapshot's offset (a sub-master's stream continues there, without a SELECT). */
  replStreamDb?: number;
}

/** Streams a snapshot taken now; `sink` may return a promise to apply backpressure. */
export function produceSnapshot(
  s: Server,
  sink: (chunk: Buffer) => void | Promise<void>,
  info: { replId: string; replOffset: number; replStreamDb: number; excludeData?: boolean },
): Promise<void> {
  return snapshotRdb(s, sink, info);
}

/** Validates and installs a whole RDB; throws an Error (RdbError for a bad payload). */
export function loadPayload(s: Server, data: Buffer): RdbReplInfo {
  return loadRdb(s, data);
}

/** Re-exported so that replication code can tell a refused payload (loadPayload) from other failures. */
export { RdbError };
