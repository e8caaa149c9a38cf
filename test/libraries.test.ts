// Well-used npm libraries built on Redis, run as their users run them, against resplit and against a
// real redis-server; what the application observes must be identical. Neither needs Lua:
// - express + express-session + connect-redis (sessions: GET, SET EX, EXPIRE, DEL, SCAN, MGET), with
//   ioredis and with node-redis as the store's client, driven by plain HTTP requests;
// - rate-limiter-flexible's RateLimiterRedisNonAtomic (MULTI/EXEC with GET, PTTL, SET EX, PEXPIRE).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import RedisStore from 'connect-redis';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { RateLimiterRedisNonAtomic, RateLimiterRes } from 'rate-limiter-flexible';
import { useTranscriptPair, type Transcript } from './helpers/transcript';

declare module 'express-session' {
  interface SessionData {
    views: number;
  }
}

/** A browser-like HTTP client with one cookie jar. */
class Browser {
  private cookie = '';
  constructor(private readonly port: number) {}

  get(path: string): Promise<{ status: number; body: unknown; setCookie: boolean }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, path, headers: this.cookie ? { cookie: this.cookie } : {} }, (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          const sc = res.headers['set-cookie'];
          if (sc) this.cookie = sc[0].split(';')[0];
          resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : null, setCookie: !!sc });
        });
      });
      req.on('error', reject);
      req.end();
    });
  }
}

type StoreClient = Redis | ReturnType<typeof createClient>;

/** An express app whose sessions live in Redis through connect-redis. */
async function sessionScenario(port: number, kind: 'ioredis' | 'node-redis'): Promise<Transcript> {
  const t: Transcript = [];
  let client: StoreClient;
  if (kind === 'ioredis') client = new Redis({ port, host: '127.0.0.1' });
  else {
    const c = createClient({ url: `redis://127.0.0.1:${port}` });
    c.on('error', () => undefined);
    await c.connect();
    client = c;
  }
  const store = new RedisStore({ client, prefix: 'sess:' });
  const app = express();
  app.use(session({ store, secret: 'resplit-test', resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 } }));
  app.get('/visit', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ views: req.session.views });
  });
  app.get('/peek', (req, res) => {
    res.json({ views: req.session.views ?? null });
  });
  app.get('/logout', (req, res) => {
    req.session.destroy((err) => res.json({ ok: !err }));
  });
  app.get('/stats', (_req, res) => {
    store.all((err, all) => {
      const sessions = (all as Array<{ views?: number }> | null) ?? [];
      res.json({ err: err ? String(err) : null, views: sessions.map((x) => x.views).sort() });
    });
  });
  const web = http.createServer(app);
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  const webPort = (web.address() as AddressInfo).port;
  try {
    if (client instanceof Redis) await client.flushall();
    else await client.flushAll();
    const alice = new Browser(webPort);
    const bob = new Browser(webPort);
    t.push(['peek-anonymous', await alice.get('/peek')]);
    for (let i = 0; i < 3; i++) t.push(['alice-visit', await alice.get('/visit')]);
    t.push(['bob-visit', await bob.get('/visit')]);
    t.push(['alice-peek', await alice.get('/peek')]);
    t.push(['stats', await bob.get('/stats')]);
    const keys = client instanceof Redis ? await client.keys('sess:*') : await client.keys('sess:*');
    t.push(['session-keys', keys.length]);
    const ttl = client instanceof Redis ? await client.ttl(keys[0]) : await client.ttl(keys[0]);
    t.push(['ttl-in-range', ttl > 50 && ttl <= 60]);
    t.push(['logout', await alice.get('/logout')]);
    t.push(['stats-after-logout', await bob.get('/stats')]);
    t.push(['alice-again', await alice.get('/visit')]);
    t.push(['bob-again', await bob.get('/visit')]);
    t.push(['stats-end', await bob.get('/stats')]);
    t.push(['length', await new Promise((r) => store.length((err, n) => r(err ? String(err) : n)))]);
    await new Promise<void>((r, j) => store.clear((err) => (err ? j(err) : r())));
    t.push(['cleared', await bob.get('/peek')]);
  } finally {
    web.close();
    if (client instanceof Redis) client.disconnect();
    else await client.quit().catch(() => undefined);
  }
  return t;
}

/**
 * Time left, which depends on how long the run took, as the window it belongs to: the 10 s duration
 * or the 5 s block (a slow machine must not make the comparison flaky).
 */
function windowOf(ms: number): string | number {
  if (ms > 5000 && ms <= 10000) return '10s window';
  if (ms > 0 && ms <= 5000) return '5s window';
  return ms;
}

/** A rate limiter of 3 points per 10 s, consumed past its limit, penalized, rewarded, blocked. */
async function rateLimitScenario(port: number): Promise<Transcript> {
  const t: Transcript = [];
  const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: true });
  const show = (r: unknown): unknown => {
    if (r instanceof RateLimiterRes) {
      return { consumed: r.consumedPoints, remaining: r.remainingPoints, first: r.isFirstInDuration, window: windowOf(r.msBeforeNext) };
    }
    if (r instanceof Error) return { error: r.message };
    return r;
  };
  const settle = (p: Promise<unknown>): Promise<unknown> => p.then(show, show);
  try {
    await client.flushall();
    const limiter = new RateLimiterRedisNonAtomic({ storeClient: client, keyPrefix: 'rl', points: 3, duration: 10 });
    for (let i = 0; i < 4; i++) t.push(['consume', await settle(limiter.consume('alice'))]);
    t.push(['consume-2', await settle(limiter.consume('bob', 2))]);
    t.push(['get', await settle(limiter.get('alice')), await settle(limiter.get('nobody'))]);
    t.push(['reward', await settle(limiter.reward('alice', 3))]);
    t.push(['consume-after-reward', await settle(limiter.consume('alice'))]);
    t.push(['penalty', await settle(limiter.penalty('bob', 5))]);
    t.push(['block', await settle(limiter.block('carol', 5))]);
    t.push(['consume-blocked', await settle(limiter.consume('carol'))]);
    t.push(['delete', await settle(limiter.delete('alice')), await settle(limiter.get('alice'))]);
    t.push(['keys', (await client.keys('rl*')).sort()]);
    t.push(['ttls', await Promise.all(['rl:bob', 'rl:carol'].map(async (k) => windowOf(await client.pttl(k))))]);
  } finally {
    client.disconnect();
  }
  return t;
}

describe('libraries built on Redis (connect-redis, rate-limiter-flexible) against resplit and redis-server', function () {
  this.timeout(20000);
  const { compare } = useTranscriptPair();

  it('express-session + connect-redis with ioredis: sessions are created, read, expired and destroyed alike', async () => {
    await compare((p) => sessionScenario(p, 'ioredis'));
  });

  it('express-session + connect-redis with node-redis', async () => {
    await compare((p) => sessionScenario(p, 'node-redis'));
  });

  it('rate-limiter-flexible (RateLimiterRedisNonAtomic, MULTI based): consume, limit, reward, penalty, block, delete', async () => {
    await compare(rateLimitScenario);
  });
});
