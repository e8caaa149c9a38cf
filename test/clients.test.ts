// Real client libraries against the store: ioredis and node-redis (v4) run the same scenario against
// resplit-server and against a real redis-server, and every observable result must be identical.
// The scenario covers each library's own start-up (ready check INFO, CLIENT SETNAME, CLIENT SETINFO,
// SELECT), pipelines, MULTI/EXEC with an error inside, WATCH aborts, pub/sub (channels, patterns,
// shard channels) and a few commands per data type. Neither library speaks RESP3 in these versions
// (node-redis 4 and ioredis 5 are RESP2 only), so RESP3 is covered by the raw differential tests.
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { useTranscriptPair, type Transcript } from './helpers/transcript';

/** Waits until `n` events were collected (or fails after a second). */
async function until(events: unknown[], n: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (events.length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} events, got ${events.length}: ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Errors compared by message (the classes differ between libraries, not between servers). */
function settle(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => v,
    (e: Error) => ({ error: e.message }),
  );
}

async function ioredisScenario(port: number): Promise<Transcript> {
  const t: Transcript = [];
  const r = new Redis({ port, host: '127.0.0.1', db: 1, connectionName: 'scenario', lazyConnect: true, maxRetriesPerRequest: 0 });
  const other = new Redis({ port, host: '127.0.0.1', db: 1, lazyConnect: true });
  const sub = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  try {
    await r.connect();
    await other.connect();
    await sub.connect();
    t.push(['flush', await r.flushall()]);
    t.push(['name', await r.client('GETNAME')]);
    t.push(['select', await r.set('in-db1', 'x'), await other.get('in-db1')]);
    // Strings and keys.
    t.push(['set', await r.set('s', 'hello', 'EX', 100)]);
    t.push(['get', await r.get('s'), await r.strlen('s'), await r.append('s', ' world')]);
    t.push(['ttl', (await r.ttl('s')) > 90]);
    t.push(['incr', await r.incr('n'), await r.incrby('n', 10), await r.decr('n')]);
    t.push(['incr-err', await settle(r.incr('s'))]);
    t.push(['mset', await r.mset({ a: '1', b: '2' }), await r.mget('a', 'b', 'missing')]);
    t.push(['binary', await r.set('bin', Buffer.from([0, 255, 13, 10])), [...(await r.getBuffer('bin'))!]]);
    t.push(['exists', await r.exists('a', 'b', 'zz'), await r.del('a'), await r.type('b')]);
    // Pipelines: replies in order, errors per command.
    const pipe = await r.pipeline().set('p', '1').incr('p').incr('s').get('p').exec();
    t.push(['pipeline', pipe!.map(([e, v]) => (e ? { error: e.message } : v))]);
    // MULTI: an execution error is reported per command; a queueing error aborts.
    const m = await settle(r.multi().set('m', '1').incr('m').sadd('m', 'x').get('m').exec());
    t.push(['multi', Array.isArray(m) ? m.map(([e, v]: [Error | null, unknown]) => (e ? { error: e.message } : v)) : m]);
    t.push(['multi-abort', await settle(r.multi().set('m2', '1').call('NOSUCHCOMMAND').exec())]);
    // WATCH: another client's change aborts EXEC (null).
    await r.watch('w');
    await other.set('w', 'changed');
    t.push(['watch-abort', await r.multi().set('w', 'mine').exec(), await r.get('w')]);
    await r.watch('w');
    t.push(['watch-ok', await r.multi().set('w', 'mine').exec(), await r.get('w')]);
    // Sets, hashes, lists, sorted sets.
    t.push(['set-type', await r.sadd('st', 'b', 'a', 'c', 'a'), (await r.smembers('st')).sort(), await r.sismember('st', 'a'), await r.scard('st')]);
    t.push(['hash', await settle(r.hset('h', { f1: 'v1', f2: 'v2' })), await settle(r.hgetall('h')), await settle(r.hincrby('h', 'n', 5))]);
    t.push(['list', await settle(r.rpush('l', 'a', 'b', 'c')), await settle(r.lrange('l', 0, -1)), await settle(r.lpop('l'))]);
    t.push(['zset', await settle(r.zadd('z', 1, 'one', 2, 'two')), await settle(r.zrange('z', 0, -1, 'WITHSCORES')), await settle(r.zscore('z', 'two'))]);
    t.push(['scan', (await r.scan('0', 'MATCH', 'z*', 'COUNT', 1000))[1]]);
    // Pub/sub.
    const msgs: unknown[] = [];
    sub.on('message', (ch, msg) => msgs.push(['message', ch, msg]));
    sub.on('pmessage', (p, ch, msg) => msgs.push(['pmessage', p, ch, msg]));
    t.push(['subscribe', await sub.subscribe('news', 'sport')]);
    t.push(['psubscribe', await sub.psubscribe('n*')]);
    t.push(['publish', await r.publish('news', 'n1'), await r.publish('sport', 's1'), await r.publish('none', 'x')]);
    await until(msgs, 3);
    t.push(['numsub', await r.pubsub('NUMSUB', 'news', 'sport', 'zz'), await r.pubsub('NUMPAT')]);
    t.push(['subscriber-mode', await settle(sub.get('x'))]);
    t.push(['unsubscribe', await sub.unsubscribe('news')]);
    t.push(['publish2', await r.publish('news', 'n2')]);
    await until(msgs, 5);
    t.push(['punsubscribe', await sub.punsubscribe('n*'), await sub.unsubscribe('sport')]);
    t.push(['after-unsub', await sub.get('s')]);
    t.push(['messages', msgs]);
  } finally {
    r.disconnect();
    other.disconnect();
    sub.disconnect();
  }
  return t;
}

async function nodeRedisScenario(port: number): Promise<Transcript> {
  const t: Transcript = [];
  const c = createClient({ url: `redis://127.0.0.1:${port}/2`, name: 'scenario' });
  c.on('error', () => undefined);
  const other = c.duplicate();
  other.on('error', () => undefined);
  const sub = c.duplicate();
  sub.on('error', () => undefined);
  await c.connect();
  await other.connect();
  await sub.connect();
  try {
    t.push(['flush', await c.flushAll()]);
    t.push(['name', await c.clientGetName()]);
    t.push(['set', await c.set('s', 'v', { EX: 100 }), await c.get('s'), await c.exists('s')]);
    t.push(['incr', await c.incr('n'), await c.incrBy('n', 5)]);
    t.push(['incr-err', await settle(c.incr('s'))]);
    t.push(['mget', await c.mGet(['s', 'n', 'missing'])]);
    // Auto-pipelining: commands issued together.
    t.push(['pipeline', await Promise.all([c.set('p', '1'), c.incr('p'), settle(c.incr('s')), c.get('p')])]);
    t.push(['multi', await settle(c.multi().set('m', '1').incr('m').get('m').exec())]);
    t.push(['multi-exec-error', await settle(c.multi().set('m', 'x').incr('m').exec())]);
    t.push(['multi-queue-error', await settle(c.multi().set('m3', '1').addCommand(['NOSUCHCOMMAND']).exec())]);
    // WATCH on an isolated connection.
    const watched = await settle(
      c.executeIsolated(async (iso) => {
        await iso.watch('w');
        await other.set('w', 'changed');
        return iso.multi().set('w', 'mine').exec();
      }),
    );
    t.push(['watch-abort', watched, await c.get('w')]);
    t.push(['set-type', await c.sAdd('st', ['b', 'a', 'c']), (await c.sMembers('st')).sort(), await c.sCard('st')]);
    t.push(['hash', await settle(c.hSet('h', { f1: 'v1', f2: 'v2' })), await settle(c.hGetAll('h')), await settle(c.hIncrBy('h', 'n', 5))]);
    t.push(['list', await settle(c.rPush('l', ['a', 'b'])), await settle(c.lRange('l', 0, -1)), await settle(c.lPop('l'))]);
    t.push(['zset', await settle(c.zAdd('z', [{ score: 1, value: 'one' }, { score: 2, value: 'two' }])), await settle(c.zRangeWithScores('z', 0, -1))]);
    t.push(['scan', (await c.scan(0, { MATCH: 's*', COUNT: 1000 })).keys.sort()]);
    // Pub/sub, including shard channels (node-redis 4 supports SSUBSCRIBE).
    const msgs: unknown[] = [];
    await sub.subscribe('news', (m, ch) => msgs.push(['message', ch, m]));
    await sub.pSubscribe('n*', (m, ch) => msgs.push(['pmessage', ch, m]));
    await sub.sSubscribe('orders', (m, ch) => msgs.push(['smessage', ch, m]));
    t.push(['publish', await c.publish('news', 'hi'), await c.sPublish('orders', 'o1'), await c.publish('none', 'x')]);
    await until(msgs, 3);
    t.push(['numsub', await c.pubSubNumSub(['news', 'orders']), await c.pubSubNumPat(), await c.pubSubShardChannels()]);
    await sub.unsubscribe('news');
    await sub.pUnsubscribe();
    await sub.sUnsubscribe();
    t.push(['after-unsub', await c.pubSubNumSub(['news']), await c.publish('news', 'late')]);
    t.push(['messages', msgs.map((m) => JSON.stringify(m)).sort()]);
  } finally {
    await Promise.all([c.quit(), other.quit(), sub.quit()].map((p) => p.catch(() => undefined)));
  }
  return t;
}

describe('real client libraries (ioredis, node-redis) against resplit and redis-server', function () {
  this.timeout(20000);
  const pair = useTranscriptPair();

  it('ioredis: start-up, strings, pipeline, MULTI, WATCH, data types, pub/sub', async () => {
    await pair.compare(ioredisScenario);
  });

  it('node-redis: start-up (CLIENT SETINFO), strings, pipelining, MULTI, WATCH, data types, pub/sub with shard channels', async () => {
    await pair.compare(nodeRedisScenario);
  });

  it('ioredis reconnects and re-subscribes after the server drops its connection', async () => {
    const sub = new Redis({ port: pair.store.port, host: '127.0.0.1' });
    const pub = new Redis({ port: pair.store.port, host: '127.0.0.1' });
    try {
      const got: string[] = [];
      sub.on('message', (_ch, m) => got.push(m));
      await sub.subscribe('re');
      await pub.client('KILL', 'TYPE', 'pubsub').catch(async () => {
        // CLIENT KILL TYPE may not be available: drop the subscriber's socket from the server side.
        for (const cl of pair.store.server.clients.values()) if (cl.isPubSub) pair.store.server.freeClient(cl);
      });
      const deadline = Date.now() + 5000;
      while (!got.length) {
        if (Date.now() > deadline) throw new Error('no message after reconnect');
        await pub.publish('re', 'back');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(got[0], 'back');
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
});
