// Failures behind the proxy, with real redis-server processes: a stalled replica (SIGSTOP) and a
// killed replica (kill -9) during continuous pipelined reads cost no read; with the master killed,
// reads go on, writes get the clear MASTERDOWN error at once, and writes resume when it returns.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { startRedis, type ChildServer } from './helpers/servers';
import { encodeCommand } from '../src/resp/encode';
import { stats } from '../src/proxy/stats';
import { startStack, replicasCaughtUp, waitFor, calls, ask, type Stack } from './proxy-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pipelined GET loops on `clients` connections until stop(); counts replies that are not `want`. */
function readLoops(port: number, clients: number, want: string | ((reply: string) => boolean)) {
  const ok = typeof want === 'string' ? (r: string) => r === want : want;
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
          if (!ok(r.toString()) && bad.length < 100) bad.push(r.toString());
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
async function stackWithKey(requestTimeoutMs: number, more: Record<string, unknown> = {}): Promise<Stack | null> {
  const st = await startStack({ proxy: { 'request-timeout-ms': requestTimeoutMs, ...more } });
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
    // rise 3: a master back from a restart is some checks away from serving (its replicas must not be out meanwhile).
    const s = await stackWithKey(300, { rise: 3 });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    if (st) for (const r of st.replicas) r.proc.kill('SIGCONT');
    await st?.stop();
    await newMaster?.stop();
  });

  it("a backend closing the proxy's idle connection (Redis's timeout) is not taken out", async () => {
    const c = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('SET', 'idle', '1'), '+OK\r\n');
      const before = stats.healthTransitions;
      assert.equal(await ask(st.master.port, 'CONFIG', 'SET', 'timeout', '1'), '+OK\r\n');
      const shared = st.proxy.pool.master.shared;
      // The master's clientsCron closes the idle shared connection within a second or two.
      await waitFor('the idle shared connection closed', () => shared === null || shared.closed, 10000);
      assert.equal(await c.str('SET', 'idle', '2'), '+OK\r\n');
      assert.equal(st.proxy.pool.master.eligible, true);
      assert.equal(stats.healthTransitions, before);
    } finally {
      await ask(st.master.port, 'CONFIG', 'SET', 'timeout', '0');
      c.close();
    }
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
      // Back with a new replication id (and empty): reads go on while it rises and its replicas
      // resync; none is refused (a value, or nil once a replica has taken the empty dataset).
      const noBackend = stats.readsNoBackend;
      const loop = readLoops(st.port, 3, (r) => r === '$1\r\nv\r\n' || r === '$-1\r\n');
      newMaster = await startRedis([], { port });
      await waitFor('writes to resume', async () => (await c.str('SET', 'x', '1')) === '+OK\r\n');
      await sleep(500);
      const { total, bad } = await loop.stop();
      assert.deepEqual(bad, []);
      assert.ok(total > 100, `only ${total} reads`);
      assert.equal(stats.readsNoBackend, noBackend);
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

  it('the same for RESP3 clients (their own replica connections)', async () => {
    await waitFor('every backend serving', () => st.proxy.pool.all.every((b) => b.eligible), 10000);
    // Each RESP3 client reads over a replica connection of its own: clients are added until one
    // reads from replica 1.
    const cs: RawClient[] = [];
    const onReplica1 = () =>
      [...st.proxy.ctx.sessions.values()].some((ses) => (ses as unknown as { readConn: { addr: unknown } | null }).readConn?.addr === st.proxy.pool.replicas[1]);
    try {
      while (!onReplica1() && cs.length < 20) {
        const c = await RawClient.connect(st.port);
        cs.push(c);
        await c.str('HELLO', '3');
        assert.equal(await c.str('GET', 'key'), '$1\r\nv\r\n');
      }
      assert.ok(onReplica1(), 'no RESP3 client reads from replica 1');
      st.replicas[1].proc.kill('SIGSTOP');
      let worst = 0;
      const t1 = Date.now();
      while (Date.now() - t1 < 1500) {
        const t0 = Date.now();
        const rs = await Promise.all(cs.map((c) => c.str('GET', 'key')));
        assert.deepEqual(rs, cs.map(() => '$1\r\nv\r\n'));
        worst = Math.max(worst, Date.now() - t0);
      }
      assert.equal(st.proxy.pool.replicas[1].eligible, false);
      assert.ok(worst < 3000, `a read waited ${worst} ms`);
    } finally {
      for (const c of cs) c.close();
      st.replicas[1].proc.kill('SIGCONT');
    }
  });
});

describe('proxy: slow reads and a silent master', function () {
  this.timeout(30000);
  let st: Stack;

  before(async function () {
    // fall 2: two replicas running a busy script take both cores, and a master check answered late
    // once (the host, not the master, is slow) must not take the master out.
    const s = await stackWithKey(20000, { fall: 2 });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    if (st) for (const b of [st.master, ...st.replicas]) b.proc.kill('SIGCONT');
    await st?.stop();
  });

  it('a read that keeps its replica busy past the checks is sent on once, then answered with an error; the master never runs it, writes go on', async () => {
    // A busy loop of about 2 s (calibrated on the master directly, as plain EVAL): longer than the
    // checks need to take a replica out (fall 2 x 400 ms).
    const probe = await RawClient.connect(st.master.port);
    const script = 'local i=0 while i<tonumber(ARGV[1]) do i=i+1 end return i';
    const t0 = Date.now();
    await probe.str('EVAL', script, '0', '5000000');
    const n = Math.round((5000000 * 2000) / Math.max(1, Date.now() - t0));
    probe.close();
    const reads = readLoops(st.port, 2, '$1\r\nv\r\n');
    let writing = true;
    const badWrites: string[] = [];
    const writer = (async () => {
      const w = await RawClient.connect(st.port);
      for (let i = 0; writing; i++) {
        const r = await w.str('SET', 'w', String(i));
        if (r !== '+OK\r\n') badWrites.push(r);
        await sleep(5);
      }
      w.close();
    })();
    const c = await RawClient.connect(st.port);
    const stalled = stats.readsStalled;
    let reply = '';
    try {
      reply = await c.str('EVAL_RO', script, '0', String(n));
    } finally {
      c.close();
      writing = false;
      await writer;
    }
    const { total, bad } = await reads.stop();
    const stalledError = /^-ERR resplit: the read was in flight on two backends that went silent \(the last 127\.0\.0\.1:\d+\); it was not sent again\r\n$/;
    assert.match(reply, stalledError);
    // Reads that shared both stalls with it get the same error (which one was slow cannot be
    // told); no other error, no CLUSTERDOWN, and every write succeeds.
    for (const b of bad) assert.match(b, stalledError);
    assert.deepEqual(badWrites, [], 'writes failed');
    assert.ok(total > 100, `only ${total} reads`);
    assert.ok(stats.readsStalled >= stalled + 1);
    assert.equal(await calls(st.master.port, 'eval_ro'), 0, 'the master ran the slow read');
    const onReplicas = (await calls(st.replicas[0].port, 'eval_ro')) + (await calls(st.replicas[1].port, 'eval_ro'));
    assert.ok(onReplicas <= 2, `the slow read ran ${onReplicas} times`);
    await waitFor('the replicas to serve again', () => st.proxy.pool.replicas.every((b) => b.eligible), 10000);
  });

  it('a busy script on the master: the master stays serving (its checks answer BUSY) and SCRIPT KILL through the proxy ends it', async () => {
    assert.equal(await ask(st.master.port, 'CONFIG', 'SET', 'busy-reply-threshold', '100'), '+OK\r\n');
    const a = await RawClient.connect(st.port);
    const b = await RawClient.connect(st.port);
    try {
      const busy = a.str('EVAL', 'while true do end', '0');
      await waitFor('the checks to see the master busy', () => st.proxy.pool.master.busy, 10000);
      assert.equal(st.proxy.pool.master.eligible, true);
      // Another client's write waits behind the script on the shared connection (as it would on
      // one Redis connection): answered once SCRIPT KILL, on a connection of its own, has ended it.
      const c2 = await RawClient.connect(st.port);
      const queued = c2.str('SET', 'x', '1');
      assert.equal(await b.str('SCRIPT', 'KILL'), '+OK\r\n');
      assert.match(await busy, /^-ERR Script killed by user with SCRIPT KILL/);
      assert.equal(await queued, '+OK\r\n');
      c2.close();
      assert.equal(await b.str('SET', 'x', '2'), '+OK\r\n');
      await waitFor('the master no longer busy', () => !st.proxy.pool.master.busy, 10000);
      assert.equal(st.proxy.pool.master.eligible, true);
    } finally {
      a.close();
      b.close();
      await ask(st.master.port, 'CONFIG', 'SET', 'busy-reply-threshold', '5000');
    }
  });

  it('a SELECT the master refuses (BUSY) leaves no later request in the wrong db', async () => {
    assert.equal(await ask(st.master.port, 'CONFIG', 'SET', 'busy-reply-threshold', '100'), '+OK\r\n');
    const a = await RawClient.connect(st.port);
    const b = await RawClient.connect(st.port);
    const c = await RawClient.connect(st.port);
    const m = await RawClient.connect(st.master.port);
    try {
      // The shared master connection is in db 3.
      assert.equal(await b.str('SELECT', '3'), '+OK\r\n');
      assert.equal(await b.str('SET', 'x', '1'), '+OK\r\n');
      // A 1.5 s script in a transaction (the client's own connection) makes the master answer BUSY.
      const loop = "local s=redis.call('TIME') local t0=s[1]*1000000+s[2] while true do local n=redis.call('TIME') if n[1]*1000000+n[2]-t0 > 1500000 then break end end return 1";
      assert.equal(await a.str('MULTI'), '+OK\r\n');
      assert.equal(await a.str('EVAL', loop, '0'), '+QUEUED\r\n');
      const exec = a.str('EXEC');
      await sleep(400);
      // The proxy's SELECT 5 before this write is refused with it.
      assert.equal(await c.str('SELECT', '5'), '+OK\r\n');
      assert.match(await c.str('SET', 'during', 'v'), /^-BUSY /);
      assert.equal(await exec, '*1\r\n:1\r\n');
      assert.equal(await c.str('SET', 'k2', 'v2'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k2'), '$2\r\nv2\r\n');
      assert.equal(await m.str('SELECT', '5'), '+OK\r\n');
      assert.equal(await m.str('GET', 'k2'), '$2\r\nv2\r\n', 'the write ran in another db');
      assert.equal(await m.str('SELECT', '3'), '+OK\r\n');
      assert.equal(await m.str('EXISTS', 'k2'), ':0\r\n');
      assert.equal(st.proxy.pool.master.eligible, true);
    } finally {
      a.close();
      b.close();
      c.close();
      m.close();
      await ask(st.master.port, 'CONFIG', 'SET', 'busy-reply-threshold', '5000');
    }
  });

  it('a write in flight on a master that goes silent keeps waiting (new writes are refused at once) and gets its real reply when the master resumes', async () => {
    const c = await RawClient.connect(st.port);
    const d = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('SET', 'a', '1'), '+OK\r\n');
      st.master.proc.kill('SIGSTOP');
      const inflight = c.str('SET', 'a', '2');
      // Taken out by its checks (a slow command looks the same): the in-flight write is not failed,
      // since the master may yet apply it (it will: it is in the master's socket).
      await waitFor('the checks to take the master out', () => !st.proxy.pool.master.eligible, 10000);
      const t0 = Date.now();
      assert.match(await d.str('SET', 'b', '1'), /^-MASTERDOWN /);
      assert.ok(Date.now() - t0 < 1000, `the refused write waited ${Date.now() - t0} ms`);
      st.master.proc.kill('SIGCONT');
      assert.equal(await inflight, '+OK\r\n');
    } finally {
      st.master.proc.kill('SIGCONT');
      c.close();
      d.close();
    }
    await waitFor('the master to serve again', () => st.proxy.pool.master.eligible, 10000);
    assert.equal(await ask(st.master.port, 'GET', 'a'), '$1\r\n2\r\n');
  });
});

describe('proxy: CLIENT PAUSE through the proxy', function () {
  this.timeout(30000);
  let st: Stack;
  before(async function () {
    // Checks that give up after 300 ms and a request timeout of 800 ms: a 2 s pause is far longer.
    const s = await stackWithKey(800, { 'health-check-timeout-ms': 300 });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    await st?.stop();
  });

  it('CLIENT PAUSE ALL is a pause, not a dead master: writes wait for its end and succeed, reads go on, the master stays serving', async () => {
    const c = await RawClient.connect(st.port);
    const w = await RawClient.connect(st.port);
    const r = await RawClient.connect(st.port);
    let outs = 0;
    const watch = setInterval(() => {
      if (!st.proxy.pool.master.eligible) outs++;
    }, 20);
    try {
      const t0 = Date.now();
      assert.equal(await c.str('CLIENT', 'PAUSE', '2000'), '+OK\r\n');
      await sleep(100);
      const write = w.str('SET', 'paused', '1');
      // Reads are served by the replicas meanwhile (the pause is the master's).
      for (let i = 0; i < 10; i++) assert.equal(await r.str('GET', 'key'), '$1\r\nv\r\n');
      assert.equal(await write, '+OK\r\n');
      assert.ok(Date.now() - t0 >= 1800, `the write was answered ${Date.now() - t0} ms into a 2 s pause`);
      assert.equal(await w.str('SET', 'after', '1'), '+OK\r\n');
      assert.equal(outs, 0, 'the master was taken out during the pause');
      // CLIENT UNPAUSE ends the proxy's allowance too (after a WRITE pause: Redis 7.0 holds even
      // CLIENT UNPAUSE until an ALL pause ends).
      assert.equal(await c.str('CLIENT', 'PAUSE', '60000', 'WRITE'), '+OK\r\n');
      assert.ok(st.proxy.pool.master.pausedUntil > Date.now() + 50000);
      // A write waits on the shared master connection; CLIENT UNPAUSE does not queue behind it.
      const held = w.str('SET', 'held', '1');
      await sleep(100);
      const t1 = Date.now();
      assert.equal(await c.str('CLIENT', 'UNPAUSE'), '+OK\r\n');
      assert.ok(Date.now() - t1 < 1000, `CLIENT UNPAUSE took ${Date.now() - t1} ms`);
      assert.equal(await held, '+OK\r\n');
      assert.equal(st.proxy.pool.master.pausedUntil, 0);
      assert.equal(await w.str('SET', 'after', '2'), '+OK\r\n');
      // A pause the master refuses is not taken note of.
      assert.match(await c.str('CLIENT', 'PAUSE', 'x'), /^-ERR /);
      assert.equal(st.proxy.pool.master.pausedUntil, 0);
    } finally {
      clearInterval(watch);
      c.close();
      w.close();
      r.close();
    }
  });

  it('writes held by a pause share one master connection (not one per client), closed after the pause', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(st.port)));
    const c = await RawClient.connect(st.port);
    const connected = async () => Number(/connected_clients:(\d+)/.exec(await ask(st.master.port, 'INFO', 'clients'))![1]);
    try {
      // Every client has written once, so the shared connection is open before counting.
      for (const k of clients) assert.equal(await k.str('SET', 'pre', '1'), '+OK\r\n');
      const before = await connected();
      assert.equal(await c.str('CLIENT', 'PAUSE', '1500', 'WRITE'), '+OK\r\n');
      const writes = clients.map((k, i) => k.str('SET', `held${i}`, String(i)));
      await sleep(300);
      // The pause connection, and CLIENT PAUSE's own one, at most.
      const during = await connected();
      assert.ok(during - before <= 2, `${during - before} more master connections during the pause`);
      // Reads from the master (INFO through the proxy) are not held behind the writes.
      assert.match(await c.str('INFO', 'server'), /redis_version/);
      for (const [i, w] of writes.entries()) assert.equal(await w, '+OK\r\n', `write ${i}`);
      assert.equal(await ask(st.master.port, 'GET', 'held7'), '$1\r\n7\r\n');
      await waitFor('the pause connection to close', async () => (await connected()) <= before + 1, 5000);
    } finally {
      for (const k of clients) k.close();
      c.close();
    }
  });

  it('a write held by a pause whose client leaves meanwhile is never run, as Redis frees a paused client', async () => {
    const c = await RawClient.connect(st.port);
    const w = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('CLIENT', 'PAUSE', '800', 'WRITE'), '+OK\r\n');
      w.write(encodeCommand(['SET', 'left-during-pause', '1']));
      const stays = c.str('SET', 'stayed-during-pause', '1');
      await sleep(200);
      assert.equal(st.proxy.pool.heldWriteCount, 2);
      w.close();
      // Dropped when its client goes, not at the pause's end (clients coming and going during a long
      // pause grew the proxy by their held writes' bytes).
      await waitFor('the held write of the client gone to be dropped', () => st.proxy.pool.heldWriteCount === 1);
      assert.equal(await stays, '+OK\r\n');
      assert.equal(await ask(st.master.port, 'EXISTS', 'left-during-pause', 'stayed-during-pause'), ':1\r\n');
      assert.equal(await ask(st.master.port, 'GET', 'stayed-during-pause'), '$1\r\n1\r\n');
    } finally {
      c.close();
      w.close();
    }
  });

  it('a pause longer than a Node timer can wait (2^31 ms) holds writes without spinning; UNPAUSE sends them', async () => {
    const c = await RawClient.connect(st.port);
    const w = await RawClient.connect(st.port);
    const warnings: string[] = [];
    const onWarning = (e: Error) => warnings.push(e.name);
    process.on('warning', onWarning);
    try {
      assert.equal(await c.str('CLIENT', 'PAUSE', '3000000000', 'WRITE'), '+OK\r\n');
      const held = w.str('SET', 'long-pause', '1');
      await sleep(300);
      assert.equal(st.proxy.pool.heldWriteCount, 1);
      assert.deepEqual(warnings, []);
      assert.equal(await c.str('CLIENT', 'UNPAUSE'), '+OK\r\n');
      assert.equal(await held, '+OK\r\n');
      assert.equal(await ask(st.master.port, 'GET', 'long-pause'), '$1\r\n1\r\n');
    } finally {
      process.off('warning', onWarning);
      c.close();
      w.close();
    }
  });

  it('a master that hangs under a WRITE pause is still taken out; a restart ends an ALL pause\'s allowance', async () => {
    const c = await RawClient.connect(st.port);
    let restarted: ChildServer | null = null;
    try {
      // WRITE: checks are not held by it, so a master that stops answering them is a hang.
      assert.equal(await c.str('CLIENT', 'PAUSE', '60000', 'WRITE'), '+OK\r\n');
      assert.equal(st.proxy.pool.master.pauseAll, false);
      assert.ok(st.proxy.pool.master.pausedUntil > Date.now());
      st.master.proc.kill('SIGSTOP');
      try {
        await waitFor('the hung master to be taken out', () => !st.proxy.pool.master.eligible, 10000);
        assert.equal(st.proxy.pool.master.pausedUntil, 0);
      } finally {
        st.master.proc.kill('SIGCONT');
      }
      assert.equal(await ask(st.master.port, 'CLIENT', 'UNPAUSE'), '+OK\r\n');
      await waitFor('the master to serve again', () => st.proxy.pool.master.eligible, 10000);
      assert.equal(await c.str('SET', 'after-hang', '1'), '+OK\r\n');
      // ALL (Redis 7.0 holds even CLIENT UNPAUSE then), and the master restarts: the pause did not
      // survive it, nor does the proxy's allowance.
      assert.equal(await c.str('CLIENT', 'PAUSE', '60000'), '+OK\r\n');
      assert.equal(st.proxy.pool.master.pauseAll, true);
      const port = st.master.port;
      st.master.proc.kill('SIGKILL');
      await waitFor('the allowance to end', () => st.proxy.pool.master.pausedUntil === 0, 5000);
      assert.equal(st.proxy.pool.master.pauseAll, false);
      restarted = await startRedis([], { port });
      await waitFor('writes to resume', async () => (await c.str('SET', 'after-restart', '1')) === '+OK\r\n', 10000);
    } finally {
      c.close();
      await restarted?.stop();
    }
  });
});

describe('proxy: a RESP3 client whose own master connection never connects', function () {
  this.timeout(30000);
  let st: Stack;
  before(async function () {
    // Checks that would take minutes to give up: the proxy still takes the master as serving.
    const s = await stackWithKey(800, { fall: 100 });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    await st?.stop();
  });

  it('gets the master-down error (nothing was sent), not the lost-reply one', async () => {
    const c = await RawClient.connect(st.port);
    try {
      assert.match(await c.str('HELLO', '3'), /^%/);
      st.master.proc.kill('SIGKILL');
      await sleep(200);
      assert.equal(st.proxy.pool.master.eligible, true);
      assert.match(await c.str('SET', 'down', '1'), /^-MASTERDOWN resplit: the master /);
    } finally {
      c.close();
    }
  });
});

describe('proxy: a busy master and a short request timeout', function () {
  this.timeout(30000);
  let st: Stack;
  before(async function () {
    const s = await stackWithKey(800, { 'health-check-timeout-ms': 300, fall: 3 });
    if (!s) this.skip();
    st = s!;
    assert.equal(await ask(st.master.port, 'CONFIG', 'SET', 'busy-reply-threshold', '100'), '+OK\r\n');
  });
  after(async () => {
    await st?.stop();
  });

  it('requests behind a long script on the shared master connection get their replies once it ends (the checks answer BUSY), not the lost-reply error', async () => {
    const a = await RawClient.connect(st.port);
    const b = await RawClient.connect(st.port);
    try {
      const loop = "local s=redis.call('TIME') local t0=s[1]*1000000+s[2] while true do local n=redis.call('TIME') if n[1]*1000000+n[2]-t0 > 2000000 then break end end return 1";
      const script = a.str('EVAL', loop, '0');
      await sleep(50);
      const write = b.str('INCR', 'n');
      assert.equal(await script, ':1\r\n');
      assert.equal(await write, ':1\r\n');
      assert.equal(st.proxy.pool.master.eligible, true);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('proxy: a replica that refuses reads without its master', function () {
  this.timeout(30000);
  let st: Stack;
  before(async function () {
    // Checks at the default period: Redis answers even PING with MASTERDOWN there, so the checks
    // take it out too, but two periods later; its replies are seen at once.
    const s = await stackWithKey(300, { 'health-check-interval-ms': 1000, fall: 2 });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    await st?.stop();
  });

  it('is taken out at its first MASTERDOWN reply (replica-serve-stale-data no), not left serving errors while the master is down', async () => {
    assert.equal(await ask(st.replicas[1].port, 'CONFIG', 'SET', 'replica-serve-stale-data', 'no'), '+OK\r\n');
    await st.master.kill9();
    const loop = readLoops(st.port, 3, '$1\r\nv\r\n');
    await sleep(1500);
    const { total, bad } = await loop.stop();
    assert.ok(total > 1000, `only ${total} reads`);
    // At most the reads in flight on it when it first answered so (3 clients x 50 pipelined).
    assert.ok(bad.length <= 150, `${bad.length} reads failed: ${bad[0]}`);
    for (const b of bad) assert.match(b, /^-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'\.\r\n$/);
    assert.equal(st.proxy.pool.replicas[1].eligible, false);
    assert.equal(st.proxy.pool.replicas[0].eligible, true, st.proxy.pool.replicas[0].reason);
  });
});

describe('proxy: SCAN across a failover', function () {
  this.timeout(30000);
  let st: Stack;
  before(async function () {
    const s = await stackWithKey(300);
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    await st?.stop();
  });

  it('a scan whose replica dies midway restarts on another backend: every key is returned', async () => {
    const c = await RawClient.connect(st.port);
    try {
      const n = 3000;
      for (let i = 0; i < n; i += 500) {
        const args = ['MSET'];
        for (let j = i; j < i + 500; j++) args.push(`s:${j}`, 'x');
        assert.equal(await c.str(...args), '+OK\r\n');
      }
      await replicasCaughtUp(st);
      const seen = new Set<string>();
      let cursor = '0';
      let pages = 0;
      do {
        const [next, keys] = (await c.value('SCAN', cursor, 'MATCH', 's:*', 'COUNT', '100')) as [Buffer, Buffer[]];
        for (const k of keys) seen.add(k.toString());
        cursor = next.toString();
        if (++pages === 5) {
          // The backend this cursor is bound to (cursor = server cursor x backends + index) goes away.
          const b = st.proxy.pool.all[Number(BigInt(cursor) % BigInt(st.proxy.pool.all.length))];
          assert.equal(b.isMaster, false);
          await st.replicas[b.index - 1].kill9();
        }
      } while (cursor !== '0');
      assert.equal(seen.size, n);
    } finally {
      c.close();
    }
  });
});

describe('proxy: a silent master without a request timeout', function () {
  this.timeout(30000);
  let st: Stack;
  before(async function () {
    const s = await stackWithKey(0);
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    if (st) st.master.proc.kill('SIGCONT');
    await st?.stop();
  });

  it('a write in flight gets the lost-reply error at the checks\' verdict (nothing else would end its wait)', async () => {
    const c = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('SET', 'a', '1'), '+OK\r\n');
      st.master.proc.kill('SIGSTOP');
      const t0 = Date.now();
      assert.match(await c.str('SET', 'a', '2'), /^-ERR resplit: connection to backend 127\.0\.0\.1:\d+ lost before the reply\r\n$/);
      assert.ok(Date.now() - t0 < 5000, `the write waited ${Date.now() - t0} ms`);
      assert.match(await c.str('SET', 'a', '3'), /^-MASTERDOWN /);
    } finally {
      st.master.proc.kill('SIGCONT');
      c.close();
    }
    await waitFor('the master to serve again', () => st.proxy.pool.master.eligible, 10000);
  });
});
