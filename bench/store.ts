// Store throughput: redis-benchmark against resplit-server and a real redis-server in the same run,
// alternating rounds, median ops/s per command and pipeline depth, and the ratio ours / Redis.

import { startRedis, startResplitServer, type Proc } from './lib/procs';
import { redisBenchmark, median, table } from './lib/redis-benchmark';

export const STORE_TESTS = ['set', 'get', 'incr', 'mset', 'lpush', 'rpush', 'lpop', 'rpop', 'sadd', 'hset', 'spop', 'zadd', 'lrange_100'];

export interface StoreBenchOptions {
  tests?: string[];
  pipelines?: number[];
  rounds?: number;
  requests?: number;
}

/** Runs the comparison and returns a Markdown table. */
export async function storeBench(opts: StoreBenchOptions = {}): Promise<string> {
  const tests = opts.tests ?? STORE_TESTS;
  const pipelines = opts.pipelines ?? [1, 16];
  const rounds = opts.rounds ?? 3;
  const n = opts.requests ?? 100000;
  const redis = await startRedis();
  const ours = await startResplitServer();
  const results = new Map<string, { ours: number[]; redis: number[] }>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const p of pipelines) {
        // Alternate which server goes first each round so drift does not favour one side.
        const order: Array<[string, Proc]> = round % 2 ? [['redis', redis], ['ours', ours]] : [['ours', ours], ['redis', redis]];
        for (const [who, srv] of order) {
          const rows = await redisBenchmark(srv.port, ['-q', '-c', '50', '-r', '100000', '-n', String(p > 1 ? n * 4 : n), '-P', String(p), '-t', tests.join(',')]);
          for (const r of rows) {
            const key = `${r.test}\t${p}`;
            if (!results.has(key)) results.set(key, { ours: [], redis: [] });
            results.get(key)![who as 'ours' | 'redis'].push(r.rps);
          }
        }
        await Promise.all([flush(ours.port), flush(redis.port)]);
      }
    }
  } finally {
    await ours.stop();
    await redis.stop();
  }
  const rows: Array<Array<string | number>> = [];
  for (const [key, v] of results) {
    const [test, p] = key.split('\t');
    const o = median(v.ours);
    const r = median(v.redis);
    rows.push([test, `-P ${p}`, Math.round(o), Math.round(r), Number((o / r).toFixed(2))]);
  }
  rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || tests.indexOf(String(a[0]).toLowerCase().split(' ')[0]) - tests.indexOf(String(b[0]).toLowerCase().split(' ')[0]));
  return table(['command', 'pipeline', 'resplit-server ops/s', 'redis-server ops/s', 'ratio'], rows);
}

async function flush(port: number): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  execFileSync('redis-cli', ['-p', String(port), 'FLUSHALL']);
}
