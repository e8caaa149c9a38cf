// Redis's own test suite in managed mode: the harness starts and stops its own servers, which are
// resplit-server (the suite's src/redis-server runs bin/resplit-server, see
// scripts/redis-test-suite.sh). This reaches the tests external mode cannot run: replication
// between servers the harness starts (PSYNC, diskless sync, backlog, chained replicas), RDB files
// loaded at start-up, restarts, and every test tagged external:skip. Each file of the plan
// (test/redis-suite-managed-plan.ts) must end with no failed test; the tests it skips need features
// the store does not have, each with its reason. Without the suite or tclsh the file skips, unless
// RESPLIT_REQUIRE_REDIS=1 (CI), where that fails.

import assert from 'node:assert/strict';
import { useSuiteDir, runSuiteFile } from './helpers/redis-suite';
import { MANAGED_PLAN } from './redis-suite-managed-plan';

describe("Redis's own test suite (managed mode: the harness starts resplit-servers)", function () {
  this.timeout(30 * 60 * 1000);
  const dir = useSuiteDir();

  const long = process.env.RESPLIT_SUITE_LONG === '1';
  for (const entry of MANAGED_PLAN) {
    if (entry.long && !long) {
      it.skip(`${entry.file}: minutes long, run with RESPLIT_SUITE_LONG=1`);
      continue;
    }
    it(`${entry.file}: every test passes (${entry.skip.length} skipped: ${entry.why || 'none'})`, async function () {
      // The harness is killed at the file's limit (its servers with it); mocha waits longer.
      this.timeout((entry.timeoutMs ?? 180000) + 30000);
      const r = await runSuiteFile(dir(), entry.file, null, entry.skip, entry.timeoutMs ?? 180000);
      assert.deepEqual(r.failed, [], `${entry.file}: ${r.failed.length} failed\n${r.output.slice(-3000)}`);
      assert.ok(r.ok >= entry.minOk, `${entry.file}: only ${r.ok} tests passed (expected at least ${entry.minOk})\n${r.output.slice(-2000)}`);
    });
  }
});
