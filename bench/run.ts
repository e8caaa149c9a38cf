// `npm run bench`: runs the benchmark sections in one go and prints their tables side by side with
// the machine they ran on; the Markdown also goes to bench/results/latest.md for the README.
// Usage: node dist/bench/run.js [section ...]   (sections: store, memory, proxy, stack, rdb, replication)

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

async function main(): Promise<void> {
  const sections = await loadSections();
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(sections);
  let out = `# resplit benchmarks\n\nRun: ${new Date().toISOString()}\nMachine: ${machine()}\n`;
  for (const name of wanted) {
    const fn = sections[name];
    if (!fn) {
      process.stderr.write(`unknown or unavailable section: ${name}\n`);
      continue;
    }
    process.stderr.write(`running ${name} ...\n`);
    const t0 = Date.now();
    const text = await fn();
    out += `\n## ${name}\n\n${text}\n\n(${((Date.now() - t0) / 1000).toFixed(0)} s)\n`;
    process.stdout.write(`\n## ${name}\n\n${text}\n`);
  }
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.md'), out);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
