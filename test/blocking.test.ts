// Blocking list commands with several real TCP clients. Each scenario runs against our store and,
// when available, against a real redis-server; the transcripts of replies must be identical, and
// the key facts are also asserted directly (so the suite still tests something without Redis).
import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { startStore, startRedis, type InProcessStore, type ChildServer } from './helpers/servers';

type Scenario = (port: number) => Promise<string[]>;

/** Waits until the server reports n blocked clients. */
async function waitBlocked(c: RawClient, n: number): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const info = await c.str('INFO', 'clients');
    const m = /blocked_clients:(\d+)/.exec(info);
    if (m && Number(m[1]) === n) return;
    if (Date.now() > deadline) throw new Error(`expected ${n} blocked clients: ${m?.[1]}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Opens n clients on a port (FLUSHALL first), runs fn, closes them. */
async function withClients(port: number, n: number, fn: (cs: RawClient[]) => Promise<string[]>): Promise<string[]> {
  const cs: RawClient[] = [];
  try {
    for (let i = 0; i < n; i++) cs.push(await RawClient.connect(port));
    await cs[0].send('FLUSHALL');
    return await fn(cs);
  } finally {
    for (const c of cs) c.close();
  }
}

const s = (b: Buffer[]): string[] => b.map((x) => x.toString('latin1'));

function send(c: RawClient, ...args: string[]): void {
  c.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`);
}

const scenarios: Record<string, Scenario> = {
  'clients are served in the order they blocked (FIFO per key)': (port) =>
    withClients(port, 3, async ([a, b, c]) => {
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      send(b, 'BRPOP', 'other', 'l', '0');
      await waitBlocked(c, 2);
      const push = await c.str('RPUSH', 'l', 'x', 'y', 'z');
      const out = [push, ...s(await a.read()), ...s(await b.read()), await c.str('LRANGE', 'l', '0', '-1')];
      return out;
    }),
  'timeouts reply a nil array (RESP2 and RESP3), including BLMOVE and BLMPOP': (port) =>
    withClients(port, 2, async ([a, c]) => {
      const t0 = Date.now();
      const out = [await a.str('BLPOP', 'l', '0.05'), await a.str('BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0.05'), await a.str('BRPOPLPUSH', 'l', 'd', '0.05'), await a.str('BLMPOP', '0.05', '1', 'l', 'LEFT')];
      assert.ok(Date.now() - t0 >= 190, 'timeouts waited');
      await a.send('HELLO', '3');
      out.push(await a.str('BRPOP', 'l', '0.05'), await a.str('BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0.05'));
      out.push(await c.str('INFO', 'clients').then((i) => /blocked_clients:\d+/.exec(i)![0]));
      return out;
    }),
  'a client that disconnects while blocked is forgotten': (port) =>
    withClients(port, 3, async ([a, b, c]) => {
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      a.close();
      await waitBlocked(c, 0);
      send(b, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      return [await c.str('RPUSH', 'l', 'v'), ...s(await b.read()), await c.str('EXISTS', 'l')];
    }),
  'a push inside MULTI wakes the client after EXEC, from the final list': (port) =>
    withClients(port, 2, async ([a, c]) => {
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('MULTI'), await c.str('RPUSH', 'l', 'a', 'b'), await c.str('LPUSH', 'l', 'c'), await c.str('LLEN', 'l'), await c.str('EXEC')];
      out.push(...s(await a.read()), await c.str('LRANGE', 'l', '0', '-1'));
      // Pushed and deleted in one transaction: the client stays blocked.
      send(a, 'BLPOP', 'm', '0');
      await waitBlocked(c, 1);
      out.push(await c.str('MULTI'), await c.str('RPUSH', 'm', 'x'), await c.str('DEL', 'm'), await c.str('EXEC'));
      await waitBlocked(c, 1);
      out.push(await c.str('RPUSH', 'm', 'y'), ...s(await a.read()));
      return out;
    }),
  'the ready key serves, not the first key named': (port) =>
    withClients(port, 2, async ([a, c]) => {
      send(a, 'BLPOP', 'k1', 'k2', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('MULTI'), await c.str('RPUSH', 'k2', '1'), await c.str('RPUSH', 'k1', '2'), await c.str('EXEC')];
      out.push(...s(await a.read()), await c.str('LRANGE', 'k1', '0', '-1'));
      return out;
    }),
  'BLMOVE chains hand an element along, BLMPOP gets the rest': (port) =>
    withClients(port, 4, async ([a, b, d, c]) => {
      send(a, 'BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0');
      await waitBlocked(c, 1);
      send(b, 'BRPOPLPUSH', 'b', 'c', '0');
      await waitBlocked(c, 2);
      send(d, 'BLMPOP', '0', '2', 'x', 'c', 'RIGHT', 'COUNT', '5');
      await waitBlocked(c, 3);
      const out = [await c.str('RPUSH', 'a', 'v1', 'v2')];
      out.push(...s(await a.read()), ...s(await b.read()), ...s(await d.read()));
      out.push(await c.str('KEYS', '*'), await c.str('LRANGE', 'a', '0', '-1'));
      return out;
    }),
  'pipelined commands after a blocking one wait for it': (port) =>
    withClients(port, 2, async ([a, c]) => {
      a.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*3\r\n$5\r\nRPUSH\r\n$2\r\nl2\r\n$1\r\nq\r\n');
      await waitBlocked(c, 1);
      const out = [await c.str('EXISTS', 'l2'), await c.str('RPUSH', 'l', 'v')];
      out.push(...s(await a.read(3)), await c.str('EXISTS', 'l2'));
      return out;
    }),
  "the pusher's own next command runs after the blocked client is served": (port) =>
    withClients(port, 2, async ([a, c]) => {
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      c.write('*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n');
      return [...s(await c.read(2)), ...s(await a.read())];
    }),
  'BLMOVE served onto a wrong-typed destination gets WRONGTYPE and the element stays': (port) =>
    withClients(port, 2, async ([a, c]) => {
      send(a, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('SET', 'dst', 'str'), await c.str('RPUSH', 'src', 'x')];
      out.push(...s(await a.read()), await c.str('LRANGE', 'src', '0', '-1'));
      return out;
    }),
  'a wrong-typed key does not serve; the client keeps waiting': (port) =>
    withClients(port, 2, async ([a, c]) => {
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('SET', 'l', 'str'), await c.str('DEL', 'l')];
      await waitBlocked(c, 1);
      out.push(await c.str('LPUSH', 'l', 'z'), ...s(await a.read()));
      return out;
    }),
  'CLIENT UNBLOCK as timeout and as error': (port) =>
    withClients(port, 2, async ([a, c]) => {
      const id = (await a.str('CLIENT', 'ID')).slice(1, -2);
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('CLIENT', 'UNBLOCK', id), ...s(await a.read())];
      send(a, 'BRPOP', 'l', '0');
      await waitBlocked(c, 1);
      out.push(await c.str('CLIENT', 'UNBLOCK', id, 'ERROR'), ...s(await a.read()), await c.str('CLIENT', 'UNBLOCK', id));
      return out;
    }),
  'RENAME, COPY-free moves and SWAPDB into a waited key serve it': (port) =>
    withClients(port, 2, async ([a, c]) => {
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('RPUSH', 'tmp', 'r1', 'r2'), await c.str('RENAME', 'tmp', 'l')];
      out.push(...s(await a.read()), await c.str('LRANGE', 'l', '0', '-1'), await c.str('DEL', 'l'));
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      await c.send('SELECT', '1');
      out.push(await c.str('RPUSH', 'l', 'from1'), await c.str('SWAPDB', '0', '1'));
      out.push(...s(await a.read()), await c.str('LLEN', 'l'));
      return out;
    }),
  'blocked in another database: only that database serves': (port) =>
    withClients(port, 2, async ([a, c]) => {
      await a.send('SELECT', '1');
      send(a, 'BLPOP', 'l', '0');
      await waitBlocked(c, 1);
      const out = [await c.str('RPUSH', 'l', 'db0')];
      await waitBlocked(c, 1);
      await c.send('SELECT', '1');
      out.push(await c.str('RPUSH', 'l', 'db1'), ...s(await a.read()), await c.str('LLEN', 'l'));
      await c.send('SELECT', '0');
      out.push(await c.str('LLEN', 'l'));
      return out;
    }),
};

describe('blocking list commands (two or more TCP clients)', function () {
  this.timeout(20000);
  let store: InProcessStore;
  let redis: ChildServer | null = null;

  before(async () => {
    store = await startStore();
    redis = await startRedis();
  });
  after(async () => {
    await store?.stop();
    await redis?.stop();
  });

  for (const [name, run] of Object.entries(scenarios)) {
    it(name, async () => {
      const ours = await run(store.port);
      if (redis) assert.deepEqual(ours, await run(redis.port));
      assert.ok(ours.length > 0);
    });
  }

  it('FIFO order and MULTI wake-up, asserted directly', async () => {
    const fifo = await scenarios['clients are served in the order they blocked (FIFO per key)'](store.port);
    assert.deepEqual(fifo, [':3\r\n', '*2\r\n$1\r\nl\r\n$1\r\nx\r\n', '*2\r\n$1\r\nl\r\n$1\r\nz\r\n', '*1\r\n$1\r\ny\r\n']);
    const multi = await scenarios['a push inside MULTI wakes the client after EXEC, from the final list'](store.port);
    assert.equal(multi[5], '*2\r\n$1\r\nl\r\n$1\r\nc\r\n');
    const pipe = await scenarios['pipelined commands after a blocking one wait for it'](store.port);
    assert.deepEqual(pipe, [':0\r\n', ':1\r\n', '*2\r\n$1\r\nl\r\n$1\r\nv\r\n', '+PONG\r\n', ':1\r\n', ':1\r\n']);
  });

  it('served pops are replicated as their non-blocking forms', async () => {
    const feed: string[][] = [];
    const prev = store.server.replicationFeed;
    store.server.replicationFeed = (_db, argv) => feed.push(argv);
    try {
      await withClients(store.port, 3, async ([a, b, c]) => {
        send(a, 'BLPOP', 'l', '0');
        await waitBlocked(c, 1);
        send(b, 'BLMOVE', 'm', 'n', 'RIGHT', 'LEFT', '0');
        await waitBlocked(c, 2);
        await c.send('RPUSH', 'l', 'x');
        await a.read();
        await c.send('RPUSH', 'm', 'y');
        await b.read();
        await c.send('RPUSH', 'l', 'p', 'q');
        await c.send('BRPOP', 'l', '0');
        await c.send('LMPOP', '1', 'l', 'LEFT', 'COUNT', '9');
        return [];
      });
    } finally {
      store.server.replicationFeed = prev;
    }
    const cmds = feed.map((a) => a.join(' ')).filter((x) => !/^(FLUSHALL|SELECT|MULTI|EXEC)/.test(x));
    assert.deepEqual(cmds, ['RPUSH l x', 'LPOP l', 'RPUSH m y', 'LMOVE m n RIGHT LEFT', 'RPUSH l p q', 'RPOP l', 'LPOP l 1']);
  });
});
