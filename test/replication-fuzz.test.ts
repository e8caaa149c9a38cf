// Replication between resplit-server and redis-server 7, both ways, under a randomized workload: a
// seeded mix of every core type (big collections past the listpack/intset limits too), four DBs,
// short TTLs expiring during the run, MULTI/EXEC, commands rewritten for propagation (INCRBYFLOAT,
// SPOP with a count, relative expiries, GETEX, SET GET, LMOVE/BLMOVE, RESTORE with a TTL, MOVE, COPY,
// SWAPDB, FLUSHDB, RENAME) in pipelines, with faults between batches (CLIENT KILL TYPE master, a
// replica killed -9 after SAVE or shut down and restarted, REPLICAOF NO ONE and back, a backlog too
// small, replicas attached under load while the snapshot is slow). After each round every replica must
// reach the master's offset and hold the same data: DEBUG DIGEST, DBSIZE per DB and each key's PTTL.
// Then the divergences this driver found, each reduced to a deterministic test.

import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { RawClient } from './helpers/raw';
import { startStoreProcess, startRedis, redisOrSkip, tmpDir, type ChildServer } from './helpers/servers';
import { cli, info, until, caughtUp, assertSameData } from './replication-helpers';
import { mulberry32 } from './helpers/prng';

// ---- the randomized driver ----

/** Runs are reproducible from the seed, up to timing. */
const prng = mulberry32;

const DBS = 4;
type Cmd = Array<string | Buffer>;
type Op = { db: number; cmds: Cmd[] } | { db: number; restore: { key: string; dst: string; ttl: string } };

function connect(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  c.on('error', () => undefined);
  return c;
}

function makeOp(rng: () => number): Op {
  const R = (n: number) => Math.floor(rng() * n);
  const pick = <T>(a: T[]): T => a[R(a.length)];
  const db = R(DBS);
  const k = (p: string) => `${p}:${R(12)}`;
  const val = () => (rng() < 0.1 ? 'v'.repeat(R(200)) : rng() < 0.3 ? String(R(1000)) : `val${R(100000)}`);
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  const ttl = () => pick([[], [], ['EX', String(1 + R(3))], ['PX', String(100 + R(2500))], ['PXAT', String(now + 200 + R(3000))], ['EXAT', String(sec + 2 + R(3))], ['KEEPTTL']]);
  const any = () => pick([k('s'), k('l'), k('h'), k('set'), k('z'), k('f')]);
  const dir = () => pick(['LEFT', 'RIGHT']);
  const ops: Array<() => Cmd> = [
    () => ['SET', k('s'), val(), ...ttl()],
    () => ['SET', k('s'), val(), 'GET'],
    () => ['SET', k('s'), val(), 'NX', 'PX', String(100 + R(2000))],
    () => ['APPEND', k('s'), val()],
    () => ['INCRBYFLOAT', k('f'), (rng() * 10 - 3).toFixed(3)],
    () => ['INCRBY', k('f'), String(R(100))],
    () => ['GETEX', k('s'), ...pick([['EX', String(1 + R(3))], ['PX', String(200 + R(2000))], ['PERSIST'], ['EXAT', String(sec + 3)]])],
    () => ['GETDEL', k('s')],
    () => ['SETRANGE', k('s'), String(R(50)), val()],
    () => ['RPUSH', k('l'), val(), val(), val()],
    () => ['LPUSH', k('l'), ...Array.from({ length: 1 + R(5) }, val)],
    () => ['LPOP', k('l'), String(1 + R(3))],
    () => ['LMOVE', k('l'), k('l'), dir(), dir()],
    () => ['BLMOVE', k('l'), k('l'), dir(), dir(), '0.01'],
    () => ['RPOPLPUSH', k('l'), k('l')],
    () => ['LTRIM', k('l'), '0', String(R(10))],
    () => ['LINSERT', k('l'), 'BEFORE', val(), val()],
    () => ['HSET', k('h'), `f${R(20)}`, val(), `g${R(20)}`, val()],
    () => ['HINCRBYFLOAT', k('h'), `n${R(5)}`, (rng() * 5).toFixed(2)],
    () => ['HDEL', k('h'), `f${R(20)}`],
    () => ['SADD', k('set'), ...Array.from({ length: 1 + R(6) }, () => String(R(50)))],
    () => ['SADD', k('set'), `m${R(50)}`],
    () => ['SPOP', k('set'), String(1 + R(4))],
    () => ['SPOP', k('set')],
    () => ['SREM', k('set'), String(R(50))],
    () => ['SMOVE', k('set'), k('set'), String(R(50))],
    () => ['SINTERSTORE', k('set'), k('set'), k('set')],
    () => ['SUNIONSTORE', k('set'), k('set'), k('set')],
    () => ['ZADD', k('z'), String(R(100)), `m${R(30)}`, (rng() * 10).toFixed(3), `n${R(30)}`],
    () => ['ZINCRBY', k('z'), (rng() * 3).toFixed(2), `m${R(30)}`],
    () => ['ZPOPMIN', k('z'), String(1 + R(3))],
    () => ['ZREM', k('z'), `m${R(30)}`],
    () => ['ZUNIONSTORE', k('z'), '2', k('z'), k('z')],
    () => ['ZRANGESTORE', k('z'), k('z'), '0', String(R(10))],
    () => ['EXPIRE', any(), String(1 + R(3))],
    () => ['PEXPIRE', any(), String(50 + R(2500))],
    () => ['PEXPIREAT', any(), String(now + 100 + R(3000))],
    () => ['EXPIREAT', any(), String(sec + 1 + R(3))],
    () => ['EXPIRE', any(), String(100 + R(1000)), pick(['NX', 'XX', 'GT', 'LT'])],
    () => ['PERSIST', any()],
    () => ['DEL', any()],
    () => ['UNLINK', any(), any()],
    () => ['RENAME', any(), any()],
    () => ['RENAMENX', any(), any()],
    () => ['MOVE', any(), String(R(DBS))],
    () => ['COPY', any(), any(), 'DB', String(R(DBS)), ...(rng() < 0.5 ? ['REPLACE'] : [])],
  ];
  const r = rng();
  if (r < 0.005) return { db, cmds: [['SWAPDB', String(R(DBS)), String(R(DBS))]] };
  if (r < 0.008) return { db, cmds: [['FLUSHDB']] };
  if (r < 0.015) {
    const t = R(4);
    const key = `big${t}:${R(3)}`;
    if (t === 0) return { db, cmds: [['SADD', key, ...Array.from({ length: 600 }, (_, i) => String(i * 7 + R(5)))]] };
    if (t === 1) return { db, cmds: [['HSET', key, ...Array.from({ length: 300 }, (_, i) => [`f${i}`, 'x'.repeat(R(80))]).flat()]] };
    // Half the scores are odd multiples of 2^-14 in 1000..8192: exactly halfway between two 17-digit decimals.
    const score = () => String(rng() < 0.5 ? rng() * 1000 : (2 * R(2 ** 26) + 1) / 2 ** 14);
    if (t === 2) return { db, cmds: [['ZADD', key, ...Array.from({ length: 300 }, (_, i) => [score(), `m${i}`]).flat()]] };
    return { db, cmds: [['RPUSH', key, ...Array.from({ length: 300 }, (_, i) => 'e'.repeat(R(100)) + i)]] };
  }
  if (r < 0.023) return { db, restore: { key: any(), dst: any(), ttl: rng() < 0.5 ? String(100 + R(3000)) : '0' } };
  if (r < 0.08) {
    const cmds: Cmd[] = [['MULTI']];
    for (let i = 2 + R(5); i > 0; i--) cmds.push(pick(ops)());
    cmds.push(['EXEC']);
    return { db, cmds };
  }
  return { db, cmds: [pick(ops)()] };
}

/** Runs nOps random operations in pipelined batches (some large); `between` runs after each batch. */
async function workload(port: number, rng: () => number, nOps: number, between: (done: number) => Promise<void>): Promise<void> {
  const c = connect(port);
  try {
    let done = 0;
    while (done < nOps) {
      const p = c.pipeline();
      const batch = 1 + Math.floor(rng() * (rng() < 0.1 ? 500 : 30));
      let cur = -1;
      for (let i = 0; i < batch && done < nOps; i++, done++) {
        const op = makeOp(rng);
        if ('restore' in op) {
          // RESTORE (with a TTL: propagated as is, absolute on a real master) of a DUMP taken now.
          await c.call('SELECT', op.db);
          const payload = await c.callBuffer('DUMP', op.restore.key);
          if (payload) p.call('SELECT', op.db).call('RESTORE', op.restore.dst, op.restore.ttl, payload as Buffer, 'REPLACE');
        } else {
          if (cur !== op.db) p.call('SELECT', op.db);
          for (const cmd of op.cmds) p.call(...(cmd as [string, ...Array<string | Buffer>]));
        }
        cur = op.db;
      }
      const res = (await p.exec()) ?? [];
      for (const [err] of res) {
        // Type errors, missing keys and the like are part of the mix; a refused write is not.
        if (err && /READONLY|NOREPLICAS|OOM|LOADING|MISCONF/.test(err.message)) throw err;
      }
      await between(done);
    }
  } finally {
    c.disconnect();
  }
}

/** The first keys whose DEBUG DIGEST-VALUE differs, with their type and PTTL on both sides. */
async function differences(a: number, b: number): Promise<string> {
  const ca = connect(a);
  const cb = connect(b);
  const out: string[] = [];
  try {
    for (let db = 0; db < DBS && out.length < 5; db++) {
      await ca.call('SELECT', db);
      await cb.call('SELECT', db);
      // The workload's whole key space (KEYS hides logically expired keys, which DEBUG DIGEST counts).
      const keys = ['huge', ...['s', 'l', 'h', 'set', 'z', 'f'].flatMap((p) => Array.from({ length: 12 }, (_, i) => `${p}:${i}`)), ...[0, 1, 2, 3].flatMap((t) => [0, 1, 2].map((i) => `big${t}:${i}`))];
      for (const k of keys) {
        const [da, dbb] = [await ca.call('DEBUG', 'DIGEST-VALUE', k), await cb.call('DEBUG', 'DIGEST-VALUE', k)];
        if (JSON.stringify(da) === JSON.stringify(dbb)) continue;
        const desc = async (c: Redis) => `${JSON.stringify(await c.call('DEBUG', 'DIGEST-VALUE', k))}/${String(await c.call('PEXPIRETIME', k))}`;
        out.push(`db${db} ${k}: ${await desc(ca)} vs ${await desc(cb)}`);
        if (out.length >= 5) break;
      }
    }
  } finally {
    ca.disconnect();
    cb.disconnect();
  }
  return out.join('; ');
}

/** DEBUG DIGEST (the whole dataset) and DBSIZE per DB, and every master key's PTTL, must match. */
async function compare(master: number, replicas: number[], label: string): Promise<void> {
  const mc = connect(master);
  // The master stops expiring keys meanwhile, so that the views compared are of the same stream.
  await mc.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  try {
    for (const r of replicas) await caughtUp(master, r, 30000);
    const view = async (port: number) => {
      const c = connect(port);
      try {
        const sizes: unknown[] = [];
        for (let db = 0; db < DBS; db++) {
          await c.call('SELECT', db);
          sizes.push(await c.call('DBSIZE'));
        }
        return { digest: await c.call('DEBUG', 'DIGEST'), sizes };
      } finally {
        c.disconnect();
      }
    };
    const pttls = async (port: number, keys: string[][]) => {
      const c = connect(port);
      try {
        const out: number[] = [];
        for (let db = 0; db < DBS; db++) {
          await c.call('SELECT', db);
          for (const k of keys[db]) out.push(Number(await c.call('PTTL', k)));
        }
        return out;
      } finally {
        c.disconnect();
      }
    };
    const mv = await view(master);
    const keys: string[][] = [];
    for (let db = 0; db < DBS; db++) {
      await mc.call('SELECT', db);
      keys.push(((await mc.call('KEYS', '*')) as string[]).sort());
    }
    for (const r of replicas) {
      const rv = await view(r);
      if (JSON.stringify(rv) !== JSON.stringify(mv)) {
        assert.fail(`${label}: replica ${r} holds other data than master ${master}: ${JSON.stringify(rv)} vs ${JSON.stringify(mv)}; ${await differences(master, r)}`);
      }
    }
    // Replicas first, all of them: a PTTL on the master deletes a key it finds expired (and propagates a DEL).
    const rts: number[][] = [];
    for (const r of replicas) rts.push(await pttls(r, keys));
    const mt = await pttls(master, keys);
    replicas.forEach((r, j) => {
      rts[j].forEach((w, i) => {
        const v = mt[i];
        const close = v >= 0 && w >= 0 && Math.abs(v - w) < 500;
        const expiring = (v === -2 || w === -2) && Math.max(v, w) < 500;
        assert.ok(v === w || close || expiring, `${label}: replica ${r} PTTL ${w}, master ${v} (key #${i})`);
      });
    });
  } finally {
    await mc.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1').catch(() => undefined);
    mc.disconnect();
  }
}

const DEBUG = ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0'];

/** A restartable server: resplit-server or redis-server, its own directory (SAVE survives a restart). */
class Node {
  proc!: ChildServer;
  readonly dir = tmpDir('resplit-fuzz-');
  constructor(readonly kind: 'ours' | 'redis', public args: string[]) {}
  get port(): number {
    return this.proc.port;
  }
  async start(port?: number): Promise<this> {
    const args = [...DEBUG, '--dir', this.dir, ...this.args];
    const opts = port ? { port } : {};
    if (this.kind === 'ours') this.proc = await startStoreProcess(['--save', '', ...args], opts);
    else {
      const p = await startRedis(args, opts);
      if (!p) throw new Error('redis-server missing');
      this.proc = p;
    }
    return this;
  }
  /** kill -9 (after a SAVE when `save`), or SHUTDOWN SAVE, then the same command line on the same port. */
  async restart(how: 'kill9' | 'save-kill9' | 'shutdown'): Promise<void> {
    const port = this.port;
    if (how === 'save-kill9') await cli(port, 'SAVE');
    if (how === 'shutdown') {
      await cli(port, 'SHUTDOWN', 'SAVE').catch(() => undefined);
      await this.proc.stop();
    } else await this.proc.kill9();
    await this.start(port);
  }
  stop(): Promise<void> {
    return this.proc?.stop() ?? Promise.resolve();
  }
}

type Fault = (t: { master: Node; replicas: Node[]; upstream: (n: Node) => Node; added: Node[] }) => Promise<void>;

const faults: Record<string, Fault> = {
  /** The link drops: a partial resync from the backlog. */
  linkKill: async ({ replicas }) => {
    for (const r of replicas) await cli(r.port, 'CLIENT', 'KILL', 'TYPE', 'master');
  },
  /** A backlog smaller than what the replica misses (a 2 MB value): a full resync is forced. */
  smallBacklog: async ({ master, replicas, upstream }) => {
    const r = replicas[replicas.length - 1];
    const up = upstream(r);
    await cli(up.port, 'CONFIG', 'SET', 'repl-backlog-size', '16384');
    await cli(r.port, 'CLIENT', 'KILL', 'TYPE', 'master');
    const c = connect(master.port);
    await c.call('SET', 'huge', Buffer.alloc(2 << 20, 104));
    c.disconnect();
  },
  kill9: async ({ replicas }) => replicas[0].restart('save-kill9'),
  kill9NoSave: async ({ replicas }) => replicas[replicas.length - 1].restart('kill9'),
  shutdown: async ({ replicas }) => replicas[replicas.length - 1].restart('shutdown'),
  /** Promoted, emptied, then a replica again (full resync, from a sub-master too). */
  noOne: async ({ replicas, upstream }) => {
    const r = replicas[replicas.length - 1];
    await cli(r.port, 'REPLICAOF', 'NO', 'ONE');
    await cli(r.port, 'FLUSHALL');
    await cli(r.port, 'REPLICAOF', '127.0.0.1', upstream(r).port);
  },
  /** Two new replicas (ours, and a real one of it) attached while writes go on and the snapshot is slow. */
  attach: async ({ master, added }) => {
    if (master.kind === 'ours') await cli(master.port, 'CONFIG', 'SET', 'rdb-key-save-delay', '2000');
    const a = await new Node('ours', ['--replicaof', '127.0.0.1', String(master.port)]).start();
    const b = await new Node('redis', ['--replicaof', '127.0.0.1', String(a.port)]).start();
    added.push(a, b);
  },
  disklessToggle: async ({ replicas, upstream }) => {
    const r = replicas[0];
    const up = upstream(r);
    const cur = (await cli(up.port, 'CONFIG', 'GET', 'repl-diskless-sync')).split('\n')[1];
    await cli(up.port, 'CONFIG', 'SET', 'repl-diskless-sync', cur === 'yes' ? 'no' : 'yes');
    await cli(r.port, 'REPLICAOF', 'NO', 'ONE');
    await cli(r.port, 'REPLICAOF', '127.0.0.1', up.port);
  },
};

/**
 * Builds a topology, then per round: a seeded workload with one fault at a seeded point, the
 * replicas waited for, the data compared.
 */
async function fuzz(kinds: Array<'ours' | 'redis'>, chain: boolean, seed: number, rounds: string[], nOps: number, masterArgs: string[] = []): Promise<void> {
  const rng = prng(seed);
  const nodes: Node[] = [];
  const added: Node[] = [];
  try {
    const master = await new Node(kinds[0], masterArgs).start();
    nodes.push(master);
    for (const kind of kinds.slice(1)) {
      const up = chain ? nodes[nodes.length - 1] : master;
      nodes.push(await new Node(kind, ['--replicaof', '127.0.0.1', String(up.port)]).start());
    }
    const replicas = nodes.slice(1);
    const upstream = (n: Node) => (chain ? nodes[nodes.indexOf(n) - 1] : master);
    for (const [round, fault] of rounds.entries()) {
      let at = Math.floor(rng() * nOps);
      await workload(master.port, rng, nOps, async (done) => {
        if (at >= 0 && done >= at) {
          at = -1;
          await faults[fault]({ master, replicas, upstream, added });
        }
      });
      const label = `seed ${seed} round ${round} (${fault}), ${nodes.map((n) => n.kind).join(chain ? ' -> ' : ', ')}`;
      await compare(master.port, [...replicas, ...added].map((n) => n.port), label);
      await cli(master.port, 'CONFIG', 'SET', 'repl-backlog-size', '1048576');
      for (const n of nodes.slice(1, -1)) await cli(n.port, 'CONFIG', 'SET', 'repl-backlog-size', '1048576');
      if (master.kind === 'ours') await cli(master.port, 'CONFIG', 'SET', 'rdb-key-save-delay', '0');
    }
  } finally {
    await Promise.all([...nodes, ...added].map((n) => n.stop()));
  }
}

describe('replication interop fuzz (seeded workloads, faults, digests)', function () {
  this.timeout(120000);
  before(async function () {
    const r = await startRedis();
    redisOrSkip(this, r);
    await r!.stop();
  });

  it('resplit master -> a redis-server replica and a resplit replica', async () => {
    await fuzz(['ours', 'redis', 'ours'], false, 101, ['linkKill', 'kill9', 'smallBacklog', 'attach'], 1500);
  });
  it('redis-server master -> a resplit replica', async () => {
    await fuzz(['redis', 'ours'], false, 202, ['linkKill', 'shutdown', 'disklessToggle', 'attach'], 1500);
  });
  it('chained: redis-server -> resplit -> redis-server', async () => {
    await fuzz(['redis', 'ours', 'redis'], true, 303, ['noOne', 'kill9', 'linkKill', 'smallBacklog'], 1500);
  });
  it('chained: resplit -> redis-server -> resplit', async () => {
    await fuzz(['ours', 'redis', 'ours'], true, 404, ['noOne', 'disklessToggle', 'noOne', 'kill9NoSave', 'noOne'], 1500);
  });
  it('resplit master with disk-based sync -> a resplit replica and a redis-server replica', async () => {
    await fuzz(['ours', 'ours', 'redis'], false, 505, ['attach', 'kill9NoSave', 'noOne', 'shutdown'], 1500, ['--repl-diskless-sync', 'no']);
  });
});

describe('replication fuzz regressions', function () {
  this.timeout(60000);

  // A sub-replica's full sync from a master that is itself a replica: that master proxies its own
  // master's stream, which continues in the DB selected at the snapshot without a new SELECT. The RDB
  // says which (aux field repl-stream-db); our replica applied the stream to DB 0 instead, so writes
  // landed in the wrong DB (found with ours -> redis -> ours, seed 21 under REPLICAOF NO ONE / FLUSHALL
  // / REPLICAOF of the sub-replica).
  for (const midKind of ['redis', 'ours'] as const) {
    it(`a sub-replica of a ${midKind === 'redis' ? 'redis-server' : 'resplit-server'} replica continues the stream in the snapshot's repl-stream-db`, async function () {
      const started: ChildServer[] = [];
      try {
        const top = await startRedis(['--repl-diskless-sync-delay', '0']);
        redisOrSkip(this, top);
        started.push(top!);
        const midArgs = ['--replicaof', '127.0.0.1', String(top!.port), '--repl-diskless-sync-delay', '0'];
        const mid = midKind === 'redis' ? (await startRedis(midArgs))! : await startStoreProcess([...midArgs, '--dir', tmpDir()]);
        started.push(mid);
        await until('mid link up', async () => (await info(mid.port)).master_link_status === 'up');
        // The top master's stream is now in DB 2 and stays there (one client, one SELECT).
        const c = await RawClient.connect(top!.port);
        try {
          await c.send('SELECT', 2);
          await c.send('SET', 'before', '1');
          await caughtUp(top!.port, mid.port);
          const sub = await startStoreProcess(['--replicaof', '127.0.0.1', String(mid.port), '--dir', tmpDir()]);
          started.push(sub);
          await until('sub link up', async () => (await info(sub.port)).master_link_status === 'up');
          // Streamed to the sub-replica after its snapshot, with no SELECT before it.
          await c.send('SET', 'after', '2');
          await c.send('INCR', 'before');
          await caughtUp(top!.port, sub.port);
          assert.equal(await cli(sub.port, '-n', '2', 'GET', 'after'), '2');
          assert.equal(await cli(sub.port, '-n', '2', 'GET', 'before'), '2');
          assert.equal(await cli(sub.port, 'DBSIZE'), '0');
          await assertSameData(top!.port, sub.port);
        } finally {
          c.close();
        }
      } finally {
        await Promise.all(started.map((s) => s.stop()));
      }
    });
  }

  // Scores at an exact rounding tie at 17 digits (736.896514892578125 is a double): printf's %.17g
  // rounds it to even (...812), JavaScript's toPrecision/toExponential up (...813). Our replies, DEBUG
  // DIGEST and the listpack text in RDB/DUMP payloads differed from Redis's for the same data (found as
  // a digest mismatch between our master and its redis-server replica, seed 34 with big zsets).
  it('a zset score at an exact 17-digit tie reads, digests and dumps as in redis-server', async function () {
    const redis = await startRedis(['--enable-debug-command', 'yes']);
    redisOrSkip(this, redis);
    const ours = await startStoreProcess(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0', '--dir', tmpDir()]);
    const replica = await startRedis(['--enable-debug-command', 'yes', '--replicaof', '127.0.0.1', String(ours.port)]);
    try {
      const ties = ['736.8965148925781', '3.5487442016601562', '-1.4116592407226562', '0.0001220703125'];
      const big = Array.from({ length: 200 }, (_, i) => [String((i * 2654435761) % 4294967296 / 4294967296 * 1000), `m${i}`]).flat();
      for (const port of [redis!.port, ours.port]) {
        await cli(port, 'ZADD', 'small', ...ties.flatMap((t, i) => [t, `e${i}`]));
        await cli(port, 'ZADD', 'big', ...big);
      }
      assert.equal(await cli(ours.port, 'ZSCORE', 'small', 'e0'), '736.89651489257812');
      for (const cmd of [['ZRANGE', 'small', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'big', '0', '-1', 'WITHSCORES'], ['DEBUG', 'DIGEST'], ['DEBUG', 'DIGEST-VALUE', 'big']]) {
        assert.equal(await cli(ours.port, ...cmd), await cli(redis!.port, ...cmd), cmd.join(' '));
      }
      const dump = async (port: number) => {
        const c = await RawClient.connect(port);
        try {
          return (await c.send('DUMP', 'small')).toString('hex');
        } finally {
          c.close();
        }
      };
      assert.equal(await dump(ours.port), await dump(redis!.port), 'DUMP of a listpack zset');
      await until('replica synced', async () => (await info(replica!.port)).master_link_status === 'up');
      await caughtUp(ours.port, replica!.port);
      assert.equal(await cli(replica!.port, 'DEBUG', 'DIGEST'), await cli(ours.port, 'DEBUG', 'DIGEST'));
    } finally {
      await Promise.all([redis?.stop(), ours.stop(), replica?.stop()]);
    }
  });

  // A replica saving while its link is down wrote repl-stream-db 0 instead of the cached master's DB;
  // restarted from that file it continued the stream with a PSYNC in DB 0, where the master's next
  // writes (no SELECT: same DB for the master) did not belong (found reviewing the save path after
  // the repl-stream-db fix above).
  it('a replica that saved while its link was down continues the stream in the right DB after a restart', async function () {
    const master = await startRedis(['--repl-diskless-sync-delay', '0']);
    redisOrSkip(this, master);
    const dir = tmpDir();
    const args = ['--replicaof', '127.0.0.1', String(master!.port), '--dir', dir];
    let replica = await startStoreProcess(args);
    const c = await RawClient.connect(master!.port);
    try {
      await until('link up', async () => (await info(replica.port)).master_link_status === 'up');
      await c.send('SELECT', 2);
      await c.send('SET', 'g', '1');
      await caughtUp(master!.port, replica.port);
      // The link drops and the replica saves before it reconnects (one pipeline), then dies.
      const r = await RawClient.connect(replica.port);
      r.write(Buffer.from('*4\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$4\r\nTYPE\r\n$6\r\nmaster\r\n*1\r\n$4\r\nSAVE\r\n'));
      assert.deepEqual((await r.read(2)).map(String), [':1\r\n', '+OK\r\n']);
      r.close();
      await replica.kill9();
      await c.send('SET', 'h', '2');
      const partial = Number((await info(master!.port, 'stats')).sync_partial_ok);
      replica = await startStoreProcess(args, { port: replica.port });
      await until('link up again', async () => (await info(replica.port)).master_link_status === 'up');
      await c.send('SET', 'i', '3');
      await caughtUp(master!.port, replica.port);
      assert.equal((await info(master!.port, 'stats')).sync_partial_ok, String(partial + 1), 'continued from the saved offset');
      assert.equal(await cli(replica.port, '-n', '2', 'MGET', 'g', 'h', 'i'), '1\n2\n3');
      assert.equal(await cli(replica.port, 'DBSIZE'), '0');
    } finally {
      c.close();
      await Promise.all([replica.stop(), master?.stop()]);
    }
  });
});
