// Persistence bookkeeping per server (INFO persistence, LASTSAVE, save points, MISCONF): shared by the
// loader, the save paths and the commands, stored in server.ext so that each Server has its own.

import type { Server } from '../server';

/** What INFO persistence reports and the save logic decides on. */
export class PersistenceState {
  /** Unix seconds of the last successful save (or of start-up). */
  lastSave = Math.floor(Date.now() / 1000);
  /** server.dirty at the last successful save: rdb_changes_since_last_save = dirty - this. */
  dirtyAtLastSave = 0;
  lastBgsaveOk = true;
  lastBgsaveTimeSec = -1;
  /** When the running BGSAVE started (ms), or 0. */
  bgsaveStartedAt = 0;
  /** The running BGSAVE, if any. */
  bgsave: Promise<boolean> | null = null;
  /** A BGSAVE asked for while one could not start (BGSAVE inside MULTI/EXEC): run from the cron. */
  bgsaveScheduled = false;
  /** Number of successful saves (rdb_saves). */
  saves = 0;
  /** Keys processed / total of the running BGSAVE (current_save_keys_*). */
  keysProcessed: () => number = () => 0;
  keysTotal = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** Last failed save attempt (ms), to retry BGSAVE from save points only after 5 s, as Redis. */
  lastBgsaveTry = 0;
}

/** The persistence state of a server (created on first use). */
export function persistenceState(s: Server): PersistenceState {
  let st = s.ext.persistence as PersistenceState | undefined;
  if (!st) s.ext.persistence = st = new PersistenceState();
  return st;
}
