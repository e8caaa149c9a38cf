// Differential fuzz of the proxy: seeded random scripts (every core type, pipelines, SELECT, MULTI/
// EXEC/WATCH, HELLO 2/3, CLIENT SETNAME/GETNAME, pub/sub in the same client, blocking commands with
// short timeouts, SCAN families, wrong arity, unknown commands, inline requests) sent to resplit in
// front of a real master and two replicas and to one real redis-server, replies compared byte for
// byte (test/helpers/fuzz.ts). Fixed seeds keep it deterministic; FUZZ_SEEDS=a-b (and
// FUZZ_STEPS, FUZZ_CONNS, FUZZ_PORT_BASE for fixed ports, FUZZ_DUMP=<dir> for a failing connection's
// whole transcript and where its key is on every server) runs more of them by hand. Seeds 1-100 at
// 300 steps x 4 connections found: WATCH lost across SUBSCRIBE and across HELLO, and reads that saw
// a write pipelined after them (see the commits that fixed them).

import assert from 'node:assert/strict';
import { startRedis, type ChildServer } from './helpers/servers';
import { replicasCaughtUp, startProxy } from './proxy-helpers';
import type { ProxyServer } from '../src/proxy/server';
import { fuzzSeed, type Difference } from './helpers/fuzz';

function seedList(): number[] {
  const spec = process.env.FUZZ_SEEDS;
  if (!spec) return [1, 2, 3, 4, 5, 6, 7, 8];
  // "1-40", "7,121", "7,100-120"
  return spec.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part);
    return m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, k) => Number(m[1]) + k) : [Number(part)];
  });
}

describe('proxy differential fuzz (resplit + master + 2 replicas vs one redis-server)', function () {
  this.timeout(120000);
  const base = process.env.FUZZ_PORT_BASE ? Number(process.env.FUZZ_PORT_BASE) : null;
  const port = (k: number) => (base === null ? undefined : { port: base + k });
  let servers: ChildServer[] = [];
  let proxy: ProxyServer | null = null;
  let lone: ChildServer | null = null;

  before(async function () {
    const master = await startRedis([], port(1));
    if (!master) this.skip();
    servers.push(master!);
    for (const k of [2, 3]) servers.push((await startRedis(['--replicaof', '127.0.0.1', String(master!.port)], port(k)))!);
    lone = await startRedis([], port(4));
    servers.push(lone!);
    await replicasCaughtUp({ master: master!, replicas: servers.slice(1, 3) });
    proxy = await startProxy(master!.port, [servers[1].port, servers[2].port], base === null ? {} : { port: base });
  });

  after(async () => {
    await proxy?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });

  const steps = Number(process.env.FUZZ_STEPS ?? 150);
  const conns = Number(process.env.FUZZ_CONNS ?? 4);
  for (const seed of seedList()) {
    it(`seed ${seed}: ${conns} connections x ${steps} steps give the same replies`, async () => {
      // Both sides start empty in every db.
      for (const p of [servers[0].port, lone!.port]) {
        const { RawClient } = await import('./helpers/raw');
        const c = await RawClient.connect(p);
        await c.send('FLUSHALL');
        c.close();
      }
      await replicasCaughtUp({ master: servers[0], replicas: servers.slice(1, 3) });
      const d: Difference | null = await fuzzSeed({ seed, conns, steps, proxyPort: proxy!.port, redisPort: lone!.port });
      if (d) {
        if (process.env.FUZZ_DUMP) (await import('node:fs')).writeFileSync(`${process.env.FUZZ_DUMP}/fail-${seed}.txt`, d.full.join('\n'));
        const where: string[] = [];
        const key = /"(k\d+:[a-zA-Z]\d)"/.exec(d.what)?.[1];
        if (key && process.env.FUZZ_DUMP) {
          const { RawClient } = await import('./helpers/raw');
          for (const s of servers) {
            const c = await RawClient.connect(s.port);
            const dbs: number[] = [];
            for (let db = 0; db < 16; db++) {
              await c.send('SELECT', String(db));
              if ((await c.str('EXISTS', key)) === ':1\r\n') dbs.push(db);
            }
            c.close();
            where.push(`${s.port}: ${key} in dbs ${dbs.join(',')}`);
          }
        }
        const text = [
          ...where,
          `seed ${d.seed} connection ${d.conn} step ${d.step}: ${d.what}`,
          `  resplit: ${JSON.stringify(d.a)}`,
          `  redis:   ${JSON.stringify(d.b)}`,
          '  last commands of that connection:',
          ...d.script.map((l) => `    ${l}`),
        ].join('\n');
        assert.fail(text);
      }
    });
  }
});
