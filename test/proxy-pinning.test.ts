// Leaving the pinned states: a pub/sub tunnel ends with RESET or when no subscription is left (as a
// Redis connection leaves subscribed mode), and MULTI refuses what the proxy cannot run inside a
// transaction (what it refuses anyway, connection-level commands, subscribing) with EXECABORT at EXEC.
// Backends are real redis-server processes.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { startRedis, type ChildServer } from './helpers/servers';
import { useProxyStack, startProxy, calls, ask } from './proxy-helpers';
import type { ProxyServer } from '../src/proxy/server';

const EXECABORT = '-EXECABORT Transaction discarded because of previous errors.\r\n';
const sub = (kind: string, ch: string, n: number) => `*3\r\n$${kind.length}\r\n${kind}\r\n$${ch.length}\r\n${ch}\r\n:${n}\r\n`;
const inMulti = (name: string) => `-ERR resplit: '${name}' is not supported inside MULTI through the proxy\r\n`;

describe('proxy pinning', function () {
  const ctx = useProxyStack();
  let c: RawClient;
  beforeEach(() => {
    c = ctx.client;
  });

  describe('pub/sub tunnel', () => {
    it('RESET in a tunnel is the proxy\'s: the client is reset and routed normally again', async () => {
      const id = await c.str('CLIENT', 'ID');
      assert.equal(await c.str('CLIENT', 'SETNAME', 'n1'), '+OK\r\n');
      assert.equal(await c.str('SUBSCRIBE', 'c'), sub('subscribe', 'c', 1));
      assert.equal(await c.str('RESET'), '+RESET\r\n');
      assert.equal(await c.str('CLIENT', 'ID'), id);
      assert.equal(await c.str('CLIENT', 'GETNAME'), '$-1\r\n');
      assert.match(await c.str('RESPLIT', 'BACKENDS'), /^\*3\r\n/);
      assert.equal(await c.str('READWRITE'), '+OK\r\n');
      assert.match(await c.str('MONITOR'), /^-ERR resplit: MONITOR is not supported/);
      assert.match(await c.str('SLAVEOF', 'NO', 'ONE'), /^-ERR resplit: 'SLAVEOF' is not supported/);
      assert.equal(await calls(ctx.stack.master.port, 'reset'), 0);
      assert.equal(await calls(ctx.stack.master.port, 'slaveof'), 0);
      // No longer subscribed: a message to the channel does not reach the client.
      assert.equal(await ask(ctx.stack.port, 'PUBLISH', 'c', 'x'), ':0\r\n');
    });

    it('answers RESET after the tunnel replies pipelined before it', async () => {
      const id = await c.str('CLIENT', 'ID');
      c.write('SUBSCRIBE a b\r\nRESET\r\nPING\r\nCLIENT ID\r\n');
      const rs = await c.read(5);
      assert.deepEqual(rs.map(String), [sub('subscribe', 'a', 1), sub('subscribe', 'b', 2), '+RESET\r\n', '+PONG\r\n', id]);
    });

    it('leaves the tunnel when (P)UNSUBSCRIBE brings the count to 0', async () => {
      const id = await c.str('CLIENT', 'ID');
      assert.equal(await c.str('SUBSCRIBE', 'a'), sub('subscribe', 'a', 1));
      assert.equal(await c.str('PSUBSCRIBE', 'p*'), sub('psubscribe', 'p*', 2));
      assert.equal(await c.str('UNSUBSCRIBE', 'a'), sub('unsubscribe', 'a', 1));
      // Still subscribed: Redis answers PING in the pub/sub form.
      assert.equal(await c.str('PING'), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      assert.equal(await ask(ctx.stack.port, 'PUBLISH', 'px', 'm1'), ':1\r\n');
      assert.equal((await c.read(1))[0].toString(), '*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npx\r\n$2\r\nm1\r\n');
      assert.equal(await c.str('PUNSUBSCRIBE'), sub('punsubscribe', 'p*', 0));
      assert.equal(await c.str('CLIENT', 'ID'), id);
      assert.equal(await c.str('PING'), '+PONG\r\n');
      assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
      assert.match(await c.str('MONITOR'), /^-ERR resplit: MONITOR/);
      // Requests pipelined right after the last UNSUBSCRIBE are answered in order.
      assert.equal(await c.str('SUBSCRIBE', 'a'), sub('subscribe', 'a', 1));
      c.write('UNSUBSCRIBE\r\nCLIENT ID\r\nRESPLIT READMODE MASTER\r\nGET k\r\n');
      const rs = await c.read(4);
      assert.deepEqual(rs.map(String), [sub('unsubscribe', 'a', 0), id, '+OK\r\n', '$1\r\nv\r\n']);
    });

    it('counts shard channels apart: SUNSUBSCRIBE to 0 with channels left stays subscribed', async () => {
      const id = await c.str('CLIENT', 'ID');
      assert.equal(await c.str('SSUBSCRIBE', 's'), sub('ssubscribe', 's', 1));
      assert.equal(await c.str('SUBSCRIBE', 'c'), sub('subscribe', 'c', 1));
      assert.equal(await c.str('SUNSUBSCRIBE'), sub('sunsubscribe', 's', 0));
      assert.equal(await c.str('PING'), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      assert.equal(await c.str('UNSUBSCRIBE'), sub('unsubscribe', 'c', 0));
      assert.equal(await c.str('CLIENT', 'ID'), id);
    });

    it('a RESP3 subscriber leaves the tunnel at 0 too', async () => {
      const id = await c.str('CLIENT', 'ID');
      await c.str('HELLO', '3');
      assert.equal(await c.str('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      assert.equal(await c.str('UNSUBSCRIBE', 'ch'), '>3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n');
      assert.equal(await c.str('CLIENT', 'ID'), id);
      assert.equal(await c.str('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      assert.equal(await c.str('RESET'), '+RESET\r\n');
      assert.equal(await c.str('CLIENT', 'ID'), id);
    });

    it('a RESP3 subscriber in a transaction: RESET and a protocol error are answered (the backend would queue the barrier)', async () => {
      const id = await c.str('CLIENT', 'ID');
      await c.str('HELLO', '3');
      assert.equal(await c.str('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      c.write('MULTI\r\nSET tk v\r\nRESET\r\nCLIENT ID\r\nGET tk\r\n');
      assert.deepEqual((await c.read(5)).map(String), ['+OK\r\n', '+QUEUED\r\n', '+RESET\r\n', id, '$-1\r\n']);
      // RESET went back to RESP2; the queued SET never ran.
      assert.equal(await ask(ctx.stack.port, 'EXISTS', 'tk'), ':0\r\n');
      await c.str('HELLO', '3');
      assert.equal(await c.str('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      c.write('PING\r\n*abc\r\n');
      await c.waitClose();
      assert.match(c.received().toString(), /\+QUEUED\r\n-ERR Protocol error: invalid multibulk length\r\n$/);
    });

    it("a RESP3 subscriber's commands that the proxy refuses or answers itself do not reach the backend as they are", async () => {
      const id = await c.str('CLIENT', 'ID');
      await c.str('HELLO', '3');
      assert.equal(await c.str('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      c.write('CLIENT ID\r\nREPLICAOF NO ONE\r\nCLIENT REPLY OFF\r\nCLIENT SETNAME sub1\r\nPING\r\nSELECT 2\r\nHELLO 2\r\nCLIENT GETNAME\r\n');
      assert.deepEqual((await c.read(8)).map(String), [
        id,
        "-ERR resplit: 'REPLICAOF' is not supported through the proxy\r\n",
        "-ERR resplit: 'CLIENT REPLY' is not supported through the proxy\r\n",
        '+OK\r\n',
        '+PONG\r\n',
        '+OK\r\n',
        "-ERR resplit: 'HELLO' is not supported while subscribed through the proxy (RESET or unsubscribe first)\r\n",
        '$4\r\nsub1\r\n',
      ]);
      // Inside a transaction: refused at queue time, so EXEC aborts.
      c.write('MULTI\r\nCLIENT ID\r\nEXEC\r\n');
      const [ok, err, exec] = (await c.read(3)).map(String);
      assert.deepEqual([ok, exec], ['+OK\r\n', '-EXECABORT Transaction discarded because of previous errors.\r\n']);
      assert.match(err, /^-ERR unknown command 'resplit:client-id-is-not-supported-in-a-subscribed-transaction'/);
      // MULTI and DISCARD with arguments are refused by Redis and change nothing: no transaction
      // opened, or the open one goes on (the barrier of CLIENT ID must not be queued).
      c.write('MULTI x\r\nCLIENT ID\r\nMULTI\r\nDISCARD x\r\nDISCARD\r\nCLIENT ID\r\n');
      const rs = (await c.read(6)).map(String);
      assert.match(rs[0], /^-ERR wrong number of arguments for 'multi' command/);
      assert.deepEqual([rs[1], rs[2], rs[4], rs[5]], [id, '+OK\r\n', '+OK\r\n', id]);
      assert.match(rs[3], /^-ERR wrong number of arguments for 'discard' command/);
      // The SELECT made in the tunnel is the client's db after it.
      assert.equal(await c.str('UNSUBSCRIBE'), '>3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n');
      assert.equal(await c.str('SET', 'indb2', 'v'), '+OK\r\n');
      assert.equal(await ask(ctx.stack.master.port, 'EXISTS', 'indb2'), ':0\r\n');
      assert.match(await ask(ctx.stack.master.port, 'INFO', 'keyspace'), /db2:keys=1,/);
      assert.equal(await calls(ctx.stack.master.port, 'replicaof'), 0);
      assert.equal(await calls(ctx.stack.master.port, 'client|reply'), 0);
    });

    // Found by the differential fuzz (proxy-fuzz.test.ts): the tunnel took the WATCH connection and
    // closed it at the end, so EXEC ran although a watched key had changed (Redis keeps a subscribed
    // client's watched keys).
    it('keeps a WATCH across a subscription: EXEC fails after the watched key changed', async () => {
      assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
      assert.equal(await c.str('SUBSCRIBE', 'c'), sub('subscribe', 'c', 1));
      assert.equal(await c.str('UNSUBSCRIBE', 'c'), sub('unsubscribe', 'c', 0));
      assert.equal(await c.str('SET', 'k', '1'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), '*-1\r\n');
      // An UNSUBSCRIBE while not subscribed (a tunnel that ends at once) keeps it too; another client's write.
      assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
      assert.equal(await c.str('UNSUBSCRIBE'), '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n');
      assert.equal(await ask(ctx.stack.port, 'SET', 'k', '2'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('EXEC'), '*-1\r\n');
      // Untouched, the transaction runs, and the client is routed normally after it.
      assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
      assert.equal(await c.str('SUBSCRIBE', 'c'), sub('subscribe', 'c', 1));
      assert.equal(await c.str('UNSUBSCRIBE', 'c'), sub('unsubscribe', 'c', 0));
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), '*1\r\n$1\r\n2\r\n');
      assert.equal(await c.str('SET', 'k', '3'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('EXEC'), '*0\r\n');
    });

    it('keeps a WATCH made by a RESP3 subscriber after the subscription ends', async () => {
      assert.match(await c.str('HELLO', '3'), /^%7/);
      assert.equal(await c.str('SUBSCRIBE', 'c'), '>3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n');
      assert.equal(await c.str('WATCH', 'k'), '+OK\r\n');
      assert.equal(await c.str('UNSUBSCRIBE', 'c'), '>3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n');
      assert.equal(await ask(ctx.stack.port, 'SET', 'k', '2'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('EXEC'), '_\r\n');
    });

    it('a protocol error after SUBSCRIBE comes after the subscribe reply', async () => {
      c.write('SUBSCRIBE x\r\n*1\r\n$a\r\n');
      await c.waitClose();
      // (+OK: the FLUSHALL of beforeEach.)
      assert.equal(c.received().toString(), '+OK\r\n' + sub('subscribe', 'x', 1) + '-ERR Protocol error: invalid bulk length\r\n');
    });
  });

  describe('ordering behind a blocking command', () => {
    it('a request in a later read waits for a BLPOP still blocked', async () => {
      // Multibulk, as clients send them (the fast path takes those; inline requests never).
      c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n1\r\n');
      await new Promise((r) => setTimeout(r, 200));
      c.write('*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\nx\r\n');
      assert.deepEqual((await c.read(2, 5000)).map(String), ['*-1\r\n', ':1\r\n']);
    });

    it('a tunnel barrier refused with BUSY (a script runs on the master) does not hang the client: one reply per request, as Redis', async () => {
      const m = ctx.stack.master.port;
      assert.equal(await ask(m, 'CONFIG', 'SET', 'busy-reply-threshold', '100'), '+OK\r\n');
      const script = "local t=tonumber(redis.call('TIME')[1])+2 while tonumber(redis.call('TIME')[1])<t do end return 1";
      const busy = await RawClient.connect(m);
      const c3 = await RawClient.connect(ctx.stack.port);
      try {
        assert.equal(await c.str('SUBSCRIBE', 'a'), sub('subscribe', 'a', 1));
        assert.match(await c3.str('HELLO', '3'), /^%/);
        assert.match(await c3.str('SUBSCRIBE', 'b'), /^>3\r\n/);
        const ran = busy.str('EVAL', script, '0');
        await new Promise((r) => setTimeout(r, 300));
        // RESP2: UNSUBSCRIBE is refused (its barrier PING too, which the client never sees).
        c.write('*2\r\n$11\r\nUNSUBSCRIBE\r\n$1\r\na\r\n');
        // RESP3: RESET is allowed during a script on Redis; through the proxy it comes after its barrier.
        c3.write('*1\r\n$5\r\nRESET\r\n');
        const [r1] = (await c.read(1, 10000)).map(String);
        assert.match(r1, /^-BUSY /);
        assert.equal((await c3.read(1, 10000)).map(String)[0], '+RESET\r\n');
        assert.equal(await ran, ':1\r\n');
        // Nothing more is owed, and both clients go on.
        assert.equal(await c.str('PING'), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
        assert.equal(await c.str('UNSUBSCRIBE', 'a'), sub('unsubscribe', 'a', 0));
        assert.equal(await c.str('PING'), '+PONG\r\n');
        assert.equal(await c3.str('PING'), '+PONG\r\n');
      } finally {
        busy.close();
        c3.close();
        await ask(m, 'CONFIG', 'SET', 'busy-reply-threshold', '5000');
      }
    });

    it('CLIENT LIST shows a client blocked on its own connection with flag b, as Redis does', async () => {
      const id = (await c.str('CLIENT', 'ID')).slice(1, -2);
      const other = await RawClient.connect(ctx.stack.port);
      const flags = async () => /flags=(\w+)/.exec(await other.str('CLIENT', 'LIST', 'ID', id))![1];
      try {
        assert.equal(await flags(), 'N');
        c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n5\r\n');
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await flags(), 'b');
        assert.equal(await other.str('RPUSH', 'q', 'x'), ':1\r\n');
        assert.deepEqual((await c.read(1, 5000)).map(String), ['*2\r\n$1\r\nq\r\n$1\r\nx\r\n']);
        assert.equal(await flags(), 'N');
        // Under WATCH (its own connection already) too; MULTI is x.
        assert.equal(await c.str('WATCH', 'w'), '+OK\r\n');
        c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n5\r\n');
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await flags(), 'b');
        assert.equal(await other.str('RPUSH', 'q', 'y'), ':1\r\n');
        assert.equal((await c.read(1, 5000)).map(String)[0], '*2\r\n$1\r\nq\r\n$1\r\ny\r\n');
        assert.equal(await c.str('MULTI'), '+OK\r\n');
        assert.equal(await flags(), 'x');
        assert.equal(await c.str('DISCARD'), '+OK\r\n');
        assert.equal(await flags(), 'N');
      } finally {
        other.close();
      }
    });
  });

  describe('MULTI', () => {
    it('refuses what the proxy refuses anyway, and EXEC aborts', async () => {
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('SET', 'k', '1'), '+QUEUED\r\n');
      assert.match(await c.str('SLAVEOF', 'NO', 'ONE'), /^-ERR resplit: 'SLAVEOF' is not supported through the proxy\r\n$/);
      assert.match(await c.str('REPLICAOF', 'NO', 'ONE'), /^-ERR resplit: 'REPLICAOF' is not supported/);
      assert.match(await c.str('MONITOR'), /^-ERR resplit: MONITOR is not supported/);
      assert.match(await c.str('CLIENT', 'KILL', 'ID', '12345'), /^-ERR resplit: 'CLIENT KILL' is not supported/);
      assert.match(await c.str('CLIENT', 'REPLY', 'OFF'), /^-ERR resplit: 'CLIENT REPLY' is not supported/);
      assert.match(await c.str('CLIENT', 'TRACKING', 'ON'), /^-ERR resplit: 'CLIENT TRACKING' is not supported/);
      assert.equal(await c.str('EXEC'), EXECABORT);
      assert.equal(await c.str('RESPLIT', 'READMODE', 'MASTER'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '$-1\r\n');
      assert.equal(await c.str('EXEC'), '-ERR EXEC without MULTI\r\n');
      const m = ctx.stack.master.port;
      for (const cmd of ['slaveof', 'replicaof', 'monitor', 'client|kill', 'client|reply', 'client|tracking', 'exec']) assert.equal(await calls(m, cmd), 0, cmd);
      assert.match(await ask(m, 'ROLE'), /^\*3\r\n\$6\r\nmaster\r\n/);
      // The next transaction is clean; after WATCH too.
      assert.equal(await c.str('WATCH', 'w'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('SET', 'k', '2'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), '*1\r\n+OK\r\n');
      assert.equal(await c.str('WATCH', 'w'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.match(await c.str('MONITOR'), /^-ERR resplit: MONITOR/);
      assert.equal(await c.str('EXEC'), EXECABORT);
      // DISCARD of a flagged transaction is a plain DISCARD.
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.match(await c.str('MONITOR'), /^-ERR resplit: MONITOR/);
      assert.equal(await c.str('DISCARD'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '$1\r\n2\r\n');
    });

    it('refuses connection-level commands; SELECT still works', async () => {
      assert.equal(await c.str('CLIENT', 'SETNAME', 'app1'), '+OK\r\n');
      const id = await c.str('CLIENT', 'ID');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('CLIENT', 'GETNAME'), inMulti('CLIENT GETNAME'));
      assert.equal(await c.str('CLIENT', 'ID'), inMulti('CLIENT ID'));
      assert.equal(await c.str('PING'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), EXECABORT);
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('CLIENT', 'SETNAME', 'x'), inMulti('CLIENT SETNAME'));
      assert.equal(await c.str('READWRITE'), inMulti('READWRITE'));
      assert.equal(await c.str('EXEC'), EXECABORT);
      assert.equal(await c.str('CLIENT', 'GETNAME'), '$4\r\napp1\r\n');
      assert.equal(await c.str('CLIENT', 'ID'), id);
      assert.equal(await calls(ctx.stack.master.port, 'client|setname'), 0);
      // SELECT inside MULTI takes effect at EXEC, for the transaction and the client's later commands.
      assert.equal(await c.str('RESPLIT', 'READMODE', 'MASTER'), '+OK\r\n');
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('SELECT', '1'), '+QUEUED\r\n');
      assert.equal(await c.str('SET', 'k', 'in1'), '+QUEUED\r\n');
      assert.equal(await c.str('EXEC'), '*2\r\n+OK\r\n+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '$3\r\nin1\r\n');
      assert.match(await c.str('CLIENT', 'INFO'), / db=1 /);
      assert.equal(await c.str('SELECT', '0'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '$-1\r\n');
    });

    it('a client whose WATCH or MULTI connection is lost is closed, not carried on unpinned', async () => {
      const m = ctx.stack.master.port;
      const killWhere = async (field: string) => {
        const list = await ask(m, 'CLIENT', 'LIST');
        const id = new RegExp(`id=(\\d+) [^\\n]* ${field} `).exec(list)![1];
        assert.equal(await ask(m, 'CLIENT', 'KILL', 'ID', id), ':1\r\n');
      };
      assert.equal(await c.str('SET', 'w', 'theirs'), '+OK\r\n');
      assert.equal(await c.str('WATCH', 'w'), '+OK\r\n');
      assert.equal(await ask(ctx.stack.port, 'SET', 'w', 'changed'), '+OK\r\n');
      await killWhere('cmd=watch');
      // Redis would answer EXEC with nil (the watched key changed); unpinned, it would run the SET.
      await c.waitClose();
      assert.equal(await ask(ctx.stack.port, 'GET', 'w'), '$7\r\nchanged\r\n');
      const c2 = await RawClient.connect(ctx.stack.port);
      try {
        assert.equal(await c2.str('MULTI'), '+OK\r\n');
        assert.equal(await c2.str('SET', 't1', 'x'), '+QUEUED\r\n');
        await killWhere('flags=x');
        await c2.waitClose();
        assert.equal(await ask(ctx.stack.port, 'EXISTS', 't1'), ':0\r\n');
      } finally {
        c2.close();
      }
    });

    it('refuses SUBSCRIBE and PSUBSCRIBE', async () => {
      assert.equal(await c.str('MULTI'), '+OK\r\n');
      assert.equal(await c.str('SUBSCRIBE', 'ch'), inMulti('SUBSCRIBE'));
      assert.equal(await c.str('PSUBSCRIBE', 'p*'), inMulti('PSUBSCRIBE'));
      assert.equal(await c.str('EXEC'), EXECABORT);
      assert.equal(await ask(ctx.stack.port, 'PUBLISH', 'ch', 'x'), ':0\r\n');
      assert.equal(await c.str('PING'), '+PONG\r\n');
      assert.equal(await calls(ctx.stack.master.port, 'subscribe'), 0);
    });
  });
});

describe('proxy pinning with backend credentials', function () {
  let master: ChildServer | null = null;
  let proxy: ProxyServer | null = null;
  before(async function () {
    master = await startRedis(['--requirepass', 'bpw']);
    if (!master) this.skip();
    proxy = await startProxy(master!.port, [], { 'backend-password': 'bpw' });
  });
  after(async () => {
    await proxy?.stop();
    await master?.stop();
  });

  it('RESET in a tunnel does not log the client out of the backend', async () => {
    const c = await RawClient.connect(proxy!.port);
    try {
      assert.equal(await c.str('SUBSCRIBE', 'c'), sub('subscribe', 'c', 1));
      assert.equal(await c.str('RESET'), '+RESET\r\n');
      assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
      assert.equal(await c.str('GET', 'k'), '$1\r\nv\r\n');
    } finally {
      c.close();
    }
  });
});
