// The -P 1 floor: redis-benchmark PING (multibulk) against a bare Node.js `net` server that answers
// each read with one write (bench/lib/ping-floor.ts), against resplit's proxy (which answers PING
// itself, so only its client side is measured), and against redis-server. CPU per request of the
// bare Node server is the least any Node proxy pays per request at -P 1, before any backend work;
// the proxy table's twemproxy column is the C equivalent of a full round trip.

import path from 'node:path';
import { startRedis, startProc, freePort, cpuSeconds, type Proc } from './lib/procs';
import { redisBenchmark, median, table } from './lib/redis-benchmark';
import { startResplit } from './proxy-bench';

export async function floorBench(rounds = 3, n = 200000): Promise<string> {
  const procs: Proc[] = [];
  const ops = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  try {
    const redis = await startRedis();
    procs.push(redis);
    const floorPort = await freePort();
    const floor = await startProc('node floor', process.execPath, [path.join(__dirname, 'lib', 'ping-floor.js'), String(floorPort)], floorPort);
    procs.push(floor);
    const sharedPort = await freePort();
    const shared = await startProc('node floor shared', process.execPath, [path.join(__dirname, 'lib', 'ping-floor.js'), String(sharedPort), 'shared'], sharedPort);
    procs.push(shared);
    const resplit = await startResplit(redis, []);
    procs.push(resplit);
    const targets: Array<[string, Proc]> = [
      ['bare Node.js net server (one write per read)', floor],
      ['the same, reading through the shared read buffer', shared],
      ['resplit proxy (PING answered by the proxy)', resplit],
      ['redis-server', redis],
    ];
    for (let r = 0; r < rounds; r++) {
      for (const [name, t] of targets) {
        const c0 = cpuSeconds(t.proc.pid!);
        const rows = await redisBenchmark(t.port, ['-q', '-c', '50', '-n', String(n), '-P', '1', '-t', 'ping_mbulk']);
        const c1 = cpuSeconds(t.proc.pid!);
        if (!ops.has(name)) ops.set(name, []);
        if (!cpu.has(name)) cpu.set(name, []);
        ops.get(name)!.push(rows[0]?.rps ?? NaN);
        cpu.get(name)!.push(((c1 - c0) / n) * 1e6);
      }
    }
  } finally {
    for (const p of procs.reverse()) await p.stop();
  }
  const rows = [...ops.keys()].map((name) => [name, Math.round(median(ops.get(name)!)), Number(median(cpu.get(name)!).toFixed(2))]);
  return (
    table(['server', 'PING ops/s', 'server CPU µs/op'], rows) +
    '\n\nredis-benchmark -c 50 -P 1 -t ping_mbulk; median of rounds; CPU = server process user+system µs per request.'
  );
}
