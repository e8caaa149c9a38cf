// RDB codec: CRC-64, LZF, every type and encoding written then read back (big values, binary keys,
// expiries, several databases), the Redis sample files, refusal of truncated/corrupt files (and the
// dataset left untouched), and the point-in-time property of the sliced snapshot under writes.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Server } from '../src/store/server';
import { Config } from '../src/store/config';
import { ListValue } from '../src/store/types/list';
import { HashValue } from '../src/store/types/hash';
import { SetValue } from '../src/store/types/set';
import { ZSetValue } from '../src/store/types/zset';
import { crc64 } from '../src/store/rdb/crc64';
import { lzfCompress, lzfDecompress } from '../src/store/rdb/lzf';
import { rdbBytes, loadRdb, RdbError, Snapshot } from '../src/store/rdb';
import { parseRdb } from '../src/store/rdb/load';
import { RdbReader } from '../src/store/rdb/reader';
import { OP, T } from '../src/store/rdb/constants';
import { OutBuf } from '../src/store/rdb/writer';
import { buildListpack } from '../src/store/rdb/listpack';
import { datasetOf } from './rdb-dataset';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'rdb');

function server(directives: Record<string, string> = {}): Server {
  const config = new Config();
  for (const [k, v] of Object.entries({ save: '', ...directives })) config.set(k, v === '' ? [''] : v.split(' '), true);
  return new Server({ config });
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const rnd = (n: number): string => crypto.randomBytes(n).toString('latin1');

/** A dataset with every type in every encoding we write, big and small, with expiries, in 3 dbs. */
function populate(s: Server): void {
  const now = Date.now();
  const db0 = s.dbs[0];
  const strings: Record<string, string> = {
    int8: '-128',
    int16: '32767',
    int32: '-2147483648',
    int64: '9223372036854775807',
    lead0: '007',
    neg0: '-0',
    plus: '+5',
    empty: '',
    binary: ALL_BYTES,
    compressible: 'abc'.repeat(100000),
    random: rnd(50000),
    short21: 'x'.repeat(21),
  };
  for (const [k, v] of Object.entries(strings)) db0.set(`str:${k}`, v);
  db0.set(ALL_BYTES, 'binary key');
  db0.set('', 'empty key');
  db0.set('list:small', ListValue.from(['a', '1', '-200', '70000', '-9000000000', '9223372036854775807', '', ALL_BYTES]));
  db0.set('list:big', ListValue.from(Array.from({ length: 20000 }, (_, i) => (i % 3 ? `item-${i}` : String(i * 7919 - 50000)))));
  db0.set('list:hugeitem', ListValue.from(['a', 'z'.repeat(200000), rnd(20000), 'b']));
  db0.set('hash:small', HashValue.from([['f1', 'v1'], ['n', '42'], ['bin', ALL_BYTES.slice(0, 60)]]));
  db0.set('hash:longvalue', HashValue.from([['f', 'v'.repeat(65)]]));
  db0.set('hash:big', HashValue.from(Array.from({ length: 2000 }, (_, i): [string, string] => [`field:${i}`, `${i}`])));
  db0.set('set:int16', SetValue.from(['1', '-5', '300']));
  db0.set('set:int32', SetValue.from(['1', '-5', '70000']));
  db0.set('set:int64', SetValue.from(['1', '-9223372036854775808', '9223372036854775807']));
  db0.set('set:strings', SetValue.from(['a', 'b', ALL_BYTES]));
  db0.set('set:bigint', SetValue.from(Array.from({ length: 1000 }, (_, i) => String(i))));
  db0.set('set:big', SetValue.from(Array.from({ length: 5000 }, (_, i) => `m${i}`)));
  db0.set('zset:small', ZSetValue.from([['a', 1], ['b', 2.5], ['c', -1e20], ['d', Infinity], ['e', -Infinity], ['f', 0.1], ['g', 3]]));
  db0.set('zset:big', ZSetValue.from(Array.from({ length: 3000 }, (_, i): [string, number] => [`m${i}`, (i * 1.37) % 100])));
  db0.set('zset:longmember', ZSetValue.from([['x'.repeat(100), 1]]));
  db0.setExpire('str:int8', now + 100000);
  db0.setExpire('list:big', now + 200000);
  db0.setExpire('zset:big', now + 300000);
  const db1 = s.dbs[1];
  db1.set('k', 'db1');
  db1.set('h', HashValue.from([['a', 'b']]));
  db1.setExpire('k', now + 5000);
  const db15 = s.dbs[15];
  for (let i = 0; i < 1000; i++) db15.set(`key:${i}`, `value:${i}`);
}

/** Key -> RDB type byte of every record in a file. */
function recordTypes(file: Buffer): Map<string, number> {
  const r = new RdbReader(file, 9);
  const out = new Map<string, number>();
  for (;;) {
    const t = r.u8();
    if (t === OP.EOF) return out;
    if (t === OP.AUX) {
      r.str();
      r.str();
    } else if (t === OP.SELECTDB) r.len();
    else if (t === OP.RESIZEDB) {
      r.len();
      r.len();
    } else if (t === OP.EXPIRETIME_MS) r.i64le();
    else {
      const key = r.str();
      out.set(key, t);
      // Skip the value by decoding it.
      require('../src/store/rdb/reader').readValue(r, t, key);
    }
  }
}

describe('RDB codec', () => {
  it('CRC-64 matches Redis (Jones, reflected): crc64("123456789") = e9c6d914c4b8d9ca', () => {
    assert.equal(crc64(Buffer.from('123456789')).readBigUInt64LE(0).toString(16), 'e9c6d914c4b8d9ca');
  });

  it('LZF round trips and refuses corrupt input', () => {
    for (const s of ['a'.repeat(1000), 'hello world '.repeat(50), rnd(3000) + rnd(10).repeat(200)]) {
      const b = Buffer.from(s, 'latin1');
      const c = lzfCompress(b);
      assert.ok(c && c.length < b.length);
      assert.ok(lzfDecompress(c, b.length)!.equals(b));
      assert.equal(lzfDecompress(c, b.length + 1), null);
      assert.equal(lzfDecompress(c.subarray(0, c.length - 1), b.length), null);
    }
    assert.equal(lzfCompress(crypto.randomBytes(1000)), null, 'random data does not compress');
    assert.equal(lzfDecompress(Buffer.from([0xe0, 0xff, 0xff]), 10), null, 'back reference before the start');
  });

  it('round trips every type and encoding, big values, binary keys, expiries and several dbs', () => {
    const a = server();
    populate(a);
    const file = rdbBytes(a);
    assert.equal(file.latin1Slice(0, 9), 'REDIS0010');
    const b = server();
    loadRdb(b, file);
    assert.deepEqual(datasetOf(b), datasetOf(a));
    const types = recordTypes(file);
    const expect: Record<string, number> = {
      'str:int8': T.STRING,
      'list:small': T.LIST_QUICKLIST_2,
      'list:big': T.LIST_QUICKLIST_2,
      'hash:small': T.HASH_LISTPACK,
      'hash:longvalue': T.HASH,
      'hash:big': T.HASH,
      'set:int16': T.SET_INTSET,
      'set:int64': T.SET_INTSET,
      'set:strings': T.SET,
      'set:bigint': T.SET,
      'zset:small': T.ZSET_LISTPACK,
      'zset:big': T.ZSET_2,
      'zset:longmember': T.ZSET_2,
    };
    for (const [k, t] of Object.entries(expect)) assert.equal(types.get(k), t, k);
  });

  it('writes uncompressed files with rdbcompression no, and a zero checksum with rdbchecksum no (accepted on load)', () => {
    const a = server({ rdbcompression: 'no', rdbchecksum: 'no' });
    a.dbs[0].set('k', 'abc'.repeat(1000));
    const file = rdbBytes(a);
    assert.ok(file.length > 3000);
    assert.ok(file.subarray(file.length - 8).equals(Buffer.alloc(8)));
    const b = server();
    loadRdb(b, file);
    assert.equal(b.dbs[0].peek('k'), 'abc'.repeat(1000));
  });

  it('drops keys already expired when loading as a master, keeps them on a replica', () => {
    const a = server();
    a.dbs[0].set('gone', 'x');
    a.dbs[0].setExpire('gone', Date.now() - 1000);
    a.dbs[0].set('kept', 'y');
    const file = rdbBytes(a);
    const b = server();
    loadRdb(b, file);
    assert.deepEqual([...b.dbs[0].data.keys()], ['kept']);
    const c = server();
    c.isReplica = true;
    loadRdb(c, file);
    assert.deepEqual([...c.dbs[0].data.keys()].sort(), ['gone', 'kept']);
  });

  it('returns the replication id and offset saved in the aux fields', () => {
    const a = server();
    a.dbs[0].set('k', 'v');
    const file = rdbBytes(a, { replId: 'a'.repeat(40), replOffset: 12345 });
    assert.deepEqual(loadRdb(server(), file), { replId: 'a'.repeat(40), replOffset: 12345, replStreamDb: 0 });
  });

  it('refuses a file truncated at any length, a flipped checksum and a flipped byte; the dataset stays', () => {
    const a = server();
    populate(a);
    a.dbs[0].set('str:compressible', 'abc'.repeat(100)); // keep the file small for the sweep
    a.dbs[0].set('str:random', 'r');
    for (const k of ['list:hugeitem', 'list:big', 'hash:big', 'set:big', 'set:bigint', 'zset:big']) a.dbs[0].delete(k);
    a.dbs[15].flush();
    const file = rdbBytes(a);
    const b = server();
    b.dbs[3].set('before', 'load');
    const step = Math.max(1, Math.floor(file.length / 400));
    for (let n = 0; n < file.length; n += step) {
      assert.throws(() => loadRdb(b, file.subarray(0, n)), RdbError, `length ${n}`);
    }
    assert.throws(() => loadRdb(b, file.subarray(0, file.length - 1)), RdbError);
    const flipped = Buffer.from(file);
    flipped[flipped.length - 3] ^= 0x40;
    assert.throws(() => loadRdb(b, flipped), /Wrong RDB checksum/);
    const body = Buffer.from(file);
    body[Math.floor(body.length / 2)] ^= 0x01;
    assert.throws(() => loadRdb(b, body), RdbError);
    assert.deepEqual(Object.keys(datasetOf(b)), ['3'], 'nothing was installed');
    assert.equal(b.dbs[3].peek('before'), 'load');
  });

  it('refuses a wrong signature, a version above 11, a SELECTDB beyond databases, duplicate keys', () => {
    const s = server();
    assert.throws(() => loadRdb(s, Buffer.from('RADIS0010\xff', 'latin1')), /Wrong signature/);
    assert.throws(() => loadRdb(s, Buffer.from('REDIS0012\xff' + '\0'.repeat(8), 'latin1')), /Can't handle RDB format version 12/);
    const sel = Buffer.from('REDIS0009\xfe\x20\xff', 'latin1');
    assert.throws(() => loadRdb(s, sel), /more than 16 databases/);
    const dup = Buffer.from('REDIS0009\x00\x01k\x01a\x00\x01k\x01b\xff', 'latin1');
    assert.throws(() => loadRdb(s, dup), /duplicated key 'k'/);
  });

  it('refuses types it does not store with an error naming the key and the type', () => {
    const s = server();
    const stream = Buffer.from('REDIS0010\x13\x08mystream\x00\x00', 'latin1');
    assert.throws(() => loadRdb(s, stream), /key 'mystream' has type stream/);
    const mod = Buffer.from('REDIS0010\x07\x03mod\x00', 'latin1');
    assert.throws(() => loadRdb(s, mod), /key 'mod' has type module/);
    const fn = Buffer.from('REDIS0010\xf5\x00', 'latin1');
    assert.throws(() => loadRdb(s, fn), /function libraries/);
  });

  it('loads the Redis sample files (old encodings, zipmap, ziplists, quicklist, script aux)', () => {
    const load = (name: string): Server => {
      const s = server();
      loadRdb(s, fs.readFileSync(path.join(FIXTURES, name)));
      return s;
    };
    const enc = datasetOf(load('encodings.rdb'))[0];
    assert.equal(Object.keys(enc).length, 13);
    assert.deepEqual([...new Set(Object.values(enc).map((e) => e.type))].sort(), ['hash', 'list', 'set', 'string', 'zset']);
    const zm = datasetOf(load('hash-zipmap.rdb'))[0];
    assert.deepEqual(Object.values(zm).map((e) => e.type), ['hash']);
    assert.deepEqual(Object.values(datasetOf(load('hash-ziplist.rdb'))[0]).map((e) => e.type), ['hash']);
    assert.deepEqual(Object.values(datasetOf(load('zset-ziplist.rdb'))[0]).map((e) => e.type), ['zset']);
    assert.deepEqual(Object.values(datasetOf(load('list-quicklist.rdb'))[0]).map((e) => e.type).sort(), ['list', 'string']);
    assert.deepEqual(datasetOf(load('scriptbackup.rdb')), {});
    assert.deepEqual(datasetOf(load('corrupt_empty_keys.rdb')), {}, 'empty collections are skipped');
    assert.throws(() => load('corrupt_ziplist.rdb'), RdbError);
  });

  it('reads the encodings we never write: old LIST/SET/ZSET/HASH, plain quicklist nodes, SET_LISTPACK, old opcodes', () => {
    const o = new OutBuf();
    o.latin1('REDIS0011');
    o.u8(OP.AUX);
    o.str('lua', false);
    o.str('return 1', false);
    o.u8(OP.SELECTDB);
    o.len(0);
    o.u8(OP.RESIZEDB);
    o.len(7);
    o.len(1);
    const key = (t: number, k: string): void => {
      o.u8(t);
      o.str(k, false);
    };
    key(T.LIST, 'l');
    o.len(2);
    o.str('a', false);
    o.str('12', false);
    key(T.SET, 's');
    o.len(2);
    o.str('x', false);
    o.str('y', false);
    key(T.ZSET, 'z');
    o.len(3);
    o.str('a', false);
    o.u8(3);
    o.latin1('1.5');
    o.str('b', false);
    o.u8(254);
    o.str('c', false);
    o.u8(255);
    key(T.HASH, 'h');
    o.len(1);
    o.str('f', false);
    o.str('v', false);
    o.u8(OP.FREQ);
    o.u8(5);
    o.u8(OP.IDLE);
    o.len(100);
    o.u8(OP.EXPIRETIME);
    o.u32le(2000000000);
    key(T.LIST_QUICKLIST_2, 'q');
    o.len(3);
    o.len(1); // plain node
    o.str('big element', false);
    o.len(2); // packed node
    o.blob(buildListpack(['p1', '2']), false);
    o.len(2); // empty packed node (skipped)
    o.blob(buildListpack([]), false);
    key(T.SET_LISTPACK, 'sl');
    o.blob(buildListpack(['m1', '7', 'm2']), false);
    key(T.ZSET_LISTPACK, 'zl');
    o.blob(buildListpack(['a', '1', 'b', '2.5']), false);
    o.u8(OP.EOF);
    const body = o.take();
    const file = Buffer.concat([body, crc64(body)]);
    const s = server();
    loadRdb(s, file);
    assert.deepEqual(datasetOf(s), {
      0: {
        l: { type: 'list', value: ['a', '12'], expireAt: null },
        s: { type: 'set', value: ['x', 'y'], expireAt: null },
        z: { type: 'zset', value: [['c', -Infinity], ['a', 1.5], ['b', Infinity]], expireAt: null },
        h: { type: 'hash', value: [['f', 'v']], expireAt: null },
        q: { type: 'list', value: ['big element', 'p1', '2'], expireAt: 2000000000000 },
        sl: { type: 'set', value: ['7', 'm1', 'm2'], expireAt: null },
        zl: { type: 'zset', value: [['a', 1], ['b', 2.5]], expireAt: null },
      },
    });
  });

  it('a sliced snapshot holds exactly the dataset at its start, whatever happens meanwhile', () => {
    const s = server();
    const N = 30000;
    for (let i = 0; i < N; i++) s.dbs[0].set(`k${i}`, `v${i}`);
    for (let i = 0; i < 100; i++) s.dbs[1].set(`h${i}`, HashValue.from([['f', `${i}`]]));
    s.dbs[2].set('only2', 'x');
    s.dbs[0].setExpire('k5', Date.now() + 100000);
    const before = datasetOf(s);
    const hooksBefore = s.keyChangeHooks.size;
    const snap = new Snapshot(s, { sliceMs: 0 });
    assert.equal(s.keyChangeHooks.size, hooksBefore + 1);
    const gen = snap.chunks();
    const parts: Buffer[] = [];
    let step = 0;
    const db0 = s.dbs[0];
    for (let r = gen.next(); !r.done; r = gen.next()) {
      if (Buffer.isBuffer(r.value)) parts.push(r.value);
      step++;
      // Interleave writes of every kind between slices.
      const i = (step * 37) % N;
      db0.set(`k${i}`, 'changed'); // emitted or not
      db0.delete(`k${N - 1 - i}`); // often before the iterator gets there
      db0.set(`new${step}`, 'x'); // created during the snapshot
      if (step % 5 === 0) {
        db0.delete(`k${i}`); // delete and re-add: goes to the end of the Map
        db0.set(`k${i}`, 'readded');
      }
      db0.setExpire(`k${(i + 1) % N}`, Date.now() + 1);
      if (step === 3) s.dbs[1].swapWith(s.dbs[2]);
      if (step === 4) {
        const h = s.dbs[2].getForWrite('h1') as HashValue; // h1 lives in db 2 after the swap
        h.map.set('f', 'mutated');
        s.dbs[2].modified('h1');
      }
      if (step === 6) s.dbs[1].flush();
    }
    assert.ok(step > 10, `the snapshot was produced in slices (${step})`);
    const after = server();
    loadRdb(after, Buffer.concat(parts));
    assert.deepEqual(datasetOf(after), before);
    assert.equal(s.keyChangeHooks.size, hooksBefore, 'the copy-on-write hook is removed when done');
  });
});
