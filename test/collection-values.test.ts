// The list ring buffer and the flat small-hash map against plain JS models, with random operations:
// wrap-around, growth and shrinking, middle inserts, filters and trims are where a deque goes wrong.
import assert from 'node:assert/strict';
import { ListValue } from '../src/store/types/list';
import { FieldMap, FlatMap, PACKED_MAX } from '../src/store/types/flatmap';
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

  it('HashValue switches to a Map at the encoding threshold and past PACKED_MAX fields', () => {
    const h = new HashValue();
    for (let i = 0; i < 128; i++) h.set(limits, `k${i}`, 'v');
    assert.equal(h.encoding(limits), 'listpack');
    assert.ok(h.map instanceof FlatMap);
    h.set(limits, 'k128', 'v');
    assert.equal(h.encoding(limits), 'hashtable');
    assert.ok(h.map instanceof FieldMap);
    const m: Map<string, string> = h.map;
    assert.equal(m.get('k5'), 'v');
    assert.equal(h.size(), 129);
    const loaded = HashValue.from(Array.from({ length: 300 }, (_, i) => [`f${i}`, `${i}`] as [string, string]));
    assert.ok(loaded.map instanceof FieldMap);
    assert.equal(loaded.size(), 300);
    assert.equal(loaded.encoding(limits), 'hashtable');
    const small = HashValue.from([['b', '1'], ['a', '2']]);
    assert.deepEqual([...small.clone().map], [['b', '1'], ['a', '2']]);
    assert.equal(small.encoding({ ...limits, hashMaxListpackValue: 0 }), 'hashtable');
  });

  /** A random latin1 string: mostly short, sometimes empty, long (2-byte length) or binary. */
  function randStr(r: (n: number) => number, prefix: string): string {
    const k = r(20);
    if (k === 0) return '';
    if (k === 1) return prefix + 'x'.repeat(100 + r(300));
    if (k === 2) return Array.from({ length: r(8) }, () => String.fromCharCode(r(256))).join('');
    return prefix + r(60);
  }

  it('HashValue packed form vs a Map model and a naive encoding model, across the thresholds', () => {
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const r = rng(seed);
      const lim = { hashMaxListpackEntries: [4, 16, 128, 300][seed % 4], hashMaxListpackValue: [8, 64, 1000][seed % 3] } as EncodingLimits;
      const h = new HashValue();
      const m = new Map<string, string>();
      let big = false;
      for (let step = 0; step < 1500; step++) {
        const f = randStr(r, 'f');
        if (r(4) === 0) assert.equal(h.map.delete(f), m.delete(f));
        else {
          const v = randStr(r, 'v');
          if (f.length > lim.hashMaxListpackValue || v.length > lim.hashMaxListpackValue) big = true;
          assert.equal(h.set(lim, f, v), !m.has(f));
          m.set(f, v);
          if (m.size > lim.hashMaxListpackEntries) big = true;
        }
        assert.equal(h.size(), m.size);
        assert.equal(h.encoding(lim), big ? 'hashtable' : 'listpack', `seed ${seed} step ${step}`);
        assert.equal(h.map.get(f), m.get(f));
        assert.equal(h.map.has(f), m.has(f));
        if (!big && m.size <= PACKED_MAX) assert.ok(h.map instanceof FlatMap, 'listpack-encoded hashes stay packed');
        if (step % 50 === 0) assert.deepEqual([...h.map], [...m]);
      }
      assert.deepEqual([...h.map], [...m]);
      assert.deepEqual([...h.clone().map], [...m]);
      const copy = HashValue.from(m);
      assert.deepEqual([...copy.map], [...m]);
      assert.equal(copy.encoding(lim), big ? 'hashtable' : 'listpack');
    }
  });

  it('packs lengths of every size and binary bytes exactly; a view survives the conversion', () => {
    const lens = [0, 1, 127, 128, 129, 16383, 16384, 70000];
    const flat = lens.flatMap((n, i) => [`k${n}`, String.fromCharCode(i * 31).repeat(n)]);
    flat.push('\x00\xff', '\xff\x00');
    const f = new FlatMap(flat);
    assert.equal(f.size, lens.length + 1);
    for (let i = 0; i < flat.length; i += 2) assert.equal(f.get(flat[i]), flat[i + 1]);
    assert.deepEqual(f.flat(), flat);
    const lim = { hashMaxListpackEntries: 3, hashMaxListpackValue: 100 } as EncodingLimits;
    const h = new HashValue();
    h.set(lim, 'a', '1');
    const view = h.map;
    h.set(lim, 'b', '2');
    h.set(lim, 'c', '3');
    const seen: string[] = [];
    for (const [k] of view) {
      seen.push(k);
      if (k === 'b') h.set(lim, 'd', '4'); // converts to a FieldMap mid-iteration
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
    assert.equal(view.get('d'), '4');
    assert.equal(h.encoding(lim), 'hashtable');
  });
});

