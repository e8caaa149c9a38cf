// SCAN's guarantee under concurrent change: every key present for the whole iteration is returned at
// least once, while other keys are added and deleted between calls (including enough inserts to make
// the Map rehash). Also the cursor table's rules: unknown, stale or foreign cursors restart.
import assert from 'node:assert/strict';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { scanIterable, parseScanCursor, parseScanOptions } from '../src/store/scan';
import type { Server } from '../src/store/server';

describe('SCAN cursors', () => {
  let store: InProcessStore;
  let c: RawClient;
  before(async () => {
    store = await startStore();
    c = await RawClient.connect(store.port);
  });
  after(async () => {
    c?.close();
    await store?.stop();
  });

  it('returns every key that stays through the iteration while others come and go', async () => {
    await c.send('FLUSHALL');
    const stable: string[] = [];
    for (let i = 0; i < 500; i++) stable.push(`stable:${i}`);
    const args: string[] = [];
    for (const k of stable) args.push(k, '1');
    await c.send('MSET', ...args);
    for (let i = 0; i < 300; i++) await c.send('SET', `churn:${i}`, '1');
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    let added = 0;
    do {
      const r = (await c.value('SCAN', cursor, 'COUNT', '7')) as [Buffer, Buffer[]];
      cursor = r[0].toString();
      for (const k of r[1]) seen.add(k.toString());
      // Delete some churn keys, re-create some, and add many new ones (forcing rehashes).
      await c.send('DEL', `churn:${round % 300}`, `churn:${(round * 7) % 300}`);
      await c.send('SET', `churn:${(round * 13) % 300}`, '2');
      const fresh: string[] = [];
      for (let i = 0; i < 20; i++) fresh.push(`new:${added++}`, 'x');
      await c.send('MSET', ...fresh);
      round++;
      assert.ok(round < 10000, 'iteration must terminate');
    } while (cursor !== '0');
    for (const k of stable) assert.ok(seen.has(k), `missed ${k}`);
    assert.ok(added > 1000);
  });

  it('a cursor replayed, unknown or from another collection restarts instead of skipping', () => {
    const s = {} as Server;
    const set = new Set<number>([1, 2, 3, 4, 5]);
    const other = new Set<number>([9]);
    const p1 = scanIterable(s, set, 0, () => set.values(), 2);
    assert.deepEqual(p1.items, [1, 2]);
    const p2 = scanIterable(s, set, Number(p1.cursor), () => set.values(), 2);
    assert.deepEqual(p2.items, [3, 4]);
    // The cursor was consumed: replaying it starts over (duplicates allowed, nothing missed).
    assert.deepEqual(scanIterable(s, set, Number(p1.cursor), () => set.values(), 2).items, [1, 2]);
    // A cursor of another collection does not leak its position.
    assert.deepEqual(scanIterable(s, other, Number(p2.cursor), () => other.values(), 5), { cursor: '0', items: [9] });
    assert.deepEqual(scanIterable(s, set, 123456789, () => set.values(), 10), { cursor: '0', items: [1, 2, 3, 4, 5] });
    assert.notEqual(p1.cursor, p2.cursor);
  });

  it('parses cursors as strtoul and options as scanGenericCommand', () => {
    assert.equal(parseScanCursor('0'), 0);
    assert.equal(parseScanCursor(''), 0);
    assert.equal(parseScanCursor('17'), 17);
    assert.equal(parseScanCursor('-1'), -1);
    assert.equal(parseScanCursor(' 1'), null);
    assert.equal(parseScanCursor('1 '), null);
    assert.equal(parseScanCursor('x'), null);
    assert.equal(parseScanCursor('18446744073709551616'), null);
    assert.deepEqual(parseScanOptions(['SCAN', '0', 'MATCH', '*', 'COUNT', '5'], 2, true), { count: 5, pattern: null, type: null });
    assert.equal(parseScanOptions(['HSCAN', 'k', '0', 'TYPE', 'string'], 3, false), 'ERR syntax error');
    assert.equal(parseScanOptions(['SCAN', '0', 'COUNT', '0'], 2, true), 'ERR syntax error');
  });
});
