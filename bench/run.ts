// `npm run bench`: runs the benchmark sections in one go and prints their tables side by side with
// the machine they ran on; the Markdown also goes to bench/results/latest.md for the README.
// Usage: node dist/bench/run.js [section ...]   (sections: store, memory, proxy, stack, rdb, replication, floor)

import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from './lib/procs';

type Section = () => Promise<string>;

async function loadSections(): Promise<Record<string, Section>> {
  const sections: Record<string, Section> = {};
  sections.store = async () => (await import('./store')).storeBench();
  const optional: Array<[string, string, string]> = [
    ['memory', './memory', 'memoryBench'],
    ['proxy', './proxy-bench', 'proxyBench'],
    ['stack', './stack-bench', 'stackBench'],
    ['rdb', './rdb-bench', 'rdbBench'],
    ['replication', './replication-bench', 'replicationBench'],
    ['floor', './floor-bench', 'floorBench'],
  ];
  for (const [name, mod, fn] of optional) {
    if (fs.existsSync(path.join(__dirname, `${mod}.js`))) {
      sections[name] = async () => ((await import(mod)) as Record<string, () => Promise<string>>)[fn]();
    }
  }
  return sections;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let redis = 'redis-server not found';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported as missing */
  }
  return `${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${redis}`;
}

/** The "## name" sections of a results file, by name, in order. */
function splitSections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = md.split(/^## /m).slice(1);
  for (const p of parts) out.set(p.slice(0, p.indexOf('\n')).trim(), `## ${p.trimEnd()}\n`);
  return out;
}

async function main(): Promise<void> {
  const sections = await loadSections();
  const picked = process.argv.slice(2);
  const wanted = picked.length ? picked : Object.keys(sections);
  const file = path.join(ROOT, 'bench', 'results', 'latest.md');
  const now = new Date().toISOString();
  // A run of some sections replaces only those in latest.md; each section says when it ran.
  const results = picked.length && fs.existsSync(file) ? splitSections(fs.readFileSync(file, 'utf8')) : new Map<string, string>();
  for (const name of wanted) {
    const fn = sections[name];
    if (!fn) {
      process.stderr.write(`unknown or unavailable section: ${name}\n`);
      continue;
    }
    process.stderr.write(`running ${name} ...\n`);
    const t0 = Date.now();
    const text = await fn();
    results.set(name, `## ${name}\n\n${text}\n\n(${((Date.now() - t0) / 1000).toFixed(0)} s, run ${now})\n`);
    process.stdout.write(`\n## ${name}\n\n${text}\n`);
  }
  let out = `# resplit benchmarks\n\nLast run: ${now}\nMachine: ${machine()}\n`;
  for (const text of results.values()) out += `\n${text}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
