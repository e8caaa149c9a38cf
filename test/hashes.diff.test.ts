// Hash commands against a real redis-server, byte for byte (listpack order), with the encoding
// thresholds (entries and value length), HINCRBY/HINCRBYFLOAT edge cases, HRANDFIELD shapes and HSCAN.
import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';

describe('hashes (differential)', () => {
  const d = useDiff({ 'hash-max-listpack-entries': '8', 'hash-max-listpack-value': '16' });

  it('HSET/HMSET/HSETNX/HGET/HMGET/HDEL/HEXISTS/HLEN/HSTRLEN and errors', async () => {
    await d.seq([
      ['HSET', 'h', 'b', '1', 'a', '2', 'c', '3'],
      ['HSET', 'h', 'a', '20', 'd', '4'],
      ['HGETALL', 'h'],
      ['HMSET', 'h', 'e', '5', 'b', '10'],
      ['HSETNX', 'h', 'e', 'x'],
      ['HSETNX', 'h', 'f', 'six'],
      ['HSETNX', 'new', 'f', 'v'],
      ['HGET', 'h', 'a'],
      ['HGET', 'h', 'zz'],
      ['HGET', 'noh', 'a'],
      ['HMGET', 'h', 'a', 'zz', 'f'],
      ['HMGET', 'noh', 'a', 'b'],
      ['HEXISTS', 'h', 'a'],
      ['HEXISTS', 'h', 'zz'],
      ['HEXISTS', 'noh', 'a'],
      ['HLEN', 'h'],
      ['HLEN', 'noh'],
      ['HSTRLEN', 'h', 'f'],
      ['HSTRLEN', 'h', 'zz'],
      ['HSTRLEN', 'noh', 'zz'],
      ['HDEL', 'h', 'a', 'zz', 'b'],
      ['HDEL', 'h', 'zz'],
      ['HDEL', 'noh', 'a'],
      ['HKEYS', 'h'],
      ['HVALS', 'h'],
      ['HGETALL', 'h'],
      ['HSET', 'h', 'a', '2', 'b'],
      ['HMSET', 'h', 'a'],
      ['HMSET', 'h', 'a', '1', 'b'],
      ['HSET', 'h'],
      ['HDEL', 'new', 'f'],
      ['EXISTS', 'new'],
      ['HKEYS', 'noh'],
      ['HVALS', 'noh'],
      ['HGETALL', 'noh'],
      ['SET', 's', 'v'],
      ['HSET', 's', 'a', '1'],
      ['HMSET', 's', 'a', '1'],
      ['HSETNX', 's', 'a', '1'],
      ['HGET', 's', 'a'],
      ['HMGET', 's', 'a'],
      ['HDEL', 's', 'a'],
      ['HEXISTS', 's', 'a'],
      ['HLEN', 's'],
      ['HSTRLEN', 's', 'a'],
      ['HKEYS', 's'],
      ['HVALS', 's'],
      ['HGETALL', 's'],
      ['HSET', 'bin', Buffer.from([0, 255, 10]), Buffer.from([13, 10, 0])],
      ['HGETALL', 'bin'],
      ['TYPE', 'h'],
    ]);
    await d.check(['HELLO', '3'], { shape: true });
    await d.seq([['HGETALL', 'h'], ['HGETALL', 'noh'], ['HKEYS', 'noh'], ['HGET', 'noh', 'a'], ['HMGET', 'noh', 'a']]);
    await d.check(['HELLO', '2'], { shape: true });
  });

  it('OBJECT ENCODING at the entries and value-length thresholds; never converts back', async () => {
    const eight = Array.from({ length: 8 }, (_, i) => [`f${i}`, `v${i}`]).flat();
    await d.seq([
      ['HSET', 'h', ...eight],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'f0', 'again'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'f8', 'v8'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HDEL', 'h', 'f1', 'f2', 'f3', 'f4'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'v', 'f', 'x'.repeat(16)],
      ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'v', 'g', 'x'.repeat(17)],
      ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'k', 'y'.repeat(17), '1'],
      ['OBJECT', 'ENCODING', 'k'],
      ['HSETNX', 'n', 'f', 'z'.repeat(17)],
      ['OBJECT', 'ENCODING', 'n'],
      ['HSET', 'i', 'a', '1'],
      ['HINCRBY', 'i', 'q'.repeat(17), '1'],
      ['OBJECT', 'ENCODING', 'i'],
      ['HSET', 'j', 'a', '1'],
      ['HINCRBYFLOAT', 'j', 'a', '0.12345678901234567'],
      ['OBJECT', 'ENCODING', 'j'],
      ['HMSET', 'm', 'a', '1', 'b', 'w'.repeat(17)],
      ['OBJECT', 'ENCODING', 'm'],
      ['HSET', 'o', ...Array.from({ length: 9 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
      ['OBJECT', 'ENCODING', 'o'],
    ]);
    await d.check(['HGETALL', 'h'], { unordered: 'pairs' });
    await d.check(['HKEYS', 'o'], { unordered: 'elements' });
    // Limits changed at run time apply at the next write, updates included.
    await d.seq([
      ['HSET', 'p', 'a', '1', 'b', '2', 'c', '3'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
      ['OBJECT', 'ENCODING', 'p'],
      ['HGET', 'p', 'a'],
      ['OBJECT', 'ENCODING', 'p'],
      ['HSET', 'p', 'a', '10'],
      ['OBJECT', 'ENCODING', 'p'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '8'],
      ['HDEL', 'p', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'p'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '2'],
      ['HSET', 'q', 'a', '1'],
      ['HSET', 'q', 'a', '123'],
      ['OBJECT', 'ENCODING', 'q'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '16'],
    ]);
  });

  it('HINCRBY and HINCRBYFLOAT', async () => {
    await d.seq([
      ['HINCRBY', 'h', 'n', '5'],
      ['HINCRBY', 'h', 'n', '-10'],
      ['HINCRBY', 'h', 'n', 'x'],
      ['HINCRBY', 'h', 'n', '1.5'],
      ['HSET', 'h', 'big', '9223372036854775806', 'small', '-9223372036854775807', 's', 'abc', 'sp', ' 1', 'f', '1.5'],
      ['HINCRBY', 'h', 'big', '1'],
      ['HINCRBY', 'h', 'big', '1'],
      ['HINCRBY', 'h', 'small', '-1'],
      ['HINCRBY', 'h', 'small', '-1'],
      ['HINCRBY', 'h', 's', '1'],
      ['HINCRBY', 'h', 'sp', '1'],
      ['HINCRBY', 'h', 'f', '1'],
      ['HINCRBY', 'h', 'new', '9223372036854775807'],
      ['HINCRBY', 'h', 'x', '9223372036854775808'],
      ['HINCRBYFLOAT', 'h', 'f', '0.1'],
      ['HINCRBYFLOAT', 'h', 'n', '10.5'],
      ['HINCRBYFLOAT', 'h', 'n', '0.1'],
      ['HINCRBYFLOAT', 'h', 'g', '3.0e3'],
      ['HINCRBYFLOAT', 'h', 'g', '-3000'],
      ['HINCRBYFLOAT', 'h', 'g', '1e-5'],
      ['HINCRBYFLOAT', 'h', 'g', 'abc'],
      ['HINCRBYFLOAT', 'h', 'g', 'inf'],
      ['HINCRBYFLOAT', 'h', 'g', 'nan'],
      ['HINCRBYFLOAT', 'h', 's', '1'],
      ['HINCRBYFLOAT', 'h', 'sp', '1'],
      ['HSET', 'h', 'inf', 'inf'],
      ['HINCRBYFLOAT', 'h', 'inf', '1'],
      ['HINCRBYFLOAT', 'h', 'big', '1'],
      ['SET', 's', 'v'],
      ['HINCRBY', 's', 'a', '1'],
      ['HINCRBY', 's', 'a', 'x'],
      ['HINCRBYFLOAT', 's', 'a', '1'],
      ['HINCRBYFLOAT', 's', 'a', 'x'],
    ]);
    await d.check(['HGETALL', 'h'], { unordered: 'pairs' });
  });

  it('HRANDFIELD shapes, counts and errors', async () => {
    await d.seq([['HSET', 'h', 'a', '1', 'b', '2', 'c', '3']]);
    for (const proto of ['2', '3']) {
      await d.check(['HELLO', proto], { shape: true });
      for (const args of [[], ['0'], ['1'], ['2'], ['3'], ['5'], ['-5'], ['-1'], ['2', 'WITHVALUES'], ['5', 'withvalues'], ['-4', 'WITHVALUES'], ['1', 'WITHVALUES']]) {
        await d.check(['HRANDFIELD', 'h', ...args], { shape: true });
        await d.check(['HRANDFIELD', 'noh', ...args]);
      }
      await d.check(['HRANDFIELD', 'h', '5', 'WITHVALUES'], { unordered: proto === '2' ? 'pairs' : 'elements' });
      await d.check(['HRANDFIELD', 'h', '3'], { unordered: 'elements' });
    }
    await d.check(['HELLO', '2'], { shape: true });
    await d.seq([
      ['HRANDFIELD', 'h', 'x'],
      ['HRANDFIELD', 'h', '1', 'foo'],
      ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', '-9223372036854775808'],
      ['HRANDFIELD', 'h', '9223372036854775807', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'noh', 'x'],
      ['SET', 's', 'v'],
      ['HRANDFIELD', 's'],
      ['HRANDFIELD', 's', '1'],
      ['HRANDFIELD', 's', 'x'],
    ]);
    // Distinct fields for positive counts below the size.
    const [ours] = await d.both('HRANDFIELD', 'h', '2');
    const names = ours.toString('latin1').split('\r\n').filter((x) => /^[abc]$/.test(x));
    assert.equal(new Set(names).size, 2);
  });

  it('HSCAN: small hashes in one call, big hashes by cursor, options and errors', async () => {
    await d.seq([
      ['HSET', 'h', 'aa', '1', 'ab', '2', 'b', '3'],
      ['HSCAN', 'h', '0'],
      ['HSCAN', 'h', '0', 'MATCH', 'a*'],
      ['HSCAN', 'h', '0', 'COUNT', '1'],
      ['HSCAN', 'h', '0', 'MATCH', 'zz*', 'COUNT', '100'],
      ['HSCAN', 'h', '0', 'COUNT', '0'],
      ['HSCAN', 'h', '0', 'COUNT', 'x'],
      ['HSCAN', 'h', '0', 'FOO', 'x'],
      ['HSCAN', 'h', '0', 'TYPE', 'string'],
      ['HSCAN', 'h', 'x'],
      ['HSCAN', 'noh', '0'],
      ['HSCAN', 'noh', '0', 'COUNT', '0'],
      ['HSCAN', 'noh', 'x'],
      ['SET', 's', 'v'],
      ['HSCAN', 's', '0'],
      ['HSCAN', 's', 'x'],
    ]);
    const pairs = Array.from({ length: 100 }, (_, i) => [`field:${i}`, `${i}`]).flat();
    await d.check(['HSET', 'big', ...pairs]);
    // Walk our cursor to the end: every field exactly once.
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const reply = (await d.ours.value('HSCAN', 'big', cursor, 'COUNT', '7')) as Buffer[] | Array<Buffer | Buffer[]>;
      cursor = String(reply[0]);
      const items = reply[1] as Buffer[];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i].toString());
      rounds++;
    } while (cursor !== '0' && rounds < 100);
    assert.equal(cursor, '0');
    assert.equal(seen.size, 100);
    assert.ok(rounds > 2);
  });
});
