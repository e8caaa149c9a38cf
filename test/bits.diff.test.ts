// Bit commands against a real redis-server, byte for byte: offsets at and past the limits, BYTE/BIT
// ranges with negative indexes, BITPOS edge cases, BITOP on uneven lengths, and BITFIELD overflow
// modes for signed and unsigned fields; the dirty counter (rdb_changes_since_last_save) moves, and the
// command is propagated, only when a value changed (bitops.tcl).
import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import type { RawClient } from './helpers/raw';

async function changes(c: RawClient): Promise<number> {
  const v = String(await c.value('INFO', 'persistence'));
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(v)![1]);
}

describe('bit commands (differential)', () => {
  const d = useDiff();

  it('SETBIT / GETBIT and offset errors', async () => {
    await d.seq([
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '0'],
      ['SETBIT', 'b', '100', '1'],
      ['GET', 'b'],
      ['GETBIT', 'b', '100'],
      ['GETBIT', 'b', '101'],
      ['GETBIT', 'b', '100000'],
      ['GETBIT', 'none', '3'],
      ['SETBIT', 'b', '-1', '1'],
      ['SETBIT', 'b', 'x', '1'],
      ['SETBIT', 'b', '1', '2'],
      ['SETBIT', 'b', '1', '-1'],
      ['SETBIT', 'b', '1', 'x'],
      ['SETBIT', 'b', '4294967296', '1'],
      ['GETBIT', 'b', '4294967296'],
      ['GETBIT', 'b', '-1'],
      ['SET', 'n', '12'],
      ['GETBIT', 'n', '2'],
      ['GETBIT', 'n', '3'],
      ['SADD', 's', 'm'],
      ['SETBIT', 's', '1', '1'],
      ['GETBIT', 's', '1'],
      ['SETBIT', 'c', '0', '0'],
      ['GET', 'c'],
    ]);
  });

  it('BITCOUNT with BYTE and BIT ranges', async () => {
    await d.seq([
      ['SET', 'k', 'foobar'],
      ['BITCOUNT', 'k'],
      ['BITCOUNT', 'k', '0', '0'],
      ['BITCOUNT', 'k', '1', '1'],
      ['BITCOUNT', 'k', '1', '-2'],
      ['BITCOUNT', 'k', '-3', '-1'],
      ['BITCOUNT', 'k', '-1', '-3'],
      ['BITCOUNT', 'k', '5', '1'],
      ['BITCOUNT', 'k', '-100', '100'],
      ['BITCOUNT', 'k', '1', '5', 'BYTE'],
      ['BITCOUNT', 'k', '5', '30', 'BIT'],
      ['BITCOUNT', 'k', '5', '30', 'bit'],
      ['BITCOUNT', 'k', '-10', '-2', 'BIT'],
      ['BITCOUNT', 'k', '3', '3', 'BIT'],
      ['BITCOUNT', 'k', '0', '1000', 'BIT'],
      ['BITCOUNT', 'k', '0', '1', 'FOO'],
      ['BITCOUNT', 'k', '0'],
      ['BITCOUNT', 'k', 'x', '1'],
      ['BITCOUNT', 'k', '0', 'x'],
      ['BITCOUNT', 'none'],
      ['BITCOUNT', 'none', '0', '1'],
      ['SET', 'e', ''],
      ['BITCOUNT', 'e'],
      ['BITCOUNT', 'e', '0', '-1', 'BIT'],
      ['SET', 'n', '1234'],
      ['BITCOUNT', 'n'],
      ['SADD', 's', 'm'],
      ['BITCOUNT', 's'],
    ]);
  });

  it('BITPOS in all its forms', async () => {
    await d.seq([
      ['SET', 'k', '\xff\xf0\x00'],
      ['BITPOS', 'k', '0'],
      ['BITPOS', 'k', '1'],
      ['BITPOS', 'k', '0', '2'],
      ['BITPOS', 'k', '1', '2'],
      ['BITPOS', 'k', '1', '2', '-1'],
      ['BITPOS', 'k', '0', '0', '0'],
      ['BITPOS', 'k', '0', '0', '-1'],
      ['BITPOS', 'k', '0', '3', '10'],
      ['BITPOS', 'k', '1', '7', '15', 'BIT'],
      ['BITPOS', 'k', '0', '7', '15', 'BIT'],
      ['BITPOS', 'k', '0', '0', '3', 'BIT'],
      ['BITPOS', 'k', '0', '0', '11', 'BIT'],
      ['BITPOS', 'k', '0', '0', '12', 'BIT'],
      ['BITPOS', 'k', '1', '12', '-1', 'BIT'],
      ['BITPOS', 'k', '1', '-3', '-1', 'bit'],
      ['BITPOS', 'k', '1', '5', '5', 'BIT'],
      ['BITPOS', 'k', '1', '2', '1', 'BYTE'],
      ['BITPOS', 'k', '1', '0', '1', 'FOO'],
      ['BITPOS', 'k', '2'],
      ['BITPOS', 'k', 'x'],
      ['BITPOS', 'k', '1', 'x'],
      ['BITPOS', 'k', '1', '0', 'x'],
      ['BITPOS', 'none', '0'],
      ['BITPOS', 'none', '1'],
      ['BITPOS', 'none', '1', 'x'],
      ['SET', 'ones', '\xff\xff'],
      ['BITPOS', 'ones', '0'],
      ['BITPOS', 'ones', '0', '0'],
      ['BITPOS', 'ones', '0', '0', '-1'],
      ['BITPOS', 'ones', '0', '0', '-1', 'BIT'],
      ['SET', 'zeros', '\x00\x00'],
      ['BITPOS', 'zeros', '1'],
      ['BITPOS', 'zeros', '1', '0', '-1', 'BIT'],
      ['SET', 'e', ''],
      ['BITPOS', 'e', '0'],
      ['BITPOS', 'e', '1'],
      ['SADD', 's', 'm'],
      ['BITPOS', 's', '1'],
    ]);
  });

  it('BITOP AND OR XOR NOT on uneven and missing keys', async () => {
    await d.seq([
      ['SET', 'a', 'abc'],
      ['SET', 'b', '\x0f\xf0'],
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'OR', 'd', 'a', 'b', 'none'],
      ['GET', 'd'],
      ['BITOP', 'xor', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a', 'b'],
      ['BITOP', 'NAND', 'd', 'a'],
      ['BITOP', 'AND', 'd', 'none', 'none2'],
      ['EXISTS', 'd'],
      ['SADD', 's', 'm'],
      ['BITOP', 'AND', 'd', 'a', 's'],
      ['BITOP', 'AND', 's', 'a'],
      ['TYPE', 's'],
      ['OBJECT', 'ENCODING', 's'],
    ]);
  });

  it('BITFIELD GET SET INCRBY with WRAP, SAT and FAIL', async () => {
    await d.seq([
      ['BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'i8', '0', 'INCRBY', 'i8', '0', '100'],
      ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '100', 'INCRBY', 'i8', '0', '-1000'],
      ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '-1000', 'GET', 'i8', '0'],
      ['BITFIELD', 'f', 'SET', 'u8', '#1', '255', 'INCRBY', 'u8', '#1', '10', 'GET', 'u8', '8'],
      ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', '#2', '-1', 'SET', 'u8', '#3', '300', 'GET', 'u16', '16'],
      ['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'SET', 'u8', '#2', '-1', 'SET', 'i8', '#3', '200', 'GET', 'i16', '16'],
      ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u4', '0', '16', 'SET', 'i4', '0', '8', 'SET', 'i4', '0', '-8'],
      ['BITFIELD', 'g', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1', 'GET', 'i64', '0'],
      ['BITFIELD', 'g', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '9223372036854775807'],
      ['BITFIELD', 'g', 'SET', 'u63', '3', '9223372036854775807', 'INCRBY', 'u63', '3', '5', 'GET', 'u63', '3'],
      ['BITFIELD', 'g', 'GET', 'u1', '0', 'GET', 'i1', '0', 'GET', 'u5', '1000'],
      ['BITFIELD', 'h', 'INCRBY', 'u2', '100', '1', 'GET', 'u2', '100'],
      ['GET', 'h'],
      ['BITFIELD', 'h', 'GET', 'u64', '0'],
      ['BITFIELD', 'h', 'GET', 'i65', '0'],
      ['BITFIELD', 'h', 'GET', 'i0', '0'],
      ['BITFIELD', 'h', 'GET', 'x8', '0'],
      ['BITFIELD', 'h', 'GET', 'I8', '0'],
      ['BITFIELD', 'h', 'GET', 'i8', '-1'],
      ['BITFIELD', 'h', 'GET', 'i8', '#-1'],
      ['BITFIELD', 'h', 'GET', 'i8', 'x'],
      ['BITFIELD', 'h', 'SET', 'i8', '0', 'x'],
      ['BITFIELD', 'h', 'SET', 'i8', '0'],
      ['BITFIELD', 'h', 'OVERFLOW', 'BAD', 'GET', 'i8', '0'],
      ['BITFIELD', 'h', 'OVERFLOW'],
      ['BITFIELD', 'h', 'FOO', 'i8', '0'],
      ['BITFIELD', 'h'],
      ['BITFIELD', 'none', 'GET', 'i8', '0'],
      ['EXISTS', 'none'],
      ['BITFIELD', 'h', 'SET', 'i8', '4294967296', '1'],
      ['BITFIELD', 'h', 'GET', 'i8', '#536870912'],
      ['BITFIELD_RO', 'h', 'GET', 'u2', '100'],
      ['BITFIELD_RO', 'h', 'SET', 'u2', '100', '1'],
      ['BITFIELD_RO', 'h', 'INCRBY', 'u2', '100', '1'],
      ['BITFIELD_RO', 'h', 'FOO'],
      ['BITFIELD_RO', 'h'],
      ['SADD', 's', 'm'],
      ['BITFIELD', 's', 'GET', 'i8', '0'],
      ['BITFIELD', 's', 'SET', 'i8', '0', '1'],
      ['BITFIELD_RO', 's', 'GET', 'i8', '0'],
    ]);
  });

  it('SETBIT/BITFIELD only increase dirty when the value changed', async () => {
    const cmds = [
      ['BITFIELD', 'nk', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '5'],
      ['GET', 'nk'],
      ['BITFIELD', 'foo2', 'SET', 'i5', '0', '0'],
      ['BITFIELD', 'foo2', 'SET', 'i5', '0', '0'],
      ['BITFIELD', 'foo2', 'SET', 'i5', '0', '1', 'SET', 'i5', '0', '1'],
      ['BITFIELD', 'foo2', 'INCRBY', 'u2', '100', '0'],
      ['BITFIELD', 'foo2', 'INCRBY', 'u2', '100', '0'],
      ['BITFIELD', 'foo2', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '5'],
      ['BITFIELD', 'foo2', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '200', '5'],
      ['BITFIELD', 'foo2', 'INCRBY', 'u2', '100', '1', 'INCRBY', 'u2', '100', '0', 'GET', 'u2', '100'],
      ['SETBIT', 'foo2', '0', '0'],
      ['SETBIT', 'foo2', '0', '1'],
      ['SETBIT', 'foo2', '0', '1'],
      ['BITFIELD', 'foo2', 'OVERFLOW', 'FAIL', 'SET', 'u2', '0', '9', 'OVERFLOW', 'WRAP', 'SET', 'u2', '0', '4'],
      ['BITFIELD', 'foo2', 'OVERFLOW', 'SAT', 'SET', 'u2', '0', '9', 'SET', 'u2', '0', '9'],
      ['BITFIELD', 'foo2', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '8', '-200', 'INCRBY', 'i8', '8', '-1'],
      ['BITFIELD', 'foo2', 'SET', 'i64', '0', '-1', 'SET', 'i64', '0', '-1'],
      ['SET', 'n', '12'],
      ['BITFIELD', 'n', 'SET', 'u8', '0', '49'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'foo2'],
    ];
    for (const cmd of cmds) {
      const before = await Promise.all([changes(d.ours), changes(d.theirs)]);
      await d.check(cmd);
      const after = await Promise.all([changes(d.ours), changes(d.theirs)]);
      assert.equal(after[0] - before[0], after[1] - before[1], `dirty delta for ${cmd.join(' ')}`);
    }
  });

  it('a BITFIELD that changes nothing is not propagated', async () => {
    const s = d.store.server;
    const fed: string[][] = [];
    const prev = s.replicationFeed;
    s.replicationFeed = (_db, argv) => fed.push(argv);
    try {
      await d.ours.send('BITFIELD', 'k', 'SET', 'i5', '0', '3');
      await d.ours.send('BITFIELD', 'k', 'SET', 'i5', '0', '3');
      await d.ours.send('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '9');
      await d.ours.send('BITFIELD', 'k', 'INCRBY', 'i5', '0', '0');
      await d.ours.send('SETBIT', 'k', '0', '0');
      await d.ours.send('BITFIELD', 'k', 'INCRBY', 'i5', '0', '1');
      assert.deepEqual(fed, [
        ['BITFIELD', 'k', 'SET', 'i5', '0', '3'],
        ['BITFIELD', 'k', 'INCRBY', 'i5', '0', '1'],
      ]);
    } finally {
      s.replicationFeed = prev;
    }
  });
});
