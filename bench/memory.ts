// Memory: bytes per key for 1 M small strings and for 100 k small hashes, sets and sorted sets
// (10 elements each), loaded into resplit-server and into redis-server with `redis-cli --pipe`.
// Reports each process's resident-memory growth per key, and Redis's own used_memory growth.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { startRedis, startResplitServer, type Proc } from './lib/procs';
import { table } from './lib/redis-benchmark';
import { encodeCommand } from '../src/resp/encode';

interface Dataset {
  name: string;
  keys: number;
  gen: (i: number) => string[];
}

const ten = (prefix: string) => Array.from({ length: 10 }, (_, j) => `${prefix}${j}`);

export const DATASETS: Dataset[] = [
  { name: '1M strings (SET key:N xxx)', keys: 1_000_000, gen: (i) => ['SET', `key:${String(i).padStart(12, '0')}`, 'xxx'] },
  { name: '100k hashes x10 fields', keys: 100_000, gen: (i) => ['HSET', `hash:${i}`, ...ten('field').flatMap((f, j) => [f, `value${j}`])] },
  { name: '100k sets x10 members', keys: 100_000, gen: (i) => ['SADD', `set:${i}`, ...ten('member')] },
  { name: '100k zsets x10 members', keys: 100_000, gen: (i) => ['ZADD', `zset:${i}`, ...ten('member').flatMap((m, j) => [String(j), m])] },
];

function rssBytes(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  return m ? Number(m[1]) * 1024 : NaN;
}

function usedMemory(port: number): number {
  const info = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'memory'], { encoding: 'utf8' });
  const m = /used_memory:(\d+)/.exec(info);
  return m ? Number(m[1]) : NaN;
}

/** Streams a dataset into a server through `redis-cli --pipe`. */
function load(port: number, ds: Dataset): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited ${code}`))));
    let i = 0;
    const pump = () => {
      while (i < ds.keys) {
        const parts: Buffer[] = [];
        for (let k = 0; k < 1000 && i < ds.keys; k++, i++) parts.push(encodeCommand(ds.gen(i)));
        if (!p.stdin.write(Buffer.concat(parts))) {
          p.stdin.once('drain', pump);
          return;
        }
      }
      p.stdin.end();
    };
    pump();
  });
}

const settle = () => new Promise((r) => setTimeout(r, 1500));

async function measure(srv: Proc, ds: Dataset): Promise<{ rss: number; used: number }> {
  execFileSync('redis-cli', ['-p', String(srv.port), 'FLUSHALL']);
  await settle();
  const rss0 = rssBytes(srv.proc.pid!);
  const used0 = usedMemory(srv.port);
  await load(srv.port, ds);
  await settle();
  const rss1 = rssBytes(srv.proc.pid!);
  const used1 = usedMemory(srv.port);
  return { rss: (rss1 - rss0) / ds.keys, used: (used1 - used0) / ds.keys };
}

export async function memoryBench(): Promise<string> {
  const rows: Array<Array<string | number>> = [];
  for (const ds of DATASETS) {
    // A fresh pair of processes per dataset, so heap growth from one does not hide in the next.
    const redis = await startRedis();
    const ours = await startResplitServer();
    try {
      const r = await measure(redis, ds);
      const o = await measure(ours, ds);
      rows.push([ds.name, Math.round(o.rss), Math.round(r.rss), Math.round(r.used), Number((o.rss / r.rss).toFixed(2))]);
    } finally {
      await ours.stop();
      await redis.stop();
    }
  }
  return table(['dataset', 'resplit-server RSS bytes/key', 'redis-server RSS bytes/key', 'redis used_memory bytes/key', 'ratio (RSS)'], rows);
}
