// The pool's read scheduler (Pool.readBackend) without sockets: reads of one event-loop pass stay on
// one replica (so a replica gets a pass's reads in one write), long passes are cut into turns, the
// counts stay even over many passes of uneven sizes, and ineligible or failed replicas are skipped.

import assert from 'node:assert/strict';
import { Pool, type Backend } from '../src/proxy/pool';
import { loopPass } from '../src/proxy/flush';

function pool(replicas = 2): Pool {
  const reps = Array.from({ length: replicas }, (_, i) => ({ host: '127.0.0.1', port: 7002 + i }));
  const p = new Pool({ host: '127.0.0.1', port: 7001 }, reps, {
    conn: { connectTimeoutMs: 1000, keepaliveMs: 1000, keepaliveProbes: 3, userTimeoutMs: 1000 },
    rise: 1,
    maxReplicaLag: 0,
  });
  for (const b of p.all) b.eligible = true;
  return p;
}

/** Reads `n` in the current pass and returns how many went to each backend (by index). */
function pass(p: Pool, n: number, exclude?: Backend): number[] {
  loopPass.n++;
  const got = new Array<number>(p.all.length).fill(0);
  for (let i = 0; i < n; i++) got[p.readBackend(exclude)!.index]++;
  return got;
}

describe('proxy read turns', () => {
  it('keeps every read of a pass on one replica', () => {
    const p = pool();
    for (let k = 0; k < 50; k++) {
      const got = pass(p, 1 + (k % 40));
      assert.equal(got[0], 0, 'no reads on the master');
      assert.ok(got[1] === 0 || got[2] === 0, `pass ${k} split: ${got}`);
    }
  });

  it('alternates replicas across passes and keeps the counts even', () => {
    const p = pool();
    const total = [0, 0, 0];
    let switches = 0;
    let last = -1;
    let seed = 7;
    for (let k = 0; k < 2000; k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const got = pass(p, 1 + (seed % 60));
      const who = got[1] > 0 ? 1 : 2;
      if (who !== last) switches++;
      last = who;
      got.forEach((v, i) => (total[i] += v));
    }
    assert.ok(switches > 500, `turns rotate (${switches} switches)`);
    assert.ok(Math.abs(total[1] - total[2]) <= 128, `even counts: ${total}`);
  });

  it('cuts a long pass into turns so a big pipeline reaches every replica', () => {
    const p = pool();
    const got = pass(p, 300);
    assert.equal(got[1] + got[2], 300);
    assert.ok(got[1] >= 128 && got[2] >= 128, `${got}`);
    const after = [0, 0, 0];
    for (let k = 0; k < 100; k++) pass(p, 10).forEach((v, i) => (after[i] += v));
    assert.ok(Math.abs(got[1] + after[1] - (got[2] + after[2])) <= 128, 'the replica that took more sits out until even');
  });

  it('skips ineligible and excluded replicas, then falls back to the master', () => {
    const p = pool(3);
    p.replicas[1].eligible = false;
    const got = [0, 0, 0, 0];
    for (let k = 0; k < 100; k++) pass(p, 5).forEach((v, i) => (got[i] += v));
    assert.equal(got[2], 0, 'the ineligible replica gets nothing');
    assert.ok(got[1] > 100 && got[3] > 100, `${got}`);
    assert.deepEqual(pass(p, 3, p.replicas[0]).slice(1), [0, 0, 3], 'exclude moves reads to the other replica mid-pass');
    for (const r of p.replicas) r.eligible = false;
    assert.deepEqual(pass(p, 4), [4, 0, 0, 0], 'no replica: the master');
    p.master.eligible = false;
    loopPass.n++;
    assert.equal(p.readBackend(), null);
  });
});
