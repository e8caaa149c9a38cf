// Which files of Redis's own test suite run through the proxy (test/redis-suite-proxy.test.ts), in
// front of a real redis-server, and the tests skipped there: each needs something a proxy does not
// carry or shows differently by design (README "Design decisions"), with the reason per file.
// `minOk` guards against a file that silently runs nothing.

import type { SuiteEntry } from './redis-suite-plan';

export const PROXY_SUITE_PLAN: SuiteEntry[] = [
  {
    file: 'unit/type/string',
    skip: ['GETDEL propagate as DEL command to replica', 'GETEX without argument does not propagate to replica'],
    why: 'SYNC (the replication stream)',
    minOk: 70,
  },
  { file: 'unit/type/incr', skip: [], why: '', minOk: 25 },
  {
    file: 'unit/type/list',
    skip: [
      'SWAPDB wants to wake blocked client, but the key already expired',
      'MULTI + LPUSH + EXPIRE + DEBUG SLEEP on blocked client, key already expired',
      'BLMPOP propagate as pop with count command to replica',
      'LMPOP propagate as pop with count command to replica',
      'client unblock tests',
    ],
    why: 'SYNC (the replication stream), CLIENT UNBLOCK',
    minOk: 230,
  },
  { file: 'unit/type/hash', skip: [], why: '', minOk: 73 },
  { file: 'unit/type/set', skip: ['SRANDMEMBER with a dict containing long chain'], why: "the server's pid (a harness dict entry)", minOk: 97 },
  {
    file: 'unit/type/zset',
    skip: ['BZMPOP propagate as pop with count command to replica', 'ZMPOP propagate as pop with count command to replica'],
    why: 'SYNC (the replication stream)',
    minOk: 300,
  },
  { file: 'unit/type/stream', skip: [], why: '', minOk: 70 },
  { file: 'unit/keyspace', skip: [], why: '', minOk: 49 },
  {
    file: 'unit/expire',
    skip: [
      'All TTL in commands are propagated as absolute timestamp in replication stream',
      'GETEX propagate as to replica as PERSIST, DEL, or nothing',
      'SCAN: Lazy-expire should not be wrapped in MULTI/EXEC',
      'RANDOMKEY: Lazy-expire should not be wrapped in MULTI/EXEC',
    ],
    why: 'SYNC (the replication stream)',
    minOk: 60,
  },
  { file: 'unit/scan', skip: [], why: '', minOk: 16 },
  { file: 'unit/info-command', skip: [], why: '', minOk: 3 },
  { file: 'unit/quit', skip: [], why: '', minOk: 3 },
  { file: 'unit/type/list-2', skip: [], why: '', minOk: 2 },
  { file: 'unit/type/list-3', skip: [], why: '', minOk: 11 },
  { file: 'unit/bitops', skip: [], why: '', minOk: 45 },
  { file: 'unit/bitfield', skip: [], why: '', minOk: 16 },
  { file: 'unit/geo', skip: [], why: '', minOk: 59 },
  { file: 'unit/dump', skip: [], why: '', minOk: 12 },
  { file: 'unit/protocol', skip: [], why: '', minOk: 25 },
  { file: 'unit/sort', skip: [], why: '', minOk: 51 },
  {
    file: 'unit/other',
    skip: ['RESET clears MONITOR state', 'RESET clears client state', 'RESET clears authenticated state'],
    why: "MONITOR, CLIENT TRACKING, ACL users (the proxy's only user is its requirepass)",
    minOk: 14,
  },
  { file: 'unit/introspection-2', skip: [], why: '', minOk: 39 },
  {
    file: 'unit/pubsub',
    skip: ['PubSub messages with CLIENT REPLY OFF', 'Keyspace notifications: we receive keyspace notifications', 'Keyspace notifications: we receive keyevent notifications'],
    why: 'CLIENT REPLY OFF',
    minOk: 14,
  },
  {
    file: 'unit/multi',
    skip: [
      '/^MULTI \\/ EXEC is (not )?propagated',
      '/^MULTI propagation of',
      'MULTI / EXEC with REPLICAOF',
      'exec with read commands and stale replica state change',
      'MULTI with SHUTDOWN',
      // The client's own master connection opens during the busy script: its SELECT is refused
      // (BUSY), and the proxy fails that connection rather than run the transaction in db 0.
      'MULTI and script timeout',
    ],
    why: 'SYNC (the replication stream), REPLICAOF, SHUTDOWN, a connection opened during a busy script',
    minOk: 40,
  },
  { file: 'unit/pause', skip: [], why: '', minOk: 4 },
  {
    file: 'unit/scripting',
    skip: [
      'Timedout read-only scripts can be killed by SCRIPT KILL',
      'Timedout read-only scripts can be killed by SCRIPT KILL even when use pcall',
      'Timedout script does not cause a false dead client',
      'Timedout script link is still usable after Lua returns',
      'Timedout scripts and unblocked command',
      "Timedout scripts that modified data can't be killed by SCRIPT KILL",
      'SHUTDOWN NOSAVE can kill a timedout script anyway',
      'Script ACL check',
      'EXPIRE: We can call scripts rewriting client->argv from Lua',
      'INCRBYFLOAT: We can call scripts expanding client->argv from Lua',
      "MGET: mget shouldn't be propagated in Lua",
      'SPOP: We can call scripts rewriting client->argv from Lua',
    ],
    why: 'PING answered by the proxy (the tests expect BUSY), SHUTDOWN, ACL users, SYNC (the replication stream)',
    minOk: 240,
  },
  {
    file: 'unit/functions',
    skip: ['FUNCTION - test function kill', 'FUNCTION - test script kill not working on function', 'FUNCTION - test function kill not working on eval'],
    why: 'PING answered by the proxy (the tests expect BUSY)',
    minOk: 85,
  },
];
