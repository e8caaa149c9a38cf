// Differential tests of the MEMORY command family against a real redis-server 7.0 (built with
// jemalloc). MEMORY USAGE must match byte for byte for strings and the small encodings (listpack,
// intset, a quicklist of one node); hashtables, skiplists and long quicklists are estimates and must
// stay within a factor of Redis's number. HELP, DOCTOR on an empty instance and the errors match
// exactly; STATS by field names, order and reply types.

import assert from 'node:assert/strict';
import { useDiff, decode, type DiffPair } from './helpers/diff';
import { checkEncoding } from './helpers/encoding';
import type { ReplyValue } from '../src/resp/decoder';

/** Runs commands on both servers (their replies must match), then compares MEMORY USAGE of keys. */
async function usage(d: DiffPair, setup: Array<Array<string | number>>, keys: string[], samples?: number): Promise<void> {
  for (const c of setup) await d.check(c);
  for (const k of keys) {
    await d.check(['OBJECT', 'ENCODING', k]);
    await d.check(['MEMORY', 'USAGE', k, ...(samples === undefined ? [] : ['SAMPLES', samples])]);
  }
}

/** MEMORY USAGE of key from both servers as numbers. */
async function both(d: DiffPair, key: string, samples?: number): Promise<[number, number]> {
  const [a, b] = await d.both('MEMORY', 'USAGE', key, ...(samples === undefined ? [] : ['SAMPLES', samples]));
  return [Number(decode(a)), Number(decode(b))];
}

/** Asserts that our estimate is within `factor` of Redis's number. */
async function near(d: DiffPair, key: string, factor: number, samples?: number): Promise<void> {
  const [ours, theirs] = await both(d, key, samples);
  assert.ok(ours > 0 && theirs > 0, `usage of ${key}: ${ours} vs ${theirs}`);
  const r = ours / theirs;
  assert.ok(r <= factor && r >= 1 / factor, `usage of ${key}: ours ${ours}, redis ${theirs} (ratio ${r.toFixed(3)})`);
}

const x = (n: number, ch = 'x'): string => ch.repeat(n);

/**
 * A reply's structure with the numbers left out: aggregate headers, field names (bulks with a
 * letter), and the type of each value (integer ':', double ',', numeric bulk '$n').
 */
function skeleton(b: Buffer): string[] {
  const lines = b.toString('latin1').split('\r\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    const l = lines[i];
    if (l[0] === '$') {
      const body = lines[++i];
      out.push(/[a-z]/i.test(body) ? body : '$n');
    } else if (l[0] === ':' || l[0] === ',') out.push(l[0]);
    else out.push(l);
  }
  return out;
}

/** Integers at the edges of each listpack integer encoding (7/13/16/24/32/64 bits) and of int16/32. */
const INTS = [
  '0', '1', '127', '128', '-1', '4095', '4096', '-4096', '-4097', '32767', '32768', '-32768', '-32769',
  '8388607', '8388608', '-8388608', '-8388609', '2147483647', '2147483648', '-2147483648', '-2147483649',
  '9223372036854775807', '-9223372036854775808',
];
/** Strings that look numeric but are not canonical int64s (stored as strings). */
const NOT_INTS = ['007', '-0', '+1', '1.5', '9223372036854775808', '1 ', ''];

describe('MEMORY (differential)', function () {
  this.timeout(30000);
  const d = useDiff();

  it('HELP, unknown subcommands, arity and USAGE syntax errors', async () => {
    await d.seq([
      ['MEMORY', 'HELP'],
      ['memory', 'help'],
      ['MEMORY', 'HELP', 'x'],
      ['MEMORY'],
      ['MEMORY', 'FOO'],
      ['MEMORY', 'FOO', 'bar'],
      ['MEMORY', 'USAGE'],
      ['MEMORY', 'STATS', 'x'],
      ['MEMORY', 'DOCTOR', 'x'],
      ['MEMORY', 'PURGE', 'x'],
      ['MEMORY', 'MALLOC-STATS', 'x'],
      ['SET', 'a', 'b'],
      ['MEMORY', 'USAGE', 'a', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'a', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'a', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'a', 'SAMPLES', '1.5'],
      ['MEMORY', 'USAGE', 'a', 'FOO', '1'],
      ['MEMORY', 'USAGE', 'a', 'samples', '0', 'SAMPLES', '3'],
      ['MEMORY', 'USAGE', 'a', 'SAMPLES', '3', 'x'],
      ['MEMORY', 'USAGE', 'nokey'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'nokey', 'BAD'],
      ['MEMORY', 'PURGE'],
    ]);
  });

  it('DOCTOR on an empty instance, MALLOC-STATS shape, RESP3 replies', async () => {
    await d.check(['MEMORY', 'DOCTOR']);
    await d.check(['MEMORY', 'MALLOC-STATS'], { shape: true });
    await d.both('HELLO', '3');
    try {
      await d.seq([['MEMORY', 'DOCTOR'], ['MEMORY', 'USAGE', 'nokey'], ['MEMORY', 'HELP'], ['SET', 'k', 'v'], ['MEMORY', 'USAGE', 'k']]);
    } finally {
      await d.both('HELLO', '2');
    }
    await d.seq([['SET', 'k2', 'v'], ['MEMORY', 'DOCTOR']]);
  });

  it('USAGE of strings: int, embstr up to 44 bytes, raw from 45, and key sizes', async () => {
    const setup: string[][] = [];
    const keys: string[] = [];
    for (const n of [0, 1, 2, 11, 12, 13, 27, 28, 29, 43, 44, 45, 46, 59, 60, 61, 100, 108, 109, 252, 253, 254, 255, 256, 1000, 4000, 16000, 20000, 30000]) {
      setup.push(['SET', `s${n}`, x(n)]);
      keys.push(`s${n}`);
    }
    for (const [i, v] of [...INTS, ...NOT_INTS, '99999999999999999999', '12345678901234567890123'].entries()) {
      setup.push(['SET', `i${i}`, v]);
      keys.push(`i${i}`);
    }
    for (const n of [0, 1, 4, 5, 20, 21, 22, 30, 31, 32, 33, 100, 251, 252, 255, 256, 300]) {
      setup.push(['SET', x(n, 'k'), 'v']);
      keys.push(x(n, 'k'));
    }
    await usage(d, setup, keys);
  });

  it('USAGE of strings made or changed by INCR, INCRBYFLOAT, SETRANGE, SETBIT, BITOP, APPEND and COPY', async () => {
    await usage(
      d,
      [
        ['SET', 'n', '10'],
        ['INCRBY', 'n', '100000'],
        ['SET', 'f', '1'],
        ['INCRBYFLOAT', 'f', '1'],
        ['INCRBYFLOAT', 'g', '1.5'],
        ['SET', 'b', x(100)],
        ['SETRANGE', 'b', '0', 'yy'],
        ['SET', 'c', 'abc'],
        ['SETRANGE', 'c', '1', 'x'],
        ['SETRANGE', 'r', '10', 'abc'],
        ['SETBIT', 'bits', '100', '1'],
        ['SET', 'bits2', x(50)],
        ['SETBIT', 'bits2', '3', '1'],
        ['BITOP', 'OR', 'bo', 'b', 'bits'],
        ['SET', 'e', 'abc', 'PX', '100000'],
        ['SET', 'p', 'hello'],
        ['APPEND', 'p', x(30)],
        ['COPY', 'p', 'p2'],
      ],
      ['n', 'f', 'g', 'b', 'c', 'r', 'bits', 'bits2', 'bo', 'e', 'p2'],
    );
  });

  it('USAGE of strings extended in place is close to Redis (greedy growth)', async () => {
    await d.seq([
      ['SET', 'a', 'hello'],
      ['APPEND', 'a', ' world'],
      ['SET', 'b', x(100)],
      ['APPEND', 'b', x(300)],
      ['SET', 'c', 'x'],
      ...Array.from({ length: 50 }, () => ['APPEND', 'c', x(7)]),
      ['SETRANGE', 'd', '0', 'abc'],
      ['SETRANGE', 'd', '100', 'abc'],
      ['SETBIT', 'e', '7', '1'],
      ['SETBIT', 'e', '8000', '1'],
      ['SETBIT', 'e', '0', '1'],
    ]);
    for (const k of ['a', 'b', 'c', 'd', 'e']) await near(d, k, 2);
  });

  it('USAGE of listpack hashes: integer and string entries of every size class', async () => {
    const setup: string[][] = [['HSET', 'h0', 'a', 'b']];
    setup.push(['HSET', 'h1', ...INTS.flatMap((v, i) => [`f${i}`, v])]);
    setup.push(['HSET', 'h2', ...NOT_INTS.flatMap((v, i) => [v, `v${i}`])]);
    setup.push(['HSET', 'h3', ...[0, 1, 62, 63, 64].flatMap((n) => [x(n, 'f'), x(n)])]);
    setup.push(['HSET', 'h4', ...INTS.flatMap((v) => [v, v])]);
    // Grown and shrunk in place: overwrite values with longer/shorter ones, delete fields.
    setup.push(['HSET', 'h5', 'a', '1', 'b', x(60), 'c', '-70000']);
    setup.push(['HSET', 'h5', 'a', x(50), 'b', '2']);
    setup.push(['HDEL', 'h5', 'c']);
    setup.push(['HINCRBY', 'h6', 'n', '5000']);
    setup.push(['HINCRBYFLOAT', 'h6', 'f', '2.5']);
    await usage(d, setup, ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  it('USAGE of listpacks with long entries (2- and 5-byte string headers, wide backlens)', async () => {
    await d.both('CONFIG', 'SET', 'hash-max-listpack-value', '10000');
    await d.both('CONFIG', 'SET', 'zset-max-listpack-value', '10000');
    try {
      const lens = [100, 122, 123, 124, 125, 126, 127, 128, 200, 4093, 4094, 4095, 4096, 5000];
      await usage(
        d,
        [
          ['HSET', 'h', ...lens.flatMap((n) => [`f${n}`, x(n)])],
          ['ZADD', 'z', ...lens.flatMap((n, i) => [String(i), x(n)])],
          ['RPUSH', 'l', x(100), x(127), x(128), x(4094), x(4096)],
        ],
        ['h', 'z', 'l'],
      );
    } finally {
      await d.both('CONFIG', 'SET', 'hash-max-listpack-value', '64');
      await d.both('CONFIG', 'SET', 'zset-max-listpack-value', '64');
    }
  });

  it('USAGE of intsets of each width, kept wide after the wide member leaves', async () => {
    await usage(
      d,
      [
        ['SADD', 's1', '1'],
        ['SADD', 's2', '1', '2', '3', '-32768', '32767'],
        ['SADD', 's3', '1', '32768'],
        ['SADD', 's4', '1', '-2147483649', '5'],
        ['SADD', 's5', ...Array.from({ length: 100 }, (_, i) => String(i * 7))],
        ['SADD', 's6', '1', '2', '70000'],
        ['SREM', 's6', '70000'],
        ['SADD', 's7', '1', '2', '9223372036854775807'],
        ['SREM', 's7', '9223372036854775807', '1'],
        ['SADD', 's7', '3'],
        ['SADD', 's8', '5', '6'],
        ['SINTERSTORE', 's9', 's8', 's5'],
        ['SUNIONSTORE', 's10', 's4', 's2'],
        ['COPY', 's6', 's11'],
      ],
      ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'],
    );
  });

  it('USAGE of listpack sorted sets: integer, fractional, huge and infinite scores', async () => {
    await usage(
      d,
      [
        ['ZADD', 'z1', '1', 'a'],
        ['ZADD', 'z2', ...INTS.flatMap((v, i) => [v, `m${i}`])],
        ['ZADD', 'z3', '0.1', 'a', '1.5', 'b', '-2.25', 'c', '1e20', 'd', '-1e-5', 'e', 'inf', 'f', '-inf', 'g', '3.0', 'h'],
        ['ZADD', 'z4', '4611686018427387904', 'a', '4611686018427387903', 'b', '-4611686018427387904', 'c', '9007199254740993', 'd'],
        ['ZADD', 'z5', '-0', 'a', ...INTS.flatMap((v) => [v, v])],
        ['ZADD', 'z6', '1', 'a', '2', 'b', '3', 'c'],
        ['ZINCRBY', 'z6', '0.5', 'b'],
        ['ZREM', 'z6', 'c'],
        ['ZADD', 'z6', '100000', x(60)],
      ],
      ['z1', 'z2', 'z3', 'z4', 'z5', 'z6'],
    );
  });

  it('USAGE of one-node quicklists: pushes at both ends, integers, trims and removals', async () => {
    await usage(
      d,
      [
        ['RPUSH', 'l1', 'a'],
        ['RPUSH', 'l2', ...INTS, ...NOT_INTS],
        ['LPUSH', 'l3', 'a', x(63), x(64), '-1', '100000'],
        ['RPUSH', 'l4', ...Array.from({ length: 200 }, (_, i) => `elem${i}`)],
        ['LTRIM', 'l4', '10', '-10'],
        ['LREM', 'l4', '0', 'elem50'],
        ['LPOP', 'l4'],
        ['LSET', 'l4', '5', x(30)],
        ['LINSERT', 'l4', 'BEFORE', 'elem20', '12345'],
        ['RPUSH', 'l5', ...Array.from({ length: 7000 }, (_, i) => String(i % 100))],
      ],
      ['l1', 'l2', 'l3', 'l4'],
    );
  });

  it('USAGE of multi-node quicklists: exact when built by RPUSH, estimated otherwise', async () => {
    const big = Array.from({ length: 400 }, (_, i) => `${x(50)}${i}`);
    await usage(
      d,
      [
        ['RPUSH', 'l1', ...big],
        ['RPUSH', 'l2', ...Array.from({ length: 5000 }, (_, i) => String(i))],
        ['RPUSH', 'l3', ...Array.from({ length: 120 }, (_, i) => x(i * 5))],
      ],
      ['l1', 'l2', 'l3'],
    );
    await d.check(['MEMORY', 'USAGE', 'l1', 'SAMPLES', '0']);
    await d.check(['MEMORY', 'USAGE', 'l1', 'SAMPLES', '2']);
    await d.seq([['LPUSH', 'l4', ...big], ['RPUSH', 'l5', ...big], ['LTRIM', 'l5', '100', '-1']]);
    await near(d, 'l4', 1.2);
    await near(d, 'l5', 1.5);
    // Nodes limited by entry count (with the 8KB safety limit) and by the other byte sizes.
    for (const fill of ['5', '100', '-1', '-5']) {
      await d.both('CONFIG', 'SET', 'list-max-listpack-size', fill);
      try {
        await usage(d, [['DEL', 'f'], ['RPUSH', 'f', ...big, ...big.slice(0, 50).map((e) => e + x(200))]], ['f'], 0);
        await d.check(['MEMORY', 'USAGE', 'f']);
      } finally {
        await d.both('CONFIG', 'SET', 'list-max-listpack-size', '-2');
      }
    }
  });

  it('USAGE of hashtable sets, hashes and skiplist sorted sets is close to Redis', async () => {
    const members = Array.from({ length: 1000 }, (_, i) => `member:${i}`);
    await d.seq([
      ['SADD', 's1', ...members],
      ['SADD', 's2', 'a', 'b', 'c'],
      ['SADD', 's3', ...Array.from({ length: 600 }, (_, i) => String(i))],
      ['HSET', 'h1', ...members.flatMap((m, i) => [m, `value-${i}`])],
      ['HSET', 'h2', 'f', x(100)],
      ['ZADD', 'z1', ...members.flatMap((m, i) => [String(i / 3), m])],
      ['ZADD', 'z2', '1', x(100)],
    ]);
    for (const k of ['s1', 's2', 's3', 'h1', 'h2', 'z1', 'z2']) {
      await checkEncoding(d, k);
      await near(d, k, 1.5);
      await near(d, k, 1.5, 0);
      await near(d, k, 1.5, 1);
    }
    // Exact where the table size and the sampled elements are certain.
    await d.check(['MEMORY', 'USAGE', 's2']);
    await d.check(['MEMORY', 'USAGE', 'h2']);
  });

  it('STATS: field names, order and reply types (RESP2 and RESP3), one entry per non-empty db', async () => {
    await d.seq([['SET', 'a', '1'], ['SELECT', '3'], ['SET', 'b', '2', 'EX', '100'], ['HSET', 'h', 'f', 'v'], ['SELECT', '0']]);
    for (const proto of ['2', '3']) {
      await d.both('HELLO', proto);
      try {
        const [a, b] = await d.both('MEMORY', 'STATS');
        assert.deepEqual(skeleton(a), skeleton(b), `MEMORY STATS in RESP${proto}`);
      } finally {
        await d.both('HELLO', '2');
      }
    }
    // The keyspace part is Redis's arithmetic on the same counts.
    const pick = (v: ReplyValue, name: string): ReplyValue => {
      const arr = v as ReplyValue[];
      for (let i = 0; i < arr.length; i += 2) if ((arr[i] as Buffer).toString() === name) return arr[i + 1];
      throw new Error(`no ${name}`);
    };
    const [a, b] = await d.both('MEMORY', 'STATS');
    for (const f of ['keys.count', 'db.0', 'db.3']) assert.deepEqual(pick(decode(a), f), pick(decode(b), f), f);
  });
});
