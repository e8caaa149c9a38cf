// Failures behind the proxy, with real redis-server processes: a stalled replica (SIGSTOP) and a
// killed replica (kill -9) during continuous pipelined reads cost no read; with the master killed,
// reads go on, writes get the clear MASTERDOWN error at once, and writes resume when it returns.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { startRedis, type ChildServer } from './helpers/servers';
import { encodeCommand } from '../src/resp/encode';
import { stats } from '../src/proxy/stats';
import { startStack, replicasCaughtUp, waitFor, type Stack } from './proxy-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pipelined GET loops on `clients` connections until stop(); counts replies that are not `want`. */
function readLoops(port: number, clients: number, want: string) {
  let running = true;
  let total = 0;
  const bad: string[] = [];
  const loops = Array.from({ length: clients }, async () => {
    const c = await RawClient.connect(port);
    try {
      const batch = Buffer.concat(Array.from({ length: 50 }, () => encodeCommand(['GET', 'key'])));
      while (running) {
        c.write(batch);
        for (const r of await c.read(50, 10000)) {
          total++;
          if (r.toString() !== want) bad.push(r.toString());
        }
      }
    } finally {
      c.close();
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { total, bad };
    },
  };
}

/** A stack (master, two replicas, proxy with this request timeout) where every backend has key=v. */
async function stackWithKey(requestTimeoutMs: number): Promise<Stack | null> {
  const st = await startStack({ proxy: { 'request-timeout-ms': requestTimeoutMs } });
  if (!st) return null;
  const c = await RawClient.connect(st.port);
  await c.str('SET', 'key', 'v');
  c.close();
  await replicasCaughtUp(st);
  return st;
}

describe('proxy failover', function () {
  this.timeout(60000);
  let st: Stack;
  let newMaster: ChildServer | null = null;

  before(async function () {
    const s = await stackWithKey(300);
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    if (st) for (const r of st.replicas) r.proc.kill('SIGCONT');
    await st?.stop();
    await newMaster?.stop();
  });

  it('a stalled replica (SIGSTOP) times out and its reads are re-sent: no failed read', async () => {
    const loop = readLoops(st.port, 3, '$1\r\nv\r\n');
    await sleep(200);
    const before = stats.readFailovers;
    st.replicas[1].proc.kill('SIGSTOP');
    await sleep(1200);
    const { total, bad } = await loop.stop();
    assert.deepEqual(bad, []);
    assert.ok(total > 500, `only ${total} reads`);
    assert.ok(stats.readFailovers > before, 'no read was failed over');
    assert.equal(st.proxy.pool.replicas[1].eligible, false);
    st.replicas[1].proc.kill('SIGCONT');
    await waitFor('the replica to serve again', () => st.proxy.pool.replicas[1].eligible);
  });

  it('kill -9 of a replica during a continuous pipelined read loop: zero failed reads', async () => {
    const loop = readLoops(st.port, 3, '$1\r\nv\r\n');
    await sleep(300);
    const transitions = stats.healthTransitions;
    const failovers = stats.readFailovers;
    // Stopped first for less than the request timeout, so reads are surely in flight on it when it dies.
    st.replicas[0].proc.kill('SIGSTOP');
    await sleep(60);
    await st.replicas[0].kill9();
    await sleep(700);
    const { total, bad } = await loop.stop();
    assert.deepEqual(bad, []);
    assert.ok(total > 500, `only ${total} reads`);
    assert.equal(st.proxy.pool.replicas[0].eligible, false);
    assert.ok(stats.healthTransitions > transitions);
    assert.ok(stats.readFailovers > failovers, 'no in-flight read was failed over');
    const c = await RawClient.connect(st.port);
    try {
      assert.match(await c.str('INFO', 'proxy'), /proxy_backend_replica0:addr=[^,]+,state=out/);
    } finally {
      c.close();
    }
  });

  it('with the master down reads go on, writes fail at once, and resume when it returns', async () => {
    const c = await RawClient.connect(st.port);
    try {
      const port = st.master.port;
      await st.master.kill9();
      await sleep(100);
      const t0 = Date.now();
      assert.match(await c.str('SET', 'x', '1'), /^-MASTERDOWN resplit: the master 127\.0\.0\.1:\d+ is unavailable/);
      assert.ok(Date.now() - t0 < 200, 'the write was not refused at once');
      for (let i = 0; i < 20; i++) assert.equal(await c.str('GET', 'key'), '$1\r\nv\r\n');
      assert.match(await c.str('MULTI'), /^-MASTERDOWN/);
      assert.match(await c.str('INFO'), /# Proxy\r\n/);
      newMaster = await startRedis([], { port });
      await waitFor('writes to resume', async () => (await c.str('SET', 'x', '1')) === '+OK\r\n');
      assert.equal(await c.str('RESPLIT', 'READMODE', 'MASTER'), '+OK\r\n');
      assert.equal(await c.str('GET', 'x'), '$1\r\n1\r\n');
    } finally {
      c.close();
    }
  });
});

describe('proxy failover with a long request timeout', function () {
  this.timeout(30000);
  let st: Stack;

  before(async function () {
    // The checks (every 50 ms, 400 ms timeout, fall 1) find a stalled replica long before this timeout.
    const s = await stackWithKey(20000);
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    if (st) for (const r of st.replicas) r.proc.kill('SIGCONT');
    await st?.stop();
  });

  it('reads in flight on a replica the checks take out move on at once, not at request-timeout-ms', async () => {
    const c = await RawClient.connect(st.port);
    try {
      st.replicas[0].proc.kill('SIGSTOP');
      const failovers = stats.readFailovers;
      let worst = 0;
      // Sequential reads take turns over the replicas, so some are sent to the stalled one.
      for (let i = 0; i < 40; i++) {
        const t0 = Date.now();
        assert.equal(await c.str('GET', 'key'), '$1\r\nv\r\n');
        worst = Math.max(worst, Date.now() - t0);
      }
      assert.ok(stats.readFailovers > failovers, 'no read was in flight on the stalled replica');
      assert.ok(worst < 3000, `a read waited ${worst} ms`);
      assert.equal(st.proxy.pool.replicas[0].eligible, false);
    } finally {
      c.close();
      st.replicas[0].proc.kill('SIGCONT');
    }
  });
});
