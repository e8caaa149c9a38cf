// Transparency: real client libraries (ioredis, node-redis) and redis-benchmark through the proxy see
// the same results as against a single real Redis. Each scenario runs twice, once per target, and the
// results are compared whole.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { startRedis, type ChildServer } from './helpers/servers';
import { startStack, replicasCaughtUp, type Stack } from './proxy-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEYS = 10000;

async function ioredisScenario(port: number, settle: () => Promise<void>): Promise<Record<string, unknown>> {
  const opts = { port, host: '127.0.0.1', maxRetriesPerRequest: 1, enableOfflineQueue: true };
  const r = new Redis(opts);
  const out: Record<string, unknown> = {};
  try {
    await r.flushall();
    // Reads go to replicas: a read in the same pipeline as the write it depends on may be stale until
    // read-your-writes routing lands, so pipelines read what earlier (settled) writes wrote.
    out.pipelineWrites = await r.pipeline().set('a', '1').incr('a').lpush('l', 'x', 'y').sadd('s1', 'm').exec();
    await settle();
    out.pipeline = await r.pipeline().get('a').incr('other').lrange('l', 0, -1).smembers('s1').get('nokey').exec();
    out.multi = await r.multi().set('m', '1').incr('m').get('m').exec();
    out.multiError = await r.multi().set('s', 'x').incr('s').exec();
    const sub = new Redis(opts);
    const got = new Promise((res) => sub.on('message', (ch, msg) => res([ch, msg])));
    out.subscribed = await sub.subscribe('chan');
    out.published = await r.publish('chan', 'hello');
    out.message = await got;
    sub.disconnect();
    const b = new Redis(opts);
    const popped = b.blpop('bq', 5);
    await sleep(50);
    await r.rpush('bq', 'x');
    out.blpop = await popped;
    out.blpopTimeout = await b.blpop('bq', 0.1);
    b.disconnect();
    const p = r.pipeline();
    for (let i = 0; i < KEYS; i++) p.set(`key:${i}`, String(i));
    await p.exec();
    await settle();
    const keys: string[] = [];
    await new Promise<void>((res, rej) => {
      const s = r.scanStream({ count: 100, match: 'key:*' });
      s.on('data', (ks: string[]) => keys.push(...ks));
      s.on('end', () => res());
      s.on('error', rej);
    });
    out.scanCount = keys.length;
    out.scanUnique = new Set(keys).size;
    const d3 = new Redis({ ...opts, db: 3 });
    await d3.set('in3', 'y');
    await settle();
    out.db3 = await d3.get('in3');
    out.db0 = await r.get('in3');
    out.dbsize3 = await d3.dbsize();
    d3.disconnect();
    out.info = /# Server/.test(await r.info());
    out.err = await r.hget('a', 'b').catch((e: Error) => e.message);
  } finally {
    r.disconnect();
  }
  return out;
}

async function nodeRedisScenario(port: number, settle: () => Promise<void>): Promise<Record<string, unknown>> {
  const c = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false } });
  c.on('error', () => undefined);
  await c.connect();
  const out: Record<string, unknown> = {};
  try {
    await c.flushAll();
    out.pipelineWrites = await Promise.all([c.set('a', '1'), c.incr('a'), c.rPush('l', ['x', 'y'])]);
    await settle();
    out.pipeline = await Promise.all([c.get('a'), c.incr('other'), c.lRange('l', 0, -1), c.get('nokey')]);
    out.multi = await c.multi().set('m', '1').incr('m').get('m').exec();
    const sub = c.duplicate();
    await sub.connect();
    const got = new Promise((res) => void sub.subscribe('chan', (msg, ch) => res([ch, msg])));
    await sleep(50);
    out.published = await c.publish('chan', 'hello');
    out.message = await got;
    await sub.quit();
    const b = c.duplicate();
    await b.connect();
    const popped = b.blPop('bq', 5);
    await sleep(50);
    await c.rPush('bq', 'x');
    out.blpop = await popped;
    await b.quit();
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < KEYS; i++) writes.push(c.set(`key:${i}`, String(i)));
    await Promise.all(writes);
    await settle();
    const keys: string[] = [];
    for await (const k of c.scanIterator({ COUNT: 100, MATCH: 'key:*' })) keys.push(k);
    out.scanCount = keys.length;
    out.scanUnique = new Set(keys).size;
    const d3 = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, database: 3 });
    await d3.connect();
    await d3.set('in3', 'y');
    await settle();
    out.db3 = await d3.get('in3');
    out.db0 = await c.get('in3');
    await d3.quit();
    out.err = await c.hGet('a', 'b').catch((e: Error) => e.message);
  } finally {
    await c.quit().catch(() => undefined);
  }
  return out;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60000 }, (err, stdout, stderr) => (err ? reject(err) : resolve(stdout + stderr)));
  });
}

describe('proxy transparency', function () {
  this.timeout(60000);
  let st: Stack;
  let single: ChildServer;
  const settleProxy = () => replicasCaughtUp(st);
  const settleNone = async () => undefined;

  before(async function () {
    const s = await startStack();
    if (!s) this.skip();
    st = s!;
    single = (await startRedis([]))!;
  });
  after(async () => {
    await st?.stop();
    await single?.stop();
  });

  it('ioredis: same results as a single Redis', async () => {
    const direct = await ioredisScenario(single.port, settleNone);
    const proxied = await ioredisScenario(st.port, settleProxy);
    assert.equal(direct.scanUnique, KEYS);
    assert.deepEqual(proxied, direct);
  });

  it('node-redis: same results as a single Redis', async () => {
    const direct = await nodeRedisScenario(single.port, settleNone);
    const proxied = await nodeRedisScenario(st.port, settleProxy);
    assert.equal(direct.scanUnique, KEYS);
    assert.deepEqual(proxied, direct);
  });

  it('redis-benchmark runs through the proxy without warnings', async () => {
    const out = await run('redis-benchmark', ['-p', String(st.port), '-t', 'set,get', '-n', '2000', '-q']);
    assert.match(out, /SET: [\d.]+ requests per second/);
    assert.match(out, /GET: [\d.]+ requests per second/);
    assert.doesNotMatch(out, /WARN|ERR|rror/);
  });
});
