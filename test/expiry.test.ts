// Expiry with an injected clock (no sleeps): lazy expiry at the exact millisecond Redis uses
// (expired once now > when), hidden-but-counted keys before reclamation, active expiry, and what each
// expiring command propagates to replicas (absolute PXAT/PEXPIREAT, DEL for past times).
import assert from 'node:assert/strict';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';

describe('expiry (injected clock)', () => {
  let store: InProcessStore;
  let c: RawClient;
  let now = 1_700_000_000_000;
  const fed: string[] = [];

  before(async () => {
    store = await startStore();
    store.server.clock = () => now;
    const prev = store.server.replicationFeed;
    store.server.replicationFeed = (db, argv) => {
      fed.push(argv.join(' '));
      prev?.(db, argv);
    };
    c = await RawClient.connect(store.port);
  });
  beforeEach(async () => {
    store.server.activeExpire = false;
    await c.send('FLUSHALL');
    fed.length = 0;
  });
  after(async () => {
    c?.close();
    await store?.stop();
  });

  const str = async (...a: string[]): Promise<string> => (await c.send(...a)).toString();

  it('a key expires only once the clock passes its time, and is deleted lazily with a DEL', async () => {
    assert.equal(await str('SET', 'k', 'v', 'PX', '1000'), '+OK\r\n');
    assert.equal(await str('PTTL', 'k'), ':1000\r\n');
    now += 600;
    assert.equal(await str('PTTL', 'k'), ':400\r\n');
    assert.equal(await str('TTL', 'k'), ':0\r\n');
    now += 400;
    // now == when: still there (Redis: expired when now > when).
    assert.equal(await str('GET', 'k'), '$1\r\nv\r\n');
    assert.equal(await str('PTTL', 'k'), ':0\r\n');
    now += 1;
    fed.length = 0;
    assert.equal(await str('GET', 'k'), '$-1\r\n');
    assert.deepEqual(fed, ['DEL k']);
    assert.equal(store.server.dbs[0].data.has('k'), false);
    assert.equal(await str('PTTL', 'k'), ':-2\r\n');
  });

  it('expired keys are invisible to every reader but DBSIZE counts them until reclaimed', async () => {
    await c.send('MSET', 'a', '1', 'b', '2', 'c', '3');
    await c.send('PEXPIRE', 'a', '10');
    await c.send('PEXPIRE', 'b', '10');
    now += 11;
    assert.equal(await str('DBSIZE'), ':3\r\n');
    assert.equal(await str('KEYS', '*'), '*1\r\n$1\r\nc\r\n');
    // KEYS only filters; the keys are still stored.
    assert.equal(await str('DBSIZE'), ':3\r\n');
    assert.equal(await str('EXISTS', 'a', 'b', 'c'), ':1\r\n');
    assert.equal(await str('TYPE', 'a'), '+none\r\n');
    assert.equal(await str('MGET', 'a', 'c'), '*2\r\n$-1\r\n$1\r\n3\r\n');
    for (let i = 0; i < 20; i++) assert.equal(await str('RANDOMKEY'), '$1\r\nc\r\n');
    assert.equal(await str('SCAN', '0', 'COUNT', '100'), '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nc\r\n');
    assert.equal(await str('DBSIZE'), ':1\r\n');
  });

  it('active expiry reclaims keys with the injected clock and propagates DEL', async () => {
    for (let i = 0; i < 50; i++) await c.send('SET', `k${i}`, 'v', 'PX', String(100 + i));
    await c.send('SET', 'keep', 'v', 'EX', '1000');
    now += 120;
    fed.length = 0;
    store.server.cmdTime = now;
    store.server.activeExpireCycle();
    // Keys with when < now are gone (k0..k19), k20 (when == now) and later remain.
    assert.equal(store.server.dbs[0].data.size, 31);
    assert.equal(fed.length, 20);
    assert.ok(fed.every((f) => /^DEL k\d+$/.test(f)));
    assert.equal(await str('EXISTS', 'k20', 'keep'), ':2\r\n');
  });

  it('propagates relative expiries as absolute times', async () => {
    const t = now;
    await c.send('SET', 'a', 'v', 'EX', '10');
    await c.send('SET', 'a', 'v', 'PX', '500', 'GET');
    await c.send('SET', 'a', 'v', 'EXAT', '1800000000');
    await c.send('SETEX', 'b', '5', 'v');
    await c.send('PSETEX', 'b', '5', 'v');
    await c.send('EXPIRE', 'b', '7', 'XX');
    await c.send('PEXPIRE', 'b', '7');
    await c.send('EXPIREAT', 'b', '1800000000');
    await c.send('GETEX', 'b', 'EX', '3');
    await c.send('GETEX', 'b', 'PERSIST');
    await c.send('GETEX', 'b', 'PERSIST');
    await c.send('SET', 'f', '1.5', 'EX', '100');
    await c.send('INCRBYFLOAT', 'f', '1');
    await c.send('SET', 'a', 'x', 'NX');
    await c.send('GETSET', 'a', 'y');
    await c.send('GETDEL', 'a');
    await c.send('GETDEL', 'a');
    await c.send('SET', 'p', 'v');
    await c.send('EXPIRE', 'p', '-1');
    await c.send('SET', 'p', 'v');
    await c.send('GETEX', 'p', 'PXAT', '1');
    await c.send('SET', 'p', 'v', 'PXAT', '1');
    assert.deepEqual(fed, [
      `SET a v PXAT ${t + 10000}`,
      `SET a v PXAT ${t + 500}`,
      'SET a v PXAT 1800000000000',
      `SET b v PXAT ${t + 5000}`,
      `SET b v PXAT ${t + 5}`,
      `PEXPIREAT b ${t + 7000} XX`,
      `PEXPIREAT b ${t + 7}`,
      'PEXPIREAT b 1800000000000',
      `PEXPIREAT b ${t + 3000}`,
      'PERSIST b',
      `SET f 1.5 PXAT ${t + 100000}`,
      'SET f 2.5 KEEPTTL',
      'SET a y',
      'DEL a',
      'SET p v',
      'DEL p',
      'SET p v',
      'DEL p',
      'SET p v PXAT 1',
    ]);
    assert.equal(await str('TTL', 'f'), ':100\r\n');
    assert.equal(await str('EXISTS', 'p'), ':0\r\n');
  });

  it('keys SCAN and RANDOMKEY expire propagate as plain DELs; other commands wrap several effects', async () => {
    const expireTwo = async () => {
      await c.send('SET', 'foo1', 'bar', 'PX', '1');
      await c.send('SET', 'foo2', 'bar', 'PX', '1');
      now += 10;
      fed.length = 0;
    };
    await expireTwo();
    await c.send('SCAN', '0');
    assert.deepEqual(fed.sort(), ['DEL foo1', 'DEL foo2']);
    await expireTwo();
    // RANDOMKEY meets one of them, then the other, then finds the keyspace empty.
    assert.equal(await str('RANDOMKEY'), '$-1\r\n');
    assert.deepEqual(fed.sort(), ['DEL foo1', 'DEL foo2']);
    // A command that both expires a key and writes is one transaction for the replicas (Redis too).
    await expireTwo();
    await c.send('MSET', 'foo1', 'x', 'foo2', 'y');
    assert.deepEqual(fed, ['MULTI', 'DEL foo1', 'DEL foo2', 'MSET foo1 x foo2 y', 'EXEC']);
  });

  it('propagates RESTORE with a relative TTL as an absolute one (ABSTTL)', async () => {
    const t = now;
    await c.send('SET', 'src', 'v');
    const payload = (await c.value('DUMP', 'src')) as Buffer;
    const p = payload.toString('latin1');
    fed.length = 0;
    await c.send('RESTORE', 'r1', '5000', payload);
    await c.send('RESTORE', 'r2', '1800000000000', payload, 'ABSTTL');
    await c.send('RESTORE', 'r3', '0', payload);
    await c.send('RESTORE', 'r1', '7000', payload, 'REPLACE', 'IDLETIME', '10');
    assert.deepEqual(fed, [
      `RESTORE r1 ${t + 5000} ${p} ABSTTL`,
      `RESTORE r2 1800000000000 ${p} ABSTTL`,
      `RESTORE r3 0 ${p}`,
      `RESTORE r1 ${t + 7000} ${p} REPLACE IDLETIME 10 ABSTTL`,
    ]);
  });

  it('a replica hides expired keys but keeps them until the master deletes them', async () => {
    await c.send('SET', 'k', 'v', 'PX', '5');
    now += 10;
    store.server.isReplica = true;
    try {
      assert.equal(await str('GET', 'k'), '$-1\r\n');
      assert.equal(store.server.dbs[0].data.has('k'), true);
    } finally {
      store.server.isReplica = false;
    }
    assert.equal(await str('GET', 'k'), '$-1\r\n');
    assert.equal(store.server.dbs[0].data.has('k'), false);
  });
});
