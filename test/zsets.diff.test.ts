// Differential tests for the sorted set commands against redis-server 7.0: byte-for-byte replies
// (errors, score formatting, RESP3 doubles and nesting), encodings at the listpack thresholds, and
// shape-only comparison for ZRANDMEMBER's random picks.
import assert from 'node:assert/strict';
import { useDiff, type DiffPair } from './helpers/diff';
import { checkEncoding } from './helpers/encoding';
import { RawClient } from './helpers/raw';
import { encodeCommand } from '../src/resp/encode';
import { blockedClients } from '../src/store/blocking';

/** Runs commands in order; ['ENC', key] entries compare encodings instead. */
async function run(d: DiffPair, cmds: string[][]): Promise<void> {
  for (const c of cmds) {
    if (c[0] === 'ENC') await checkEncoding(d, c[1]);
    else await d.check(c);
  }
}

describe('sorted sets (differential)', () => {
  const d = useDiff({ 'zset-max-listpack-entries': '4', 'zset-max-listpack-value': '8' });

  it('ZADD options, conflicts, INCR, NaN and reply counts', async () => {
    await run(d, [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZADD', 'z', 'NX', '10', 'a', '4', 'd'],
      ['ZADD', 'z', 'XX', '10', 'a', '5', 'e'],
      ['ZADD', 'z', 'XX', 'CH', '11', 'a', '5', 'e'],
      ['ZADD', 'z', 'GT', 'CH', '1', 'a', '20', 'b'],
      ['ZADD', 'z', 'LT', 'CH', '1', 'a', '30', 'b'],
      ['ZADD', 'z', 'XX', 'GT', '100', 'c'],
      ['ZADD', 'z', 'INCR', '2.5', 'a'],
      ['ZADD', 'z', 'NX', 'INCR', '1', 'a'],
      ['ZADD', 'z', 'XX', 'INCR', '1', 'nope'],
      ['ZADD', 'z', 'GT', 'INCR', '-1', 'a'],
      ['ZADD', 'z', 'INCR', '0', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
      ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', 'NX', 'GT', '1', 'a'],
      ['ZADD', 'z', '1', 'a', '2'],
      ['ZADD', 'z', 'NX'],
      ['ZADD', 'z', 'nan', 'a'],
      ['ZADD', 'z', 'x', 'a'],
      ['ZADD', 'z', ' 1', 'a'],
      ['ZADD', 'z', '1e400', 'a'],
      ['ZADD', 'z', '', 'a'],
      ['ZADD', 'z', 'inf', 'inf'],
      ['ZADD', 'z', '-inf', 'ninf'],
      ['ZINCRBY', 'z', '-inf', 'inf'],
      ['ZSCORE', 'z', 'inf'],
      ['ZADD', 'z', 'INCR', '+inf', 'ninf'],
      ['ZADD', 'z', '0x10', 'h', '1e3', 'k', '.5', 'f', '-0', 'mz'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'nx', 'XX', '1', 'a'],
      ['EXISTS', 'nx'],
      ['ZINCRBY', 'z', 'x', 'a'],
      ['ZINCRBY', 'z', '1.5', 'new'],
      ['ZINCRBY', 'z2', '3', 'm'],
      ['ZSCORE', 'z', 'a'],
      ['ZSCORE', 'z', 'nope'],
      ['ZSCORE', 'nokey', 'a'],
      ['ZMSCORE', 'z', 'a', 'nope', 'b'],
      ['ZMSCORE', 'nokey', 'a', 'b'],
      ['ZADD', 'f', '0.1', 'a', '3.0000000000000004', 'b', '1e20', 'c', '123456789.123456789', 'd', '1e-5', 'e'],
      ['ZRANGE', 'f', '0', '-1', 'WITHSCORES'],
      ['SET', 'str', 'v'],
      ['ZADD', 'str', '1', 'a'],
      ['ZADD', 'str', 'x', 'a'],
      ['ZINCRBY', 'str', '1', 'a'],
      ['ZSCORE', 'str', 'a'],
      ['ZCARD', 'str'],
      ['ZCARD', 'z'],
      ['ZCARD', 'nokey'],
    ]);
  });

  it('lex ranges over a listpack whose scores differ look at its two ends first (found by the fuzzer)', async () => {
    // zzlIsInLexRange: the last member must be >= min and the first <= max, else nothing is in range.
    await run(d, [
      ['ZADD', 'z', '0', 'b', '-1', 'h'],
      ['ZLEXCOUNT', 'z', '[d', '+'],
      ['ZRANGEBYLEX', 'z', '[d', '+'],
      ['ZREVRANGEBYLEX', 'z', '-', '[c'],
      ['ZRANGE', 'z', '[d', '+', 'BYLEX'],
      ['ZREMRANGEBYLEX', 'z', '[d', '+'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ]);
  });

  it('ZINTER: a NaN weighted score (inf * 0) of a later set goes into the aggregate uncleared (found by the fuzzer)', async () => {
    await run(d, [
      ['ZADD', 'a', '-1', 'm', '2', 'n', 'inf', 'o', '-inf', 'p'],
      ['ZADD', 'b', '-5', 'm', '3', 'n', 'inf', 'o', '0', 'p'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', 'inf', '0', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '0', 'inf', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '0', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '3', 'a', 'b', 'a', 'WEIGHTS', '2', 'inf', '0', 'WITHSCORES'],
      ['ZINTERSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '0', 'AGGREGATE', 'MAX'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', 'inf', '0', 'WITHSCORES'],
    ]);
  });

  it('BZMPOP checks numkeys, MIN|MAX and COUNT before its timeout (found by the fuzzer)', async () => {
    await run(d, [
      ['BZMPOP', '-1', 'x', 'z', 'MAX'],
      ['BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '0'],
      ['BZMPOP', 'x', '1', 'z', 'MID'],
      ['BZMPOP', 'x', '1', 'z', 'MIN'],
    ]);
  });

  it('ZSCAN of a listpack answers an integral score as the integer it stores (found by the fuzzer)', async () => {
    await run(d, [
      ['ZADD', 'z', '-720000000000000000', 'd', '1e18', 'l', '0.1', 'h'],
      ['ZSCAN', 'z', '0'],
      ['ZADD', 'z', '4611686018427387904', 'j'],
      ['ZSCAN', 'z', '0'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ]);
  });

  it('negative zero: a listpack keeps 0, a skiplist keeps -0, a store result is re-packed', async () => {
    await run(d, [
      ['ZADD', 'small', '-0', 'a', '1', 'b'],
      ['ZSCORE', 'small', 'a'],
      ['ZADD', 'small', '-0', 'b'],
      ['ZRANGE', 'small', '0', '-1', 'WITHSCORES'],
      ['ZINCRBY', 'small', '-0', 'a'],
      ['ZADD', 'big', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['ENC', 'big'],
      ['ZADD', 'big', '-0', 'z', '-0', 'a'],
      ['ZRANGE', 'big', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'src', '0', 'x', '2', 'y'],
      ['ZUNIONSTORE', 'dst', '1', 'src', 'WEIGHTS', '-1'],
      ['ENC', 'dst'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'wide', '-0', 'a-long-member-name'],
      ['ENC', 'wide'],
      ['ZSCORE', 'wide', 'a-long-member-name'],
      ['ZRANGESTORE', 'packed', 'big', '0', '1'],
      ['ZRANGE', 'packed', '0', '-1', 'WITHSCORES'],
    ]);
    // RESTORE (as loading an RDB) of a small set saved from a skiplist: re-packed, so 0 at once.
    await run(d, [['ZREM', 'big', 'b', 'c', 'd', 'e'], ['ENC', 'big'], ['ZSCORE', 'big', 'z']]);
    const dump = await d.ours.send('DUMP', 'big');
    const payload = dump.subarray(dump.indexOf(10) + 1, dump.length - 2);
    await d.check(['RESTORE', 'again', '0', payload]);
    await d.check(['ZSCORE', 'again', 'z']);
    await d.check(['ZSCORE', 'again', 'a']);
  });

  it('encodings: listpack -> skiplist by count and by member length; stores re-evaluate', async () => {
    await run(d, [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', '4', 'w'],
      ['ENC', 'a'],
      ['ZADD', 'a', '5', 'v'],
      ['ENC', 'a'],
      ['ZREM', 'a', 'v', 'w', 'z'],
      ['ENC', 'a'],
      ['ZADD', 'b', '1', '12345678'],
      ['ENC', 'b'],
      ['ZADD', 'b', '1', '123456789'],
      ['ENC', 'b'],
      ['ZADD', 'c', '1', '123456789'],
      ['ENC', 'c'],
      ['ZADD', 'e', '1', 'x', '1', 'x', '1', 'x', '1', 'x', '1', 'x'],
      ['ENC', 'e'],
      ['ZRANGESTORE', 'dst', 'a', '0', '-1'],
      ['ENC', 'dst'],
      ['ZUNIONSTORE', 'u', '2', 'a', 'b'],
      ['ENC', 'u'],
      ['ZINTERSTORE', 'i', '2', 'a', 'a'],
      ['ENC', 'i'],
      ['ZADD', 'big', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
      ['ZUNIONSTORE', 'u2', '1', 'big'],
      ['ENC', 'u2'],
      ['ZINCRBY', 'g', '1', '123456789'],
      ['ENC', 'g'],
    ]);
  });

  it('ZRANGE family: ranks, scores, lex, REV, LIMIT, WITHSCORES and errors', async () => {
    await d.seq([
      ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '4', 'd', '5', 'e'],
      ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'f'],
    ]);
    const ranges: string[][] = [
      ['0', '-1'],
      ['1', '3'],
      ['-2', '-1'],
      ['-100', '100'],
      ['3', '1'],
      ['10', '20'],
      ['-1', '-3'],
    ];
    for (const [a, b] of ranges) {
      await d.check(['ZRANGE', 'z', a, b]);
      await d.check(['ZRANGE', 'z', a, b, 'WITHSCORES']);
      await d.check(['ZRANGE', 'z', a, b, 'REV']);
      await d.check(['ZREVRANGE', 'z', a, b, 'WITHSCORES']);
    }
    const scoreRanges: string[][] = [
      ['-inf', '+inf'],
      ['2', '3'],
      ['(2', '3'],
      ['2', '(3'],
      ['(2', '(2'],
      ['2', '2'],
      ['5', '1'],
      ['(1', '(5'],
      ['', '3'],
      ['(', '3'],
      ['1e0', '0x4'],
      [' 2', '3'],
    ];
    for (const [a, b] of scoreRanges) {
      await d.check(['ZRANGEBYSCORE', 'z', a, b]);
      await d.check(['ZRANGEBYSCORE', 'z', a, b, 'WITHSCORES', 'LIMIT', '1', '2']);
      await d.check(['ZREVRANGEBYSCORE', 'z', b, a, 'WITHSCORES']);
      await d.check(['ZREVRANGEBYSCORE', 'z', b, a, 'LIMIT', '1', '-1']);
      await d.check(['ZRANGE', 'z', a, b, 'BYSCORE', 'LIMIT', '0', '3']);
      await d.check(['ZRANGE', 'z', b, a, 'BYSCORE', 'REV', 'WITHSCORES']);
      await d.check(['ZCOUNT', 'z', a, b]);
    }
    const lexRanges: string[][] = [
      ['-', '+'],
      ['[b', '[d'],
      ['(b', '(d'],
      ['(b', '+'],
      ['-', '(c'],
      ['+', '-'],
      ['[d', '[b'],
      ['[c', '(c'],
      ['[', '+'],
      ['(a', '[aa'],
    ];
    for (const [a, b] of lexRanges) {
      await d.check(['ZRANGEBYLEX', 'l', a, b]);
      await d.check(['ZRANGEBYLEX', 'l', a, b, 'LIMIT', '1', '2']);
      await d.check(['ZREVRANGEBYLEX', 'l', b, a]);
      await d.check(['ZREVRANGEBYLEX', 'l', b, a, 'LIMIT', '1', '10']);
      await d.check(['ZRANGE', 'l', a, b, 'BYLEX']);
      await d.check(['ZRANGE', 'l', b, a, 'BYLEX', 'REV', 'LIMIT', '0', '2']);
      await d.check(['ZLEXCOUNT', 'l', a, b]);
    }
    await d.seq([
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'z', 'x', '1'],
      ['ZRANGE', 'z', '0', 'x'],
      ['ZRANGE', 'z', 'a', 'b', 'BYSCORE'],
      ['ZRANGE', 'z', 'nan', '1', 'BYSCORE'],
      ['ZRANGE', 'z', '(1', '2', 'BYLEX'],
      ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'],
      ['ZRANGE', 'z', '0', '1', 'REV', 'REV'],
      ['ZRANGE', 'z', '0', '1', 'FOO'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', '0'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', 'x', '1'],
      ['ZRANGE', 'z', '0', '5', 'BYSCORE', 'LIMIT', '-1', '1'],
      ['ZRANGE', 'z', '0', '5', 'BYSCORE', 'LIMIT', '100', '1'],
      ['ZRANGE', 'z', '0', '5', 'BYSCORE', 'LIMIT', '1', '0'],
      ['ZRANGEBYSCORE', 'z', '0', '5', 'REV'],
      ['ZRANGEBYSCORE', 'z', '0', '5', 'BYSCORE'],
      ['ZRANGEBYLEX', 'l', '-', '+', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'nokey', '0', '-1'],
      ['ZRANGEBYSCORE', 'nokey', 'x', '1'],
      ['SET', 'str', 'v'],
      ['ZRANGE', 'str', '0', '-1'],
      ['ZRANGE', 'str', 'x', '-1'],
      ['ZRANGESTORE', 'dst', 'z', '1', '3', 'WITHSCORES'],
      ['ZRANGESTORE', 'dst', 'z', '(1', '4', 'BYSCORE', 'LIMIT', '1', '2'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'dst', 'l', '[b', '[e', 'BYLEX', 'REV'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'dst', 'z', '5', '1'],
      ['EXISTS', 'dst'],
      ['ZRANGESTORE', 'dst', 'nokey', '0', '-1'],
      ['ZRANGESTORE', 'str', 'z', '0', '0'],
      ['ZRANGE', 'str', '0', '-1'],
      ['ZRANGESTORE', 'dst', 'str', '0', '0'],
    ]);
  });

  it('ZRANK, ZREVRANK, ZREM and the ZREMRANGE family', async () => {
    await run(d, [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
      ['ZRANK', 'z', 'a'],
      ['ZRANK', 'z', 'f'],
      ['ZREVRANK', 'z', 'a'],
      ['ZRANK', 'z', 'nope'],
      ['ZRANK', 'nokey', 'a'],
      ['ZREMRANGEBYRANK', 'z', '0', '0'],
      ['ZREMRANGEBYRANK', 'z', '-2', '-1'],
      ['ZREMRANGEBYRANK', 'z', '5', '10'],
      ['ZREMRANGEBYRANK', 'z', 'x', '1'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREMRANGEBYSCORE', 'z', '(2', '3'],
      ['ZREMRANGEBYSCORE', 'z', 'x', '3'],
      ['ZREMRANGEBYSCORE', 'nokey', '1', '3'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
      ['ZREMRANGEBYLEX', 'l', '(a', '[c'],
      ['ZREMRANGEBYLEX', 'l', 'a', '[c'],
      ['ZRANGE', 'l', '0', '-1'],
      ['ZREMRANGEBYLEX', 'l', '-', '+'],
      ['EXISTS', 'l'],
      ['ZREM', 'z', 'b', 'nope'],
      ['ZREM', 'z', 'd', 'nope'],
      ['EXISTS', 'z'],
      ['ZREM', 'nokey', 'a'],
      ['SET', 'str', 'v'],
      ['ZREM', 'str', 'a'],
      ['ZRANK', 'str', 'a'],
      ['ZREMRANGEBYRANK', 'str', '0', '1'],
      ['ZREMRANGEBYSCORE', 'str', '0', '1'],
      ['ZREMRANGEBYLEX', 'str', '-', '+'],
    ]);
  });

  it('ZPOPMIN/ZPOPMAX/ZMPOP in RESP2 and RESP3', async () => {
    const cmds = [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z'],
      ['ZPOPMIN', 'z', '2'],
      ['ZPOPMAX', 'z', '0'],
      ['ZPOPMAX', 'z', '10'],
      ['EXISTS', 'z'],
      ['ZPOPMIN', 'nokey'],
      ['ZPOPMIN', 'nokey', '2'],
      ['ZPOPMIN', 'z', '-1'],
      ['ZPOPMIN', 'z', '1', '2'],
      ['ZADD', 'y', '1', 'a', '2', 'b', '3', 'c'],
      ['ZMPOP', '2', 'nokey', 'y', 'MIN'],
      ['ZMPOP', '2', 'nokey', 'y', 'MAX', 'COUNT', '10'],
      ['ZMPOP', '1', 'y', 'MIN'],
      ['ZMPOP', '0', 'y', 'MIN'],
      ['ZMPOP', 'x', 'y', 'MIN'],
      ['ZMPOP', '3', 'y', 'MIN'],
      ['ZMPOP', '1', 'y', 'FOO'],
      ['ZMPOP', '1', 'y', 'MIN', 'COUNT', '0'],
      ['ZMPOP', '1', 'y', 'MIN', 'COUNT', '1', 'COUNT', '1'],
      ['ZMPOP', '1', 'y', 'MIN', 'COUNT'],
      ['SET', 'str', 'v'],
      ['ZPOPMIN', 'str'],
      ['ZMPOP', '2', 'nokey', 'str', 'MIN'],
    ];
    await d.seq(cmds);
    await d.both('FLUSHALL');
    await d.both('HELLO', '3');
    await d.seq(cmds);
    await d.both('HELLO', '2');
  });

  it('ZRANDMEMBER shapes and errors', async () => {
    await d.seq([['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']]);
    await d.seq([['ZRANDMEMBER', 'z'], ['ZRANDMEMBER', 'z', '2'], ['ZRANDMEMBER', 'z', '-5'], ['ZRANDMEMBER', 'z', '-5', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '2', 'WITHSCORES']], { shape: true });
    await d.seq([
      ['ZRANDMEMBER', 'z', '3'],
      ['ZRANDMEMBER', 'z', '10', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '0'],
      ['ZRANDMEMBER', 'nokey'],
      ['ZRANDMEMBER', 'nokey', '3'],
      ['ZRANDMEMBER', 'z', 'x'],
      ['ZRANDMEMBER', 'z', '1', 'FOO'],
      ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808'],
      ['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'],
    ]);
    await d.both('HELLO', '3');
    await d.seq([['ZRANDMEMBER', 'z', '-2', 'WITHSCORES']], { shape: true });
    await d.check(['ZRANDMEMBER', 'z', '5', 'WITHSCORES']);
    await d.both('HELLO', '2');
  });

  it('ZUNION/ZINTER/ZDIFF, STORE forms, WEIGHTS/AGGREGATE, sets as inputs, ZINTERCARD', async () => {
    await d.seq([
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'],
      ['SADD', 's', 'x', 'w', 'q'],
      ['ZUNION', '2', 'a', 'b'],
      ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNION', '3', 'a', 'b', 's', 'WITHSCORES', 'AGGREGATE', 'MAX'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 's', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'nokey'],
      ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
      ['ZDIFF', '2', 'b', 's', 'WITHSCORES'],
      ['ZDIFF', '1', 'nokey'],
      ['ZADD', 'inf', 'inf', 'x', '-inf', 'y'],
      ['ZUNION', '2', 'inf', 'inf', 'WITHSCORES'],
      ['ZUNION', '2', 'inf', 'a', 'WEIGHTS', '0', '1', 'WITHSCORES'],
      ['ZINTER', '2', 'inf', 'inf', 'WEIGHTS', '1', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', 'd', '2', 'a', 'b', 'AGGREGATE', 'MAX'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZDIFFSTORE', 'd', '2', 'a', 'b'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', 'd', '2', 'a', 'nokey'],
      ['EXISTS', 'd'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WITHSCORES'],
      ['ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['ZDIFF', '2', 'a', 'b', 'AGGREGATE', 'SUM'],
      ['ZUNION', '0', 'a'],
      ['ZUNION', '-1', 'a'],
      ['ZUNION', 'x', 'a'],
      ['ZUNION', '3', 'a', 'b'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'AVG'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE'],
      ['ZUNION', '2', 'a', 'b', 'FOO'],
      ['ZUNIONSTORE', 'd', '0', 'a'],
      ['ZINTERSTORE', 'd', '3', 'a', 'b'],
      ['SET', 'str', 'v'],
      ['ZUNION', '2', 'a', 'str'],
      ['ZUNION', '2', 'str', 'a', 'FOO'],
      ['ZINTERCARD', '2', 'a', 'b'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['ZINTERCARD', '2', 'a', 's'],
      ['ZINTERCARD', '0', 'a'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
      ['ZINTERCARD', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTERCARD', '2', 'a', 'str'],
    ]);
    await d.both('HELLO', '3');
    await d.seq([['ZUNION', '2', 'a', 'b', 'WITHSCORES'], ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'a', 'x'], ['ZMSCORE', 'a', 'x', 'no'], ['ZINCRBY', 'a', '1', 'x'], ['ZRANGEBYSCORE', 'a', '-inf', '+inf', 'WITHSCORES']]);
    await d.both('HELLO', '2');
  });

  it('ZSCAN: listpack whole, skiplist paged, MATCH and errors', async () => {
    await d.seq([
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'],
      ['ZSCAN', 'z', '0'],
      ['ZSCAN', 'z', '0', 'MATCH', 'b*'],
      ['ZSCAN', 'nokey', '0'],
      ['ZSCAN', 'z', 'x'],
      ['ZSCAN', 'z', '0', 'COUNT', '0'],
      ['SET', 'str', 'v'],
      ['ZSCAN', 'str', '0'],
    ]);
    const args: string[] = [];
    for (let i = 0; i < 40; i++) args.push(String(i / 4), `m${i}`);
    await d.both('ZADD', 'big', ...args);
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const r = (await d.ours.value('ZSCAN', 'big', cursor, 'COUNT', '7')) as unknown as [Buffer, Buffer[]];
      cursor = String(r[0]);
      for (let i = 0; i < r[1].length; i += 2) seen.set(String(r[1][i]), String(r[1][i + 1]));
      calls++;
    } while (cursor !== '0' && calls < 100);
    assert.equal(seen.size, 40);
    assert.equal(seen.get('m5'), '1.25');
    assert.ok(calls > 2);
  });

  it('BZPOPMIN/BZPOPMAX/BZMPOP: immediate, served after a write, timeouts, errors, inside EXEC', async () => {
    await d.seq([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['BZPOPMIN', 'nokey', 'z', '0'],
      ['BZPOPMAX', 'z', '0'],
      ['BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '5'],
      ['EXISTS', 'z'],
      ['BZPOPMIN', 'nokey', '0.05'],
      ['BZMPOP', '0.05', '1', 'nokey', 'MAX'],
      ['BZPOPMIN', 'nokey', 'x'],
      ['BZPOPMIN', 'nokey', '-1'],
      ['BZMPOP', 'x', '1', 'nokey', 'MAX'],
      ['BZMPOP', '0', '0', 'nokey', 'MAX'],
      ['BZMPOP', '0', '1', 'nokey', 'FOO'],
      ['SET', 'str', 'v'],
      ['BZPOPMIN', 'str', '0'],
      ['MULTI'],
      ['BZPOPMIN', 'nokey', '0'],
      ['BZMPOP', '0', '1', 'nokey', 'MIN'],
      ['EXEC'],
    ]);
    const b1 = await RawClient.connect(d.store.port);
    const b2 = await RawClient.connect(d.redis.port);
    try {
      for (const [cmd, push] of [
        [['BZPOPMAX', 'k1', 'k2', '5'], ['ZADD', 'k2', '1', 'x', '2', 'y']],
        [['BZMPOP', '5', '2', 'k1', 'k3', 'MIN', 'COUNT', '2'], ['ZADD', 'k3', '1', 'x', '2', 'y', '3', 'z']],
      ]) {
        b1.write(Buffer.from(cmd.join(' ') + '\r\n'));
        b2.write(Buffer.from(cmd.join(' ') + '\r\n'));
        await new Promise((r) => setTimeout(r, 50));
        await d.check(['SET', 'k1', 'notazset']);
        await d.check(push);
        const [x] = await b1.read(1);
        const [y] = await b2.read(1);
        assert.equal(x.toString('latin1'), y.toString('latin1'));
        await d.check(['DEL', 'k1']);
      }
      await d.check(['ZRANGE', 'k2', '0', '-1', 'WITHSCORES']);
      await d.check(['ZRANGE', 'k3', '0', '-1', 'WITHSCORES']);
    } finally {
      b1.close();
      b2.close();
    }
  });

  it('ZMPOP and BZMPOP propagate as ZPOPMIN/ZPOPMAX with the number actually popped (Redis test zset.tcl)', async () => {
    const s = d.store.server;
    const fed: string[][] = [];
    const prev = s.replicationFeed;
    s.replicationFeed = (_db, argv) => fed.push(argv);
    const blocked = await RawClient.connect(d.store.port);
    try {
      await d.ours.send('ZADD', 'z', '1', 'one', '2', 'two', '3', 'three');
      await d.ours.send('ZMPOP', '1', 'z', 'MIN');
      await d.ours.send('ZMPOP', '1', 'z', 'MAX', 'COUNT', '1');
      await d.ours.send('ZMPOP', '2', 'z', 'z2', 'MIN', 'COUNT', '10');
      await d.ours.send('ZMPOP', '2', 'z', 'z2', 'MAX', 'COUNT', '10');
      await d.ours.send('ZADD', 'z2', '1', 'one', '2', 'two', '3', 'three');
      await d.ours.send('BZMPOP', '0', '2', 'z', 'z2', 'MAX', 'COUNT', '10');
      // Blocked, then served by a ZADD of one member.
      blocked.write(encodeCommand(['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5']));
      const deadline = Date.now() + 3000;
      while (blockedClients(s) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await d.ours.send('ZADD', 'z', '1', 'one');
      await blocked.read(1);
      assert.deepEqual(fed.filter((a) => a[0] !== 'ZADD'), [
        ['ZPOPMIN', 'z', '1'],
        ['ZPOPMAX', 'z', '1'],
        ['ZPOPMIN', 'z', '1'],
        ['ZPOPMAX', 'z2', '3'],
        ['ZPOPMIN', 'z', '1'],
      ]);
    } finally {
      s.replicationFeed = prev;
      blocked.close();
    }
  });
});
