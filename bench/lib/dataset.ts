// The mixed dataset the persistence and replication benchmarks save, load and sync: 90% small strings
// (a third of them integers) named key:<12 digits> as redis-benchmark's __rand_int__ keys are, so a
// `-r` load overwrites them, plus 10% small collections (hashes, lists, sets, sorted sets of 10
// elements each). Streamed into a server with the real bulk loader, `redis-cli --pipe`.

import { spawn } from 'node:child_process';
import { encodeCommand } from '../../src/resp/encode';

/** Keys i with i % 40 < 36 are strings; the other four residues are one collection type each. */
export function mixedCommand(i: number): string[] {
  const id = String(i).padStart(12, '0');
  const ten = (f: (j: number) => string[]) => Array.from({ length: 10 }, (_, j) => f(j)).flat();
  switch (i % 40) {
    case 36:
      return ['HSET', `hash:${id}`, ...ten((j) => [`field${j}`, `value-${i}-${j}`])];
    case 37:
      return ['RPUSH', `list:${id}`, ...ten((j) => [`element-${i}-${j}`])];
    case 38:
      return ['SADD', `set:${id}`, ...ten((j) => [`member-${j}-${i % 1000}`])];
    case 39:
      return ['ZADD', `zset:${id}`, ...ten((j) => [String(j * 1.5), `member-${j}`])];
    default:
      return ['SET', `key:${id}`, i % 3 === 0 ? String(i) : `value:${i}:${'x'.repeat((i % 5) * 8)}`];
  }
}

/** Streams commands 0..n-1 into a server through `redis-cli --pipe`; rejects if any reply was an error. */
export function loadPipe(port: number, n: number, gen: (i: number) => string[] = mixedCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d.toString()));
    p.stderr.on('data', (d) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      const m = /errors: (\d+), replies: (\d+)/.exec(out);
      if (code === 0 && m && m[1] === '0' && Number(m[2]) === n) resolve();
      else reject(new Error(`redis-cli --pipe (port ${port}) exited ${code}: ${out.trim()}`));
    });
    let i = 0;
    const pump = () => {
      while (i < n) {
        const parts: Buffer[] = [];
        for (let k = 0; k < 1000 && i < n; k++, i++) parts.push(encodeCommand(gen(i)));
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
