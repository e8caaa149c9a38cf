// INFO "# Persistence" when no persistence engine registered its provider: nothing saved, nothing
// loading, AOF off -- what a fresh redis-server with saving disabled prints.

import type { Server } from '../server';
import type { Fields } from './format';

/**
 * The section's tail when AOF is off and no module forks: the same for every provider (persistence.ts
 * can spread it too).
 */
export const AOF_OFF_FIELDS: Fields = [
  ['aof_enabled', 0],
  ['aof_rewrite_in_progress', 0],
  ['aof_rewrite_scheduled', 0],
  ['aof_last_rewrite_time_sec', -1],
  ['aof_current_rewrite_time_sec', -1],
  ['aof_last_bgrewrite_status', 'ok'],
  ['aof_rewrites', 0],
  ['aof_rewrites_consecutive_failures', 0],
  ['aof_last_write_status', 'ok'],
  ['aof_last_cow_size', 0],
  ['module_fork_in_progress', 0],
  ['module_fork_last_cow_size', 0],
];

/** The values that vary in INFO persistence (everything else is constant with AOF off and no fork). */
export interface PersistenceValues {
  loading: boolean;
  saveKeysProcessed: number;
  saveKeysTotal: number;
  changesSinceLastSave: number;
  bgsaveInProgress: boolean;
  lastSaveTime: number;
  lastBgsaveOk: boolean;
  lastBgsaveTimeSec: number;
  currentBgsaveTimeSec: number;
  saves: number;
  lastLoadKeysExpired: number;
  lastLoadKeysLoaded: number;
}

/** INFO persistence, field for field as Redis 7.0 prints it with AOF off: the one field list. */
export function persistenceFields(v: PersistenceValues): Fields {
  return [
    ['loading', v.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', v.saveKeysProcessed],
    ['current_save_keys_total', v.saveKeysTotal],
    ['rdb_changes_since_last_save', v.changesSinceLastSave],
    ['rdb_bgsave_in_progress', v.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', v.lastSaveTime],
    ['rdb_last_bgsave_status', v.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', v.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', v.currentBgsaveTimeSec],
    ['rdb_saves', v.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', v.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', v.lastLoadKeysLoaded],
    ...AOF_OFF_FIELDS,
  ];
}

/** Used until a persistence provider registers infoSections.persistence: nothing saved, nothing loading. */
export function defaultPersistenceSection(s: Server): Fields {
  return persistenceFields({
    loading: s.loading,
    saveKeysProcessed: 0,
    saveKeysTotal: 0,
    changesSinceLastSave: s.dirty,
    bgsaveInProgress: false,
    lastSaveTime: Math.floor(s.startTime / 1000),
    lastBgsaveOk: true,
    lastBgsaveTimeSec: -1,
    currentBgsaveTimeSec: -1,
    saves: 0,
    lastLoadKeysExpired: 0,
    lastLoadKeysLoaded: 0,
  });
}
