// The proxy's fast frame scanner must never disagree with the full RequestParser: whenever it claims
// a complete request, the parser must read the same request from the same bytes (same end, same
// name, same argument count); anything it declines is left to the parser. Checked on hand-picked
// edge cases, on every prefix of valid requests, and on random corruptions.

import assert from 'node:assert/strict';
import { RequestParser, ProtocolError } from '../src/resp/parser';
import { scanFrame, frame } from '../src/resp/frame-scan';
import { encodeCommand } from '../src/resp/encode';

const MAX = 512 * 1024 * 1024;

/** What the full parser reads first from `b`: the request and where it ends, or null/error. */
function parseFirst(b: Buffer): { args: Buffer[]; end: number } | null | ProtocolError {
  const p = new RequestParser<Buffer>('buffer');
  p.feed(b);
  const r = p.next();
  if (r === null || r instanceof ProtocolError) return r;
  const raw = p.raw;
  return { args: r, end: raw ? raw.length + b.indexOf(raw) : -1 };
}

/** Asserts scanFrame agrees with the parser on b (when it accepts b at all). */
function agree(b: Buffer, label: string): boolean {
  if (!scanFrame(b, 0, MAX)) return false;
  const p = parseFirst(b);
  assert.ok(p !== null && !(p instanceof ProtocolError), `${label}: scanner accepted what the parser did not`);
  assert.equal(frame.end, p.end, `${label}: end`);
  assert.equal(frame.argc, p.args.length, `${label}: argc`);
  assert.equal(b.latin1Slice(frame.nameStart, frame.nameEnd), p.args[0].toString('latin1'), `${label}: name`);
  return true;
}

describe('frame scanner (the proxy fast path) vs RequestParser', () => {
  it('accepts canonical requests, with the right name, argc and end', () => {
    const reqs = [['GET', 'k'], ['SET', 'k\r\n', 'v\r\n\u0000'], ['PING'], ['MSET', ...Array.from({ length: 40 }, (_, i) => `a${i}`)], ['SET', 'k', 'x'.repeat(70000)], ['ECHO', '']];
    for (const r of reqs) {
      const b = Buffer.concat([encodeCommand(r), encodeCommand(['GET', 'next'])]);
      assert.ok(agree(b, r[0]), `${r[0]} was declined`);
      assert.equal(frame.end, encodeCommand(r).length);
    }
  });
  it('declines what only the parser should handle', () => {
    const declined = [
      'PING\r\n', // inline
      '*0\r\n', // empty request
      '*-1\r\n',
      '*01\r\n$4\r\nPING\r\n', // leading zero
      '*1\r\n$04\r\nPING\r\n',
      '*1\r\n$-1\r\n',
      '*1\r\n+PING\r\n', // bad type byte
      '*1\r\n$4\r\nPING', // incomplete
      '*1\r\n$4\r\nPING\r',
      '*2\r\n$3\r\nGET\r\n',
      '*1\n$4\r\nPING\r\n', // LF without CR
      '*1\r$4\r\nPING\r\n',
      '*1\r\n$99999999999\r\nx\r\n',
      '',
    ];
    for (const d of declined) assert.equal(scanFrame(Buffer.from(d, 'latin1'), 0, MAX), false, JSON.stringify(d));
    assert.equal(scanFrame(encodeCommand(['SET', 'k', 'xyz']), 0, 2), false, 'a bulk over the limit');
  });
  it('every prefix of a valid pipeline: declined or in agreement', () => {
    const b = Buffer.concat([encodeCommand(['SET', 'key', 'value']), encodeCommand(['GET', 'key'])]);
    const first = encodeCommand(['SET', 'key', 'value']).length;
    for (let i = 0; i <= b.length; i++) {
      const accepted = agree(b.subarray(0, i), `prefix ${i}`);
      assert.equal(accepted, i >= first, `prefix ${i}`);
    }
  });
  it('fuzz: random corruptions never make the two disagree', () => {
    let seed = 4242;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const base = Buffer.concat([encodeCommand(['SET', 'a', 'bc']), encodeCommand(['MGET', 'x', 'y'])]);
    let accepted = 0;
    for (let round = 0; round < 5000; round++) {
      const c = Buffer.from(base);
      for (let k = 0; k < 1 + rnd(3); k++) c[rnd(c.length)] = [0, 10, 13, 36, 42, 45, 48, 49, 50, 57, 255][rnd(11)];
      if (agree(c, `round ${round}`)) accepted++;
    }
    assert.ok(accepted > 100, `only ${accepted} corrupted inputs were still frames`);
  });
});
