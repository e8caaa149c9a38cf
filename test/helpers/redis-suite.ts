// Runs files of Redis's own Tcl test suite in external-server mode against a server on a port: shared
// by the store's run (test/redis-suite.test.ts) and the proxy's (test/redis-suite-proxy.test.ts).

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import { ROOT, REQUIRE_REDIS } from './servers';

/** The suite's directory, or null with the reason it is not available. */
export function suiteDir(): { dir: string | null; why: string } {
  if (spawnSync('sh', ['-c', 'command -v tclsh'], { encoding: 'utf8' }).status !== 0) return { dir: null, why: 'tclsh is not installed (apt-get install tcl)' };
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'redis-test-suite.sh')], { encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) return { dir: null, why: `Redis's test suite could not be fetched: ${r.stderr.trim().split('\n').pop()}` };
  return { dir: r.stdout.trim(), why: '' };
}

export interface FileResult {
  ok: number;
  failed: string[];
  output: string;
}

/**
 * A port for the harness's own test server, below Linux's ephemeral range (32768-60999): an
 * ephemeral port found free can be taken by an outgoing connection before tclsh binds it (seen
 * once in CI: "couldn't open socket: address already in use").
 */
export async function harnessPort(): Promise<number> {
  for (;;) {
    // Below 31000 + MANAGED_PORTCOUNT: managed mode's servers take ports from here up.
    const port = 21000 + Math.floor(Math.random() * 10000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

/** Ports the harness may give the servers it starts in managed mode (from the base port up). */
export const MANAGED_PORTCOUNT = 400;

/**
 * Runs one test file of the suite: against the server on `port` (external mode), or with `port`
 * null in managed mode, where the harness starts its own servers (src/redis-server: resplit-server,
 * see scripts/redis-test-suite.sh) on ports from `basePort` up.
 */
export function runFile(dir: string, file: string, port: number | null, basePort: number, skips: readonly string[], timeoutMs: number): Promise<FileResult> {
  const target = port === null ? ['--portcount', String(MANAGED_PORTCOUNT)] : ['--host', '127.0.0.1', '--port', String(port)];
  const args = ['tests/test_helper.tcl', ...target, '--single', file, '--clients', '1', '--timeout', '120', '--durable', '--baseport', String(basePort)];
  for (const s of skips) args.push('--skiptest', s);
  return new Promise((resolve, reject) => {
    // Its own process group: at the limit the harness's test clients (tclsh children holding the
    // pipes) are killed with it, so 'close' comes and the caller stops its servers.
    const p = spawn('tclsh', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    const keep = (d: Buffer) => {
      out += d.toString('latin1');
      if (out.length > 4 << 20) out = out.slice(-(2 << 20));
    };
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
    const t = setTimeout(() => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        p.kill('SIGKILL');
      }
    }, timeoutMs);
    p.on('error', reject);
    p.on('close', () => {
      clearTimeout(t);
      // eslint-disable-next-line no-control-regex
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const lines = plain.split('\n');
      const ok = lines.filter((l) => l.startsWith('[ok]')).length;
      const failed = lines.filter((l) => /^\[(err|exception|TIMEOUT)\]/.test(l));
      if (!/\[1\/1 done\]|All tests passed|\[ok\]/.test(plain) && failed.length === 0) failed.push(`the harness did not finish: ${plain.slice(-600)}`);
      resolve({ ok, failed, output: plain });
    });
  });
}


/** runFile on a fresh harness port, once more on another if tclsh found it taken meanwhile. */
export async function runSuiteFile(dir: string, file: string, port: number | null, skips: readonly string[], timeoutMs: number): Promise<FileResult> {
  const r = await runFile(dir, file, port, await harnessPort(), skips, timeoutMs);
  if (!r.output.includes("couldn't open socket: address already in use")) return r;
  return runFile(dir, file, port, await harnessPort(), skips, timeoutMs);
}

/**
 * Mocha: the suite's directory, found in a before hook; without it (or tclsh) the file is skipped,
 * unless RESPLIT_REQUIRE_REDIS=1 (CI), where that fails.
 */
export function useSuiteDir(): () => string {
  let dir: string | null = null;
  before(function () {
    const s = suiteDir();
    if (!s.dir) {
      if (REQUIRE_REDIS) throw new Error(s.why);
      this.skip();
    }
    dir = s.dir;
  });
  return () => dir!;
}
