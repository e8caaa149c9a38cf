// RANDOMKEY's walk (commands/random-key.ts): a pick costs O(RANDOM_STEP) whatever the keyspace size,
// every key comes up about equally often, the walk survives deletes, FLUSHDB, SWAPDB and a replaced
// map, and expired keys met on the way are reclaimed on a master.
import assert from 'node:assert/strict';
import { Db, type DbHost } from '../src/store/db';
import { nextRandomKey, RANDOM_STEP } from '../src/store/commands/random-key';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';

function host(): DbHost {
  return {
    now: () => 0,
    activeExpiryAllowed: () => true,
    onExpired: () => undefined,
    onKeyChange: () => undefined,
    addDirty: () => undefined,
    servingMaster: () => false,
    lruClock: -1,
  };
}

describe('RANDOMKEY walk', () => {
  it('picks every key about equally often', () => {
    const db = new Db(0, host());
    const n = 50;
    for (let i = 0; i < n; i++) db.load(`k${i}`, 'v', -1);
    const counts = new Map<string, number>();
    const picks = 50_000;
    for (let i = 0; i < picks; i++) {
      const k = nextRandomKey(db)!;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.equal(counts.size, n);
    // Expected 1000 each; the walk is a renewal process, so the spread stays well within ±25%.
    for (const [k, c] of counts) assert.ok(c > 750 && c < 1250, `${k} picked ${c} times`);
  });

  it('costs O(step), not O(keys): a pick in 200k keys advances the iterator at most RANDOM_STEP times', () => {
    const db = new Db(0, host());
    for (let i = 0; i < 200_000; i++) db.load(`k${i}`, 'v', -1);
    const t0 = performance.now();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(nextRandomKey(db)!);
    const ms = performance.now() - t0;
    // Successive picks move forward by 1..RANDOM_STEP keys: 10k picks stay within the first 160k keys.
    assert.ok(seen.size > 9000, `only ${seen.size} distinct keys`);
    for (const k of seen) assert.ok(Number(k.slice(1)) < 10_000 * RANDOM_STEP);
    assert.ok(ms < 1000, `10k picks took ${ms} ms`);
  });

  it('follows deletes, a replaced map and an emptied db', () => {
    const db = new Db(0, host());
    for (const k of ['a', 'b', 'c']) db.load(k, 'v', -1);
    assert.ok(['a', 'b', 'c'].includes(nextRandomKey(db)!));
    db.data.delete('a');
    db.data.delete('b');
    for (let i = 0; i < 20; i++) assert.equal(nextRandomKey(db), 'c');
    db.data = new Map([['x', 'v']]);
    for (let i = 0; i < 5; i++) assert.equal(nextRandomKey(db), 'x');
    db.flush();
    assert.equal(nextRandomKey(db), null);
    assert.equal(db.randomWalk, null);
  });

  describe('RANDOMKEY command', () => {
    let store: InProcessStore;
    let c: RawClient;
    let now = 1_700_000_000_000;
    before(async () => {
      store = await startStore();
      store.server.clock = () => now;
      store.server.activeExpire = false;
      c = await RawClient.connect(store.port);
    });
    after(async () => {
      c?.close();
      await store?.stop();
    });

    it('reclaims expired keys it meets and returns a live one; nil when all are gone', async () => {
      const args: string[] = [];
      for (let i = 0; i < 200; i++) args.push(`e${i}`, 'v');
      await c.send('MSET', ...args);
      for (let i = 0; i < 200; i++) await c.send('PEXPIRE', `e${i}`, '10');
      await c.send('SET', 'live', 'v');
      now += 11;
      assert.equal((await c.send('RANDOMKEY')).toString(), '$4\r\nlive\r\n');
      assert.ok(store.server.dbs[0].data.size < 201, 'expired keys met on the way were deleted');
      await c.send('DEL', 'live');
      assert.equal((await c.send('RANDOMKEY')).toString(), '$-1\r\n');
      assert.equal(store.server.dbs[0].data.size, 0);
    });

    it('SWAPDB and FLUSHDB restart the walk on the new contents', async () => {
      await c.send('FLUSHALL');
      await c.send('SET', 'a', '1');
      assert.equal((await c.send('RANDOMKEY')).toString(), '$1\r\na\r\n');
      await c.send('SELECT', '1');
      await c.send('SET', 'b', '1');
      await c.send('SWAPDB', '0', '1');
      assert.equal((await c.send('RANDOMKEY')).toString(), '$1\r\na\r\n');
      await c.send('SELECT', '0');
      assert.equal((await c.send('RANDOMKEY')).toString(), '$1\r\nb\r\n');
      await c.send('FLUSHDB');
      assert.equal((await c.send('RANDOMKEY')).toString(), '$-1\r\n');
    });
  });
});
