// Redis's own test suite through the proxy: each file of the plan (test/redis-suite-proxy-plan.ts)
// runs in Redis's Tcl harness in external-server mode against resplit in front of a fresh real
// redis-server, and must end with no failed test. The backend is real Redis, so every failure is
// the proxy's: a reply, an error text or a piece of session state that differs from talking to
// Redis directly. The tests the plan skips need what a proxy does not carry (SYNC, MONITOR, CLIENT
// REPLY/KILL, its own CLIENT LIST), each with its reason.

import assert from 'node:assert/strict';
import { startRedis, type ChildServer } from './helpers/servers';
import { useSuiteDir, runSuiteFile } from './helpers/redis-suite';
import { startProxy } from './proxy-helpers';
import { PROXY_SUITE_PLAN } from './redis-suite-proxy-plan';
import type { ProxyServer } from '../src/proxy/server';

describe("Redis's own test suite through the proxy (external mode, a real redis-server behind it)", function () {
  this.timeout(30 * 60 * 1000);
  const dir = useSuiteDir();

  for (const entry of PROXY_SUITE_PLAN) {
    it(`${entry.file}: every test passes (${entry.skip.length} skipped: ${entry.why || 'none'})`, async function () {
      // The harness is killed at the file's limit; mocha waits longer, so the servers are always stopped.
      this.timeout((entry.timeoutMs ?? 180000) + 30000);
      let redis: ChildServer | null = null;
      let proxy: ProxyServer | null = null;
      try {
        redis = await startRedis(['--enable-debug-command', 'yes', '--enable-protected-configs', 'yes']);
        if (!redis) this.skip();
        // The defaults but faster checks: the suite's DEBUG SLEEPs and slow scripts are a busy
        // master, not a dead one.
        proxy = await startProxy(redis!.port, [], { 'health-check-interval-ms': 100, 'health-check-timeout-ms': 1000, fall: 3, rise: 1 });
        const r = await runSuiteFile(dir(), entry.file, proxy.port, entry.skip, entry.timeoutMs ?? 180000);
        assert.deepEqual(r.failed, [], `${entry.file}: ${r.failed.length} failed\n${r.output.slice(-3000)}`);
        assert.ok(r.ok >= entry.minOk, `${entry.file}: only ${r.ok} tests passed (expected at least ${entry.minOk})\n${r.output.slice(-2000)}`);
      } finally {
        await proxy?.stop();
        await redis?.stop();
      }
    });
  }
});
