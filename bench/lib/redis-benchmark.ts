// Runs the real load generator, redis-benchmark, and parses its CSV output into ops/s per test.

import { execFile } from 'node:child_process';

export interface BenchRun {
  test: string;
  rps: number;
  p50ms: number;
  p99ms: number;
}

/** Runs `redis-benchmark --csv` against a port; returns one row per test. */
export function redisBenchmark(port: number, args: string[], timeoutMs = 300000): Promise<BenchRun[]> {
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '--csv', ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark failed: ${err.message}\n${stderr}`));
      const rows: BenchRun[] = [];
      for (const line of stdout.split('\n')) {
        const cells = line.split('","').map((c) => c.replace(/^"|"$/g, ''));
        if (cells.length < 2 || cells[0] === 'test') continue;
        const rps = Number(cells[1]);
        if (!Number.isFinite(rps)) continue;
        rows.push({ test: cells[0], rps, p50ms: Number(cells[4] ?? NaN), p99ms: Number(cells[6] ?? NaN) });
      }
      resolve(rows);
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Formats rows as a Markdown table. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(fmt).join(' | ')} |`);
  return lines.join('\n');
}
