// Generic key commands against a real redis-server, byte for byte: DEL/UNLINK/EXISTS/TYPE,
// RENAME/RENAMENX carrying the TTL, MOVE and COPY across databases, the EXPIRE family with
// NX/XX/GT/LT and their errors, TTL forms, KEYS, RANDOMKEY, TOUCH and SCAN's argument errors.
import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';

describe('keys (differential)', () => {
  const d = useDiff();

  it('DEL UNLINK EXISTS TYPE TOUCH', async () => {
    await d.seq([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'],
      ['SADD', 's', 'm'],
      ['EXISTS', 'a', 'a', 'nope', 's'],
      ['TYPE', 'a'],
      ['TYPE', 's'],
      ['TYPE', 'nope'],
      ['TOUCH', 'a', 'b', 'nope'],
      ['DEL', 'a', 'a', 'nope'],
      ['UNLINK', 'b', 's', 'nope'],
      ['EXISTS', 'a', 'b', 's', 'c'],
      ['DEL'],
    ]);
  });

  it('RENAME RENAMENX keep the TTL and report errors', async () => {
    await d.seq([
      ['SET', 'a', '1', 'EX', '100'],
      ['RENAME', 'a', 'b'],
      ['TTL', 'b'],
      ['EXISTS', 'a'],
      ['RENAME', 'a', 'b'],
      ['RENAME', 'b', 'b'],
      ['RENAMENX', 'b', 'b'],
      ['RENAMENX', 'nope', 'b'],
      ['SET', 'c', '3'],
      ['RENAMENX', 'b', 'c'],
      ['RENAMENX', 'b', 'd'],
      ['TTL', 'd'],
      ['SET', 'e', 'x', 'EX', '50'],
      ['RENAME', 'c', 'e'],
      ['TTL', 'e'],
      ['GET', 'e'],
      ['SADD', 's', 'm'],
      ['RENAME', 's', 'e'],
      ['TYPE', 'e'],
    ]);
  });

  it('MOVE and COPY between databases', async () => {
    await d.seq([
      ['SET', 'a', '1', 'EX', '100'],
      ['MOVE', 'a', '1'],
      ['MOVE', 'a', '1'],
      ['SELECT', '1'],
      ['TTL', 'a'],
      ['SET', 'b', 'x'],
      ['SELECT', '0'],
      ['SET', 'b', 'y'],
      ['MOVE', 'b', '1'],
      ['MOVE', 'b', '0'],
      ['MOVE', 'b', '16'],
      ['MOVE', 'b', '-1'],
      ['MOVE', 'b', 'x'],
      ['MOVE', 'nope', '1'],
      ['SET', 'c', 'v', 'PX', '100000'],
      ['COPY', 'c', 'c2'],
      ['TTL', 'c2'],
      ['COPY', 'c', 'c2'],
      ['COPY', 'c', 'c2', 'REPLACE'],
      ['COPY', 'c', 'c'],
      ['COPY', 'c', 'c', 'DB', '0'],
      ['COPY', 'c', 'c', 'DB', '1'],
      ['COPY', 'c', 'b', 'DB', '1'],
      ['COPY', 'c', 'b', 'DB', '1', 'REPLACE'],
      ['COPY', 'c', 'x', 'DB', '16'],
      ['COPY', 'c', 'x', 'DB', 'x'],
      ['COPY', 'c', 'x', 'DB'],
      ['COPY', 'c', 'x', 'FOO'],
      ['COPY', 'nope', 'x'],
      ['SADD', 's', 'm1', 'm2'],
      ['COPY', 's', 's2'],
      ['SADD', 's2', 'm3'],
      ['SCARD', 's'],
      ['SCARD', 's2'],
      ['SELECT', '1'],
      ['GET', 'b'],
      ['TTL', 'b'],
      ['SELECT', '0'],
    ]);
  });

  it('EXPIRE family: NX XX GT LT, errors, past times delete', async () => {
    await d.seq([
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100', 'XX'],
      ['EXPIRE', 'k', '100', 'NX'],
      ['EXPIRE', 'k', '200', 'NX'],
      ['EXPIRE', 'k', '50', 'GT'],
      ['EXPIRE', 'k', '150', 'GT'],
      ['EXPIRE', 'k', '500', 'LT'],
      ['EXPIRE', 'k', '120', 'LT'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'XX', 'GT'],
      ['EXPIRE', 'k', '100', 'NX', 'XX'],
      ['EXPIRE', 'k', '100', 'NX', 'GT'],
      ['EXPIRE', 'k', '100', 'GT', 'LT'],
      ['EXPIRE', 'k', '100', 'FOO'],
      ['EXPIRE', 'k', 'x', 'FOO'],
      ['EXPIRE', 'k', 'x'],
      ['EXPIRE', 'k', '1.5'],
      ['EXPIRE', 'k', '9223372036854775807'],
      ['EXPIRE', 'k', '-9223372036854775807'],
      ['PEXPIRE', 'k', '9223372036854775807'],
      ['EXPIREAT', 'k', '9223372036854775807'],
      ['PEXPIREAT', 'k', '9223372036854775807'],
      ['TTL', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'k'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'LT'],
      ['TTL', 'k'],
      ['PERSIST', 'k'],
      ['EXPIRE', 'k', '100', 'GT'],
      ['PEXPIRE', 'k', '100000'],
      ['TTL', 'k'],
      ['EXPIREAT', 'k', '99999999999'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '99999999999999'],
      ['PEXPIRETIME', 'k'],
      ['PTTL', 'nope'],
      ['TTL', 'nope'],
      ['EXPIRETIME', 'nope'],
      ['SET', 'x', '1'],
      ['PTTL', 'x'],
      ['EXPIRETIME', 'x'],
      ['EXPIRE', 'nope', '100'],
      ['EXPIRE', 'x', '0'],
      ['EXISTS', 'x'],
      ['SET', 'x', '1'],
      ['EXPIRE', 'x', '-10'],
      ['EXISTS', 'x'],
      ['SET', 'x', '1'],
      ['PEXPIREAT', 'x', '1'],
      ['EXISTS', 'x'],
      ['SET', 'x', '1', 'EX', '100'],
      ['EXPIREAT', 'x', '1', 'LT'],
      ['EXISTS', 'x'],
      ['PERSIST', 'nope'],
    ]);
  });

  it('error texts print an argument as C does: up to a NUL byte, newlines at the ends trimmed (found by the fuzzer)', async () => {
    await d.seq([
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '10', 'a\x00b'],
      ['EXPIRE', 'k', '10', '\r\n'],
      ['PEXPIRE', 'k', '10', 'NX', '\r\nx\r\n'],
      ['NOSUCH\x00x', 'a\x00b', 'c'],
      ['OBJECT', 'a\x00b', 'k'],
      ['OBJECT', '\r\n'],
    ]);
  });

  it('COPY of a shared integer gives the copy an object of its own (OBJECT REFCOUNT 1) (found by the fuzzer)', async () => {
    await d.seq([
      ['SET', 'a', '143'],
      ['COPY', 'a', 'b'],
      ['OBJECT', 'REFCOUNT', 'b'],
      ['OBJECT', 'ENCODING', 'b'],
      ['OBJECT', 'REFCOUNT', 'a'],
      ['RENAME', 'b', 'c'],
      ['OBJECT', 'REFCOUNT', 'c'],
      ['INCR', 'c'],
      ['OBJECT', 'REFCOUNT', 'c'],
    ]);
  });

  it('KEYS with patterns, RANDOMKEY', async () => {
    await d.seq([['RANDOMKEY'], ['KEYS', '*']]);
    await d.check(['MSET', 'hello', '1', 'hallo', '2', 'hxllo', '3', 'world', '4', 'h*llo', '5']);
    await d.check(['KEYS', '*'], { unordered: 'elements' });
    await d.check(['KEYS', 'h?llo'], { unordered: 'elements' });
    await d.check(['KEYS', 'h[ae]llo'], { unordered: 'elements' });
    await d.check(['KEYS', 'h[^e]llo'], { unordered: 'elements' });
    await d.check(['KEYS', 'h\\*llo'], { unordered: 'elements' });
    await d.check(['KEYS', 'nomatch*'], { unordered: 'elements' });
    await d.check(['RANDOMKEY'], { shape: true });
    await d.seq([['FLUSHALL'], ['SET', 'only', '1'], ['RANDOMKEY']]);
  });

  it('SCAN arguments and errors', async () => {
    await d.seq([
      ['SCAN', 'x'],
      ['SCAN', ' 1'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN', 'x', 'COUNT', '0'],
      ['SCAN', '0'],
      ['SCAN', '0', 'TYPE', 'nosuchtype'],
    ]);
    await d.check(['MSET', 'a1', '1', 'a2', '2', 'b1', '3']);
    await d.check(['SADD', 'set', 'x']);
    // A full pass with a small COUNT returns every key (compared as sets after collecting pages).
    for (const opts of [['MATCH', 'a*'], ['TYPE', 'string'], ['TYPE', 'SET'], []]) {
      const ours = await collect(d.ours.value.bind(d.ours), opts);
      const theirs = await collect(d.theirs.value.bind(d.theirs), opts);
      assert.deepEqual(ours, theirs, `SCAN ${opts.join(' ')}`);
    }
  });
});

/** Runs a SCAN iteration to the end with COUNT 1 and returns the sorted distinct keys. */
async function collect(send: (...a: string[]) => Promise<unknown>, opts: string[]): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let i = 0; i < 1000; i++) {
    const r = (await send('SCAN', cursor, 'COUNT', '1', ...opts)) as [Buffer, Buffer[]];
    cursor = r[0].toString();
    for (const k of r[1]) seen.add(k.toString());
    if (cursor === '0') break;
  }
  return [...seen].sort();
}
