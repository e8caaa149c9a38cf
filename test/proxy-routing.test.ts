// Routing through the proxy: writes to the master, reads spread over the replicas, SELECT, the read
// mode switch, transactions, blocking commands, SCAN cursors pinned to their backend, and the
// commands the proxy answers itself. Backends are real redis-server processes.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RawClient } from './helpers/raw';
import { useProxyStack, startStack, calls, ask, replicasCaughtUp, waitFor, type Stack } from './proxy-helpers';
import { classifyCommand, xreadBlocks, K } from '../src/proxy/classify';
import { allCommands, F } from '../src/resp/commands';
import { encodeCommand } from '../src/resp/encode';
import { buildConfig } from '../src/proxy/config';
import { ProxyServer } from '../src/proxy/server';
import { stats } from '../src/proxy/stats';
import { startRedis } from './helpers/servers';

describe('proxy routing', function () {
  const ctx = useProxyStack();
  let st: Stack;
  let c: RawClient;
  beforeEach(() => {
    st = ctx.stack;
    c = ctx.client;
  });

  it('classifies from the command table and fails closed', () => {
    for (const cmd of allCommands()) {
      if (cmd.subs && !cmd.parent) continue;
      const r = classifyCommand(cmd);
      if (r.kind === K.READ) {
        assert.ok(cmd.bits & F.readonly, `${cmd.fullName} routed as a read without the readonly flag`);
        assert.equal(cmd.bits & (F.write | F.may_replicate | F.blocking | F.pubsub | F.admin), 0, `${cmd.fullName} routed as a read`);
      }
    }
    const kind = (n: string) => classifyCommand(allCommands().find((x) => x.fullName === n)!).kind;
    assert.equal(kind('get'), K.READ);
    assert.equal(kind('eval_ro'), K.SCRIPT_RO);
    assert.equal(kind('fcall_ro'), K.SCRIPT_RO);
    assert.equal(kind('eval'), K.WRITE);
    assert.equal(kind('evalsha'), K.WRITE);
    assert.equal(kind('publish'), K.WRITE);
    // readonly but may_replicate in Redis 7.0 (it may rewrite the HLL's cached cardinality): the
    // issue's rule sends it to the master.
    assert.equal(kind('pfcount'), K.WRITE);
    assert.equal(kind('blpop'), K.BLOCK);
    assert.equal(kind('wait'), K.WAIT);
    assert.equal(kind('monitor'), K.REFUSE);
    assert.equal(kind('config|get'), K.CONFIG_GET);
    assert.equal(kind('config|set'), K.WRITE);
    assert.equal(kind('script|load'), K.NOTED);
    assert.equal(kind('client|pause'), K.NOTED);
    assert.equal(kind('client|unpause'), K.BLOCK);
    assert.equal(kind('script|debug'), K.REFUSE);
    assert.equal(kind('script|flush'), K.NOTED);
    assert.equal(kind('script|exists'), K.WRITE);
    assert.equal(kind('touch'), K.WRITE);
    assert.equal(kind('object|idletime'), K.WRITE);
    assert.equal(kind('object|encoding'), K.READ);
    assert.equal(kind('script|kill'), K.BLOCK);
    assert.equal(kind('function|kill'), K.BLOCK);
    // BLOCK is found as xreadCommand parses options: not a group or consumer spelled "streams"/"block".
    const argv = (s: string) => s.split(' ').map((a) => Buffer.from(a));
    assert.equal(xreadBlocks(argv('XREADGROUP GROUP streams c1 BLOCK 3000 STREAMS st >')), true);
    assert.equal(xreadBlocks(argv('XREADGROUP GROUP g block COUNT 1 STREAMS st >')), false);
    assert.equal(xreadBlocks(argv('XREAD COUNT block STREAMS st 0')), false);
    assert.equal(xreadBlocks(argv('XREAD BLOCK 0 STREAMS st $')), true);
    assert.equal(xreadBlocks(argv('XREADGROUP GROUP g c NOACK BLOCK 10 STREAMS st >')), true);
    assert.equal(xreadBlocks(argv('XREAD STREAMS block 0')), false);
  });

  it('sends writes to the master and spreads reads evenly over the replicas', async () => {
    for (let i = 0; i < 100; i++) c.write(encodeCommand(['SET', `k${i}`, String(i)]));
    await c.read(100);
    await replicasCaughtUp(st);
    for (let i = 0; i < 300; i++) c.write(encodeCommand(['GET', `k${i % 100}`]));
    const replies = await c.read(300);
    replies.forEach((r, i) => assert.equal(r.toString(), `$${String(i % 100).length}\r\n${i % 100}\r\n`));
    assert.equal(await calls(st.master.port, 'set'), 100);
    assert.equal(await calls(st.master.port, 'get'), 0);
    const g = await Promise.all(st.replicas.map((r) => calls(r.port, 'get')));
    // Reads of one event-loop pass go to one replica in turns of up to 128 (see Pool.readBackend).
    assert.equal(g[0] + g[1], 300);
    assert.ok(g[0] >= 100 && g[1] >= 100, `reads spread over both replicas (${g})`);
    // (replicas count the replicated SETs in their commandstats too, so only GETs tell routing apart)
    const info = await c.str('INFO');
    assert.match(info, /# Server\r\n/);
    assert.match(info, /proxy_commands_to_replicas:\d+/);
    // The endpoint's own figures: the proxy's port and client count, not the master's.
    assert.match(info, new RegExp(`\r\ntcp_port:${st.port}\r\n`));
    const server = await c.str('INFO', 'server');
    assert.match(server, new RegExp(`\r\ntcp_port:${st.port}\r\n`));
    assert.doesNotMatch(server, /# Proxy/);
    assert.match(await c.str('INFO', 'clients'), new RegExp(`\r\nconnected_clients:${stats.connectionsCurrent}\r\n`));
    const st2 = await c.str('INFO', 'stats');
    assert.match(st2, new RegExp(`\r\ntotal_connections_received:${stats.connectionsTotal}\r\n`));
    assert.match(st2, new RegExp(`\r\nrejected_connections:${stats.connectionsRejected}\r\n`));
    // ACL WHOAMI: the client's user at the proxy, not the proxy's user at the backends.
    assert.equal(await c.str('ACL', 'WHOAMI'), '$7\r\ndefault\r\n');
  });

  it('unknown commands go to the master and get its error', async () => {
    assert.equal(await c.str('NOSUCHCMD', 'a'), "-ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' \r\n");
  });

  it('a script loaded through the proxy runs with EVALSHA_RO on the replicas, which never need it cached', async () => {
    const sha = (await c.str('SCRIPT', 'LOAD', "return 'hi'")).split('\r\n')[1];
    assert.match(sha, /^[0-9a-f]{40}$/);
    // Redis 7 does not replicate SCRIPT LOAD, and a replica restarted since would not have it: the
    // proxy sends EVALSHA_RO to a replica as EVAL_RO with the body it saw loaded.
    for (const r of st.replicas) assert.equal(await ask(r.port, 'SCRIPT', 'FLUSH'), '+OK\r\n');
    for (let i = 0; i < 6; i++) assert.equal(await c.str('EVALSHA_RO', sha.toUpperCase(), '0'), '$2\r\nhi\r\n');
    assert.equal((await calls(st.replicas[0].port, 'eval_ro')) + (await calls(st.replicas[1].port, 'eval_ro')), 6);
    assert.equal(await calls(st.master.port, 'evalsha_ro'), 0);
    // A SHA1 the proxy did not see loaded goes to the master, whose cache decides (EVAL cached it there).
    assert.equal(await c.str('EVAL', "return 'other'", '0'), '$5\r\nother\r\n');
    const other = (await ask(st.master.port, 'SCRIPT', 'LOAD', "return 'other'")).split('\r\n')[1];
    assert.equal(await c.str('EVALSHA_RO', other, '0'), '$5\r\nother\r\n');
    assert.equal(await calls(st.master.port, 'evalsha_ro'), 1);
    assert.match(await c.str('EVALSHA_RO', 'f'.repeat(40), '0'), /^-NOSCRIPT /);
    // A script the master refuses to compile is not kept: EVALSHA_RO of its SHA1 is NOSCRIPT, as on Redis.
    const bad = 'return (';
    assert.match(await c.str('SCRIPT', 'LOAD', bad), /^-ERR Error compiling script/);
    assert.match(await c.str('EVALSHA_RO', createHash('sha1').update(bad).digest('hex'), '0'), /^-NOSCRIPT /);
    // A script's own error that looks like a replica's refusal does not take the replicas out.
    for (let i = 0; i < 4; i++) assert.equal(await c.str('EVAL_RO', "return redis.error_reply('LOADING not really')", '0'), '-LOADING not really\r\n');
    assert.ok(st.proxy.pool.replicas.every((r) => r.eligible), 'a script error took a replica out');
    // Inside MULTI the cache follows EXEC: a discarded SCRIPT FLUSH forgets nothing.
    assert.equal(await c.str('MULTI'), '+OK\r\n');
    assert.equal(await c.str('SCRIPT', 'FLUSH'), '+QUEUED\r\n');
    assert.match(await c.str('ACL', 'WHOAMI'), /^-ERR resplit: 'ACL WHOAMI' is not supported inside MULTI/);
    assert.equal(await c.str('DISCARD'), '+OK\r\n');
    assert.equal(await c.str('EVALSHA_RO', sha, '0'), '$2\r\nhi\r\n');
    assert.equal(await calls(st.master.port, 'evalsha_ro'), 3, 'the known script went to the master');
    assert.equal(await c.str('MULTI'), '+OK\r\n');
    assert.equal(await c.str('SCRIPT', 'FLUSH'), '+QUEUED\r\n');
    assert.equal(await c.str('EXEC'), '*1\r\n+OK\r\n');
    // Flushed through the proxy: the master answers, as Redis would, NOSCRIPT.
    assert.match(await c.str('EVALSHA_RO', sha, '0'), /^-NOSCRIPT /);
    assert.match(await c.str('SCRIPT', 'LOAD', "return 'hi'"), /^\$40\r\n/);
    assert.equal(await c.str('EVALSHA_RO', sha, '0'), '$2\r\nhi\r\n');
    assert.equal(await c.str('SCRIPT', 'FLUSH'), '+OK\r\n');
    assert.match(await c.str('EVALSHA_RO', sha, '0'), /^-NOSCRIPT /);
  });

  it("a read-only script call with the write flag gets the master's error, not a replica's READONLY", async () => {
    const lib = "#!lua name=rolib\nredis.register_function('wf', function(keys, args) return redis.call('set', keys[1], 'x') end)";
    assert.equal(await c.str('FUNCTION', 'LOAD', 'REPLACE', lib), '$5\r\nrolib\r\n');
    await replicasCaughtUp(st);
    const cases = [
      ['FCALL_RO', 'wf', '1', 'rok'],
      ['EVAL_RO', "#!lua\nreturn redis.call('set', KEYS[1], 'v')", '1', 'rok'],
      ['EVAL_RO', "return redis.call('set', KEYS[1], 'v')", '1', 'rok'],
    ];
    for (const cmd of cases) {
      const want = await ask(st.master.port, ...cmd);
      for (let i = 0; i < 4; i++) assert.equal(await c.str(...cmd), want, cmd[0]);
    }
    assert.equal(await ask(st.master.port, ...cases[0]), '-ERR Can not execute a script with write flag using *_ro command.\r\n');
    // (A replica counts them as rejected calls.)
    let onRep = 0;
    for (const r of st.replicas) onRep += Number(/cmdstat_fcall_ro:.*rejected_calls=(\d+)/.exec(await ask(r.port, 'INFO', 'commandstats'))?.[1] ?? 0);
    assert.equal(onRep, 4, 'FCALL_RO went to the replicas');
    // EVALSHA_RO of a loaded script (sent to a replica as EVAL_RO) too.
    const sha = (await c.str('SCRIPT', 'LOAD', "#!lua\nreturn redis.call('set', KEYS[1], 'v')")).split('\r\n')[1];
    assert.equal(await c.str('EVALSHA_RO', sha, '1', 'rok'), '-ERR Can not execute a script with write flag using *_ro command.\r\n');
    assert.equal(await c.str('FUNCTION', 'DELETE', 'rolib'), '+OK\r\n');
  });

  it('an inline request is sent on as the arguments the proxy read', async () => {
    c.write('SET inl "a b\\x41"\r\nGET inl\r\n');
    const [set, get] = await c.read(2);
    assert.equal(set.toString(), '+OK\r\n');
    assert.equal(get.toString(), '$4\r\na bA\r\n');
  });

  it('a read pipelined behind the same client\'s unanswered write goes to the master and sees it', async () => {
    assert.equal(await c.str('SET', 'rw', 'old'), '+OK\r\n');
    await replicasCaughtUp(st);
    // The replicas stop applying the replication stream for a while: a read they serve is stale.
    for (const r of st.replicas) assert.equal(await ask(r.port, 'CLIENT', 'PAUSE', '1500', 'WRITE'), '+OK\r\n');
    try {
      const reqs = [encodeCommand(['SET', 'rw', 'new'])];
      for (let i = 0; i < 20; i++) reqs.push(encodeCommand(['GET', 'rw']));
      reqs.push(encodeCommand(['INCR', 'rwn']), encodeCommand(['GET', 'rwn']));
      c.write(Buffer.concat(reqs));
      const replies = (await c.read(reqs.length)).map((b) => b.toString());
      assert.equal(replies[0], '+OK\r\n');
      assert.deepEqual(replies.slice(1, 21), new Array(20).fill('$3\r\nnew\r\n'));
      assert.deepEqual(replies.slice(21), [':1\r\n', '$1\r\n1\r\n']);
      // The replicas were asked nothing: every GET followed a write still in flight.
      assert.equal((await calls(st.replicas[0].port, 'get')) + (await calls(st.replicas[1].port, 'get')), 0);
    } finally {
      for (const r of st.replicas) await ask(r.port, 'CLIENT', 'UNPAUSE');
    }
  });

  // Found by the differential fuzz (proxy-fuzz.test.ts): the write went to the master at once and
  // reached the replica through replication before the replica ran the read (98 of 2000 `GET k`
  // `SET k v` pipelines answered v).
  it("a read pipelined before the same client's write does not see it: the write waits for the replica's reply", async () => {
    // Racing: without the wait 1 to 5 in 100 of these reads saw the write. Four clients, RESP2 and
    // RESP3, multibulk and inline (the fast path and the full parser).
    const clients = [c, ...(await Promise.all([1, 2, 3].map(() => RawClient.connect(st.port))))];
    try {
      const seen = await Promise.all(
        clients.map(async (cl, j) => {
          if (j % 2 === 1) assert.match(await cl.str('HELLO', '3'), /^%7/);
          const nil = j % 2 === 1 ? '_\r\n' : '$-1\r\n';
          let bad = 0;
          for (let i = 0; i < 300; i++) {
            const k = `fw:${j}:${i}`;
            const get = j >= 2 ? Buffer.from(`GET ${k}\r\n`) : encodeCommand(['GET', k]);
            cl.write(Buffer.concat([get, encodeCommand(['SET', k, 'new']), encodeCommand(['GET', k])]));
            const r = (await cl.read(3)).map((b) => b.toString());
            if (r[0] !== nil) bad++;
            assert.deepEqual(r.slice(1), ['+OK\r\n', '$3\r\nnew\r\n']);
          }
          return bad;
        }),
      );
      assert.deepEqual(seen, [0, 0, 0, 0], 'reads that saw a write pipelined after them, per client');
    } finally {
      for (const cl of clients.slice(1)) cl.close();
    }
  });

  // Found by the differential fuzz (proxy-fuzz.test.ts): HELLO waits for the replies in flight
  // before switching protocol, and the reads pipelined after it then went to a stale replica.
  it("reads pipelined behind a write and a HELLO that switches protocol still go to the master", async () => {
    assert.equal(await c.str('SET', 'hw', 'old'), '+OK\r\n');
    await replicasCaughtUp(st);
    for (const r of st.replicas) assert.equal(await ask(r.port, 'CLIENT', 'PAUSE', '1500', 'WRITE'), '+OK\r\n');
    try {
      c.write(Buffer.concat([encodeCommand(['SET', 'hw', 'new']), encodeCommand(['HELLO', '3']), encodeCommand(['GET', 'hw']), encodeCommand(['HELLO', '2']), encodeCommand(['GET', 'hw'])]));
      const r = (await c.read(5)).map((b) => b.toString());
      assert.deepEqual([r[0], r[2], r[4]], ['+OK\r\n', '$3\r\nnew\r\n', '$3\r\nnew\r\n']);
    } finally {
      for (const r of st.replicas) await ask(r.port, 'CLIENT', 'UNPAUSE');
    }
  });

  it('reads pipelined behind EXEC, a blocking pop or WAIT go to the master too (they wait for its reply)', async () => {
    assert.equal(await c.str('SET', 'rw', 'old'), '+OK\r\n');
    await replicasCaughtUp(st);
    for (const r of st.replicas) assert.equal(await ask(r.port, 'CLIENT', 'PAUSE', '2000', 'WRITE'), '+OK\r\n');
    try {
      const gets = (k: string) => Array.from({ length: 5 }, () => encodeCommand(['GET', k]));
      c.write(Buffer.concat([encodeCommand(['MULTI']), encodeCommand(['SET', 'rw', 'new']), encodeCommand(['EXEC']), ...gets('rw'), encodeCommand(['SET', 'rw', 'later'])]));
      const r1 = (await c.read(9)).map(String);
      assert.deepEqual(r1.slice(3, 8), new Array(5).fill('$3\r\nnew\r\n'));
      c.write(Buffer.concat([encodeCommand(['RPUSH', 'src', 'a']), encodeCommand(['BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '1']), encodeCommand(['LLEN', 'dst']), encodeCommand(['WAIT', '0', '0']), encodeCommand(['LLEN', 'src'])]));
      assert.deepEqual((await c.read(5)).map(String), [':1\r\n', '$1\r\na\r\n', ':1\r\n', ':0\r\n', ':0\r\n']);
      assert.equal((await calls(st.replicas[0].port, 'get')) + (await calls(st.replicas[1].port, 'get')), 0);
      assert.equal((await calls(st.replicas[0].port, 'llen')) + (await calls(st.replicas[1].port, 'llen')), 0);
    } finally {
      for (const r of st.replicas) await ask(r.port, 'CLIENT', 'UNPAUSE');
    }
    // Sent on their own, after the replies: the replicas serve reads again.
    await replicasCaughtUp(st);
    for (let i = 0; i < 4; i++) assert.equal(await c.str('GET', 'rw'), '$5\r\nlater\r\n');
    assert.ok((await calls(st.replicas[0].port, 'get')) + (await calls(st.replicas[1].port, 'get')) > 0);
  });

  it('keeps the selected db per client, on whichever backend serves it', async () => {
    const d = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('SELECT', '3'), '+OK\r\n');
      assert.equal(await c.str('SET', 'x', 'three'), '+OK\r\n');
      assert.equal(await d.str('SET', 'x', 'zero'), '+OK\r\n');
      await replicasCaughtUp(st);
      assert.equal(await c.str('GET', 'x'), '$5\r\nthree\r\n');
      assert.equal(await d.str('GET', 'x'), '$4\r\nzero\r\n');
      assert.equal(await c.str('GET', 'x'), '$5\r\nthree\r\n');
      assert.equal(await ask(st.master.port, 'SELECT', '3').then(() => ask(st.replicas[0].port, 'DBSIZE')), ':1\r\n');
      assert.equal(await c.str('SELECT', '16'), '-ERR DB index is out of range\r\n');
      assert.equal(await c.str('SELECT', 'x'), '-ERR value is not an integer or out of range\r\n');
      // The proxy answers SELECT itself: its replies are Redis's, for every odd index.
      for (const a of ['-0', '+1', '01', ' 1', '-1', '2147483647', '2147483648', '-2147483649', '4294967296', '1000000000000000000', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '99999999999999999999', '15', '0']) {
        assert.equal(await c.str('SELECT', a), await ask(st.master.port, 'SELECT', a), `SELECT ${JSON.stringify(a)}`);
      }
    } finally {
      d.close();
    }
  });

  it('reads from the master in RESPLIT READMODE MASTER and after READWRITE', async () => {
    await c.str('SET', 'a', '1');
    assert.equal(await c.str('RESPLIT', 'READMODE', 'MASTER'), '+OK\r\n');
    for (let i = 0; i < 10; i++) assert.equal(await c.str('GET', 'a'), '$1\r\n1\r\n');
    assert.equal(await calls(st.master.port, 'get'), 10);
    assert.equal(await c.str('RESPLIT', 'READMODE', 'REPLICA'), '+OK\r\n');
    assert.equal(await c.str('READWRITE'), '+OK\r\n');
    await c.str('GET', 'a');
    assert.equal(await calls(st.master.port, 'get'), 11);
    assert.equal(await c.str('READONLY'), '+OK\r\n');
    await replicasCaughtUp(st);
    await c.str('GET', 'a');
    assert.equal(await calls(st.master.port, 'get'), 11);
    assert.equal(await c.str('RESPLIT', 'READMODE', 'X'), '-ERR resplit: syntax is RESPLIT READMODE MASTER|REPLICA\r\n');
  });

  it('keeps replies in request order when local and forwarded replies mix', async () => {
    await c.str('RESPLIT', 'READMODE', 'MASTER');
    const n = 600;
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0) c.write(encodeCommand(['INCR', 'ctr']));
      else if (i % 3 === 1) c.write(encodeCommand(['ECHO', `e${i}`]));
      else c.write(encodeCommand(['GET', 'ctr']));
    }
    const r = await c.read(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(i / 3) + 1;
      if (i % 3 === 0) assert.equal(r[i].toString(), `:${k}\r\n`);
      else if (i % 3 === 1) assert.equal(r[i].toString(), `$${`e${i}`.length}\r\ne${i}\r\n`);
      else assert.equal(r[i].toString(), `$${String(k).length}\r\n${k}\r\n`);
    }
  });

  it('pins MULTI/EXEC and WATCH to one master connection', async () => {
    c.write(encodeCommand(['MULTI']));
    c.write(encodeCommand(['SET', 't', '1']));
    c.write(encodeCommand(['INCR', 't']));
    c.write(encodeCommand(['GET', 't']));
    c.write(encodeCommand(['EXEC']));
    const r = await c.read(5);
    assert.deepEqual(
      r.map((x) => x.toString()),
      ['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n'],
    );
    // WATCH: a conflicting write from another client aborts the transaction.
    const d = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('WATCH', 't'), '+OK\r\n');
      assert.equal(await c.str('GET', 't'), '$1\r\n2\r\n');
      assert.equal(await d.str('SET', 't', '9'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('SET', 't', '3'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), '*-1\r\n');
      assert.equal(await c.str('EXEC'), '-ERR EXEC without MULTI\r\n');
      // SELECT inside MULTI takes effect at EXEC, for the client's later commands too.
      c.write(encodeCommand(['MULTI']));
      c.write(encodeCommand(['SELECT', '5']));
      c.write(encodeCommand(['SET', 'in5', 'y']));
      c.write(encodeCommand(['EXEC']));
      c.write(encodeCommand(['RESPLIT', 'READMODE', 'MASTER']));
      c.write(encodeCommand(['GET', 'in5']));
      const r2 = await c.read(6);
      assert.equal(r2[3].toString(), '*2\r\n+OK\r\n+OK\r\n');
      assert.equal(r2[5].toString(), '$1\r\ny\r\n');
    } finally {
      d.close();
    }
  });

  it('gives blocking commands their own connection without stalling other clients', async () => {
    const d = await RawClient.connect(st.port);
    try {
      c.write(encodeCommand(['BLPOP', 'q', '5']));
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      assert.equal(await d.str('SET', 'other', 'v'), '+OK\r\n');
      assert.ok(Date.now() - t0 < 500, 'a blocked client stalled another client');
      assert.equal(await d.str('RPUSH', 'q', 'item'), ':1\r\n');
      const [r] = await c.read(1);
      assert.equal(r.toString(), '*2\r\n$1\r\nq\r\n$4\r\nitem\r\n');
      assert.equal(await c.str('BLPOP', 'q', '0.1'), '*-1\r\n');
    } finally {
      d.close();
    }
  });

  it('runs WAIT on its own connection: other clients are not delayed', async () => {
    const d = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
      const t0 = Date.now();
      c.write(encodeCommand(['WAIT', '5', '1000'])); // two replicas only: waits the full second
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await d.str('RESPLIT', 'READMODE', 'MASTER'), '+OK\r\n');
      const t1 = Date.now();
      assert.equal(await d.str('GET', 'k'), '$1\r\nv\r\n');
      assert.equal(await d.str('SET', 'other', 'v'), '+OK\r\n');
      assert.ok(Date.now() - t1 < 300, `another client waited ${Date.now() - t1} ms behind WAIT`);
      const [r] = await c.read(1, 5000);
      assert.equal(r.toString(), ':2\r\n');
      assert.ok(Date.now() - t0 >= 900, 'WAIT returned before its timeout');
      // Pipelined after WAIT: runs once WAIT has answered, in order.
      c.write(Buffer.concat([encodeCommand(['WAIT', '5', '200']), encodeCommand(['GET', 'k'])]));
      assert.deepEqual((await c.read(2, 5000)).map(String), [':2\r\n', '$1\r\nv\r\n']);
    } finally {
      d.close();
    }
  });

  it("WAIT counts only replicas that acknowledged the client's earlier writes", async () => {
    assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
    // Both replicas acknowledged everything so far (their once-a-second REPLCONF ACK).
    await waitFor('replica acks', async () => {
      const text = await ask(st.master.port, 'INFO', 'replication');
      const m = /master_repl_offset:(\d+)/.exec(text)![1];
      return [...text.matchAll(/slave\d+:.*,offset=(\d+),/g)].filter((x) => x[1] === m).length === 2;
    });
    const stopped = st.replicas[0];
    const sub = await RawClient.connect(st.port);
    const psub = '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n';
    assert.equal(await sub.str('PSUBSCRIBE', '*'), psub);
    stopped.proc.kill('SIGSTOP');
    try {
      // The write went over the shared connection and WAIT over a dedicated one: WAIT must still
      // wait for this write (a fresh connection's own write offset would be 0: an instant ':2').
      assert.equal(await c.str('SET', 'k', 'v2'), '+OK\r\n');
      assert.equal(await c.str('WAIT', '2', '300'), ':1\r\n');
      // What moves the offset is seen by no pattern subscriber.
      assert.equal(await sub.str('PING'), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      assert.equal(sub.received().toString('latin1'), psub + '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    } finally {
      sub.close();
      stopped.proc.kill('SIGCONT');
    }
    await replicasCaughtUp(st);
    await waitFor('every backend serving again', () => st.proxy.pool.all.every((b) => b.eligible));
  });

  it("health checks select the proxy's highest db once per connection, not on every check (a client's commandstats stay its own)", async () => {
    assert.equal(await ask(st.master.port, 'CONFIG', 'RESETSTAT'), '+OK\r\n');
    await new Promise((r) => setTimeout(r, 2500)); // two check intervals or more
    assert.match(await ask(st.master.port, 'INFO', 'commandstats'), /cmdstat_ping:calls=[1-9]/);
    assert.doesNotMatch(await ask(st.master.port, 'INFO', 'commandstats'), /cmdstat_select:/);
  });

  it('WAIT from a client that has not written counts every replica at once, as Redis (no offset mark)', async () => {
    const fresh = await RawClient.connect(st.port);
    try {
      // A new connection's write offset is 0 on Redis: every online replica has acknowledged it.
      const direct = await ask(st.master.port, 'WAIT', '0', '0');
      assert.equal(direct, ':2\r\n');
      assert.equal(await fresh.str('WAIT', '0', '0'), direct);
      // Once it has written, WAIT waits for that write (the mark), and both replicas take it.
      assert.equal(await fresh.str('SET', 'wait-fresh', '1'), '+OK\r\n');
      assert.equal(await fresh.str('WAIT', '2', '5000'), ':2\r\n');
    } finally {
      fresh.close();
    }
  });

  it("keeps each replica's offset as the master acknowledges it (RESPLIT BACKENDS ack_offset)", async () => {
    for (let i = 0; i < 20; i++) assert.equal(await c.str('SET', `ack${i}`, 'v'), '+OK\r\n');
    const pool = st.proxy.pool;
    // The master's INFO lists each replica's REPLCONF ACK offset; the proxy's checks take them.
    await waitFor('acknowledged offsets of both replicas', () => pool.master.offset > 0 && pool.replicas.every((r) => r.ackOffset === pool.master.offset));
    const lines = ((await c.value('RESPLIT', 'BACKENDS')) as Buffer[]).map(String);
    for (const r of pool.replicas) assert.ok(lines.some((l) => l.startsWith(`${r.name} replica`) && l.includes(` ack_offset=${pool.master.offset} `)), lines.join('\n'));
  });

  it('continues SCAN cursors on the backend that issued them', async () => {
    const n = 3000;
    for (let i = 0; i < n; i++) c.write(encodeCommand(['SET', `s:${i}`, 'v']));
    await c.read(n);
    await replicasCaughtUp(st);
    const seen = new Map<string, number>();
    let cursor = '0';
    let rounds = 0;
    do {
      const v = (await c.value('SCAN', cursor, 'COUNT', '100')) as [Buffer, Buffer[]];
      cursor = v[0].toString();
      for (const k of v[1]) seen.set(k.toString(), (seen.get(k.toString()) ?? 0) + 1);
      rounds++;
    } while (cursor !== '0');
    assert.ok(rounds > 5);
    assert.equal(seen.size, n);
    assert.ok([...seen.values()].every((x) => x === 1), 'a key was returned twice');
    assert.equal(await c.str('SCAN', 'abc'), '-ERR invalid cursor\r\n');
    assert.equal(await c.str('SCAN', '18446744073709551616'), '-ERR invalid cursor\r\n');
    assert.equal(await c.str('HSCAN', 'h', '99999999999999999999'), '-ERR invalid cursor\r\n');
  });

  it('answers connection commands itself', async () => {
    assert.equal(await c.str('PING'), '+PONG\r\n');
    assert.equal(await c.str('PING', 'hi'), '$2\r\nhi\r\n');
    assert.equal(await c.str('PING', 'a', 'b'), "-ERR wrong number of arguments for 'ping' command\r\n");
    assert.equal(await c.str('SLAVEOF', 'no', 'one', 'x'), "-ERR wrong number of arguments for 'slaveof' command\r\n");
    // CLIENT LIST filters, with Redis 7.0's errors.
    const me = (await c.str('CLIENT', 'ID')).slice(1, -2);
    assert.match(await c.str('CLIENT', 'LIST', 'ID', me), new RegExp(`^\\$\\d+\r\nid=${me} [^\n]*\n\r\n$`));
    assert.equal(await c.str('CLIENT', 'LIST', 'ID', '999999'), '$0\r\n\r\n');
    assert.equal(await c.str('CLIENT', 'LIST', 'ID', 'abc'), '-ERR Invalid client ID\r\n');
    assert.equal(await c.str('CLIENT', 'LIST', 'TYPE', 'pubsub'), '$0\r\n\r\n');
    assert.equal(await c.str('CLIENT', 'LIST', 'TYPE', 'master'), '$0\r\n\r\n');
    assert.match(await c.str('CLIENT', 'LIST', 'TYPE', 'normal'), new RegExp(`id=${me} `));
    assert.match(await c.str('CLIENT', 'INFO'), / cmd=client\|info /);
    // Tracking is never on through the proxy, its clients are never evicted, the Lua debugger is
    // never on: answered as Redis answers a connection without them (the same bytes as the
    // master's, RESP2 and RESP3); turning tracking or the debugger on is refused.
    const asRedis = [
      ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'OFF'], ['CLIENT', 'NO-EVICT', 'x'],
      ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'x'], ['CLIENT', 'TRACKING'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'CACHING', 'x'],
      ['SCRIPT', 'DEBUG', 'no'], ['SCRIPT', 'DEBUG', 'x'], ['SCRIPT', 'DEBUG'], ['CLIENT', 'REPLY', 'on'],
      // TRACKING's options are checked before ON/OFF, as Redis does.
      ['CLIENT', 'TRACKING', 'off', 'BCAST'], ['CLIENT', 'TRACKING', 'OFF', 'optin', 'noloop', 'prefix', 'a', 'optout'],
      ['CLIENT', 'TRACKING', 'off', 'bogus'], ['CLIENT', 'TRACKING', 'on', 'bogus'], ['CLIENT', 'TRACKING', 'off', 'prefix'],
      ['CLIENT', 'TRACKING', 'off', 'redirect', 'abc'], ['CLIENT', 'TRACKING', 'off', 'redirect', '987654321'],
      ['CLIENT', 'TRACKING', 'x', 'bcast'], ['CLIENT', 'REPLY', 'x'], ['CLIENT', 'REPLY', 'on', 'x'],
      // Integers as Redis's string2ll reads them (no leading zero, no "-0", no '+', 64 bits), and
      // EXEC's arity error as an EXECABORT.
      ['CLIENT', 'LIST', 'ID', '007'], ['CLIENT', 'LIST', 'ID', '-0'], ['CLIENT', 'LIST', 'ID', '+5'], ['CLIENT', 'LIST', 'ID', '99999999999999999999'],
      ['CLIENT', 'LIST', 'ID', '9223372036854775807'], ['CLIENT', 'LIST', 'ID', '-5'],
      ['HELLO', '-0'], ['HELLO', '03'], ['HELLO', '+3'], ['HELLO', '1000000000000000000'], ['HELLO', '99999999999999999999'], ['HELLO', '1'],
      ['SELECT', '-0'], ['SELECT', '99999999999999999999'], ['SELECT', '9223372036854775807'],
      ['EXEC', 'foo'], ['DISCARD', 'foo'],
    ];
    for (const cmd of asRedis) {
      assert.equal(await c.str(...cmd), await ask(st.master.port, ...cmd), cmd.join(' '));
    }
    const m3 = await RawClient.connect(st.master.port);
    const p3 = await RawClient.connect(st.port);
    try {
      await m3.str('HELLO', '3');
      await p3.str('HELLO', '3');
      assert.equal(await p3.str('CLIENT', 'TRACKINGINFO'), await m3.str('CLIENT', 'TRACKINGINFO'));
    } finally {
      m3.close();
      p3.close();
    }
    assert.equal(await c.str('SHUTDOWN'), "-ERR resplit: 'SHUTDOWN' is not supported through the proxy\r\n");
    // On a shared master connection the debugger would take over every client's next EVAL.
    assert.equal(await c.str('SCRIPT', 'DEBUG', 'yes'), "-ERR resplit: 'SCRIPT DEBUG' is not supported through the proxy\r\n");
    assert.equal(await c.str('SCRIPT', 'DEBUG', 'SYNC'), "-ERR resplit: 'SCRIPT DEBUG' is not supported through the proxy\r\n");
    assert.equal(await c.str('EVAL', 'return 1', '0'), ':1\r\n');
    assert.equal(await c.str('CLIENT', 'TRACKING', 'on'), "-ERR resplit: 'CLIENT TRACKING' is not supported through the proxy\r\n");
    // A REDIRECT target is one of the proxy's clients (the ids its clients see).
    assert.equal(await c.str('CLIENT', 'TRACKING', 'off', 'REDIRECT', me), '+OK\r\n');
    assert.equal(await c.str('CLIENT', 'TRACKING', 'off', 'REDIRECT', me, 'redirect', me), '-ERR A client can only redirect to a single other client\r\n');
    assert.equal(await calls(st.master.port, 'script|debug'), 0);
    assert.equal(await calls(st.master.port, 'shutdown'), 0);
    assert.equal(await c.str('CLIENT', 'LIST', 'TYPE', 'bogus'), "-ERR Unknown client type 'bogus'\r\n");
    assert.equal(await c.str('CLIENT', 'LIST', 'foo'), '-ERR syntax error\r\n');
    assert.equal(await c.str('ECHO'), "-ERR wrong number of arguments for 'echo' command\r\n");
    assert.equal(await c.str('CLIENT', 'GETNAME'), '$-1\r\n');
    assert.equal(await c.str('CLIENT', 'SETNAME', 'me'), '+OK\r\n');
    assert.equal(await c.str('CLIENT', 'GETNAME'), '$2\r\nme\r\n');
    assert.equal(await c.str('CLIENT', 'SETNAME', 'a b'), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(await c.str('CLIENT', 'SETINFO', 'lib-name', 'x'), '+OK\r\n');
    assert.match(await c.str('CLIENT', 'ID'), /^:\d+\r\n$/);
    assert.match(await c.str('CLIENT', 'INFO'), /name=me .*lib-name=x/);
    assert.match(await c.str('ROLE'), /^\*3\r\n\$6\r\nmaster\r\n:\d+\r\n\*2\r\n/);
    assert.match(await c.str('HELLO', '2'), /^\*14\r\n\$6\r\nserver\r\n/);
    assert.match(await c.str('HELLO', '3'), /^%7\r\n\$6\r\nserver\r\n[^]*\$5\r\nproto\r\n:3\r\n/);
    assert.match(await c.str('HELLO', '2'), /^\*14\r\n/);
    assert.equal(await c.str('HELLO', 'x'), '-ERR Protocol version is not an integer or out of range\r\n');
    assert.equal(await c.str('MONITOR'), '-ERR resplit: MONITOR is not supported through the proxy; connect to a backend directly\r\n');
    assert.match(await c.str('CLIENT', 'REPLY', 'OFF'), /^-ERR resplit: 'CLIENT REPLY' is not supported/);
    assert.equal(await c.str('EXEC'), '-ERR EXEC without MULTI\r\n');
    assert.match(await c.str('CONFIG', 'GET', 'save'), /^\*2\r\n\$4\r\nsave\r\n/);
    assert.match(await c.str('COMMAND', 'COUNT'), /^:\d+\r\n$/);
    assert.match(await c.str('INFO', 'proxy'), /^\$\d+\r\n# Proxy\r\n/);
    assert.equal(await c.str('SELECT', '2'), '+OK\r\n');
    assert.equal(await c.str('RESET'), '+RESET\r\n');
    assert.equal(await c.str('CLIENT', 'GETNAME'), '$-1\r\n');
    assert.equal(await c.str('QUIT'), '+OK\r\n');
    await c.waitClose();
  });
});

describe('proxy requirepass', function () {
  let st: Stack;
  before(async function () {
    const s = await startStack({ replicas: 1, proxy: { requirepass: 'secret' } });
    if (!s) this.skip();
    st = s!;
  });
  after(async () => {
    await st?.stop();
  });

  it('requires AUTH with its own password', async () => {
    const c = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('GET', 'a'), '-NOAUTH Authentication required.\r\n');
      assert.equal(await c.str('AUTH', 'wrong'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      assert.equal(await c.str('AUTH', 'secret'), '+OK\r\n');
      assert.equal(await c.str('SET', 'a', '1'), '+OK\r\n');
      assert.equal(await c.str('RESET'), '+RESET\r\n');
      assert.equal(await c.str('GET', 'a'), '-NOAUTH Authentication required.\r\n');
      assert.match(await c.str('HELLO', '2', 'AUTH', 'default', 'secret'), /^\*14\r\n/);
      assert.equal(await c.str('GET', 'a').then((r) => r[0]), '$');
    } finally {
      c.close();
    }
  });

  it('answers a client that has not authenticated as Redis does: unknown command, arity, then NOAUTH; RESET allowed', async function () {
    const ref = await startRedis(['--requirepass', 'secret']);
    if (!ref) this.skip();
    const p = await RawClient.connect(st.port);
    const d = await RawClient.connect(ref!.port);
    try {
      const seq = [
        ['RESET'], ['EXEC'], ['EXEC', 'x'], ['NOSUCH', 'a', 'b'], ['SET'], ['SET', 'a', 'b'], ['CLIENT'], ['CLIENT', 'NOSUCH'],
        ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'x'], ['GET', 'a'], ['PING'], ['MULTI'], ['ECHO'], ['DISCARD'], ['HELLO', '3'], ['RESET'],
      ];
      for (const cmd of seq) assert.equal(await p.str(...cmd), await d.str(...cmd), cmd.join(' '));
    } finally {
      p.close();
      d.close();
      await ref!.stop();
    }
  });

  it("CONFIG GET shows the proxy's password and port, never the backend's credentials", async () => {
    await ask(st.master.port, 'CONFIG', 'SET', 'masterauth', 'backend-secret');
    await ask(st.master.port, 'CONFIG', 'SET', 'masteruser', 'backend-user');
    const c = await RawClient.connect(st.port);
    try {
      await c.str('AUTH', 'secret');
      const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
      assert.equal(await c.str('CONFIG', 'GET', 'masterauth'), `*2\r\n${bulk('masterauth')}$0\r\n\r\n`);
      assert.equal(await c.str('CONFIG', 'GET', 'requirepass'), `*2\r\n${bulk('requirepass')}${bulk('secret')}`);
      assert.equal(await c.str('CONFIG', 'GET', 'port'), `*2\r\n${bulk('port')}${bulk(String(st.port))}`);
      // Everything else is the master's, untouched.
      assert.equal(await c.str('CONFIG', 'GET', 'maxmemory-policy'), await ask(st.master.port, 'CONFIG', 'GET', 'maxmemory-policy'));
      const all = await c.str('CONFIG', 'GET', '*');
      assert.ok(all.startsWith('*') && all.length > 1000);
      assert.ok(!all.includes('backend-secret') && !all.includes('backend-user'));
      // CONFIG SET of those may repeat what CONFIG GET shows (nothing changes); another value would
      // reconfigure the backend behind the proxy (move the master, drop its password): refused.
      const master = () => ask(st.master.port, 'CONFIG', 'GET', 'port').then((r) => r.split('\r\n')[4]);
      assert.equal(await c.str('CONFIG', 'SET', 'port', String(st.port)), '+OK\r\n');
      assert.equal(await c.str('CONFIG', 'SET', 'masterauth', '', 'REQUIREPASS', 'secret'), '+OK\r\n');
      assert.equal(await master(), String(st.master.port));
      assert.equal(await ask(st.master.port, 'CONFIG', 'GET', 'masterauth'), `*2\r\n${bulk('masterauth')}${bulk('backend-secret')}`);
      for (const [k, v] of [['port', '1'], ['masterauth', 'x'], ['requirepass', ''], ['masteruser', 'u']]) {
        assert.match(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', k, v), new RegExp(`^-ERR resplit: CONFIG SET ${k} through the proxy may only repeat`));
      }
      assert.equal(await ask(st.master.port, 'CONFIG', 'GET', 'maxmemory-policy'), `*2\r\n${bulk('maxmemory-policy')}${bulk('noeviction')}`);
      // bind is the proxy's too (a new one would move the master's listener).
      const masterBind = await ask(st.master.port, 'CONFIG', 'GET', 'bind');
      assert.equal(await c.str('CONFIG', 'GET', 'bind'), `*2\r\n${bulk('bind')}${bulk('127.0.0.1')}`);
      assert.equal(await c.str('CONFIG', 'SET', 'bind', '127.0.0.1'), '+OK\r\n');
      assert.match(await c.str('CONFIG', 'SET', 'bind', '127.0.0.1 ::1'), /^-ERR resplit: CONFIG SET bind through the proxy may only repeat/);
      assert.equal(await ask(st.master.port, 'CONFIG', 'GET', 'bind'), masterBind);
      // A setting named twice: the master's own refusal, nothing applied.
      for (const args of [['port', String(st.port), 'PORT', String(st.port)], ['maxmemory-policy', 'allkeys-lru', 'port', String(st.port), 'maxmemory-policy', 'allkeys-lru']]) {
        assert.match(await c.str('CONFIG', 'SET', ...args), /^-ERR CONFIG SET failed \(possibly related to argument '(PORT|maxmemory-policy)'\) - duplicate parameter\r\n$/);
      }
      assert.equal(await ask(st.master.port, 'CONFIG', 'GET', 'maxmemory-policy'), `*2\r\n${bulk('maxmemory-policy')}${bulk('noeviction')}`);
      // The user the proxy logs in to the backends as (here default) is not changed through it;
      // other users are the master's business.
      assert.match(await c.str('ACL', 'SETUSER', 'default', '>pw'), /^-ERR resplit: ACL SETUSER of 'default', the user the proxy logs in to the backends as/);
      assert.match(await c.str('ACL', 'DELUSER', 'someone', 'default'), /^-ERR resplit: ACL DELUSER of 'default'/);
      assert.equal(await c.str('ACL', 'SETUSER', 'someone', 'on', '>pw'), '+OK\r\n');
      assert.equal(await c.str('ACL', 'DELUSER', 'someone'), ':1\r\n');
      assert.equal(await ask(st.master.port, 'PING'), '+PONG\r\n');
      // The other settings of the same CONFIG SET reach the master.
      assert.equal(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'port', String(st.port)), '+OK\r\n');
      assert.equal(await ask(st.master.port, 'CONFIG', 'GET', 'maxmemory-policy'), `*2\r\n${bulk('maxmemory-policy')}${bulk('allkeys-lru')}`);
      assert.equal(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'), '+OK\r\n');
      // Inside MULTI (where it cannot be answered alone) it aborts the transaction.
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.match(await c.str('CONFIG', 'SET', 'port', String(st.port)), /^-ERR resplit: CONFIG SET of port/);
      assert.match(await c.str('EXEC'), /^-EXECABORT /);
      // RESP3 (a map, on the client's own master connection).
      await c.str('HELLO', '3');
      assert.equal(await c.str('CONFIG', 'GET', 'masterauth'), `%1\r\n${bulk('masterauth')}$0\r\n\r\n`);
    } finally {
      c.close();
      await ask(st.master.port, 'CONFIG', 'SET', 'masterauth', '');
      await ask(st.master.port, 'CONFIG', 'SET', 'masteruser', '');
    }
  });
  it('CONFIG GET is filtered inside MULTI (in EXEC\'s reply), under WATCH and in a RESP3 subscribed tunnel', async () => {
    await ask(st.master.port, 'CONFIG', 'SET', 'masterauth', 'backend-secret');
    const c = await RawClient.connect(st.port);
    const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
    const empty = `*2\r\n${bulk('masterauth')}$0\r\n\r\n`;
    try {
      await c.str('AUTH', 'secret');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('CONFIG', 'GET', 'masterauth'), '+QUEUED\r\n');
      assert.equal(await c.str('ECHO', 'x'), '+QUEUED\r\n');
      assert.equal(await c.str('CONFIG', 'GET', 'port'), '+QUEUED\r\n');
      assert.equal(await c.str('CONFIG', 'GET', 'masterauth'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), `*4\r\n${empty}${bulk('x')}*2\r\n${bulk('port')}${bulk(String(st.port))}${empty}`);
      // Commands Redis answers inside MULTI without queueing them (WATCH, MULTI) do not shift which
      // element of EXEC's reply is filtered.
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.match(await c.str('WATCH', 'x'), /^-ERR WATCH inside MULTI is not allowed/);
      assert.match(await c.str('MULTI'), /^-ERR MULTI calls can not be nested/);
      assert.equal(await c.str('CONFIG', 'GET', 'masterauth'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), `*1\r\n${empty}`);
      assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
      assert.equal(await c.str('CONFIG', 'GET', 'masterauth'), empty);
      assert.equal(await c.str('UNWATCH'), '+OK\r\n');
      // RESP3 subscribed: a message published meanwhile still arrives, CONFIG GET's reply is filtered.
      await c.str('HELLO', '3');
      assert.match(await c.str('SUBSCRIBE', 'ch'), /^>3\r\n/);
      const p = await RawClient.connect(st.port);
      await p.str('AUTH', 'secret');
      c.write('PING\r\nCONFIG GET masterauth\r\nPING after\r\n');
      await p.str('PUBLISH', 'ch', 'hello');
      p.close();
      const replies = (await c.read(4)).map(String);
      assert.ok(replies.includes('+PONG\r\n') && replies.includes(`$5\r\nafter\r\n`), replies.join('|'));
      assert.ok(replies.includes(`%1\r\n${bulk('masterauth')}$0\r\n\r\n`), replies.join('|'));
      assert.ok(replies.some((r) => r.startsWith('>3\r\n') && r.includes('hello')), replies.join('|'));
      assert.ok(replies.indexOf('+PONG\r\n') < replies.indexOf(`$5\r\nafter\r\n`));
      // CONFIG SET and ACL SETUSER are guarded in the tunnel as elsewhere, in order with the rest.
      c.write(`CONFIG SET port 1\r\nCONFIG SET port ${st.port}\r\nCONFIG SET maxmemory-policy noeviction port ${st.port}\r\nACL SETUSER default >pw\r\nPING x\r\n`);
      assert.deepEqual((await c.read(5)).map(String), [
        "-ERR resplit: CONFIG SET port through the proxy may only repeat the value CONFIG GET shows (the proxy's own); connect to the backend to change it there\r\n",
        '+OK\r\n', '+OK\r\n',
        "-ERR resplit: ACL SETUSER of 'default', the user the proxy logs in to the backends as, is not supported through the proxy; connect to the backend to change it there\r\n",
        '$1\r\nx\r\n',
      ]);
      assert.equal(await ask(st.master.port, 'CONFIG', 'GET', 'port'), `*2\r\n${bulk('port')}${bulk(String(st.master.port))}`);
      // Inside MULTI (no barrier can pass a transaction): refused, so EXEC aborts; nothing hangs.
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.match(await c.str('CONFIG', 'GET', 'masterauth'), /^-ERR unknown command 'resplit:config-get-is-not-supported-in-a-subscribed-transaction'/);
      assert.match(await c.str('EXEC'), /^-EXECABORT /);
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('UNSUBSCRIBE', 'nosuch'), '+QUEUED\r\n');
      assert.match(await c.str('EXEC'), /^\*1\r\n/);
      assert.equal(await c.str('PING'), '+PONG\r\n');
    } finally {
      c.close();
      await ask(st.master.port, 'CONFIG', 'SET', 'masterauth', '');
    }
  });
});

describe('proxy backend credentials', function () {
  this.timeout(20000);

  it('wrong backend credentials are reported as such (RESPLIT BACKENDS), and writes get the master-down error', async function () {
    const master = await startRedis(['--requirepass', 'bpass']);
    if (!master) this.skip();
    let proxy: ProxyServer | null = null;
    try {
      const cfg = buildConfig({ port: 0, master: `127.0.0.1:${master!.port}`, 'backend-password': 'wrong', 'health-check-interval-ms': 50, 'health-check-timeout-ms': 400, 'connect-timeout-ms': 500 }, {});
      proxy = new ProxyServer(cfg, cfg.master!, cfg.replicas);
      await proxy.start();
      const m = proxy.pool.master;
      await waitFor('a failed check', () => m.reason.startsWith('down ('));
      assert.match(m.reason, /^down \(AUTH with backend-password failed: WRONGPASS/);
      const c = await RawClient.connect(proxy.port);
      assert.match(await c.str('RESPLIT', 'BACKENDS'), /reason=down \(AUTH with backend-password failed/);
      assert.match(await c.str('SET', 'a', '1'), /^-MASTERDOWN /);
      c.close();
    } finally {
      await proxy?.stop();
      await master!.stop();
    }
  });
});

describe('proxy databases against a backend with fewer', function () {
  this.timeout(20000);

  it("a backend that refuses SELECT of the proxy's highest db serves nothing, with the reason; a proxy with as many databases uses it", async function () {
    const master = await startRedis(['--databases', '4']);
    if (!master) this.skip();
    let proxy: ProxyServer | null = null;
    const opts = { port: 0, master: `127.0.0.1:${master!.port}`, 'health-check-interval-ms': 50, 'health-check-timeout-ms': 400, 'connect-timeout-ms': 500 };
    try {
      // SELECT 5 refused there, the request pipelined behind it would have run in db 0.
      let cfg = buildConfig(opts, {});
      proxy = new ProxyServer(cfg, cfg.master!, cfg.replicas);
      await proxy.start();
      const m = proxy.pool.master;
      await waitFor('a failed check', () => m.reason.startsWith('down ('));
      assert.match(m.reason, /^down \(SELECT 15 refused \(ERR DB index is out of range\)/);
      const c = await RawClient.connect(proxy.port);
      assert.equal(await c.str('SELECT', '5'), '+OK\r\n');
      assert.match(await c.str('SET', 'a', '1'), /^-MASTERDOWN /);
      c.close();
      assert.equal(await ask(master!.port, 'DBSIZE'), ':0\r\n');
      await proxy.stop();
      cfg = buildConfig({ ...opts, databases: 4 }, {});
      proxy = new ProxyServer(cfg, cfg.master!, cfg.replicas);
      await proxy.start();
      await waitFor('the master serving', () => proxy!.pool.master.eligible);
      const d = await RawClient.connect(proxy.port);
      assert.equal(await d.str('SELECT', '3'), '+OK\r\n');
      assert.equal(await d.str('SET', 'a', '1'), '+OK\r\n');
      d.close();
    } finally {
      await proxy?.stop();
      await master!.stop();
    }
  });
});
