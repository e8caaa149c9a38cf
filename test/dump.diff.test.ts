// DUMP/RESTORE against a real redis-server 7.0: identical payload bytes where the encoding is
// deterministic, payloads crossing both ways with identical contents, and RESTORE's options and error
// replies byte for byte.

import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { crc64 } from '../src/store/rdb/crc64';
import { normalize, readKey } from './rdb-dataset';

/** A payload with a valid version and checksum around an arbitrary body. */
function payload(body: Buffer, version = 10): Buffer {
  const b = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  return Buffer.concat([b, crc64(b)]);
}

function bulk(r: Buffer): Buffer {
  const s = r.toString('latin1');
  assert.ok(s.startsWith('$'), s);
  const nl = s.indexOf('\r\n');
  const n = Number(s.slice(1, nl));
  return r.subarray(nl + 2, nl + 2 + n);
}

describe('DUMP / RESTORE (differential)', () => {
  const d = useDiff();

  it('DUMP payloads are byte-identical for strings, intsets, small sorted sets', async () => {
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await d.seq([
      ['SET', 's1', 'hello'],
      ['SET', 's2', '12345'],
      ['SET', 's3', '-2147483648'],
      ['SET', 's4', '123456789012'],
      ['SET', 's5', 'x'.repeat(30) + 'abc'.repeat(50)],
      ['SET', 's6', '007'],
      ['SET', 's7', bin],
      ['SET', 's8', ''],
      ['SADD', 'i1', '1', '5', '-3', '100000'],
      ['SADD', 'i2', '1', '-9223372036854775808', '10000000000'],
      ['ZADD', 'z1', '1', 'a', '2.5', 'b', '-1e20', 'c', 'inf', 'd', '0.1', 'e'],
    ]);
    for (const k of ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 'i1', 'i2', 'z1', 'missing']) await d.check(['DUMP', k]);
  });

  it('payloads cross both ways with identical contents (every type, small and large)', async () => {
    const big: string[] = [];
    const pairs: string[] = [];
    const zs: string[] = [];
    for (let i = 0; i < 3000; i++) {
      big.push(`item-${i}`);
      pairs.push(`f${i}`, String(i));
      zs.push(String(i / 7), `m${i}`);
    }
    const setup: Array<Array<string | number>> = [
      ['RPUSH', 'list:small', 'a', '1', '-5', 'x'.repeat(100)],
      ['RPUSH', 'list:big', ...big],
      ['HSET', 'hash:small', 'a', '1', 'b', '2'],
      ['HSET', 'hash:big', ...pairs],
      ['SADD', 'set:small', 'a', 'b'],
      ['SADD', 'set:big', ...big],
      ['ZADD', 'zset:small', '1', 'a'],
      ['ZADD', 'zset:big', ...zs],
      ['SET', 'str:big', 'q'.repeat(100000)],
    ];
    for (const c of setup) await d.theirs.send(...c);
    for (const c of setup) {
      const key = String(c[1]);
      const theirs = bulk(await d.theirs.send('DUMP', key));
      assert.equal(await d.ours.str('RESTORE', key, 0, theirs), '+OK\r\n', key);
      const ours = bulk(await d.ours.send('DUMP', key));
      assert.equal(await d.theirs.str('RESTORE', `${key}:back`, 0, ours), '+OK\r\n', key);
      // The original, our restored value and the value back on their side all hold the same contents.
      const original = await readKey(d.theirs, key);
      assert.deepEqual(normalize(d.store.server.dbs[0].peek(key)!), original, key);
      assert.deepEqual(await readKey(d.theirs, `${key}:back`), original, key);
    }
  });

  it('RESTORE: a relative TTL whose expiry time overflows wraps to the past, so the key expires (found by the fuzzer)', async () => {
    await d.check(['SET', 'src', 'v']);
    const p = (await d.theirs.value('DUMP', 'src')) as Buffer;
    await d.seq([
      ['RESTORE', 'a', '9223372036854775807', p],
      ['EXISTS', 'a'],
      ['RESTORE', 'b', '9223372036854000000', p],
      ['EXISTS', 'b'],
      ['RESTORE', 'c', '9000000000000000000', p],
      ['EXISTS', 'c'],
      ['SET', 'd', 'old'],
      ['RESTORE', 'd', '9223372036854775807', p, 'REPLACE'],
      ['EXISTS', 'd'],
      ['RESTORE', 'e', '9223372036854775807', p, 'ABSTTL'],
      ['EXISTS', 'e'],
    ]);
  });

  it('RESTORE decides the encoding as it loads: removing the member that needed a hash table keeps it one (found by the fuzzer)', async () => {
    await d.seq([['SADD', 's', 'a', '1'], ['HSET', 'h', 'f', 'x'.repeat(65), 'g', '1']]);
    const ps = (await d.theirs.value('DUMP', 's')) as Buffer;
    const ph = (await d.theirs.value('DUMP', 'h')) as Buffer;
    await d.seq([
      ['RESTORE', 's2', '0', ps],
      ['SREM', 's2', 'a'],
      ['OBJECT', 'ENCODING', 's2'],
      ['RESTORE', 'h2', '0', ph],
      ['HDEL', 'h2', 'f'],
      ['OBJECT', 'ENCODING', 'h2'],
    ]);
  });

  it('RESTORE options and errors match Redis', async () => {
    await d.both('SET', 'src', 'value');
    await d.both('SADD', 'set', 'a');
    const [p] = await d.both('DUMP', 'src');
    const good = bulk(p);
    const bad = Buffer.from(good);
    bad[0] ^= 1;
    const v11 = payload(good.subarray(0, good.length - 10), 11);
    const garbage = payload(Buffer.from([0x00, 0xc5]));
    const emptySet = payload(Buffer.from([0x02, 0x00]));
    const stream = payload(Buffer.from([0x13, 0x00]));
    await d.seq([
      ['RESTORE', 'src', '0', good],
      ['RESTORE', 'src', 'abc', good],
      ['RESTORE', 'k', 'abc', good],
      ['RESTORE', 'k', '-1', good],
      ['RESTORE', 'k', '0', bad],
      ['RESTORE', 'k', '0', 'short'],
      ['RESTORE', 'k', '0', v11],
      ['RESTORE', 'k', '0', garbage],
      ['RESTORE', 'k', '0', emptySet],
      ['RESTORE', 'k', '0', stream],
      ['RESTORE', 'k', '0', good, 'BOGUS'],
      ['RESTORE', 'k', '0', good, 'IDLETIME'],
      ['RESTORE', 'k', '0', good, 'IDLETIME', '-1'],
      ['RESTORE', 'k', '0', good, 'IDLETIME', 'x'],
      ['RESTORE', 'k', '0', good, 'FREQ', '256'],
      ['RESTORE', 'k', '0', good, 'FREQ', '-1'],
      ['RESTORE', 'k', '0', good, 'FREQ', '5', 'IDLETIME', '5'],
      ['RESTORE', 'k', '0', good, 'IDLETIME', '5', 'FREQ', '5'],
      ['EXISTS', 'k'],
      ['RESTORE', 'k', '0', good, 'IDLETIME', '100'],
      ['GET', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['RESTORE', 'k', '0', good],
      ['RESTORE', 'k', '0', good, 'REPLACE'],
      ['RESTORE', 'set', '0', good, 'REPLACE'],
      ['TYPE', 'set'],
      ['RESTORE', 'ttl', '100000', good],
      ['RESTORE', 'abs', String(Date.now() + 100000), good, 'ABSTTL'],
      ['RESTORE', 'past', '1', good, 'ABSTTL'],
      ['EXISTS', 'past'],
      ['RESTORE', 'k', '1', good, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'k'],
      ['RESTORE', 'k'],
    ]);
    await d.check(['PTTL', 'ttl'], { shape: true });
    const [a, b] = await d.both('PTTL', 'abs');
    assert.ok(Math.abs(Number(a.toString().slice(1)) - Number(b.toString().slice(1))) < 2000);
  });
});

describe('encodings decided while loading an RDB file (differential)', function () {
  this.timeout(20000);
  const d = useDiff({ 'enable-debug-command': 'yes' });
  it('DEBUG RELOAD: removing the member that needed a hash table keeps it one, as RESTORE (found by the fuzzer)', async () => {
    await d.seq([['SADD', 's', 'a', '1'], ['HSET', 'h', 'f', 'x'.repeat(65), 'g', '1'], ['DEBUG', 'RELOAD'], ['SREM', 's', 'a'], ['OBJECT', 'ENCODING', 's'], ['HDEL', 'h', 'f'], ['OBJECT', 'ENCODING', 'h']]);
  });
});
