// Proxy throughput: redis-benchmark (-c 50 -r 100000 -t set,get) at -P 1 and -P 16 through resplit,
// directly against the master, and through twemproxy (nutcracker) in front of the same master, in
// alternating rounds. Reports median ops/s, the ratio to direct, and each proxy's CPU time per
// operation (from /proc/<pid>/stat). Backends are real redis-server processes: a master and two
// replicas, so resplit splits reads exactly as in production.

import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startRedis, startProc, freePort, tmpDir, cpuSeconds, ROOT, type Proc } from './lib/procs';
import { redisBenchmark, median, table } from './lib/redis-benchmark';
import { waitForPing } from '../src/common/ports';

export interface ProxyBenchOptions {
  pipelines?: number[];
  rounds?: number;
  /** Requests per run at -P 1 (four times as many at higher depths). */
  requests?: number;
}

type Target = 'resplit' | 'direct' | 'twemproxy';

async function startTwemproxy(masterPort: number): Promise<Proc | null> {
  const dir = tmpDir();
  const port = await freePort();
  const statsPort = await freePort();
  const conf = path.join(dir, 'nutcracker.yml');
  fs.writeFileSync(
    conf,
    [
      'resplit_bench:',
      `  listen: 127.0.0.1:${port}`,
      '  hash: fnv1a_64',
      '  distribution: ketama',
      '  redis: true',
      '  auto_eject_hosts: false',
      '  server_connections: 1',
      '  servers:',
      `   - 127.0.0.1:${masterPort}:1`,
      '',
    ].join('\n'),
  );
  const proc = spawn('nutcracker', ['-c', conf, '-s', String(statsPort), '-a', '127.0.0.1', '-o', path.join(dir, 'nutcracker.log'), '-p', path.join(dir, 'pid')], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.on('error', () => undefined);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await pingMultibulk(port);
    return { name: 'twemproxy', port, proc, stop };
  } catch (err) {
    await stop();
    process.stderr.write(`twemproxy not measured: ${(err as Error).message}\n`);
    return null;
  }
}

/** Waits until a port answers a multibulk PING (twemproxy does not take inline commands). */
function pingMultibulk(port: number, timeoutMs = 10000): Promise<void> {
  return waitForPing(port, { multibulk: true, timeoutMs, intervalMs: 100 });
}

/** The proxy (bin/resplit) in front of external backends; also used by the stack benchmark. */
export async function startResplit(master: Proc, replicas: Proc[]): Promise<Proc> {
  const port = await freePort();
  const args = [
    path.join(ROOT, 'bin', 'resplit'),
    '--port', String(port),
    '--master', `127.0.0.1:${master.port}`,
    '--replicas', replicas.map((r) => `127.0.0.1:${r.port}`).join(','),
    '--log-level', 'warn',
  ];
  return startProc('resplit', process.execPath, args, port);
}

/** Slowest and fastest round, in thousands of ops/s ("61-94"): how far this machine's runs scatter. */
function spread(xs: number[]): string {
  return `${Math.round(Math.min(...xs) / 1000)}-${Math.round(Math.max(...xs) / 1000)}`;
}

/** Runs the comparison and returns a Markdown table. */
export async function proxyBench(opts: ProxyBenchOptions = {}): Promise<string> {
  const pipelines = opts.pipelines ?? [1, 16];
  const rounds = opts.rounds ?? 9;
  const n = opts.requests ?? 100000;
  const master = await startRedis();
  const replicas: Proc[] = [];
  const procs: Proc[] = [master];
  const results = new Map<string, Record<Target, number[]>>();
  const cpu = new Map<string, Record<Target, number[]>>();
  let twem: Proc | null = null;
  try {
    for (let i = 0; i < 2; i++) {
      const r = await startRedis(['--replicaof', '127.0.0.1', String(master.port)]);
      replicas.push(r);
      procs.push(r);
    }
    await new Promise((r) => setTimeout(r, 1500)); // initial syncs
    const resplit = await startResplit(master, replicas);
    procs.push(resplit);
    twem = await startTwemproxy(master.port);
    if (twem) procs.push(twem);
    const targets: Array<[Target, Proc]> = [['resplit', resplit], ['direct', master]];
    if (twem) targets.push(['twemproxy', twem]);
    for (let round = 0; round < rounds; round++) {
      for (const p of pipelines) {
        // Rotate the order every round so that drift (thermal, other load) does not favour one side.
        const order = targets.map((_, i) => targets[(i + round) % targets.length]);
        for (const [who, t] of order) {
          const reqs = p > 1 ? n * 4 : n;
          for (const test of ['set', 'get']) {
            const c0 = who === 'direct' ? 0 : cpuSeconds(t.proc.pid!);
            const rows = await redisBenchmark(t.port, ['-q', '-c', '50', '-r', '100000', '-n', String(reqs), '-P', String(p), '-t', test]);
            const c1 = who === 'direct' ? 0 : cpuSeconds(t.proc.pid!);
            for (const r of rows) {
              const key = `${r.test}\t${p}`;
              if (!results.has(key)) results.set(key, { resplit: [], direct: [], twemproxy: [] });
              if (!cpu.has(key)) cpu.set(key, { resplit: [], direct: [], twemproxy: [] });
              results.get(key)![who].push(r.rps);
              cpu.get(key)![who].push(((c1 - c0) / reqs) * 1e6);
            }
          }
        }
      }
    }
  } finally {
    for (const pr of procs.reverse()) await pr.stop();
  }
  const rows: Array<Array<string | number>> = [];
  for (const [key, v] of results) {
    const [test, p] = key.split('\t');
    const d = median(v.direct);
    const r = median(v.resplit);
    const t = median(v.twemproxy);
    const c = cpu.get(key)!;
    // Paired by round: both ran in the same round, seconds apart, so drift in the machine's speed cancels out.
    const ahead = v.twemproxy.filter((tw, i) => v.resplit[i] > tw).length;
    rows.push([
      test,
      `-P ${p}`,
      Math.round(r),
      Math.round(d),
      twem ? Math.round(t) : 'n/a',
      Number((r / d).toFixed(2)),
      twem ? Number((t / d).toFixed(2)) : 'n/a',
      median(c.resplit).toFixed(2),
      twem ? median(c.twemproxy).toFixed(2) : 'n/a',
      twem ? `${ahead}/${v.twemproxy.length}` : 'n/a',
      spread(v.resplit),
      twem ? spread(v.twemproxy) : 'n/a',
    ]);
  }
  const note =
    'redis-benchmark -c 50 -r 100000; median of rounds; resplit in front of a redis-server master and two replicas ' +
    '(GETs go to the replicas), twemproxy in front of the master alone; CPU = proxy process user+system µs per request; ' +
    '"rounds ahead" = rounds in which resplit beat twemproxy (both run in the same round, seconds apart); range = slowest and fastest round in k ops/s.';
  return (
    table(['test', 'pipeline', 'resplit ops/s', 'direct ops/s', 'twemproxy ops/s', 'resplit/direct', 'twemproxy/direct', 'resplit CPU µs/op', 'twemproxy CPU µs/op', 'rounds ahead of twemproxy', 'resplit range', 'twemproxy range'], rows) +
    '\n\n' +
    note
  );
}
