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
  // ---- RDB files loaded at start-up ----
  { file: 'integration/convert-zipmap-hash-on-load', skip: [], why: '', minOk: 3 },
  { file: 'integration/convert-ziplist-hash-on-load', skip: [], why: '', minOk: 2 },
  { file: 'integration/convert-ziplist-zset-on-load', skip: [], why: '', minOk: 2 },
  // ---- servers with their own configuration ----
  { file: 'unit/auth', skip: [], why: '', minOk: 10 },
  { file: 'unit/limits', skip: [], why: '', minOk: 1 },
  { file: 'unit/wait', skip: [], why: '', minOk: 5 },
];
