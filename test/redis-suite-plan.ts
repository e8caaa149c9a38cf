// Which files of Redis's test suite the store runs (test/redis-suite.test.ts), and the tests it skips
// because they need a feature the store does not have; the reason is given per file. `minOk` guards
// against a file that silently runs nothing (the count real Redis 7.0.15 passes, less the skips).

export interface SuiteEntry {
  file: string;
  skip: string[];
  why: string;
  minOk: number;
  timeoutMs?: number;
}

export const SUITE_PLAN: SuiteEntry[] = [
  { file: 'unit/type/string', skip: [], why: '', minOk: 76 },
  { file: 'unit/type/incr', skip: [], why: '', minOk: 25 },
  { file: 'unit/type/list', skip: [], why: '', minOk: 240 },
  { file: 'unit/type/hash', skip: [], why: '', minOk: 73 },
  {
    file: 'unit/type/set',
    skip: ['SRANDMEMBER with a dict containing long chain'],
    why: "DEBUG HTSTATS-KEY and the server's pid (Redis's dict internals)",
    minOk: 98,
  },
  { file: 'unit/type/zset', skip: [], why: '', minOk: 312 },
  {
    file: 'unit/keyspace',
    // MOVE basic usage counts on the stream tests' cleanup: real Redis fails it too when they are skipped.
    skip: ['COPY basic usage for stream', 'COPY basic usage for stream-cgroups', 'MOVE basic usage'],
    why: 'streams',
    minOk: 50,
  },
  {
    file: 'unit/expire',
    skip: ['SET - use KEEPTTL option, TTL should not be removed after loadaof', 'GETEX use of PERSIST option should remove TTL after loadaof'],
    why: 'AOF',
    minOk: 64,
  },
  { file: 'unit/scan', skip: [], why: '', minOk: 17 },
  { file: 'unit/info-command', skip: [], why: '', minOk: 3 },
  { file: 'unit/quit', skip: [], why: '', minOk: 3 },
  { file: 'unit/querybuf', skip: [], why: '', minOk: 2 },
];
