// Which files of Redis's test suite run in managed mode (test/redis-suite-managed.test.ts: the
// harness starts resplit-servers itself), and the tests each skips because they need a feature the
// store does not have; the reason is given per file. `minOk` guards against a file that silently
// runs nothing. Files that external mode already runs whole (test/redis-suite-plan.ts) are not
// repeated here. `long` files (minutes each) run only with RESPLIT_SUITE_LONG=1, so that CI stays
// within its time budget; the README says how to run them.

import type { SuiteEntry } from './redis-suite-plan';

/** A managed-mode file: a SuiteEntry, optionally too long for every CI run. */
export interface ManagedEntry extends SuiteEntry {
  long?: boolean;
}

export const MANAGED_PLAN: ManagedEntry[] = [
  // ---- replication ----
  { file: 'integration/replication-2', skip: [], why: '', minOk: 7 },
  { file: 'integration/block-repl', skip: [], why: '', minOk: 2 },
  { file: 'integration/psync2-pingoff', skip: [], why: '', minOk: 6 },
  { file: 'integration/replication-psync', skip: [], why: '', minOk: 60, long: true, timeoutMs: 600000 },
  {
    file: 'integration/replication-3',
    skip: ['PFCOUNT updates cache on readonly replica', "PFCOUNT doesn't use expired key on readonly replica"],
    why: 'HyperLogLog',
    minOk: 5,
  },
  { file: 'integration/psync2', skip: [], why: '', minOk: 52, long: true, timeoutMs: 600000 },
  // The number of "kill first replica" / "kill chained replica" tests is random (rand() < .05 every
  // 100 ms for 20 s, about 20): only setup and the final consistency check are sure to run.
  { file: 'integration/psync2-reg', skip: [], why: '', minOk: 2 },
  { file: 'integration/psync2-master-restart', skip: [], why: '', minOk: 4 },
  {
    file: 'integration/replication-4',
    // The set-up of the min-slaves-to-write block loads a Lua function (wrapped in `catch` by
    // scripts/redis-test-suite.sh); its tests all use EVAL or FCALL.
    skip: [
      'With min-slaves-to-write (1,3): master should be writable',
      'With min-slaves-to-write (2,3): master should not be writable',
      'With min-slaves-to-write function without no-write flag',
      'With not enough good slaves, read in Lua script is still accepted',
      'With min-slaves-to-write: master not writable with lagged slave',
    ],
    why: 'Lua scripting and functions',
    minOk: 11,
  },
  {
    file: 'integration/replication-buffer',
    // Redis 7.0 keeps one replication buffer shared by the backlog and every replica's output, so the
    // backlog grows past repl-backlog-size while a slow replica still needs the data (and PSYNC can be
    // served from it), and memory is accounted once (mem_total_replication_buffers); the store's backlog
    // is a ring of exactly repl-backlog-size and each replica's output is its own socket buffer.
    skip: [
      'All replicas share one global replication buffer',
      'Replication buffer will become smaller when no replica uses',
      'Replication backlog size can outgrow the backlog limit config',
      'Replica could use replication buffer (beyond backlog config) for partial resynchronization',
      'Replication backlog memory will become smaller if disconnecting with replica',
    ],
    why: "Redis 7.0's shared replication buffer (a backlog that outgrows repl-backlog-size, its memory accounting)",
    minOk: 3,
  },
  // integration/replication is not listed: its diskless tests find Redis's forked RDB child by pid
  // (get_child_pid, in a server block's set-up, where --skiptest cannot reach) and read the log lines
  // of its pipe ("Diskless rdb transfer, done reading from pipe"); the store has no child process.
  // Besides: a swapdb diskless load with the master's replication id unchanged is not Redis 7.0's
  // async loading (no async_loading:1, no -LOADING for the commands that refuse it meanwhile).
  // ---- RDB files loaded at start-up ----
  { file: 'integration/convert-zipmap-hash-on-load', skip: [], why: '', minOk: 3 },
  { file: 'integration/convert-ziplist-hash-on-load', skip: [], why: '', minOk: 2 },
  { file: 'integration/convert-ziplist-zset-on-load', skip: [], why: '', minOk: 2 },
  // ---- servers with their own configuration ----
  { file: 'unit/auth', skip: [], why: '', minOk: 10 },
  { file: 'unit/limits', skip: [], why: '', minOk: 1 },
  { file: 'unit/wait', skip: [], why: '', minOk: 5 },
];
