// Differential tests for the set commands: replies (errors included) must match redis-server 7.0 byte
// for byte, except where Redis's order is undefined (hashtable-encoded sets) or random (SPOP,
// SRANDMEMBER): those compare as multisets or by shape only.
import assert from 'node:assert/strict';
import { useDiff, type DiffPair } from './helpers/diff';
import { checkEncoding } from './helpers/encoding';

/** Runs commands in order; ['ENC', key] entries compare encodings instead. */
async function run(d: DiffPair, cmds: string[][]): Promise<void> {
  for (const c of cmds) {
    if (c[0] === 'ENC') await checkEncoding(d, c[1]);
    else await d.check(c);
  }
}

describe('sets (differential)', () => {
  const d = useDiff({ 'set-max-intset-entries': '8' });
  const U = { unordered: 'elements' as const };

  it('SADD/SREM/SCARD/SISMEMBER/SMISMEMBER, intset order and wrong types', async () => {
    await run(d, [
      ['SADD', 's', '5', '3', '-1', '3', '100'],
      ['SMEMBERS', 's'],
      ['ENC', 's'],
      ['SCARD', 's'],
      ['SISMEMBER', 's', '3'],
      ['SISMEMBER', 's', '4'],
      ['SMISMEMBER', 's', '3', '4', '5'],
      ['SMISMEMBER', 'nokey', 'a'],
      ['SREM', 's', '3', '4'],
      ['SREM', 'nokey', 'a'],
      ['SMEMBERS', 's'],
      ['SREM', 's', '5', '-1', '100'],
      ['EXISTS', 's'],
      ['SET', 'str', 'x'],
      ['SADD', 'str', 'a'],
      ['SREM', 'str', 'a'],
      ['SCARD', 'str'],
      ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'],
      ['SMEMBERS', 'nokey'],
      ['SCARD', 'nokey'],
      ['SADD', 's'],
    ]);
  });

  it('intset -> hashtable by size and by a non-integer member, never back', async () => {
    await run(d, [
      ['SADD', 'a', '1', '2', '3', '4', '5', '6', '7', '8'],
      ['ENC', 'a'],
      ['SMEMBERS', 'a'],
      ['SADD', 'a', '9'],
      ['ENC', 'a'],
      ['SREM', 'a', '9', '8'],
      ['ENC', 'a'],
      ['SADD', 'b', '1', '2'],
      ['SADD', 'b', '01'],
      ['ENC', 'b'],
      ['SADD', 'c', '-0'],
      ['ENC', 'c'],
      ['SADD', 'e', '9223372036854775807', '-9223372036854775808'],
      ['ENC', 'e'],
      ['SMEMBERS', 'e'],
      ['SADD', 'f', '9223372036854775808'],
      ['ENC', 'f'],
      ['SADD', 'g', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      ['ENC', 'g'],
      ['SADD', 'h', ' 1'],
      ['ENC', 'h'],
    ]);
    await d.check(['SMEMBERS', 'b'], U);
    await d.check(['SMEMBERS', 'a'], U);
  });

  it('SMOVE in all its cases', async () => {
    await run(d, [
      ['SADD', 'src', '1', '2', 'x'],
      ['SMOVE', 'src', 'dst', '1'],
      ['SMEMBERS', 'dst'],
      ['ENC', 'dst'],
      ['SMOVE', 'src', 'dst', 'nope'],
      ['SMOVE', 'nokey', 'dst', '1'],
      ['SMOVE', 'src', 'src', '2'],
      ['SMOVE', 'src', 'src', 'zz'],
      ['SET', 'str', 'v'],
      ['SMOVE', 'src', 'str', '2'],
      ['SMOVE', 'str', 'src', '2'],
      ['SMOVE', 'nokey', 'str', '2'],
      ['SMOVE', 'src', 'dst', 'x'],
      ['SMOVE', 'src', 'dst', '2'],
      ['EXISTS', 'src'],
      ['SCARD', 'dst'],
    ]);
  });

  it('SINTER/SUNION/SDIFF and STORE forms, SINTERCARD', async () => {
    await run(d, [
      ['SADD', 'a', '1', '2', '3', '4'],
      ['SADD', 'b', '3', '4', '5'],
      ['SADD', 'c', '4', '5', '6'],
      ['SINTER', 'a', 'b'],
      ['SINTER', 'a', 'b', 'c'],
      ['SINTER', 'a', 'nokey'],
      ['SUNION', 'a', 'b', 'c'],
      ['SUNION', 'nokey'],
      ['SDIFF', 'a', 'b'],
      ['SDIFF', 'a', 'b', 'c'],
      ['SDIFF', 'nokey', 'a'],
      ['SINTERSTORE', 'd', 'a', 'b'],
      ['SMEMBERS', 'd'],
      ['ENC', 'd'],
      ['SUNIONSTORE', 'd', 'a', 'b', 'c'],
      ['SMEMBERS', 'd'],
      ['SDIFFSTORE', 'd', 'a', 'b'],
      ['SMEMBERS', 'd'],
      ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['EXISTS', 'd'],
      ['SET', 'str', 'v'],
      ['SINTER', 'a', 'str'],
      ['SINTER', 'nokey', 'str'],
      ['SUNION', 'a', 'str'],
      ['SDIFF', 'nokey', 'str'],
      ['SINTERSTORE', 'str', 'a', 'b'],
      ['SCARD', 'str'],
      ['SUNIONSTORE', 'x', 'a', 'str'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['SINTERCARD', '3', 'a', 'b', 'c'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '2'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '0'],
      ['SINTERCARD', '2', 'a', 'nokey'],
      ['SINTERCARD', '0', 'a'],
      ['SINTERCARD', 'x', 'a'],
      ['SINTERCARD', '3', 'a', 'b'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '-1'],
      ['SINTERCARD', '1', 'a', 'LIMIT'],
      ['SINTERCARD', '1', 'a', 'FOO'],
      ['SINTERCARD', '2', 'a', 'str'],
      ['SADD', 'w', 'x', 'y', '1'],
      ['SDIFFSTORE', 'e', 'w', 'a'],
      ['ENC', 'e'],
    ]);
    await d.check(['SINTER', 'w', 'a'], U);
    await d.check(['SUNION', 'w', 'a'], U);
    await d.check(['SMEMBERS', 'e'], U);
  });

  it('SPOP and SRANDMEMBER shapes, counts and errors', async () => {
    await d.seq([['SADD', 's', '1', '2', '3', '4', '5'], ['SADD', 'h', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']]);
    const S = { shape: true };
    await d.seq([['SPOP', 's'], ['SRANDMEMBER', 's'], ['SRANDMEMBER', 's', '2'], ['SRANDMEMBER', 's', '-10'], ['SRANDMEMBER', 'h', '3'], ['SRANDMEMBER', 'h', '9'], ['SPOP', 'h', '3'], ['SPOP', 'h', '6']], S);
    await run(d, [
      ['SCARD', 's'],
      ['SCARD', 'h'],
      ['SRANDMEMBER', 's', '0'],
      ['SRANDMEMBER', 'nokey'],
      ['SRANDMEMBER', 'nokey', '5'],
      ['SRANDMEMBER', 's', 'x'],
      ['SRANDMEMBER', 's', '-9223372036854775808'],
      ['SRANDMEMBER', 's', '1', '2'],
      ['SPOP', 'nokey'],
      ['SPOP', 'nokey', '3'],
      ['SPOP', 's', '0'],
      ['SPOP', 's', '-1'],
      ['SPOP', 's', 'x'],
      ['SPOP', 's', '1', '2'],
      ['EXISTS', 's'],
      ['SET', 'str', 'v'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '2'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '2'],
    ]);
    await d.check(['SRANDMEMBER', 'h', '100'], { shape: true });
    await d.check(['SPOP', 's', '100'], { shape: true });
    await d.check(['EXISTS', 's']);
    // Every popped member was in the set, none twice.
    await d.both('SADD', 'p', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    const popped = String(await d.ours.value('SPOP', 'p', '4'));
    assert.equal(popped.split(',').length, 4);
    assert.equal(await d.ours.value('SCARD', 'p'), 6);
  });

  it('SPOP with a count near the size rebuilds the set: its encoding is decided again', async () => {
    const ints = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const strs = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await d.seq([['SADD', 'a', ...ints], ['SADD', 'b', ...ints], ['SADD', 'c', ...strs]]);
    await run(d, [['ENC', 'a'], ['ENC', 'b']]);
    await d.seq([['SPOP', 'a', '18'], ['SPOP', 'b', '5'], ['SPOP', 'c', '18']], { shape: true });
    // 2 left (2 * 5 <= 18): re-created, all integers -> intset; 15 left: popped one by one, stays.
    await run(d, [['ENC', 'a'], ['SCARD', 'a'], ['ENC', 'b'], ['SCARD', 'b'], ['ENC', 'c']]);
    await d.both('SADD', 'a', 'x');
    await run(d, [['ENC', 'a']]);
  });

  it('RESP3 reply types', async () => {
    await d.both('HELLO', '3');
    await run(d, [
      ['SADD', 's', '1', '2', '3'],
      ['SMEMBERS', 's'],
      ['SMEMBERS', 'nokey'],
      ['SINTER', 's', 's'],
      ['SUNION', 's'],
      ['SDIFF', 's'],
      ['SRANDMEMBER', 's', '5'],
      ['SRANDMEMBER', 'nokey', '5'],
      ['SPOP', 'nokey', '2'],
      ['SPOP', 's', '0'],
      ['SMISMEMBER', 's', '1'],
      ['SPOP', 's', '3'],
    ]);
    await d.seq([['SADD', 't', '1', '2', '3'], ['SRANDMEMBER', 't', '2'], ['SRANDMEMBER', 't', '-2'], ['SPOP', 't', '2']], { shape: true });
    await d.both('HELLO', '2');
  });

  it('SSCAN: compact sets whole, cursors, MATCH/COUNT and errors', async () => {
    await run(d, [
      ['SADD', 's', '10', '2', '33'],
      ['SSCAN', 's', '0'],
      ['SSCAN', 's', '0', 'MATCH', '3*'],
      ['SSCAN', 's', '0', 'COUNT', '1'],
      ['SSCAN', 'nokey', '0'],
      ['SSCAN', 'nokey', '0', 'BAD'],
      ['SSCAN', 's', 'x'],
      ['SSCAN', 's', '0', 'COUNT', '0'],
      ['SSCAN', 's', '0', 'COUNT', 'x'],
      ['SSCAN', 's', '0', 'FOO', 'x'],
      ['SET', 'str', 'v'],
      ['SSCAN', 'str', '0'],
    ]);
    const members = Array.from({ length: 50 }, (_, i) => `m${i}`);
    await d.both('SADD', 'h', ...members);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const r = (await d.ours.value('SSCAN', 'h', cursor, 'COUNT', '7')) as unknown as [Buffer, Buffer[]];
      cursor = String(r[0]);
      for (const m of r[1]) seen.add(String(m));
      calls++;
    } while (cursor !== '0' && calls < 100);
    assert.equal(seen.size, 50);
    assert.ok(calls > 2);
  });

  it('SPOP propagates as SREM (batched with a count) or as DEL when it takes the whole set', async () => {
    const s = d.store.server;
    const fed: string[][] = [];
    const prev = s.replicationFeed;
    s.replicationFeed = (_db, argv) => fed.push(argv);
    try {
      await d.ours.send('SADD', 'p', 'a', 'b', 'c', 'd', 'e');
      fed.length = 0;
      const one = String(await d.ours.value('SPOP', 'p'));
      assert.deepEqual(fed, [['SREM', 'p', one]]);
      fed.length = 0;
      await d.ours.send('SPOP', 'p', '2');
      assert.equal(fed.length, 1);
      assert.equal(fed[0][0], 'SREM');
      assert.equal(fed[0].length, 4);
      fed.length = 0;
      await d.ours.send('SPOP', 'p', '10');
      assert.deepEqual(fed, [['DEL', 'p']]);
      fed.length = 0;
      await d.ours.send('SPOP', 'p', '10');
      await d.ours.send('SADD', 'q', '1');
      await d.ours.send('SPOP', 'q');
      assert.deepEqual(fed, [['SADD', 'q', '1'], ['SREM', 'q', '1']]);
    } finally {
      s.replicationFeed = prev;
    }
  });
});
