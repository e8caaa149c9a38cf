// Redis's own test suite against the store: each file of the plan (test/redis-suite-plan.ts) runs
// in Redis's Tcl harness in external-server mode against a fresh resplit-server process, and must
// end with no failed test. The suite is Redis's, fetched for the installed redis-server version by
// scripts/redis-test-suite.sh (it is not vendored); the tests the plan skips need features the store
// does not have, each with its reason. Without the suite or tclsh the file skips, unless
// RESPLIT_REQUIRE_REDIS=1 (CI), where that fails.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import { startStoreProcess, tmpDir, ROOT, type ChildServer } from './helpers/servers';
import { SUITE_PLAN } from './redis-suite-plan';

const REQUIRED = process.env.RESPLIT_REQUIRE_REDIS === '1';

/** The suite's directory, or null with the reason it is not available. */
function suiteDir(): { dir: string | null; why: string } {
  if (spawnSync('sh', ['-c', 'command -v tclsh'], { encoding: 'utf8' }).status !== 0) return { dir: null, why: 'tclsh is not installed (apt-get install tcl)' };
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'redis-test-suite.sh')], { encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) return { dir: null, why: `Redis's test suite could not be fetched: ${r.stderr.trim().split('\n').pop()}` };
  return { dir: r.stdout.trim(), why: '' };
}

interface FileResult {
  ok: number;
  failed: string[];
  output: string;
}

/**
 * A port for the harness's own test server, below Linux's ephemeral range (32768-60999): an
 * ephemeral port found free can be taken by an outgoing connection before tclsh binds it (seen
 * once in CI: "couldn't open socket: address already in use").
 */
async function harnessPort(): Promise<number> {
  for (;;) {
    const port = 21000 + Math.floor(Math.random() * 10000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

/** Runs one test file of the suite against the server on `port`. */
function runFile(dir: string, file: string, port: number, basePort: number, skips: readonly string[], timeoutMs: number): Promise<FileResult> {
  const args = ['tests/test_helper.tcl', '--host', '127.0.0.1', '--port', String(port), '--single', file, '--clients', '1', '--timeout', '120', '--durable', '--baseport', String(basePort)];
  for (const s of skips) args.push('--skiptest', s);
  return new Promise((resolve, reject) => {
    const p = spawn('tclsh', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out += d.toString('latin1');
      if (out.length > 4 << 20) out = out.slice(-(2 << 20));
    };
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', () => {
      clearTimeout(t);
      // eslint-disable-next-line no-control-regex
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const lines = plain.split('\n');
      const ok = lines.filter((l) => l.startsWith('[ok]')).length;
      const failed = lines.filter((l) => /^\[(err|exception)\]/.test(l));
      if (!/\[1\/1 done\]|All tests passed|\[ok\]/.test(plain) && failed.length === 0) failed.push(`the harness did not finish: ${plain.slice(-600)}`);
      resolve({ ok, failed, output: plain });
    });
  });
}

describe("Redis's own test suite (external mode)", function () {
  this.timeout(30 * 60 * 1000);
  let dir: string | null = null;

  before(function () {
    const s = suiteDir();
    if (!s.dir) {
      if (REQUIRED) throw new Error(s.why);
      this.skip();
    }
    dir = s.dir;
  });

  for (const entry of SUITE_PLAN) {
    it(`${entry.file}: every test passes (${entry.skip.length} skipped: ${entry.why || 'none'})`, async function () {
      this.timeout(entry.timeoutMs ?? 180000);
      let srv: ChildServer | null = null;
      try {
        srv = await startStoreProcess(['--save', '', '--dir', tmpDir(), '--enable-debug-command', 'yes', '--enable-protected-configs', 'yes']);
        let r = await runFile(dir!, entry.file, srv.port, await harnessPort(), entry.skip, (entry.timeoutMs ?? 180000) - 5000);
        // The harness's port taken between the check and tclsh's bind: once more on another.
        if (r.output.includes("couldn't open socket: address already in use")) r = await runFile(dir!, entry.file, srv.port, await harnessPort(), entry.skip, (entry.timeoutMs ?? 180000) - 5000);
        assert.deepEqual(r.failed, [], `${entry.file}: ${r.failed.length} failed\n${r.output.slice(-3000)}`);
        assert.ok(r.ok >= entry.minOk, `${entry.file}: only ${r.ok} tests passed (expected at least ${entry.minOk})\n${r.output.slice(-2000)}`);
      } finally {
        await srv?.stop();
      }
    });
  }
});
