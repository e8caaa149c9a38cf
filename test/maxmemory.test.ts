// maxmemory: the OOM refusals compared byte for byte with redis-server (a limit of 1 byte, so both
// are over it whatever they hold), and eviction by policy in a store process of its own (its heap
// is then the dataset's, not the test runner's).

import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { startStoreProcess, tmpDir, type ChildServer } from './helpers/servers';
import { RawClient } from './helpers/raw';

describe('maxmemory noeviction (differential)', function () {
  this.timeout(20000);
  const d = useDiff();
  let other: RawClient[] = [];

  afterEach(async () => {
    await d.both('CONFIG', 'SET', 'maxmemory', '0');
    await d.both('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  it('refuses commands that add data with OOM; reads, deletions and admin commands run', async () => {
    await d.seq([
      ['SET', 'x', '1'],
      ['RPUSH', 'l', 'a'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'y', '2'],
      ['INCR', 'x'],
      ['RPUSH', 'l', 'b'],
      ['GET', 'x'],
      ['LPOP', 'l'],
      ['DEL', 'x'],
      ['EXPIRE', 'l', '100'],
      ['PING'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'y', '2'],
    ]);
  });

  it('in MULTI: a refused command aborts EXEC; EXEC of reads runs; EXEC of queued writes is refused', async () => {
    await d.check(['SET', 'x', 'value']);
    // Queued while over the limit (Redis test multi.tcl "DISCARD should not fail during OOM").
    await d.check(['CONFIG', 'SET', 'maxmemory', '1']);
    await d.seq([['MULTI'], ['SET', 'a', '1'], ['GET', 'x'], ['EXEC']]);
    await d.seq([['MULTI'], ['SET', 'a', '1'], ['DISCARD'], ['PING']]);
    await d.check(['CONFIG', 'SET', 'maxmemory', '0']);
    // The limit comes while the transaction is open ("EXEC with ... should fail / not be rejected").
    const setLimit = async (v: string) => {
      for (const port of [d.store.port, d.redis.port]) {
        const c = await RawClient.connect(port);
        other.push(c);
        assert.equal(await c.str('CONFIG', 'SET', 'maxmemory', v), '+OK\r\n');
      }
    };
    await d.seq([['MULTI'], ['GET', 'x'], ['PING']]);
    await setLimit('1');
    await d.check(['EXEC']);
    await setLimit('0');
    await d.seq([['MULTI'], ['SET', 'x', '1'], ['GET', 'x']]);
    await setLimit('1');
    await d.check(['EXEC']);
    await setLimit('0');
    await d.check(['GET', 'x']);
    for (const c of other) c.close();
    other = [];
  });

  it('an eviction policy with nothing (more) to evict answers OOM too', async () => {
    await d.seq([
      ['SET', 'plain', 'v'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'y', '2'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      // The keys with a TTL go, and then there is still no room.
      ['SET', 't1', 'v', 'EX', '100'],
      ['SET', 't2', 'v', 'EX', '200'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'y', '2'],
      ['EXISTS', 't1', 't2', 'plain'],
    ]);
  });

  it('a new limit evicts at once, and eviction runs before reads too', async () => {
    for (let i = 0; i < 100; i++) await d.both('SET', `k${i}`, 'v');
    await d.seq([
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['DBSIZE'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
    ]);
  });
});

describe('maxmemory eviction', function () {
  this.timeout(60000);
  let srv: ChildServer;
  let c: RawClient;

  before(async () => {
    srv = await startStoreProcess(['--save', '', '--dir', tmpDir(), '--enable-debug-command', 'yes']);
    c = await RawClient.connect(srv.port);
  });
  after(async () => {
    c?.close();
    await srv?.stop();
  });

  const num = async (...a: string[]) => Number((await c.str(...a)).slice(1));
  const infoField = async (name: string) => {
    const info = String(await c.value('INFO'));
    const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
    return Number(m![1]);
  };

  async function fill(prefix: string, n: number, ttl: boolean): Promise<void> {
    assert.equal(await c.str('DEBUG', 'POPULATE', String(n), prefix, '200'), '+OK\r\n');
    if (ttl) for (let i = 0; i < n; i += 1) c.write(`PEXPIRE ${prefix}:${i} 1000000\r\n`);
    if (ttl) await c.read(n, 30000);
  }

  /** Sets maxmemory to `frac` of what is used now and writes once, which starts the eviction. */
  async function squeeze(frac: number): Promise<void> {
    // Garbage first (MEMORY PURGE runs a full GC), so that the limit is a share of the live data.
    await c.send('MEMORY', 'PURGE');
    const used = await infoField('used_memory');
    assert.equal(await c.str('CONFIG', 'SET', 'maxmemory', String(Math.floor(used * frac))), '+OK\r\n');
    assert.equal(await c.str('SET', 'trigger', 'x'), '+OK\r\n');
    // Eviction continues in later event-loop passes until the limit holds.
    await new Promise((r) => setTimeout(r, 1500));
  }

  afterEach(async () => {
    await c.send('CONFIG', 'SET', 'maxmemory', '0');
    await c.send('FLUSHALL');
  });

  it('allkeys-lru evicts until under the limit, keeps recently used keys, and counts evicted_keys', async () => {
    await fill('cold', 40000, false);
    // The LRU clock counts seconds: the hot keys are used a second later than the rest.
    await new Promise((r) => setTimeout(r, 1100));
    // Spread thin (one in 800): a sample of 5 neighbouring keys is then never all hot, which is the
    // only way sampled LRU evicts one (dense hot keys can be, in Redis too).
    for (let i = 0; i < 50; i++) await c.send('GET', `cold:${i * 800}`);
    const before = await infoField('evicted_keys');
    assert.equal(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'), '+OK\r\n');
    await squeeze(0.6);
    const left = await num('DBSIZE');
    const evicted = (await infoField('evicted_keys')) - before;
    assert.ok(evicted > 2000, `evicted ${evicted}`);
    assert.ok(left > 5000 && left < 40000, `left ${left}`);
    for (let i = 0; i < 50; i++) assert.equal(await num('EXISTS', `cold:${i * 800}`), 1, `hot key cold:${i * 800} was evicted`);
    // Not evicted twice over: once collected, the heap is near the limit, not far below it.
    await c.send('MEMORY', 'PURGE');
    const limit = Number(String(((await c.value('CONFIG', 'GET', 'maxmemory')) as unknown as Buffer[])[1]));
    const used = await infoField('used_memory');
    assert.ok(used > limit * 0.75, `used ${used} is far below the limit ${limit}: too much was evicted`);
  });

  it('an expired key that is evicted counts as evicted only, and no write is counted for save points', async () => {
    assert.equal(await c.str('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
    try {
      for (let i = 0; i < 50; i++) await c.send('SET', `e${i}`, 'v', 'PX', '1');
      await new Promise((r) => setTimeout(r, 20));
      const expired = await infoField('expired_keys');
      const evicted = await infoField('evicted_keys');
      const dirty = await infoField('rdb_changes_since_last_save');
      assert.equal(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl'), '+OK\r\n');
      assert.equal(await c.str('CONFIG', 'SET', 'maxmemory', '1'), '+OK\r\n');
      assert.equal(await num('DBSIZE'), 0);
      assert.equal(await infoField('expired_keys'), expired);
      assert.equal(await infoField('evicted_keys'), evicted + 50);
      assert.equal(await infoField('rdb_changes_since_last_save'), dirty, 'evictions counted as changes');
    } finally {
      await c.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    }
  });

  it('volatile-ttl evicts only keys with a TTL, nearest expiry first', async () => {
    await fill('keep', 20000, false);
    await fill('ttl', 20000, true);
    assert.equal(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl'), '+OK\r\n');
    await squeeze(0.7);
    assert.equal(await num('EXISTS', 'keep:0'), 1);
    let kept = 0;
    for (let i = 0; i < 20000; i += 500) kept += await num('EXISTS', `keep:${i}`);
    assert.equal(kept, 40, 'a key without a TTL was evicted');
    assert.ok((await num('DBSIZE')) < 40001, 'nothing was evicted');
  });

  it('noeviction refuses writes over the limit and accepts them again under it', async () => {
    // Big enough that half of it is well above the empty server's own heap.
    await fill('k', 100000, false);
    assert.equal(await c.str('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'), '+OK\r\n');
    await c.send('MEMORY', 'PURGE');
    const used = await infoField('used_memory');
    assert.equal(await c.str('CONFIG', 'SET', 'maxmemory', String(Math.floor(used / 2))), '+OK\r\n');
    assert.equal(await c.str('SET', 'new', 'v'), "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    assert.equal(await num('DBSIZE'), 100000);
    assert.equal(await c.str('FLUSHALL'), '+OK\r\n');
    // Deleted keys are room at once, before V8 collects them.
    assert.equal(await c.str('SET', 'new', 'v'), '+OK\r\n');
  });
});
