// Structure test for ZSetValue: random inserts, updates and removals (crossing the small-array ->
// skip list switch) checked after every step against a naive model sorted by (score, member);
// ranks, rank ranges both ways, range-start searches and clones are checked too.
import assert from 'node:assert/strict';
import { ZSetValue } from '../src/store/types/zset';
import type { EncodingLimits } from '../src/store/db';

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function modelSorted(model: Map<string, number>): Array<[string, number]> {
  return Array.from(model).sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function checkAgainst(z: ZSetValue, model: Map<string, number>, rand: () => number): void {
  const sorted = modelSorted(model);
  assert.equal(z.size(), sorted.length);
  assert.deepEqual(Array.from(z.ascending()), sorted);
  const n = sorted.length;
  if (n === 0) return;
  for (let k = 0; k < 5; k++) {
    const i = Math.floor(rand() * n);
    const [m, sc] = sorted[i];
    assert.equal(z.rank(m), i, `rank of ${m}`);
    assert.equal(z.rank(m, true), n - 1 - i);
    assert.equal(z.score(m), sc);
    assert.deepEqual(z.at(i), sorted[i]);
    const j = i + Math.floor(rand() * (n - i));
    assert.deepEqual(Array.from(z.range(i, j)), sorted.slice(i, j + 1));
    assert.deepEqual(Array.from(z.range(i, j, true)), sorted.slice().reverse().slice(i, j + 1));
    const pivot = sorted[Math.floor(rand() * n)][1];
    const first = sorted.findIndex(([, s]) => s >= pivot);
    assert.equal(z.firstWhere((_m, s) => s >= pivot), first);
    let last = -1;
    for (let q = 0; q < n; q++) if (sorted[q][1] <= pivot) last = q;
    assert.equal(z.lastWhere((_m, s) => s <= pivot), last);
  }
  assert.equal(z.rank('\xffabsent'), undefined);
}

describe('ZSetValue structure', () => {
  it('matches a naive sorted model under random inserts, updates and removals', () => {
    const rand = rng(12345);
    const z = new ZSetValue();
    const model = new Map<string, number>();
    for (let step = 0; step < 3000; step++) {
      const r = rand();
      const member = `m${Math.floor(rand() * 400)}`;
      // Few distinct scores, so that ties order by member bytes.
      const score = Math.floor(rand() * 50) - 25 + (rand() < 0.1 ? 0.5 : 0);
      if (r < 0.6) {
        z.add(member, score);
        model.set(member, score);
      } else {
        assert.equal(z.remove(member), model.delete(member));
      }
      if (step % 25 === 0) checkAgainst(z, model, rand);
    }
    checkAgainst(z, model, rand);
    assert.ok(model.size > 128, 'the test crossed into the skip list shape');
    const copy = z.clone();
    z.add('m0', 1000);
    model.set('m0', 1000);
    checkAgainst(z, model, rand);
    assert.notEqual(copy.score('m0'), 1000);
    // Drain through removals back to empty.
    for (const m of Array.from(model.keys())) {
      assert.equal(z.remove(m), true);
      model.delete(m);
    }
    checkAgainst(z, model, rand);
  });

  it('orders members bytewise (latin1) and treats 0 and -0 as the same score', () => {
    const z = ZSetValue.from([
      ['b', 1],
      ['\xe9', 1],
      ['a', 1],
      ['B', 1],
      ['', 1],
      ['x', -0],
    ]);
    assert.deepEqual(
      Array.from(z.ascending()).map(([m]) => m),
      ['x', '', 'B', 'a', 'b', '\xe9'],
    );
    z.add('x', 0);
    assert.ok(Object.is(z.score('x'), -0), 'updating -0 to 0 is not a change, as in Redis');
  });

  it('keeps infinities ordered and walks both directions from any rank', () => {
    const entries: Array<[string, number]> = [];
    for (let i = 0; i < 300; i++) entries.push([`k${i}`, i % 3 === 0 ? Infinity : i % 3 === 1 ? -Infinity : i]);
    const z = ZSetValue.from(entries);
    const sorted = modelSorted(new Map(entries));
    assert.deepEqual(Array.from(z.walk(150, 10, true)), sorted.slice(141, 151).reverse());
    assert.deepEqual(Array.from(z.walk(295, 10, false)), sorted.slice(295));
  });

  it('packed form vs a naive model and a naive encoding model, across the thresholds', () => {
    const scores = [0, -0, 1, -1, 7, 1.5, -2.25, 1e21, -1e-300, 5e-324, 123456789012345, 2 ** 53 + 2, Infinity, -Infinity, 0.1, 1 / 3];
    for (const seed of [21, 22, 23, 24, 25, 26]) {
      const rand = rng(seed);
      const lim = { zsetMaxListpackEntries: [3, 16, 128, 200][seed % 4], zsetMaxListpackValue: [8, 64, 500][seed % 3] } as EncodingLimits;
      const pickMember = (): string => {
        const k = Math.floor(rand() * 20);
        if (k === 0) return '';
        if (k === 1) return 'L'.repeat(100 + Math.floor(rand() * 300));
        if (k === 2) return Array.from({ length: Math.floor(rand() * 6) }, () => String.fromCharCode(Math.floor(rand() * 256))).join('');
        return `m${Math.floor(rand() * 150)}`;
      };
      const z = ZSetValue.empty();
      const model = new Map<string, number>();
      let skiplist = false;
      for (let step = 0; step < 1500; step++) {
        const member = pickMember();
        const score = rand() < 0.5 ? scores[Math.floor(rand() * scores.length)] : Math.floor(rand() * 20) - 10;
        if (rand() < 0.7) {
          const old = model.get(member);
          if (old === undefined && (model.size + 1 > lim.zsetMaxListpackEntries || member.length > lim.zsetMaxListpackValue)) skiplist = true;
          z.add(member, score, lim);
          // A listpack keeps -0 as 0 (Redis stores integral scores there as integers).
          if (old === undefined || old !== score) model.set(member, skiplist || score !== 0 ? score : 0);
        } else {
          assert.equal(z.remove(member), model.delete(member));
        }
        assert.equal(z.encoding(lim), skiplist ? 'skiplist' : 'listpack', `seed ${seed} step ${step}`);
        const sc = z.score(member);
        assert.ok(Object.is(sc, model.get(member)), `score of ${member}: ${sc} vs ${model.get(member)}`);
        if (step % 20 === 0) checkAgainst(z, model, rand);
      }
      checkAgainst(z, model, rand);
      for (const [m, sc] of model) assert.ok(Object.is(z.score(m), sc));
      const copy = ZSetValue.from(model);
      assert.deepEqual(Array.from(copy.ascending()), modelSorted(model));
      copy.recomputeEncoding(lim);
      const fits = model.size <= lim.zsetMaxListpackEntries && [...model.keys()].every((m) => m.length <= lim.zsetMaxListpackValue);
      assert.equal(copy.encoding(lim), fits ? 'listpack' : 'skiplist');
      assert.deepEqual(Array.from(z.clone().ascending()), modelSorted(model));
      assert.deepEqual(new Map(z.unordered()), model);
    }
  });
});

