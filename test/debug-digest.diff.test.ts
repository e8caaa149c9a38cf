// DEBUG DIGEST / DIGEST-VALUE / POPULATE compared with redis-server 7.0: the same data gives the same
// digests byte for byte (every type, both encodings of each collection, expiries, several dbs), so
// a dataset can be compared across the two servers.

import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';

describe('DEBUG DIGEST (differential)', () => {
  const d = useDiff({ 'enable-debug-command': 'yes', 'zset-max-listpack-entries': '4', 'hash-max-listpack-entries': '4', 'set-max-intset-entries': '4' });

  it('empty, then every type in both encodings, expiries and other dbs', async () => {
    await d.check(['DEBUG', 'DIGEST']);
    await d.seq([
      ['SET', 'str', 'hello'],
      ['SET', 'int', '12345'],
      ['SET', 'bin', '\x00\xff\r\n'],
      ['RPUSH', 'list', 'a', 'b', 'c', '1'],
      ['SADD', 'iset', '1', '2', '3'],
      ['SADD', 'bigset', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['ZADD', 'zs', '1.5', 'a', '-0', 'b', '3', 'c'],
      ['ZADD', 'zbig', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '-0', 'neg', '0.1', 'f', 'inf', 'g'],
      ['HSET', 'hs', 'f', 'v', 'g', 'w'],
      ['HSET', 'hbig', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'],
      ['SET', 'ttl', 'v', 'EX', '1000'],
      ['SELECT', '3'],
      ['SET', 'other', 'db'],
      ['SELECT', '0'],
    ]);
    await d.check(['DEBUG', 'DIGEST']);
    await d.check(['DEBUG', 'DIGEST-VALUE', 'str', 'int', 'bin', 'list', 'iset', 'bigset', 'zs', 'zbig', 'hs', 'hbig', 'ttl', 'nokey']);
    await d.check(['DEBUG', 'DIGEST-VALUE']);
    await d.check(['LPUSH', 'list', 'z']);
    await d.check(['DEBUG', 'DIGEST']);
  });

  it('POPULATE: keys, prefix, sizes (cut and zero-padded), existing keys kept, errors', async () => {
    await d.seq([
      ['SET', 'key:1', 'mine'],
      ['DEBUG', 'POPULATE', '5'],
      ['DEBUG', 'POPULATE', '3', 'p', '4'],
      ['DEBUG', 'POPULATE', '2', 'q', '12'],
      ['GET', 'key:1'],
      ['GET', 'q:1'],
      ['DBSIZE'],
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', 'x'],
      ['DEBUG', 'POPULATE', '1', 'p', '-2'],
    ]);
  });
});

describe('DEBUG OBJECT (differential)', () => {
  const d = useDiff({ 'enable-debug-command': 'yes', 'zset-max-listpack-entries': '4', 'hash-max-listpack-entries': '4', 'set-max-intset-entries': '4' });

  /** DEBUG OBJECT on both, compared without the address and the LRU clock (the two servers' own). */
  async function same(key: string): Promise<string> {
    const [a, b] = await d.both('DEBUG', 'OBJECT', key);
    const strip = (x: Buffer) => x.toString('latin1').replace(/^\+Value at:0x[0-9a-f]+ /, '+Value at:? ').replace(/ lru:\d+ lru_seconds_idle:\d+/, ' lru:?');
    assert.equal(strip(a), strip(b), `DEBUG OBJECT ${key}`);
    return a.toString('latin1');
  }

  it('prints the fields Redis prints for every type and encoding, quicklist fields included', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `element-number-${i}`);
    await d.seq([
      ['SET', 'int', '20000'],
      ['SET', 'shared', '5'],
      ['SET', 'emb', 'hello'],
      ['SET', 'raw', 'x'.repeat(100)],
      ['APPEND', 'app', 'ab'],
      ['RPUSH', 'list', 'a', 'b', 'c', '1', '2'],
      ['RPUSH', 'biglist', ...big],
      ['SADD', 'iset', '1', '2', '3'],
      ['SADD', 'hset', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['ZADD', 'zs', '1', 'a', '2', 'b'],
      ['ZADD', 'zbig', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['HSET', 'h', 'f', 'v'],
      ['HSET', 'hbig', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'],
    ]);
    for (const k of ['int', 'shared', 'emb', 'raw', 'app', 'list', 'biglist', 'iset', 'hset', 'zs', 'zbig', 'h', 'hbig', 'nokey']) await same(k);
    await d.check(['DEBUG', 'OBJECT']);
  });

  it('keeps the address of an integer INCR changes in place (Redis test incr.tcl)', async () => {
    await d.check(['SET', 'foo', '20000']);
    const before = (await same('foo')).split(' ')[1];
    await d.check(['INCR', 'foo']);
    const after = (await same('foo')).split(' ')[1];
    assert.match(before, /^at:0x[0-9a-f]+$/);
    assert.equal(after, before);
  });
});

describe('DEBUG PROTOCOL (differential)', () => {
  const d = useDiff({ 'enable-debug-command': 'yes' });
  const types = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false', 'nosuch'];

  it('answers the same bytes for every type in RESP2 and RESP3', async () => {
    for (const t of types) await d.check(['DEBUG', 'PROTOCOL', t]);
    await d.check(['DEBUG', 'PROTOCOL']);
    await d.both('HELLO', '3');
    try {
      for (const t of types) {
        // A push comes before the real reply (an attribute is read with the reply it annotates).
        await d.raw(`DEBUG PROTOCOL ${t}\r\nPING\r\n`, t === 'push' ? 3 : 2);
      }
    } finally {
      await d.both('HELLO', '2');
    }
  });
});
