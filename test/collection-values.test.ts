// The list ring buffer and the flat small-hash map against plain JS models, with random operations:
// wrap-around, growth and shrinking, middle inserts, filters and trims are where a deque goes wrong.
import assert from 'node:assert/strict';
import { ListValue } from '../src/store/types/list';
import { FlatMap } from '../src/store/types/flatmap';
import { HashValue } from '../src/store/types/hash';
import type { EncodingLimits } from '../src/store/db';

/** Small deterministic PRNG so that a failure reproduces. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
}

describe('ListValue (ring-buffer deque) vs an array model', () => {
  it('random pushes, pops, inserts, sets, filters and trims agree', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const l = new ListValue();
      let m: string[] = [];
      for (let step = 0; step < 4000; step++) {
        const v = `v${step}`;
        switch (r(9)) {
          case 0:
          case 1:
            l.pushBack(v);
            m.push(v);
            break;
          case 2:
          case 3:
            l.pushFront(v);
            m.unshift(v);
            break;
          case 4:
            assert.equal(l.popFront(), m.shift());
            break;
          case 5:
            assert.equal(l.popBack(), m.pop());
            break;
          case 6: {
            const i = r(m.length + 1);
            l.insertAt(i, v);
            m.splice(i, 0, v);
            break;
          }
          case 7:
            if (m.length) {
              const i = r(m.length);
              l.setAt(i, v);
              m[i] = v;
            }
            if (r(20) === 0) {
              const k = r(3);
              assert.equal(l.filter((_x, i) => i % 3 !== k), m.filter((_x, i) => i % 3 === k).length);
              m = m.filter((_x, i) => i % 3 !== k);
            }
            break;
          default:
            if (m.length > 2 && r(10) === 0) {
              const a = r(m.length);
              const b = a + r(m.length - a);
              l.trim(a, b);
              m = m.slice(a, b + 1);
            }
        }
        assert.equal(l.size(), m.length);
        if (step % 97 === 0) assert.deepEqual([...l], m);
      }
      assert.deepEqual([...l], m);
      assert.deepEqual([...l.clone()], m);
      for (let i = -1; i <= m.length; i++) assert.equal(l.at(i), m[i]);
    }
  });

  it('drains a long list and gives memory back; from() keeps order', () => {
    const l = ListValue.from(Array.from({ length: 10000 }, (_, i) => String(i)));
    assert.equal(l.at(9999), '9999');
    while (l.size() > 3) l.popFront();
    assert.deepEqual([...l], ['9997', '9998', '9999']);
    assert.ok((l as unknown as { buf: unknown[] }).buf.length <= 64);
    assert.equal(l.type, 'list');
  });
});

describe('FlatMap and HashValue vs a Map model', () => {
  const limits = { hashMaxListpackEntries: 128, hashMaxListpackValue: 64 } as EncodingLimits;

  it('random sets, updates and deletes keep Map semantics and insertion order', () => {
    const r = rng(7);
    const f = new FlatMap();
    const m = new Map<string, string>();
    for (let step = 0; step < 3000; step++) {
      const k = `f${r(40)}`;
      if (r(3) === 0) assert.equal(f.delete(k), m.delete(k));
      else {
        f.set(k, String(step));
        m.set(k, String(step));
      }
      assert.equal(f.size, m.size);
      assert.equal(f.get(k), m.get(k));
      assert.equal(f.has(k), m.has(k));
    }
    assert.deepEqual([...f], [...m]);
    assert.deepEqual([...f.keys()], [...m.keys()]);
    assert.deepEqual([...f.values()], [...m.values()]);
  });

  it('deleting the current entry while iterating visits every other entry once', () => {
    const f = new FlatMap(['a', '1', 'b', '2', 'c', '3', 'd', '4']);
    const seen: string[] = [];
    for (const [k] of f) {
      seen.push(k);
      if (k === 'b' || k === 'c') f.delete(k);
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
    assert.deepEqual([...f.keys()], ['a', 'd']);
  });

  it('HashValue switches to a Map at the encoding threshold and past 256 fields', () => {
    const h = new HashValue();
    for (let i = 0; i < 128; i++) h.set(limits, `k${i}`, 'v');
    assert.equal(h.encoding(limits), 'listpack');
    assert.ok(h.map instanceof FlatMap);
    h.set(limits, 'k128', 'v');
    assert.equal(h.encoding(limits), 'hashtable');
    assert.ok(h.map.constructor === Map);
    const m: Map<string, string> = h.map;
    assert.equal(m.get('k5'), 'v');
    assert.equal(h.size(), 129);
    const loaded = HashValue.from(Array.from({ length: 300 }, (_, i) => [`f${i}`, `${i}`] as [string, string]));
    assert.ok(loaded.map.constructor === Map);
    assert.equal(loaded.size(), 300);
    assert.equal(loaded.encoding(limits), 'hashtable');
    const small = HashValue.from([['b', '1'], ['a', '2']]);
    assert.deepEqual([...small.clone().map], [['b', '1'], ['a', '2']]);
    assert.equal(small.encoding({ ...limits, hashMaxListpackValue: 0 }), 'hashtable');
  });
});
