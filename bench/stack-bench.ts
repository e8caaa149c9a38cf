// The default embedded stack (bin/resplit with no backends configured: the proxy in front of an
// embedded resplit-server master and two embedded replicas) next to the same proxy in front of real
// redis-server processes (a master and two replicas), in the same run, alternating rounds. This is
// what a user gets from `npm start` versus fronting real Redis.

import path from 'node:path';
import { startRedis, startProc, freePort, tmpDir, ROOT, type Proc } from './lib/procs';
import { redisBenchmark, median, table } from './lib/redis-benchmark';
import { startResplit } from './proxy-bench';

async function startEmbeddedStack(): Promise<Proc> {
  const port = await freePort();
  const args = [path.join(ROOT, 'bin', 'resplit'), '--port', String(port), '--embedded-port', '0', '--embedded-dir', tmpDir(), '--log-level', 'warn'];
  const p = await startProc('resplit (embedded)', process.execPath, args, port);
  // Let the replicas finish their first sync and enter read rotation.
  await new Promise((r) => setTimeout(r, 3000));
  return p;
}

async function startOverRedis(): Promise<Proc[]> {
  const master = await startRedis();
  const replicas = [await startRedis(['--replicaof', '127.0.0.1', String(master.port)]), await startRedis(['--replicaof', '127.0.0.1', String(master.port)])];
  await new Promise((r) => setTimeout(r, 1500));
  const proxy = await startResplit(master, replicas);
  return [proxy, master, ...replicas];
}

/** Runs the comparison and returns a Markdown table. */
export async function stackBench(opts: { rounds?: number; requests?: number } = {}): Promise<string> {
  const rounds = opts.rounds ?? 2;
  const n = opts.requests ?? 50000;
  const results = new Map<string, { embedded: number[]; redis: number[] }>();
  const overRedis = await startOverRedis();
  const embedded = await startEmbeddedStack();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const p of [1, 16]) {
        const order: Array<['embedded' | 'redis', Proc]> = round % 2 ? [['redis', overRedis[0]], ['embedded', embedded]] : [['embedded', embedded], ['redis', overRedis[0]]];
        for (const [who, t] of order) {
          const rows = await redisBenchmark(t.port, ['-q', '-c', '50', '-r', '100000', '-n', String(p > 1 ? n * 4 : n), '-P', String(p), '-t', 'set,get']);
          for (const r of rows) {
            const key = `${r.test}\t${p}`;
            if (!results.has(key)) results.set(key, { embedded: [], redis: [] });
            results.get(key)![who].push(r.rps);
          }
        }
      }
    }
  } finally {
    await embedded.stop();
    for (const pr of overRedis) await pr.stop();
  }
  const rows: Array<Array<string | number>> = [];
  for (const [key, v] of results) {
    const [test, p] = key.split('\t');
    const e = median(v.embedded);
    const r = median(v.redis);
    rows.push([test, `-P ${p}`, Math.round(e), Math.round(r), Number((e / r).toFixed(2))]);
  }
  return (
    table(['test', 'pipeline', 'embedded stack ops/s', 'resplit over redis-server ops/s', 'ratio'], rows) +
    '\n\nBoth: resplit proxy, a master and two replicas on this machine (five processes plus the load generator on two cores); redis-benchmark -c 50 -r 100000; median of rounds.'
  );
}
