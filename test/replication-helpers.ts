// Helpers for the replication tests: redis-cli as a person would use it, INFO parsing, polling until a
// condition holds, a canonical dump of a whole dataset (every DB, every type, TTL presence) to compare
// a master with its replicas key by key, a mixed dataset, and a bounded background write load.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { RawClient } from './helpers/raw';
import type { ReplyValue } from '../src/resp/decoder';

/** Runs redis-cli against a local port; resolves with its trimmed stdout. */
export function cli(port: number, ...args: Array<string | number>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-p', String(port), ...args.map(String)], { timeout: 10000 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout.trim());
    });
  });
}

/** INFO <section> parsed into fields. */
export async function info(port: number, section = 'replication'): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of (await cli(port, 'INFO', section)).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Polls `fn` until it returns a truthy value; fails with `what` after timeoutMs. */
export async function until<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function str(v: ReplyValue): string {
  return Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
}

/** A canonical text of every key in every DB: type, value (sorted where unordered) and whether it has a TTL. */
export async function dataset(port: number, dbs = 16): Promise<Map<string, string>> {
  const c = await RawClient.connect(port);
  const out = new Map<string, string>();
  try {
    for (let db = 0; db < dbs; db++) {
      await c.send('SELECT', db);
      const keys = ((await c.value('KEYS', '*')) as Buffer[]).map(str).sort();
      for (const k of keys) {
        const type = str(await c.value('TYPE', k));
        let v: string;
        if (type === 'string') v = str(await c.value('GET', k));
        else if (type === 'list') v = ((await c.value('LRANGE', k, 0, -1)) as Buffer[]).map(str).join('\u0001');
        else if (type === 'set') v = ((await c.value('SMEMBERS', k)) as Buffer[]).map(str).sort().join('\u0001');
        else if (type === 'hash') {
          const a = ((await c.value('HGETALL', k)) as Buffer[]).map(str);
          const pairs: string[] = [];
          for (let i = 0; i < a.length; i += 2) pairs.push(`${a[i]}=${a[i + 1]}`);
          v = pairs.sort().join('\u0001');
        } else if (type === 'zset') v = ((await c.value('ZRANGE', k, 0, -1, 'WITHSCORES')) as Buffer[]).map(str).join('\u0001');
        else v = '?';
        const ttl = Number(await c.value('PTTL', k));
        out.set(`${db}:${k}`, `${type}|${ttl > 0 ? 'ttl' : 'none'}|${v}`);
      }
    }
  } finally {
    c.close();
  }
  return out;
}

/** Asserts two servers hold the same dataset, naming the first differing key. */
export async function assertSameData(a: number, b: number): Promise<number> {
  const [da, db] = await Promise.all([dataset(a), dataset(b)]);
  for (const [k, v] of da) assert.equal(db.get(k), v, `key ${k} differs`);
  assert.equal(db.size, da.size, `key counts differ: ${[...db.keys()].filter((k) => !da.has(k)).slice(0, 5).join(',')}`);
  return da.size;
}

/** Waits until a replica processed everything the master produced (offsets equal). */
export async function caughtUp(master: number, replica: number, timeoutMs = 10000): Promise<void> {
  await until(
    `replica ${replica} to catch up with ${master}`,
    async () => {
      const [m, r] = await Promise.all([info(master), info(replica)]);
      return r.master_link_status === 'up' && m.master_repl_offset === r.slave_repl_offset;
    },
    timeoutMs,
  );
}

/** Fills a server with strings, lists, hashes, sets, sorted sets, TTLs, several DBs and binary/large values. */
export async function fillMixed(port: number, prefix = 'k', n = 200): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    const big = 'x'.repeat(70000);
    const bin = Buffer.from([0, 1, 2, 255, 13, 10, 36, 42]);
    for (let i = 0; i < n; i++) {
      c.write(
        Buffer.concat([
          enc(['SET', `${prefix}:s:${i}`, `v${i}`]),
          enc(['RPUSH', `${prefix}:l:${i % 20}`, `e${i}`, `f${i}`]),
          enc(['HSET', `${prefix}:h:${i % 20}`, `f${i}`, String(i * 1.5)]),
          enc(['SADD', `${prefix}:set:${i % 10}`, String(i), `m${i}`]),
          enc(['ZADD', `${prefix}:z:${i % 10}`, String(i / 3), `m${i}`]),
        ]),
      );
    }
    c.write(enc(['SET', `${prefix}:big`, big]));
    c.write(enc(['SET', Buffer.from(`${prefix}:bin`), bin]));
    c.write(enc(['SET', `${prefix}:ttl`, 'soon', 'EX', '1000']));
    c.write(enc(['SELECT', '3']));
    c.write(enc(['SET', `${prefix}:db3`, 'three']));
    c.write(enc(['LPUSH', `${prefix}:db3l`, 'a', 'b']));
    c.write(enc(['SELECT', '0']));
    const replies = await c.read(n * 5 + 7, 20000);
    for (const r of replies) assert.notEqual(r[0], 45, `write failed: ${r.toString()}`);
  } finally {
    c.close();
  }
}

function enc(args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A bounded background write load (pipelined batches of SET/INCR/RPUSH/HINCRBY/MULTI) until stopped. */
export class WriteLoad {
  private running = true;
  private done: Promise<void>;
  written = 0;
  errors = 0;

  constructor(readonly port: number, readonly maxOps = 200000, readonly valueSize = 16) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    let c: RawClient | null = null;
    const val = 'w'.repeat(this.valueSize);
    while (this.running && this.written < this.maxOps) {
      try {
        if (!c || c.closed) c = await RawClient.connect(this.port);
        const i = this.written;
        const batch = Buffer.concat([
          enc(['SET', `load:${i % 500}`, `${val}${i}`]),
          enc(['INCR', 'load:counter']),
          enc(['RPUSH', `load:list:${i % 7}`, String(i)]),
          enc(['HINCRBY', 'load:hash', `f${i % 50}`, '1']),
          enc(['MULTI']),
          enc(['INCRBY', 'load:tx', '2']),
          enc(['SADD', 'load:set', String(i % 300)]),
          enc(['EXEC']),
        ]);
        c.write(batch);
        await c.read(8, 5000);
        this.written += 5;
        await new Promise((r) => setImmediate(r));
      } catch {
        this.errors++;
        c?.close();
        c = null;
        await sleep(50);
      }
    }
    c?.close();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
