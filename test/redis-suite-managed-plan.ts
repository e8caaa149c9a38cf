// Which files of Redis's test suite run in managed mode (test/redis-suite-managed.test.ts: the
// harness starts resplit-servers itself), and the tests each skips because they need a feature the
// store does not have; the reason is given per file. `minOk` guards against a file that silently
// runs nothing. Files that external mode already runs whole (test/redis-suite-plan.ts) are not
// repeated here; files that managed mode runs with more tests are run here only. `long` files
// (minutes each) run only with RESPLIT_SUITE_LONG=1, so that CI stays within its time budget; the
// README says how to run them.

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
  // Its random-topology loop runs for a fixed time: 52 tests alone, about 40 on a loaded machine.
  { file: 'integration/psync2', skip: [], why: '', minOk: 30, long: true, timeoutMs: 600000 },
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
  {
    file: 'integration/rdb',
    skip: [
      'Test RDB stream encoding',
      'Test RDB stream encoding - sanitize dump',
      'client freed during loading',
      'Test child sending info',
      "script won't load anymore if it's in rdb",
      'failed bgsave prevents writes',
    ],
    why: 'streams; loading is synchronous (no -LOADING phase serving clients: key-load-delay); no fork child (COW info, killing the BGSAVE child); Lua',
    minOk: 8,
  },
  {
    file: 'integration/corrupt-dump',
    skip: [
      'corrupt payload: fuzzer findings - NPD in streamIteratorGetID',
      'corrupt payload: fuzzer findings - gcc asan reports false leak on assert',
      'corrupt payload: fuzzer findings - infinite loop',
      'corrupt payload: fuzzer findings - listpack NPD on invalid stream',
      'corrupt payload: fuzzer findings - negative reply length',
      'corrupt payload: fuzzer findings - stream PEL without consumer',
      'corrupt payload: fuzzer findings - stream bad lp_count',
      'corrupt payload: fuzzer findings - stream bad lp_count - unsanitized',
      'corrupt payload: fuzzer findings - stream double free listpack when insert dup node to rax returns 0',
      'corrupt payload: fuzzer findings - stream listpack lpPrev valgrind issue',
      'corrupt payload: fuzzer findings - stream listpack valgrind issue',
      'corrupt payload: fuzzer findings - stream with bad lpFirst',
      'corrupt payload: fuzzer findings - stream with no records',
      'corrupt payload: fuzzer findings - stream with non-integer entry id',
      'corrupt payload: fuzzer findings - streamLastValidID panic',
      'corrupt payload: fuzzer findings - valgrind fishy value warning',
      'corrupt payload: hash listpack with duplicate records - convert',
      'corrupt payload: listpack invalid size header',
      'corrupt payload: listpack too long entry len',
      'corrupt payload: listpack too long entry prev len',
      'corrupt payload: listpack very long entry len',
      'corrupt payload: stream with duplicate consumers',
      'corrupt payload: fuzzer findings - lpFind invalid access',
    ],
    why: "streams (payloads of stream types, XADD); Redis's assertion/crash reports on payloads only half-validated with sanitize-dump-payload no (resplit always validates fully, so it refuses them at RESTORE: 'lpFind invalid access', 'hash listpack with duplicate records - convert')",
    minOk: 51,
  },
  // ---- servers with their own configuration ----
  { file: 'unit/auth', skip: [], why: '', minOk: 10 },
  { file: 'unit/limits', skip: [], why: '', minOk: 1 },
  { file: 'unit/wait', skip: [], why: '', minOk: 5 },
  {
    file: 'unit/other',
    skip: [
      'Same dataset digest if saving/reloading as AOF?',
      'EXPIRES after a reload (snapshot + append only file rewrite)',
      'EXPIRES after AOF reload (without rewrite)',
      'RESET clears client state',
      'RESET clears authenticated state',
      "Don't rehash if redis has child process",
      'Process title set as expected',
    ],
    why: 'AOF, CLIENT TRACKING, ACL SETUSER, DEBUG HTSTATS and a fork child (dict internals), process title',
    minOk: 19,
  },
  {
    file: 'unit/introspection',
    skip: [
      'MONITOR can log commands issued by the scripting engine',
      'MONITOR can log commands issued by functions',
      'MONITOR supports redacting command arguments',
      'CONFIG SET rollback on apply error',
      'redis-server command line arguments - error cases',
      'config during loading',
    ],
    why: "Lua, functions, MIGRATE; oom-score-adj; start-up errors are not Redis's FATAL CONFIG FILE ERROR block; loading is synchronous",
    minOk: 37,
  },
  { file: 'unit/networking', skip: [], why: '', minOk: 5 },
  {
    file: 'unit/shutdown',
    skip: ['Temp rdb will be deleted if we use bg_unlink when shutdown', 'Temp rdb will be deleted in signal handle'],
    why: 'no fork child for BGSAVE; the shutdown save is synchronous, so a second SIGINT cannot interrupt it',
    minOk: 6,
  },
  { file: 'integration/shutdown', skip: ['Shutting down master waits for replica then fails'], why: 'AOF', minOk: 4 },
  { file: 'integration/redis-cli', skip: ['Dumping an RDB - functions only: no', 'Dumping an RDB - functions only: yes'], why: 'functions', minOk: 29 },
  { file: 'integration/redis-benchmark', skip: [], why: '', minOk: 9 },
  {
    file: 'unit/obuf-limits',
    skip: ['No response for single command if client output buffer hard limit is enforced'],
    why: "its used_memory check only (used_memory is the Node heap: the garbage of the closed client's reply exceeds the 10 KB margin); the client is closed with nothing sent, as the test's other assertions check",
    minOk: 8,
  },
  // ---- data types and commands, managed (tests external mode cannot run) ----
  // Surveyed in managed mode: list, hash, zset, string, incr, list-3, bitops, sort, slowlog,
  // introspection-2, querybuf, pubsub, keyspace, scan, protocol, info-command and dump pass no more
  // tests than in external mode (test/redis-suite-plan.ts) with the same skips, so they are not
  // repeated here; unit/latency-monitor's server block starts with LATENCY RESET (no LATENCY command).
  {
    file: 'unit/info',
    skip: [
      '/^latencystats',
      'errorstats: failed call within LUA',
      'errorstats: failed call NOSCRIPT error',
      'errorstats: failed call NOGROUP error',
      'errorstats: rejected call by authorization error',
    ],
    why: 'latency tracking (latency-tracking-info-percentiles, latencystats), Lua, streams, ACL SETUSER',
    minOk: 7,
  },
  {
    file: 'unit/pause',
    skip: [
      'Test special commands are paused by RO',
      'Test scripts are blocked by pause RO',
      'Test RO scripts are not blocked by pause RO',
      'Test read-only scripts in mutli-exec are not blocked by pause RO',
      'Test write scripts in mutli-exec are blocked by pause RO',
      'Test may-replicate commands are rejected in RO scripts',
    ],
    why: 'Lua, PFADD',
    minOk: 10,
  },
];
