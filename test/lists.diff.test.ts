// List commands against a real redis-server, byte for byte: every option, errors in Redis's order,
// RESP2 and RESP3 null shapes, encodings, and the non-blocking paths of the blocking commands.
import { useDiff } from './helpers/diff';

describe('lists (differential)', () => {
  const d = useDiff();

  it('pushes, LLEN, LRANGE with every index shape, wrong type, arity', async () => {
    await d.seq([
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'x', 'y'],
      ['LPUSHX', 'l', 'p'],
      ['RPUSHX', 'l', 'q', 'r'],
      ['LPUSHX', 'nol', 'a'],
      ['RPUSHX', 'nol', 'a'],
      ['EXISTS', 'nol'],
      ['LLEN', 'l'],
      ['LLEN', 'nol'],
      ['LRANGE', 'l', '0', '-1'],
      ['LRANGE', 'l', '-3', '-1'],
      ['LRANGE', 'l', '2', '4'],
      ['LRANGE', 'l', '-100', '100'],
      ['LRANGE', 'l', '5', '2'],
      ['LRANGE', 'l', '50', '60'],
      ['LRANGE', 'l', '-1', '-3'],
      ['LRANGE', 'l', 'a', '1'],
      ['LRANGE', 'nol', 'a', '1'],
      ['LRANGE', 'nol', '0', '-1'],
      ['SET', 's', 'v'],
      ['LPUSH', 's', 'a'],
      ['RPUSHX', 's', 'a'],
      ['LLEN', 's'],
      ['LRANGE', 's', '0', '1'],
      ['LPUSH', 'l'],
      ['LLEN'],
      ['TYPE', 'l'],
      ['OBJECT', 'ENCODING', 'l'],
    ]);
  });

  it('LPOP/RPOP with and without count, RESP2 and RESP3', async () => {
    for (const proto of ['2', '3']) {
      await d.check(['HELLO', proto], { shape: true });
      await d.seq([
        ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
        ['LPOP', 'l'],
        ['RPOP', 'l'],
        ['LPOP', 'l', '2'],
        ['RPOP', 'l', '0'],
        ['RPOP', 'l', '5'],
        ['EXISTS', 'l'],
        ['LPOP', 'l'],
        ['LPOP', 'l', '1'],
        ['RPOP', 'l', '0'],
        ['LPOP', 'l', '-1'],
        ['LPOP', 'l', 'x'],
        ['LPOP', 'l', '1', '2'],
        ['RPOP', 'l', '1', '2'],
        ['SET', 's', 'v'],
        ['LPOP', 's'],
        ['LPOP', 's', '0'],
        ['LPOP', 's', '-1'],
        ['RPUSH', 'm', 'a', 'b', 'c'],
        ['RPOP', 'm', '2'],
        ['LRANGE', 'm', '0', '-1'],
      ]);
      await d.both('FLUSHALL');
    }
    await d.check(['HELLO', '2'], { shape: true });
  });

  it('LINDEX, LSET, LINSERT', async () => {
    await d.seq([
      ['RPUSH', 'l', 'a', 'b', 'c', 'b'],
      ['LINDEX', 'l', '0'],
      ['LINDEX', 'l', '-1'],
      ['LINDEX', 'l', '-5'],
      ['LINDEX', 'l', '4'],
      ['LINDEX', 'l', 'x'],
      ['LINDEX', 'nol', 'x'],
      ['LINDEX', 'nol', '0'],
      ['LSET', 'l', '1', 'B'],
      ['LSET', 'l', '-1', 'Z'],
      ['LSET', 'l', '4', 'q'],
      ['LSET', 'l', '-5', 'q'],
      ['LSET', 'l', 'x', 'q'],
      ['LSET', 'nol', '0', 'q'],
      ['LSET', 'nol', 'x', 'q'],
      ['LRANGE', 'l', '0', '-1'],
      ['LINSERT', 'l', 'BEFORE', 'c', 'bc'],
      ['LINSERT', 'l', 'after', 'Z', 'end'],
      ['LINSERT', 'l', 'before', 'a', 'start'],
      ['LINSERT', 'l', 'before', 'nope', 'x'],
      ['LINSERT', 'l', 'middle', 'a', 'x'],
      ['LINSERT', 'nol', 'before', 'a', 'x'],
      ['LINSERT', 'nol', 'middle', 'a', 'x'],
      ['LRANGE', 'l', '0', '-1'],
      ['SET', 's', 'v'],
      ['LINDEX', 's', '0'],
      ['LINDEX', 's', 'x'],
      ['LSET', 's', 'x', 'q'],
      ['LINSERT', 's', 'before', 'a', 'b'],
      ['LINSERT', 's', 'middle', 'a', 'b'],
    ]);
  });

  it('LINSERT in the middle of a long list keeps order', async () => {
    const items = Array.from({ length: 200 }, (_, i) => `e${i}`);
    await d.check(['RPUSH', 'l', ...items]);
    for (const [i, where] of [[3, 'BEFORE'], [150, 'AFTER'], [100, 'BEFORE'], [0, 'AFTER'], [199, 'AFTER']] as const) {
      await d.check(['LINSERT', 'l', where, `e${i}`, `new${i}`]);
    }
    await d.check(['LPUSH', 'l', 'h1', 'h2']);
    await d.check(['LRANGE', 'l', '0', '-1']);
    await d.check(['LINDEX', 'l', '101']);
  });

  it('LREM and LTRIM', async () => {
    await d.seq([
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'],
      ['LREM', 'l', '2', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '-1', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'b'],
      ['LREM', 'l', '0', 'zz'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', 'x', 'a'],
      ['LREM', 'nol', 'x', 'a'],
      ['LREM', 'nol', '1', 'a'],
      ['LREM', 'l', '0', 'a'],
      ['LREM', 'l', '0', 'c'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', '1', '2', '3', '4', '5', '6', '7'],
      ['LTRIM', 'l', '1', '-2'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '-100', '100'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '1', '1'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '5', '1'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', '1', '2'],
      ['LTRIM', 'l', '-1', '-2'],
      ['EXISTS', 'l'],
      ['LTRIM', 'l', 'x', '1'],
      ['LTRIM', 'nol', '0', '1'],
      ['SET', 's', 'v'],
      ['LTRIM', 's', '0', '1'],
      ['LTRIM', 's', 'x', '1'],
      ['LREM', 's', '1', 'a'],
      ['LREM', 's', 'x', 'a'],
    ]);
  });

  it('LPOS with RANK, COUNT, MAXLEN and their errors', async () => {
    await d.seq([
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'x'],
      ['LPOS', 'l', 'a'],
      ['LPOS', 'l', 'zz'],
      ['LPOS', 'l', 'a', 'RANK', '2'],
      ['LPOS', 'l', 'a', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'RANK', '-3'],
      ['LPOS', 'l', 'a', 'RANK', '4'],
      ['LPOS', 'l', 'a', 'COUNT', '0'],
      ['LPOS', 'l', 'a', 'COUNT', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'],
      ['LPOS', 'l', 'a', 'MAXLEN', '3', 'RANK', '2'],
      ['LPOS', 'l', 'a', 'MAXLEN', '2', 'RANK', '-1'],
      ['LPOS', 'l', 'zz', 'COUNT', '3'],
      ['LPOS', 'l', 'a', 'RANK', '0'],
      ['LPOS', 'l', 'a', 'RANK', 'x'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1'],
      ['LPOS', 'l', 'a', 'RANK', '9223372036854775807', 'COUNT', '1'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807'],
      ['LPOS', 'l', 'a', 'COUNT', '-1'],
      ['LPOS', 'l', 'a', 'COUNT', 'x'],
      ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
      ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
      ['LPOS', 'l', 'a', 'COUNT'],
      ['LPOS', 'l', 'a', 'FOO', '1'],
      ['LPOS', 'nol', 'a'],
      ['LPOS', 'nol', 'a', 'COUNT', '1'],
      ['LPOS', 'nol', 'a', 'RANK', '0'],
      ['SET', 's', 'v'],
      ['LPOS', 's', 'a'],
      ['LPOS', 's', 'a', 'RANK', '0'],
    ]);
    await d.check(['HELLO', '3'], { shape: true });
    await d.seq([['LPOS', 'nol', 'a'], ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'zz', 'COUNT', '1']]);
    await d.check(['HELLO', '2'], { shape: true });
  });

  it('LMOVE and RPOPLPUSH, same key rotation, wrong types', async () => {
    await d.seq([
      ['RPUSH', 'src', 'a', 'b', 'c'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'dst', 'right', 'left'],
      ['LRANGE', 'dst', '0', '-1'],
      ['LMOVE', 'src', 'src', 'LEFT', 'RIGHT'],
      ['LRANGE', 'src', '0', '-1'],
      ['RPOPLPUSH', 'src', 'dst'],
      ['EXISTS', 'src'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'src', 'dst'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'UP'],
      ['LMOVE', 'src', 'dst', 'UP', 'LEFT'],
      ['RPUSH', 'one', 'x'],
      ['LMOVE', 'one', 'one', 'LEFT', 'LEFT'],
      ['LRANGE', 'one', '0', '-1'],
      ['RPOPLPUSH', 'one', 'one'],
      ['SET', 's', 'v'],
      ['LMOVE', 'dst', 's', 'LEFT', 'RIGHT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['LMOVE', 's', 'dst', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 's', 'dst'],
      ['RPOPLPUSH', 'nol', 's'],
      ['LMOVE', 'dst', 'n2', 'LEFT', 'LEFT'],
      ['LRANGE', 'n2', '0', '-1'],
    ]);
  });

  it('LMPOP and its argument errors', async () => {
    await d.seq([
      ['RPUSH', 'b', '1', '2', '3', '4'],
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'],
      ['LMPOP', '2', 'a', 'b', 'left', 'count', '10'],
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['LMPOP', '0', 'a', 'LEFT'],
      ['LMPOP', '-1', 'a', 'LEFT'],
      ['LMPOP', 'x', 'a', 'LEFT'],
      ['LMPOP', '3', 'a', 'LEFT'],
      ['LMPOP', '1', 'a', 'UP'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['LMPOP', '1', 'a', 'LEFT', 'FOO'],
      ['SET', 's', 'v'],
      ['RPUSH', 'l', 'z'],
      ['LMPOP', '2', 's', 'l', 'LEFT'],
      ['LMPOP', '2', 'l', 's', 'LEFT'],
      ['LMPOP', '1'],
    ]);
    await d.check(['HELLO', '3'], { shape: true });
    await d.seq([['LMPOP', '1', 'nol', 'LEFT'], ['RPUSH', 'x', 'a', 'b'], ['LMPOP', '1', 'x', 'RIGHT', 'COUNT', '5']]);
    await d.check(['HELLO', '2'], { shape: true });
  });

  it('blocking commands: immediate service, errors, and MULTI answers', async () => {
    await d.seq([
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLPOP', 'nol', 'l', '0'],
      ['BRPOP', 'nol', 'l', '1.5'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
      ['RPUSH', 'l', 'x', 'y'],
      ['BRPOPLPUSH', 'l', 'd', '0'],
      ['BLMPOP', '0', '2', 'nol', 'l', 'LEFT', 'COUNT', '5'],
      ['LRANGE', 'd', '0', '-1'],
      ['BLPOP', 'l', 'x'],
      ['BLPOP', 'l', '-1'],
      ['BLPOP', 'l', 'inf'],
      ['BLPOP', 'l', 'nan'],
      ['BLPOP', 'l', ' 1'],
      ['BLPOP', 'l', '1e400'],
      ['BLPOP', 'l', '1e16'],
      ['BLPOP', 'l', ''],
      ['BLMOVE', 'l', 'd', 'LEFT', 'UP', 'x'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', 'x'],
      ['BLMPOP', 'x', '1', 'l', 'LEFT'],
      ['BLMPOP', '0', '0', 'l', 'LEFT'],
      ['BLMPOP', '0', '1', 'l', 'UP'],
      ['BRPOPLPUSH', 'l', 'd', '-1'],
      ['SET', 's', 'v'],
      ['BLPOP', 's', '0'],
      ['BLPOP', 'nol', 's', '0'],
      ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'],
      ['BLMOVE', 'd', 's', 'LEFT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 's', 'LEFT'],
      ['MULTI'],
      ['BLPOP', 'nol', '0'],
      ['BLMOVE', 'nol', 'd', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'nol', 'd', '0'],
      ['BLMPOP', '0', '1', 'nol', 'LEFT'],
      ['RPUSH', 'nol', 'z'],
      ['BLPOP', 'nol', '0'],
      ['EXEC'],
    ]);
    await d.check(['HELLO', '3'], { shape: true });
    await d.seq([['MULTI'], ['BLPOP', 'nol', '0'], ['BLMOVE', 'nol', 'd', 'LEFT', 'LEFT', '0'], ['EXEC']]);
    await d.check(['HELLO', '2'], { shape: true });
  });

  it('binary-safe elements and OBJECT ENCODING at any size', async () => {
    const big = 'x'.repeat(70000);
    await d.seq([
      ['RPUSH', 'b', Buffer.from([0, 1, 255, 13, 10]), ''],
      ['LRANGE', 'b', '0', '-1'],
      ['OBJECT', 'ENCODING', 'b'],
      ['RPUSH', 'big', big],
      ['OBJECT', 'ENCODING', 'big'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '2'],
      ['RPUSH', 'c', '1', '2', '3'],
      ['OBJECT', 'ENCODING', 'c'],
      ['LPOP', 'c', '2'],
      ['OBJECT', 'ENCODING', 'c'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ]);
  });
});
