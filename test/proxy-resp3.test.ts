// RESP3 clients through the proxy: after HELLO 3 a client gets backend connections of its own opened
// with HELLO 3, so RESP3 replies (maps, doubles, nulls, push frames) reach it byte for byte; reads
// still go to a replica, the proxy's own answers are RESP3, a lost replica connection fails reads
// over, and HELLO 2 switches back. Backends are real redis-server processes.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { stats } from '../src/proxy/stats';
import { useProxyStack, startStack, calls, ask, replicasCaughtUp, waitFor, type Stack } from './proxy-helpers';

describe('proxy RESP3 clients', function () {
  const ctx = useProxyStack();
  let st: Stack;
  let c: RawClient;
  beforeEach(() => {
    st = ctx.stack;
    c = ctx.client;
  });

  it('answers HELLO 3 with the map Redis sends, and HELLO without a version in the current protocol', async () => {
    const h = await c.str('HELLO', '3', 'SETNAME', 'r3');
    assert.match(h, /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$\d+\r\n[\d.]+\r\n\$5\r\nproto\r\n:3\r\n\$2\r\nid\r\n:\d+\r\n/);
    assert.match(h, /\$4\r\nmode\r\n\$10\r\nstandalone\r\n\$4\r\nrole\r\n\$6\r\nmaster\r\n\$7\r\nmodules\r\n\*0\r\n$/);
    assert.match(await c.str('HELLO'), /^%7\r\n[^]*proto\r\n:3\r\n/);
    assert.equal(await c.str('CLIENT', 'GETNAME'), '$2\r\nr3\r\n');
    assert.equal(await c.str('PING'), '+PONG\r\n');
    assert.equal(await c.str('ECHO', 'hi'), '$2\r\nhi\r\n');
    const info = await c.str('CLIENT', 'INFO');
    assert.match(info, /^=\d+\r\ntxt:id=\d+ .*name=r3 .*resp=3 /);
    assert.match(await c.str('INFO', 'proxy'), /^=\d+\r\ntxt:# Proxy\r\nproxy:resplit\r\n/);
    const full = await c.str('INFO');
    assert.match(full, /^=\d+\r\ntxt:# Server\r\n[^]*\r\n# Proxy\r\n[^]*routed=\d+\r\n\r\n$/);
    assert.match(await c.str('ROLE'), /^\*3\r\n\$6\r\nmaster\r\n/);
    assert.equal(await c.str('CLIENT', 'SETNAME', 'x'), '+OK\r\n');
    c.close();
    c = await RawClient.connect(st.port);
    await c.str('HELLO', '3');
    assert.equal(await c.str('CLIENT', 'GETNAME'), '_\r\n');
  });

  it('forwards RESP3 replies untouched: nulls, maps, doubles, sets', async () => {
    await c.str('HELLO', '3');
    assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
    assert.equal(await c.str('HSET', 'h', 'f', '1', 'g', '2'), ':2\r\n');
    assert.equal(await c.str('ZADD', 'z', '1.5', 'm'), ':1\r\n');
    assert.equal(await c.str('SADD', 's', 'a'), ':1\r\n');
    await replicasCaughtUp(st);
    assert.equal(await c.str('GET', 'k'), '$1\r\nv\r\n');
    assert.equal(await c.str('GET', 'nope'), '_\r\n');
    assert.equal(await c.str('HGETALL', 'h'), '%2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n');
    assert.equal(await c.str('ZSCORE', 'z', 'm'), ',1.5\r\n');
    assert.equal(await c.str('SMEMBERS', 's'), '~1\r\n$1\r\na\r\n');
    // The same client in RESP2 again: the shared connections' replies.
    assert.match(await c.str('HELLO', '2'), /^\*14\r\n[^]*proto\r\n:2\r\n/);
    assert.equal(await c.str('GET', 'nope'), '$-1\r\n');
    assert.equal(await c.str('HGETALL', 'h'), '*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n');
    assert.equal(await c.str('ZSCORE', 'z', 'm'), '$3\r\n1.5\r\n');
    assert.equal(await c.str('CLIENT', 'GETNAME'), '$-1\r\n');
    assert.match(await c.str('CLIENT', 'INFO'), /^\$\d+\r\nid=.*resp=2 /);
  });

  it('sends RESP3 reads to the replicas and writes to the master, keeping SELECT', async () => {
    await c.str('HELLO', '3');
    assert.equal(await c.str('SELECT', '3'), '+OK\r\n');
    assert.equal(await c.str('SET', 'k', 'db3'), '+OK\r\n');
    await replicasCaughtUp(st);
    for (let i = 0; i < 10; i++) assert.equal(await c.str('GET', 'k'), '$3\r\ndb3\r\n');
    let replicaGets = 0;
    for (const r of st.replicas) replicaGets += await calls(r.port, 'get');
    assert.equal(replicaGets, 10);
    assert.equal(await calls(st.master.port, 'get'), 0);
    assert.equal(await calls(st.master.port, 'set'), 1);
    assert.equal(await calls(st.master.port, 'hello'), 1);
    // Pipelined, in order, over both connections.
    const n = 50;
    let p = '';
    for (let i = 0; i < n; i++) p += `*3\r\n$3\r\nSET\r\n$2\r\np${i % 10}\r\n$${String(i).length}\r\n${i}\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`;
    c.write(p);
    const rs = await c.read(2 * n);
    for (let i = 0; i < n; i++) {
      assert.equal(rs[2 * i].toString(), '+OK\r\n');
      assert.equal(rs[2 * i + 1].toString(), '$3\r\ndb3\r\n');
    }
  });

  it('delivers pub/sub push frames to a RESP3 subscriber', async () => {
    await c.str('HELLO', '3');
    assert.equal(await c.str('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    const pub = await RawClient.connect(st.port);
    try {
      await waitFor('subscriber registered', async () => (await pub.str('PUBLISH', 'ch', 'hey')) === ':1\r\n');
    } finally {
      pub.close();
    }
    const [m] = await c.read(1);
    assert.equal(m.toString(), '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nhey\r\n');
    // RESP3 lets a subscribed client run other commands on the same connection.
    assert.equal(await c.str('PING'), '+PONG\r\n');
  });

  it('runs transactions and blocking commands on its own RESP3 master connection', async () => {
    await c.str('HELLO', '3');
    assert.equal(await c.str('MULTI'), '+OK\r\n');
    assert.equal(await c.str('HSET', 'h', 'a', '1'), '+QUEUED\r\n');
    assert.equal(await c.str('HGETALL', 'h'), '+QUEUED\r\n');
    assert.equal(await c.str('EXEC'), '*2\r\n:1\r\n%1\r\n$1\r\na\r\n$1\r\n1\r\n');
    assert.equal(await c.str('BLPOP', 'nolist', '0.05'), '_\r\n');
  });

  // Found by the differential fuzz (proxy-fuzz.test.ts): HELLO closed the WATCH connection, so a
  // later EXEC ran although a watched key had changed (Redis keeps the watched keys across HELLO).
  it('keeps a WATCH across HELLO 3 and HELLO 2', async () => {
    for (const proto of ['3', '2']) {
      assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
      assert.match(await c.str('HELLO', proto), proto === '3' ? /^%7\r\n/ : /^\*14\r\n/);
      assert.equal(await c.str('SET', 'k', proto), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), proto === '3' ? '_\r\n' : '*-1\r\n');
    }
    // Unchanged, the transaction runs with the new protocol's replies, and the client is routed normally after it.
    assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
    assert.match(await c.str('HELLO', '3'), /^%7\r\n/);
    assert.equal(await c.str('MULTI'), '+OK\r\n');
    assert.equal(await c.str('HSET', 'h', 'a', '1'), '+QUEUED\r\n');
    assert.equal(await c.str('HGETALL', 'h'), '+QUEUED\r\n');
    assert.equal(await c.str('EXEC'), '*2\r\n:1\r\n%1\r\n$1\r\na\r\n$1\r\n1\r\n');
    assert.equal(await c.str('GET', 'nokey'), '_\r\n');
  });

  it('opens a new replica connection when its replica connection is killed', async () => {
    await c.str('HELLO', '3');
    await c.str('SET', 'k', 'v');
    await replicasCaughtUp(st);
    assert.equal(await c.str('GET', 'k'), '$1\r\nv\r\n');
    for (const r of st.replicas) await ask(r.port, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await waitFor('backends serving', () => st.proxy.pool.all.every((b) => b.eligible));
    for (let i = 0; i < 5; i++) assert.equal(await c.str('GET', 'k'), '$1\r\nv\r\n');
  });
});

describe('proxy RESP3 read failover', function () {
  this.timeout(20000);
  let st: Stack;

  before(async function () {
    const s = await startStack({ proxy: { 'request-timeout-ms': 300 } });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    if (st) for (const r of st.replicas) r.proc.kill('SIGCONT');
    await st?.stop();
  });

  it('a read in flight on a stalled replica (SIGSTOP) is re-sent to another backend', async () => {
    const c = await RawClient.connect(st.port);
    try {
      await c.str('HELLO', '3');
      await c.str('HSET', 'h', 'f', '1');
      await replicasCaughtUp(st);
      assert.equal(await c.str('HGETALL', 'h'), '%1\r\n$1\r\nf\r\n$1\r\n1\r\n');
      const gets = await Promise.all(st.replicas.map((r) => calls(r.port, 'hgetall')));
      const used = gets.indexOf(1);
      assert.ok(used >= 0, `reads went to no single replica: ${gets}`);
      const before = stats.readFailovers;
      st.replicas[used].proc.kill('SIGSTOP');
      const t0 = Date.now();
      assert.equal(await c.str('HGETALL', 'h'), '%1\r\n$1\r\nf\r\n$1\r\n1\r\n');
      assert.ok(Date.now() - t0 < 3000, 'the read waited too long');
      assert.ok(stats.readFailovers > before, 'no read was failed over');
      for (let i = 0; i < 5; i++) assert.equal(await c.str('HGETALL', 'h'), '%1\r\n$1\r\nf\r\n$1\r\n1\r\n');
      st.replicas[used].proc.kill('SIGCONT');
      await waitFor('the replica to serve again', () => st.proxy.pool.replicas[used].eligible);
    } finally {
      c.close();
    }
  });
});

describe('proxy RESP3 clients without a request timeout', function () {
  this.timeout(30000);
  let st: Stack | null = null;
  before(async function () {
    st = await startStack({ proxy: { 'request-timeout-ms': 0 } });
    if (!st) this.skip();
  });
  after(async () => {
    await st?.stop();
  });

  it("lets go of each closed client's replica connection (request-timeout-ms 0 too)", async () => {
    const pool = st!.proxy.pool as unknown as { ownReads: Set<unknown> };
    for (let i = 0; i < 30; i++) {
      const c = await RawClient.connect(st!.port);
      await c.str('HELLO', '3');
      assert.equal(await c.str('GET', 'nothing'), '_\r\n');
      c.close();
    }
    await waitFor('closed replica connections released', () => pool.ownReads.size === 0, 5000);
  });
});
