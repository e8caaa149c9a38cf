// Replication: (1) full-sync time of 1 M mixed keys (bench/lib/dataset.ts), from REPLICAOF until the
// replica reports master_link_status:up, master_sync_in_progress:0 and DBSIZE = all keys, for
// resplit -> resplit, resplit -> redis and redis -> redis; (2) how far the replica falls behind while
// `redis-benchmark -t set -P 16` loads the master (master_repl_offset minus the replica's own offset,
// the master's view from the replica's last ACK, INFO's lag=, and the catch-up time after the load);
// (3) the master's SET throughput at -P 1 and -P 16 with 0 and 2 replicas attached, resplit and Redis
// alternating in the same run. REPL_BENCH_KEYS overrides the key count (trial runs).

import fs from 'node:fs';
import { tmpDir, cpuSeconds, type Proc } from './lib/procs';
import { redisBenchmark, median, table, type BenchRun } from './lib/redis-benchmark';
import { loadPipe } from './lib/dataset';
import { launch, KIND_LABEL, type Kind } from './lib/launch';
import { RespClient, withClient, sleep } from './lib/resp-client';

export interface ReplicationBenchOptions {
  keys?: number;
  /** SET requests per throughput run at -P 1 (four times as many at -P 16). */
  requests?: number;
  rounds?: number;
}

/** Masters start a full sync at once (Redis 7.0 waits 5 s for more replicas by default). */
const MASTER_ARGS = ['--repl-diskless-sync-delay', '0'];

type Running = Proc & { readyMs: number };

/** Starts servers on fresh directories; stopAll() stops them and removes the directories. */
class Fleet {
  private readonly procs: Running[] = [];
  private readonly dirs: string[] = [];

  async start(kind: Kind, extra: string[] = []): Promise<Running> {
    const dir = tmpDir();
    this.dirs.push(dir);
    const p = await launch(kind, dir, extra);
    this.procs.push(p);
    return p;
  }

  async stopAll(): Promise<void> {
    for (const p of this.procs.splice(0).reverse()) await p.stop();
    for (const d of this.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** The slaveN lines of a master's INFO replication. */
function replicaLines(info: Record<string, string>): Array<{ state: string; offset: number; lag: number }> {
  const out: Array<{ state: string; offset: number; lag: number }> = [];
  for (let i = 0; info[`slave${i}`] !== undefined; i++) {
    const kv = Object.fromEntries(info[`slave${i}`].split(',').map((p) => p.split('=') as [string, string]));
    out.push({ state: kv.state, offset: Number(kv.offset), lag: Number(kv.lag) });
  }
  return out;
}

/** Points a replica at a master and waits until it is in sync with `keys` keys; returns seconds. */
async function attach(replica: RespClient, masterPort: number, keys: number | null, timeoutMs = 300000): Promise<number> {
  const t0 = performance.now();
  await replica.cmd('REPLICAOF', '127.0.0.1', masterPort);
  let started = false;
  for (;;) {
    const r = await replica.info('replication');
    if (r.master_link_status === 'up' && r.master_sync_in_progress === '0') {
      if (keys === null || Number(await replica.cmd('DBSIZE')) === keys) return (performance.now() - t0) / 1000;
    }
    started ||= r.master_sync_in_progress === '1' || r.master_link_status === 'up';
    const waited = performance.now() - t0;
    // A master that cannot serve a sync at all fails fast instead of using the whole time-out.
    if (waited > timeoutMs || (!started && waited > 15000)) throw new Error(`replica not in sync after ${Math.round(waited)} ms: ${JSON.stringify(r)}`);
    await sleep(20);
  }
}

/** Waits until the master lists `n` online replicas. */
async function waitOnline(master: RespClient, n: number, timeoutMs = 60000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const lines = replicaLines(await master.info('replication'));
    if (lines.filter((l) => l.state === 'online').length === n) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`master does not list ${n} online replicas`);
    await sleep(20);
  }
}

interface LagResult {
  rps: number;
  behindMedian: number;
  behindMax: number;
  ackBehindMax: number;
  lagMax: number;
  catchUpSec: number;
}

/** Samples replication progress every 100 ms while redis-benchmark loads the master with SETs. */
async function lagUnderLoad(masterPort: number, replicaPort: number, keys: number, requests: number): Promise<LagResult> {
  const m = await RespClient.connect(masterPort);
  const r = await RespClient.connect(replicaPort);
  try {
    const behind: number[] = [];
    let ackBehindMax = 0;
    let lagMax = 0;
    let done = false;
    const run = redisBenchmark(masterPort, ['-t', 'set', '-c', '50', '-P', '16', '-n', String(requests), '-r', String(keys)]).finally(() => (done = true));
    while (!done) {
      const [mi, ri] = await Promise.all([m.info('replication'), r.info('replication')]);
      const mo = Number(mi.master_repl_offset);
      behind.push(Math.max(0, mo - Number(ri.slave_repl_offset)));
      const line = replicaLines(mi)[0];
      if (line) {
        ackBehindMax = Math.max(ackBehindMax, mo - line.offset);
        lagMax = Math.max(lagMax, line.lag);
      }
      await sleep(100);
    }
    const rows: BenchRun[] = await run;
    const end = performance.now();
    const target = Number((await m.info('replication')).master_repl_offset);
    while (Number((await r.info('replication')).slave_repl_offset) < target) {
      if (performance.now() - end > 120000) throw new Error('replica never caught up');
      await sleep(10);
    }
    const catchUpSec = (performance.now() - end) / 1000;
    return { rps: rows[0].rps, behindMedian: median(behind), behindMax: Math.max(0, ...behind), ackBehindMax, lagMax, catchUpSec };
  } finally {
    m.close();
    r.close();
  }
}

interface SyncResult {
  pair: string;
  syncSec: number;
  lag?: LagResult;
  /** Set when this pair could not be measured (the table shows it instead of numbers). */
  error?: string;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 120);

/** Full sync of `keys` keys from a `masterKind` master to a `replicaKind` replica, then the lag test. */
async function syncAndLag(masterKind: Kind, replicaKind: Kind, keys: number, lagRequests: number): Promise<SyncResult> {
  const fleet = new Fleet();
  const pair = `${KIND_LABEL[masterKind]} -> ${KIND_LABEL[replicaKind]}`;
  try {
    const master = await fleet.start(masterKind, MASTER_ARGS);
    const replica = await fleet.start(replicaKind);
    await loadPipe(master.port, keys);
    const syncSec = await withClient(replica.port, (c) => attach(c, master.port, keys));
    // The lag test runs only for same-kind pairs (ours vs Redis); the mixed pair is for sync time.
    const lag = masterKind === replicaKind ? await lagUnderLoad(master.port, replica.port, keys, lagRequests) : undefined;
    return { pair, syncSec, lag };
  } finally {
    await fleet.stopAll();
  }
}

/** SET throughput of a master with 0 and 2 replicas, both kinds alternating; median ops/s per cell. */
async function throughput(requests: number, rounds: number): Promise<Array<Array<string | number>>> {
  const fleet = new Fleet();
  const results = new Map<string, number[]>();
  /** Master CPU microseconds per SET, per cell. */
  const cpu = new Map<string, number[]>();
  const kinds: Kind[] = ['resplit', 'redis'];
  try {
    const topo: Record<Kind, { master: Running; replicas: Running[] }> = {} as never;
    for (const k of kinds) topo[k] = { master: await fleet.start(k, MASTER_ARGS), replicas: [await fleet.start(k), await fleet.start(k)] };
    for (let round = 0; round < rounds; round++) {
      for (const nrep of [0, 2]) {
        for (const k of round % 2 ? [...kinds].reverse() : kinds) {
          const { master, replicas } = topo[k];
          await withClient(master.port, (c) => c.cmd('FLUSHALL'));
          for (const rp of replicas) await withClient(rp.port, (c) => (nrep ? attach(c, master.port, null) : c.cmd('REPLICAOF', 'NO', 'ONE')));
          await withClient(master.port, (c) => waitOnline(c, nrep));
          for (const p of [1, 16]) {
            const n = p > 1 ? requests * 4 : requests;
            const cpu0 = cpuSeconds(master.proc.pid!);
            const rows = await redisBenchmark(master.port, ['-t', 'set', '-c', '50', '-P', String(p), '-n', String(n), '-r', '100000']);
            const key = `${k}\t${nrep}\t${p}`;
            if (!results.has(key)) results.set(key, []);
            results.get(key)!.push(rows[0].rps);
            if (!cpu.has(key)) cpu.set(key, []);
            cpu.get(key)!.push(((cpuSeconds(master.proc.pid!) - cpu0) * 1e6) / n);
          }
        }
      }
    }
  } finally {
    await fleet.stopAll();
  }
  const out: Array<Array<string | number>> = [];
  for (const p of [1, 16]) {
    for (const nrep of [0, 2]) {
      const o = median(results.get(`resplit\t${nrep}\t${p}`) ?? []);
      const r = median(results.get(`redis\t${nrep}\t${p}`) ?? []);
      const oc = median(cpu.get(`resplit\t${nrep}\t${p}`) ?? []);
      const rc = median(cpu.get(`redis\t${nrep}\t${p}`) ?? []);
      out.push([`-P ${p}`, nrep, Math.round(o), Math.round(r), (o / r).toFixed(2), oc.toFixed(1), rc.toFixed(1)]);
    }
  }
  return out;
}

export async function replicationBench(opts: ReplicationBenchOptions = {}): Promise<string> {
  const keys = opts.keys ?? Number(process.env.REPL_BENCH_KEYS ?? 1_000_000);
  const requests = opts.requests ?? 100000;
  const rounds = opts.rounds ?? 2;
  const lagRequests = 1_000_000;
  const syncs: SyncResult[] = [];
  for (const [m, r] of [['redis', 'redis'], ['resplit', 'resplit'], ['resplit', 'redis']] as Array<[Kind, Kind]>) {
    try {
      syncs.push(await syncAndLag(m, r, keys, lagRequests));
    } catch (err) {
      syncs.push({ pair: `${KIND_LABEL[m]} -> ${KIND_LABEL[r]}`, syncSec: NaN, error: firstLine(err) });
    }
  }
  const f = (n: number, d = 2) => Number(n.toFixed(d));
  const t1 = table(
    ['master -> replica', `full sync of ${keys} keys (s)`],
    syncs.map((s) => [s.pair, s.error ? `not measured: ${s.error}` : f(s.syncSec)]),
  );
  const t2 = table(
    ['master -> replica', 'SET ops/s', 'bytes behind (median)', 'bytes behind (max)', 'master_repl_offset - slave0 offset (max)', 'lag= (max s)', 'catch-up after load (s)'],
    syncs
      .filter((s) => s.lag)
      .map((s) => [s.pair, Math.round(s.lag!.rps), Math.round(s.lag!.behindMedian), s.lag!.behindMax, s.lag!.ackBehindMax, s.lag!.lagMax, s.lag!.catchUpSec.toFixed(3)]),
  );
  let t3: string;
  try {
    t3 = table(['pipeline', 'replicas', 'resplit-server SET ops/s', 'redis-server SET ops/s', 'ratio', 'resplit master CPU µs/SET', 'redis master CPU µs/SET'], await throughput(requests, rounds));
  } catch (err) {
    t3 = `not measured: ${firstLine(err)}`;
  }
  return [
    `Full sync (REPLICAOF until link up, sync done and DBSIZE complete; mixed dataset, repl-diskless-sync-delay 0):\n\n${t1}`,
    `Replica lag while redis-benchmark -t set -c 50 -P 16 -n ${lagRequests} -r ${keys} loads the master (sampled every 100 ms; "bytes behind" = master_repl_offset minus the replica's own slave_repl_offset):\n\n${t2}`,
    `Master SET throughput (redis-benchmark -c 50 -r 100000), 0 vs 2 replicas, median of ${rounds} alternating rounds:\n\n${t3}`,
  ].join('\n\n');
}
