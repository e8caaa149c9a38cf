// Redis's own test suite against the store: each file of the plan (test/redis-suite-plan.ts) runs
// in Redis's Tcl harness in external-server mode against a fresh resplit-server process, and must
// end with no failed test. The suite is Redis's, fetched for the installed redis-server version by
// scripts/redis-test-suite.sh (it is not vendored); the tests the plan skips need features the store
// does not have, each with its reason. Without the suite or tclsh the file skips, unless
// RESPLIT_REQUIRE_REDIS=1 (CI), where that fails.

import assert from 'node:assert/strict';
import { startStoreProcess, tmpDir, type ChildServer } from './helpers/servers';
import { useSuiteDir, runSuiteFile } from './helpers/redis-suite';
import { SUITE_PLAN } from './redis-suite-plan';

describe("Redis's own test suite (external mode)", function () {
  this.timeout(30 * 60 * 1000);
  const dir = useSuiteDir();

  for (const entry of SUITE_PLAN) {
    it(`${entry.file}: every test passes (${entry.skip.length} skipped: ${entry.why || 'none'})`, async function () {
      // The harness is killed at the file's limit; mocha waits longer, so the servers are always stopped.
      this.timeout((entry.timeoutMs ?? 180000) + 30000);
      let srv: ChildServer | null = null;
      try {
        srv = await startStoreProcess(['--save', '', '--dir', tmpDir(), '--enable-debug-command', 'yes', '--enable-protected-configs', 'yes']);
        const r = await runSuiteFile(dir(), entry.file, srv.port, entry.skip, entry.timeoutMs ?? 180000);
        assert.deepEqual(r.failed, [], `${entry.file}: ${r.failed.length} failed\n${r.output.slice(-3000)}`);
        assert.ok(r.ok >= entry.minOk, `${entry.file}: only ${r.ok} tests passed (expected at least ${entry.minOk})\n${r.output.slice(-2000)}`);
      } finally {
        await srv?.stop();
      }
    });
  }
});
