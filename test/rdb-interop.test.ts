// RDB interoperability with a real redis-server 7.0, both ways: it saves every type and encoding
// (small and large, binary, with expiries, several dbs) and we load identical contents; we save and
// it loads identical contents; and the Redis sample files load here as they load there.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { startRedis, startStore, tmpDir, type ChildServer } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { datasetOf, datasetOver } from './rdb-dataset';
import type { Server } from '../src/store/server';
import { ListValue } from '../src/store/types/list';
import { HashValue } from '../src/store/types/hash';
import { SetValue } from '../src/store/types/set';
import { ZSetValue } from '../src/store/types/zset';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'rdb');
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Every type in every encoding Redis 7.0 writes, through commands (so it works on either server). */
async function populate(c: RawClient): Promise<void> {
  const far = Date.now() + 3600_000;
  const cmds: Array<Array<string | number | Buffer>> = [
    ['SELECT', 0],
    ['SET', 'str:int', '12345'],
    ['SET', 'str:bigint', '9223372036854775807'],
    ['SET', 'str:lead0', '0012'],
    ['SET', 'str:empty', ''],
    ['SET', 'str:binary', ALL_BYTES],
    ['SET', 'str:compressible', 'abcd'.repeat(50000)],
    ['SET', 'str:random', crypto.randomBytes(30000)],
    ['SET', ALL_BYTES, 'binary key'],
    ['RPUSH', 'list:small', 'a', '1', '-200', '70000', '-9000000000', '9223372036854775807', '', ALL_BYTES],
    ['RPUSH', 'list:hugeitem', 'a', 'z'.repeat(100000), 'b'],
    ['HSET', 'hash:small', 'f1', 'v1', 'n', '42', 'bin', ALL_BYTES.subarray(0, 60)],
    ['HSET', 'hash:longvalue', 'f', 'v'.repeat(100)],
    ['SADD', 'set:int16', '1', '-5', '300'],
    ['SADD', 'set:int64', '1', '-9223372036854775808', '9223372036854775807'],
    ['SADD', 'set:strings', 'a', 'b', ALL_BYTES],
    ['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-1e20', 'c', 'inf', 'd', '-inf', 'e', '0.1', 'f'],
    ['ZADD', 'zset:longmember', '1', 'x'.repeat(100)],
    ['PEXPIREAT', 'str:int', far],
    ['PEXPIREAT', 'hash:small', far + 1],
    ['SELECT', 1],
    ['SET', 'k', 'db1'],
    ['PEXPIREAT', 'k', far + 2],
    ['SELECT', 9],
    ['HSET', 'h', 'a', 'b'],
  ];
  const list: string[] = [];
  const hash: string[] = [];
  const set: string[] = [];
  const intset: string[] = [];
  const zset: string[] = [];
  for (let i = 0; i < 5000; i++) {
    list.push(i % 3 ? `item-${i}` : String(i * 7919 - 50000));
    hash.push(`field:${i}`, String(i));
    set.push(`m${i}`);
    intset.push(String(i * 3));
    zset.push(String((i * 1.37) % 100), `m${i}`);
  }
  cmds.push(['SELECT', 0], ['RPUSH', 'list:big', ...list], ['HSET', 'hash:big', ...hash], ['SADD', 'set:big', ...set], ['SADD', 'set:bigint', ...intset], ['ZADD', 'zset:big', ...zset], ['PEXPIREAT', 'zset:big', far + 3]);
  for (const cmd of cmds) {
    const r = await c.send(...cmd);
    assert.notEqual(r[0], 0x2d, `${String(cmd[0])}: ${r.toString('latin1')}`);
  }
}

/** The same kind of dataset built directly in our databases (independent of the collection commands). */
function populateServer(s: Server): void {
  const far = Date.now() + 3600_000;
  const bin = ALL_BYTES.toString('latin1');
  const db0 = s.dbs[0];
  db0.set('str:int', '12345');
  db0.set('str:bigint', '9223372036854775807');
  db0.set('str:lead0', '0012');
  db0.set('str:empty', '');
  db0.set('str:binary', bin);
  db0.set('str:compressible', 'abcd'.repeat(50000));
  db0.set('str:random', crypto.randomBytes(30000).toString('latin1'));
  db0.set(bin, 'binary key');
  db0.set('list:small', ListValue.from(['a', '1', '-200', '70000', '-9000000000', '9223372036854775807', '', bin]));
  db0.set('list:hugeitem', ListValue.from(['a', 'z'.repeat(100000), 'b']));
  db0.set('list:big', ListValue.from(Array.from({ length: 5000 }, (_, i) => (i % 3 ? `item-${i}` : String(i * 7919 - 50000)))));
  db0.set('hash:small', HashValue.from([['f1', 'v1'], ['n', '42'], ['bin', bin.slice(0, 60)]]));
  db0.set('hash:longvalue', HashValue.from([['f', 'v'.repeat(100)]]));
  db0.set('hash:big', HashValue.from(Array.from({ length: 5000 }, (_, i): [string, string] => [`field:${i}`, String(i)])));
  db0.set('set:int16', SetValue.from(['1', '-5', '300']));
  db0.set('set:int64', SetValue.from(['1', '-9223372036854775808', '9223372036854775807']));
  db0.set('set:strings', SetValue.from(['a', 'b', bin]));
  db0.set('set:big', SetValue.from(Array.from({ length: 5000 }, (_, i) => `m${i}`)));
  db0.set('set:bigint', SetValue.from(Array.from({ length: 5000 }, (_, i) => String(i * 3))));
  db0.set('zset:small', ZSetValue.from([['a', 1], ['b', 2.5], ['c', -1e20], ['d', Infinity], ['e', -Infinity], ['f', 0.1]]));
  db0.set('zset:longmember', ZSetValue.from([['x'.repeat(100), 1]]));
  db0.set('zset:big', ZSetValue.from(Array.from({ length: 5000 }, (_, i): [string, number] => [`m${i}`, (i * 1.37) % 100])));
  db0.setExpire('str:int', far);
  db0.setExpire('hash:small', far + 1);
  db0.setExpire('zset:big', far + 3);
  s.dbs[1].set('k', 'db1');
  s.dbs[1].setExpire('k', far + 2);
  s.dbs[9].set('h', HashValue.from([['a', 'b']]));
}

describe('RDB interop with redis-server 7.0', function () {
  this.timeout(30000);
  let redis: ChildServer | null = null;
  const dirs: string[] = [];
  const dir = (): string => {
    const d = tmpDir('resplit-rdb-');
    dirs.push(d);
    return d;
  };
  after(async () => {
    await redis?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('loads a file redis-server saved, with identical contents', async function () {
    const d = dir();
    redis = await startRedis(['--dir', d, '--dbfilename', 'theirs.rdb']);
    if (!redis) this.skip();
    const c = await RawClient.connect(redis.port);
    await populate(c);
    assert.equal(await c.str('SAVE'), '+OK\r\n');
    c.close();
    const expected = await datasetOver(redis.port);
    await redis.stop();
    redis = null;
    const ours = await startStore({ dir: d, dbfilename: 'theirs.rdb' });
    try {
      assert.deepEqual(datasetOf(ours.server), expected);
      assert.equal(Object.keys(expected[0]).length, 22);
    } finally {
      await ours.stop();
    }
  });

  it('writes a file redis-server loads with identical contents and the same encodings', async function () {
    const d = dir();
    const ours = await startStore({ dir: d, dbfilename: 'ours.rdb' });
    let expected;
    try {
      populateServer(ours.server);
      const c = await RawClient.connect(ours.port);
      assert.equal(await c.str('SAVE'), '+OK\r\n');
      c.close();
      expected = datasetOf(ours.server);
    } finally {
      await ours.stop();
    }
    redis = await startRedis(['--dir', d, '--dbfilename', 'ours.rdb']);
    if (!redis) this.skip();
    assert.deepEqual(await datasetOver(redis.port), expected);
    const c = await RawClient.connect(redis.port);
    const enc: Record<string, string> = { 'hash:small': 'listpack', 'hash:big': 'hashtable', 'set:int16': 'intset', 'set:big': 'hashtable', 'zset:small': 'listpack', 'zset:big': 'skiplist', 'list:big': 'quicklist', 'str:int': 'int' };
    for (const [k, e] of Object.entries(enc)) assert.equal(await c.str('OBJECT', 'ENCODING', k), `$${e.length}\r\n${e}\r\n`, k);
    c.close();
    await redis.stop();
    redis = null;
  });

  for (const name of ['encodings.rdb', 'hash-zipmap.rdb', 'hash-ziplist.rdb', 'zset-ziplist.rdb', 'list-quicklist.rdb', 'scriptbackup.rdb', 'corrupt_empty_keys.rdb']) {
    it(`loads ${name} with the contents redis-server 7.0 loads from it`, async function () {
      const d = dir();
      fs.copyFileSync(path.join(FIXTURES, name), path.join(d, name));
      redis = await startRedis(['--dir', d, '--dbfilename', name]);
      if (!redis) this.skip();
      const expected = await datasetOver(redis.port);
      await redis.stop();
      redis = null;
      const ours = await startStore({ dir: d, dbfilename: name });
      try {
        assert.deepEqual(datasetOf(ours.server), expected);
      } finally {
        await ours.stop();
      }
    });
  }
});
