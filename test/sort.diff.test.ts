// Differential tests for SORT and SORT_RO against redis-server 7.0: numeric and ALPHA sorts of lists,
// sets and sorted sets, BY patterns (incl. hash fields and "nosort"), GET, LIMIT, STORE and errors.
// Lists and hashes are loaded into our store directly (their commands live in another family) and
// into Redis with RPUSH/HSET, so these tests depend only on SORT itself.
import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { ListValue } from '../src/store/types/list';
import { HashValue } from '../src/store/types/hash';

describe('SORT (differential)', () => {
  const d = useDiff();

  async function list(key: string, items: string[]): Promise<void> {
    d.store.server.dbs[0].set(key, ListValue.from(items));
    await d.theirs.send('RPUSH', key, ...items);
  }
  /** Compares a stored list: ours read from the value, Redis's with LRANGE. */
  async function checkList(key: string): Promise<void> {
    const v = d.store.server.dbs[0].get(key);
    const ours = v instanceof ListValue ? Array.from(v) : null;
    const r = (await d.theirs.value('LRANGE', key, '0', '-1')) as unknown as Buffer[];
    assert.deepEqual(ours ?? [], r.map((b) => b.toString('latin1')), `list ${key}`);
  }
  /** d.seq, with ['LIST', key] entries checking a stored list. */
  async function run(cmds: string[][]): Promise<void> {
    for (const c of cmds) {
      if (c[0] === 'LIST') await checkList(c[1]);
      else await d.check(c);
    }
  }
  async function hash(key: string, pairs: Array<[string, string]>): Promise<void> {
    d.store.server.dbs[0].set(key, HashValue.from(pairs));
    await d.theirs.send('HSET', key, ...pairs.flat());
  }

  it('sorts lists numerically and ALPHA, with LIMIT, DESC and errors', async () => {
    await list('l', ['3', '1', '2', '10', '1.5', '-inf', ' 7', '1e1']);
    await list('w', ['banana', 'apple', 'Cherry', 'apple2', '']);
    await d.seq([
      ['SORT', 'l'],
      ['SORT', 'l', 'DESC'],
      ['SORT', 'l', 'LIMIT', '1', '3'],
      ['SORT', 'l', 'LIMIT', '-5', '2'],
      ['SORT', 'l', 'LIMIT', '2', '-1'],
      ['SORT', 'l', 'LIMIT', '100', '2'],
      ['SORT', 'l', 'LIMIT', '0', '0'],
      ['SORT', 'l', 'ALPHA'],
      ['SORT', 'w', 'ALPHA'],
      ['SORT', 'w', 'ALPHA', 'DESC', 'LIMIT', '1', '2'],
      ['SORT', 'w'],
      ['SORT', 'l', 'LIMIT', 'x', '1'],
      ['SORT', 'l', 'LIMIT', '1'],
      ['SORT', 'l', 'FOO'],
      ['SORT', 'l', 'ASC', 'DESC', 'ASC'],
      ['SORT', 'nokey'],
      ['SORT', 'nokey', 'STORE', 'dst'],
      ['SET', 'str', 'v'],
      ['SORT', 'str'],
      ['SORT', 'str', 'FOO'],
      ['SORT_RO', 'l', 'DESC'],
      ['SORT_RO', 'l', 'STORE', 'dst'],
    ]);
  });

  it('sorts sets and sorted sets; BY without * keeps native order; sets are sorted when storing', async () => {
    await run([
      ['SADD', 's', '5', '3', '9', '1'],
      ['SADD', 'sw', 'x', 'b', 'a'],
      ['ZADD', 'z', '1', 'c', '2', 'a', '3', 'b', '4', 'd'],
      ['SORT', 's'],
      ['SORT', 's', 'DESC', 'LIMIT', '0', '2'],
      ['SORT', 'sw', 'ALPHA'],
      ['SORT', 'z', 'ALPHA'],
      ['SORT', 'z', 'BY', 'nosort'],
      ['SORT', 'z', 'BY', 'nosort', 'DESC'],
      ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'],
      ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
      ['SORT', 'sw', 'BY', 'nosort', 'STORE', 'dst'],
      ['LIST', 'dst'],
      ['SORT', 's', 'BY', 'nosort'],
    ]);
    await d.check(['SORT', 'sw', 'BY', 'nosort'], { unordered: 'elements' });
    await d.check(['SORT', 'z']);
    await list('l', ['c', 'a', 'b']);
    await d.seq([['SORT', 'l', 'BY', 'nosort'], ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '2']]);
  });

  it('BY and GET patterns, hash fields, missing keys, STORE and conversion errors', async () => {
    await list('ids', ['1', '2', '3', '4']);
    await d.seq([
      ['SET', 'w_1', '40'],
      ['SET', 'w_2', '10'],
      ['SET', 'w_3', '30'],
      ['SET', 'name_1', 'one'],
      ['SET', 'name_2', 'two'],
      ['SET', 'name_4', 'four'],
    ]);
    await hash('h_1', [['f', 'b'], ['n', '3']]);
    await hash('h_2', [['f', 'a'], ['n', '1']]);
    await hash('h_3', [['f', 'c'], ['n', '2']]);
    await hash('h_4', [['n', '0']]);
    await run([
      ['SORT', 'ids', 'BY', 'w_*'],
      ['SORT', 'ids', 'BY', 'w_*', 'DESC'],
      ['SORT', 'ids', 'BY', 'w_*', 'GET', 'name_*'],
      ['SORT', 'ids', 'BY', 'w_*', 'GET', '#', 'GET', 'name_*', 'GET', 'nostar'],
      ['SORT', 'ids', 'BY', 'h_*->n'],
      ['SORT', 'ids', 'BY', 'h_*->f', 'ALPHA'],
      ['SORT', 'ids', 'BY', 'h_*->n', 'GET', 'h_*->f', 'GET', 'h_*->'],
      ['SORT', 'ids', 'BY', 'name_*', 'ALPHA', 'DESC'],
      ['SORT', 'ids', 'BY', 'w_*', 'LIMIT', '1', '2', 'GET', '#'],
      ['SORT', 'ids', 'GET', 'w_*', 'STORE', 'out'],
      ['LIST', 'out'],
      ['SORT', 'ids', 'BY', 'w_*', 'GET', 'name_*', 'STORE', 'out'],
      ['LIST', 'out'],
      ['SORT', 'ids', 'LIMIT', '10', '1', 'STORE', 'out'],
      ['EXISTS', 'out'],
      ['SORT', 'ids', 'BY', 'name_*'],
      ['SORT', 'ids', 'BY', 'h_*'],
      ['SORT', 'ids', 'GET'],
      ['SORT', 'ids', 'BY'],
      ['SORT', 'ids', 'STORE'],
    ]);
    await list('bad', ['1', 'x', '2']);
    await d.seq([['SORT', 'bad'], ['SORT', 'bad', 'ALPHA'], ['SORT', 'bad', 'BY', 'nosort'], ['SORT', 'bad', 'STORE', 'o2'], ['EXISTS', 'o2']]);
    const stored = d.store.server.dbs[0].get('out');
    assert.equal(stored, undefined);
  });

  it('SORT converts a listpack sorted set to a skiplist, and reads numbers as C strings (found by the fuzzer)', async () => {
    await d.seq([
      ['ZADD', 'z', '6', '\x00', '1', 'a'],
      ['OBJECT', 'ENCODING', 'z'],
      ['SORT', 'z', 'BY', 'nosort'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z2', '1', '1', '2', ''],
      ['SORT_RO', 'z2'],
      ['OBJECT', 'ENCODING', 'z2'],
    ]);
    // strtod stops at the first NUL byte: "", "\0" and "2\0x" are numbers, "x\0" is not.
    await list('nul', ['2\x00x', '', '\x00', '-1']);
    await d.seq([['SORT', 'nul'], ['SORT', 'nul', 'DESC'], ['SET', 'w_', '\x00'], ['SORT', 'nul', 'BY', 'w_*']]);
    await list('nul2', ['x\x00', '1']);
    await d.check(['SORT', 'nul2']);
  });

  it('ALPHA compares C strings when replying (strcoll: a NUL ends the string), bytes when storing (found by the fuzzer)', async () => {
    await list('l', ['b\x00c', 'a', 'b', 'b\x00a', '', '\x00x', 'c']);
    await run([
      ['SORT', 'l', 'ALPHA'],
      ['SORT', 'l', 'ALPHA', 'DESC'],
      ['SORT', 'l', 'ALPHA', 'LIMIT', '1', '3'],
      ['SORT', 'l', 'ALPHA', 'STORE', 'o'],
      ['LIST', 'o'],
      ['MSET', 'w_a', 'b\x00z', 'w_b', 'b', 'w_c', 'b\x00y'],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA'],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'STORE', 'o'],
      ['LIST', 'o'],
    ]);
  });

  it('a subnormal number (5e-324) cannot be converted: strtod reports ERANGE for it (found by the fuzzer)', async () => {
    // (Redis never clears errno before these strtod calls: a SORT after a refused one would fail
    // too, so the refusals come last.)
    await list('small', ['1e-300', '2.2250738585072014e-308', '-1e-307']);
    await list('sub', ['5e-324', '1']);
    await list('one', ['1']);
    await run([
      ['SORT', 'small'],
      ['SET', 'w_1', '1e-320'],
      ['SORT', 'one', 'BY', 'w_*'],
      ['SORT', 'sub'],
    ]);
  });
});
