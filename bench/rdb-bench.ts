// Persistence: SAVE time, RDB file size and load time (restart until PING answers) for 1 M mixed keys
// (bench/lib/dataset.ts) on resplit-server next to redis-server with the same data; then the cost of
// BGSAVE to clients: redis-benchmark's p99 latency (-c 50, SET and GET) without and during a BGSAVE,
// and the longest event-loop stall meanwhile (INFO stats eventloop_max_stall_ms; Redis forks instead,
// its main-thread stall is the fork itself: latest_fork_usec). Target for ours: no stall over 20 ms.
// Sizes: RDB_BENCH_KEYS overrides the key count (trial runs).

import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './lib/procs';
import { redisBenchmark, table, type BenchRun } from './lib/redis-benchmark';
import { loadPipe } from './lib/dataset';
import { launch, KIND_LABEL, type Kind } from './lib/launch';
import { RespClient, withClient, sleep } from './lib/resp-client';

export interface RdbBenchOptions {
  keys?: number;
  /** redis-benchmark requests for a run without BGSAVE (runs during BGSAVE are sized to cover it). */
  requests?: number;
}

interface DurabilityResult {
  loadPipeSec: number;
  saveSec: number;
  fileMB: number;
  emptyStartSec: number;
  restartSec: number;
  bg: BgsaveResult[];
}

interface BgsaveResult {
  test: string;
  p99Base: number;
  p99Bg: number;
  rpsBase: number;
  rpsBg: number;
  bgsaveSec: number;
  /** Share of the load run during which the BGSAVE ran. */
  overlap: number;
  /** Ours: longest event-loop stall (ms) in the run; Redis: the fork time (ms). */
  stallMs: number;
  stallBaseMs: number;
}

const secs = (ms: number) => ms / 1000;

async function dbsize(port: number): Promise<number> {
  return Number(await withClient(port, (c) => c.cmd('DBSIZE')));
}

/** Longest main-thread stall since the last CONFIG RESETSTAT (see the module comment). */
async function stallMs(c: RespClient, kind: Kind): Promise<number> {
  const st = await c.info('stats');
  return kind === 'resplit' ? Number(st.eventloop_max_stall_ms) : Number(st.latest_fork_usec) / 1000;
}

async function waitBgsave(c: RespClient, timeoutMs = 300000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await c.info('persistence');
    if (p.rdb_bgsave_in_progress === '0') {
      if (p.rdb_last_bgsave_status !== 'ok') throw new Error(`BGSAVE failed: ${p.rdb_last_bgsave_status}`);
      return;
    }
    if (Date.now() > deadline) throw new Error('BGSAVE did not finish');
    await sleep(50);
  }
}

function benchArgs(test: string, n: number, keys: number): string[] {
  return ['-t', test, '-c', '50', '-n', String(Math.round(n)), '-r', String(keys)];
}

/** One test (set or get): p99 without BGSAVE, then with a BGSAVE started just after the load starts. */
async function bgsaveUnderLoad(port: number, kind: Kind, test: string, keys: number, requests: number, estBgsaveSec: number, estSlowdown: number): Promise<BgsaveResult> {
  const c = await RespClient.connect(port);
  try {
    await c.cmd('CONFIG', 'RESETSTAT');
    const base = (await redisBenchmark(port, benchArgs(test, requests, keys)))[0];
    const stallBaseMs = kind === 'resplit' ? await stallMs(c, kind) : 0;
    let est = estBgsaveSec;
    let slowdown = estSlowdown;
    for (let attempt = 0; ; attempt++) {
      // Just enough requests to keep the load running through the whole BGSAVE (ops/s drop meanwhile),
      // so that the p99 is mostly about the time the BGSAVE ran.
      const n = Math.max(10000, base.rps * slowdown * (est * 1.1 + 0.3));
      await c.cmd('CONFIG', 'RESETSTAT');
      const t0 = performance.now();
      const run: Promise<BenchRun[]> = redisBenchmark(port, benchArgs(test, n, keys));
      await sleep(150);
      const b0 = performance.now();
      await c.cmd('BGSAVE');
      await waitBgsave(c);
      const b1 = performance.now();
      const rows = await run;
      const t1 = performance.now();
      const stall = await stallMs(c, kind);
      const overlap = Math.max(0, Math.min(t1, b1) - b0) / (t1 - t0);
      if (attempt < 2 && (b1 > t1 || (overlap < 0.6 && attempt === 0))) {
        // The load ended before the BGSAVE, or ran far longer: run again sized on what was seen.
        est = secs(b1 - b0) * (b1 > t1 ? 1.3 : 1);
        slowdown = Math.min(1, rows[0].rps / base.rps);
        continue;
      }
      return { test: base.test, p99Base: base.p99ms, p99Bg: rows[0].p99ms, rpsBase: base.rps, rpsBg: rows[0].rps, bgsaveSec: secs(b1 - b0), overlap, stallMs: stall, stallBaseMs };
    }
  } finally {
    c.close();
  }
}

async function measure(kind: Kind, keys: number, requests: number): Promise<DurabilityResult> {
  const dir = tmpDir();
  const empty = tmpDir();
  const procs: Array<{ stop(): Promise<void> }> = [];
  try {
    // Start-up time of the bare process, to tell the load time apart from process start.
    const blank = await launch(kind, empty);
    procs.push(blank);
    const emptyStartSec = secs(blank.readyMs);
    await blank.stop();

    const first = await launch(kind, dir);
    procs.push(first);
    let t = performance.now();
    await loadPipe(first.port, keys);
    const loadPipeSec = secs(performance.now() - t);
    if ((await dbsize(first.port)) !== keys) throw new Error(`${KIND_LABEL[kind]}: DBSIZE after load is not ${keys}`);
    t = performance.now();
    await withClient(first.port, (c) => c.cmd('SAVE'));
    const saveSec = secs(performance.now() - t);
    const fileMB = fs.statSync(path.join(dir, 'dump.rdb')).size / 2 ** 20;
    await first.stop();

    const second = await launch(kind, dir);
    procs.push(second);
    const restartSec = secs(second.readyMs);
    if ((await dbsize(second.port)) !== keys) throw new Error(`${KIND_LABEL[kind]}: DBSIZE after restart is not ${keys}`);
    const bg: BgsaveResult[] = [];
    let est = saveSec * 1.5;
    let slowdown = 0.7;
    for (const test of ['set', 'get']) {
      const r = await bgsaveUnderLoad(second.port, kind, test, keys, requests, est, slowdown);
      bg.push(r);
      est = r.bgsaveSec;
      slowdown = Math.min(1, r.rpsBg / r.rpsBase);
    }
    return { loadPipeSec, saveSec, fileMB, emptyStartSec, restartSec, bg };
  } finally {
    for (const p of procs) await p.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

export async function rdbBench(opts: RdbBenchOptions = {}): Promise<string> {
  const keys = opts.keys ?? Number(process.env.RDB_BENCH_KEYS ?? 1_000_000);
  const requests = opts.requests ?? Math.min(100000, keys);
  // One server at a time: each gets both cores and the whole memory.
  const redis = await measure('redis', keys, requests);
  const ours = await measure('resplit', keys, requests);
  const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
  const f = (n: number, d = 2) => n.toFixed(d);
  const load = (r: DurabilityResult) => Math.max(0, r.restartSec - r.emptyStartSec);
  const t1 = table(
    ['metric', 'resplit-server', 'redis-server', 'ratio'],
    [
      [`load ${keys} keys with redis-cli --pipe (s)`, f(ours.loadPipeSec), f(redis.loadPipeSec), ratio(ours.loadPipeSec, redis.loadPipeSec)],
      ['SAVE (s)', f(ours.saveSec), f(redis.saveSec), ratio(ours.saveSec, redis.saveSec)],
      ['RDB file (MiB)', ours.fileMB.toFixed(1), redis.fileMB.toFixed(1), ratio(ours.fileMB, redis.fileMB)],
      ['restart until PING answers (s)', f(ours.restartSec), f(redis.restartSec), ratio(ours.restartSec, redis.restartSec)],
      ['  of which RDB load (s, minus empty start)', f(load(ours)), f(load(redis)), ratio(load(ours), load(redis))],
    ],
  );
  const rows: Array<Array<string | number>> = [];
  for (const [kind, r] of [['resplit', ours], ['redis', redis]] as const) {
    for (const b of r.bg) {
      rows.push([KIND_LABEL[kind], b.test, f(b.p99Base, 3), f(b.p99Bg, 3), Math.round(b.rpsBase), Math.round(b.rpsBg), f(b.bgsaveSec), `${Math.round(b.overlap * 100)}%`, kind === 'resplit' ? `${f(b.stallMs)} (no BGSAVE: ${f(b.stallBaseMs)})` : `${f(b.stallMs)} (fork)`]);
    }
  }
  const t2 = table(['server', 'test', 'p99 ms', 'p99 ms during BGSAVE', 'ops/s', 'ops/s during BGSAVE', 'BGSAVE s', 'load run covered by BGSAVE', 'longest main-thread stall ms'], rows);
  return `Mixed dataset: 90% strings (3-45 bytes, a third integers), 10% hashes/lists/sets/zsets of 10 elements.\n\n${t1}\n\nBGSAVE under redis-benchmark -c 50 -r ${keys} load (one test at a time; target for resplit: no stall over 20 ms):\n\n${t2}`;
}
