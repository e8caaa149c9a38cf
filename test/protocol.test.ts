// The RESP wire protocol: the request parser and the reply decoder must give the same result however
// the bytes are split into chunks, and protocol errors must produce Redis's exact error bytes, close
// only the offending connection, and leave the server (and its other clients) running.

import assert from 'node:assert/strict';
import { RequestParser, ProtocolError } from '../src/resp/parser';
import { ReplyDecoder, NEED_MORE, type ReplyValue } from '../src/resp/decoder';
import { encodeCommand, ReplyWriter } from '../src/resp/encode';
import { useDiff } from './helpers/diff';
import { RawClient, seeded } from './helpers/raw';

type Parsed = Array<string[] | string>;

/** Feeds `chunks` to a fresh parser and collects every request (or "ERR:<msg>"). */
function parseChunks(chunks: Buffer[]): Parsed {
  const p = new RequestParser<string>('string');
  const out: Parsed = [];
  for (const ch of chunks) {
    p.feed(ch);
    for (;;) {
      const r = p.next();
      if (r === null) break;
      if (r instanceof ProtocolError) {
        out.push(`ERR:${r.message}`);
        return out;
      }
      out.push(r);
    }
  }
  return out;
}

/** Every two-chunk split of `b`, plus one byte at a time. */
function splits(b: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= b.length; i++) out.push([b.subarray(0, i), b.subarray(i)]);
  out.push([...b].map((x) => Buffer.from([x])));
  return out;
}

function decodeAll(chunks: Buffer[], values: boolean): unknown[] {
  const d = new ReplyDecoder(values);
  const out: unknown[] = [];
  for (const ch of chunks) {
    d.feed(ch);
    for (;;) {
      if (values) {
        const v = d.next();
        if (v === NEED_MORE) break;
        out.push(v);
      } else {
        const r = d.nextRaw();
        if (!r) break;
        out.push(Buffer.from(r).toString('latin1'));
      }
    }
  }
  return out;
}

const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x: ReplyValue | { type: string; data: number[] }) =>
    x && typeof x === 'object' && 'type' in x && x.type === 'Buffer' ? Buffer.from((x as { data: number[] }).data).toString('latin1') : typeof x === 'bigint' ? String(x) : x instanceof Map ? [...x.entries()] : x,
  );

describe('RequestParser: chunk boundaries', () => {
  const big = 'x'.repeat(70000);
  const cases: Array<[string, Buffer, Parsed]> = [
    ['multibulk', encodeCommand(['SET', 'key', 'value']), [['SET', 'key', 'value']]],
    ['inline with quotes and escapes', Buffer.from('SET "a b" \'c\\\'d\' "\\x41\\n"\r\nPING\n', 'latin1'), [['SET', 'a b', "c'd", 'A\n'], ['PING']]],
    ['binary args with CRLF inside', encodeCommand(['SET', 'k\r\n', 'v\r\n\u0000\u00ff']), [['SET', 'k\r\n', 'v\r\n\u0000\u00ff']]],
    ['pipeline of mixed forms', Buffer.concat([encodeCommand(['GET', 'a']), Buffer.from('PING\r\n'), encodeCommand(['ECHO', ''])]), [['GET', 'a'], ['PING'], ['ECHO', '']]],
    ['empty multibulk and blank lines are skipped', Buffer.from('*0\r\n\r\n*-1\r\n*1\r\n$4\r\nPING\r\n'), [['PING']]],
    ['bad type byte', Buffer.from('*1\r\n+foo\r\n'), ["ERR:Protocol error: expected '$', got '+'"]],
    ['unbalanced quotes', Buffer.from('SET "a b\r\n'), ['ERR:Protocol error: unbalanced quotes in request']],
  ];
  for (const [name, bytes, expected] of cases) {
    it(`${name}: the same at every split`, () => {
      for (const chunks of splits(bytes)) assert.deepEqual(parseChunks(chunks), expected, `split ${chunks.map((c) => c.length).join('+')}`);
    });
  }
  it('a big bulk (larger than the copy threshold) at many splits', () => {
    const bytes = encodeCommand(['SET', 'k', big]);
    for (let i = 0; i <= bytes.length; i += 997) assert.deepEqual(parseChunks([bytes.subarray(0, i), bytes.subarray(i)]), [['SET', 'k', big]]);
    const three = [bytes.subarray(0, 20), bytes.subarray(20, 40000), bytes.subarray(40000)];
    assert.deepEqual(parseChunks(three), [['SET', 'k', big]]);
  });
  it('refuses huge declared lengths without allocating them', () => {
    assert.deepEqual(parseChunks([Buffer.from('*3000000000\r\n')]), ['ERR:Protocol error: invalid multibulk length']);
    assert.deepEqual(parseChunks([Buffer.from('*1\r\n$600000000\r\n')]), ['ERR:Protocol error: invalid bulk length']);
    assert.deepEqual(parseChunks([Buffer.from('*1\r\n$-5\r\n')]), ['ERR:Protocol error: invalid bulk length']);
    assert.deepEqual(parseChunks([Buffer.from('*x\r\n')]), ['ERR:Protocol error: invalid multibulk length']);
  });
  it('fuzz: random requests cut at random points parse as a whole', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const reqs: string[][] = [];
      const parts: Buffer[] = [];
      for (let k = 0; k < 1 + rnd(5); k++) {
        const args = Array.from({ length: 1 + rnd(4) }, () => String.fromCharCode(...Array.from({ length: rnd(40) }, () => rnd(256))));
        reqs.push(args);
        parts.push(encodeCommand(args));
      }
      const all = Buffer.concat(parts);
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < all.length; ) {
        const n = 1 + rnd(30);
        chunks.push(all.subarray(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(parseChunks(chunks), reqs);
    }
  });
  it('a request of many small arguments arriving in many chunks holds only its unparsed tail (linear, not quadratic)', () => {
    const args = ['RPUSH', 'k', ...Array.from({ length: 300000 }, (_, i) => `v${i % 100000}`)];
    const bytes = encodeCommand(args);
    for (const mode of ['string', 'buffer'] as const) {
      const p = new RequestParser<Buffer | string>(mode);
      let maxHeld = 0;
      let got: Array<Buffer | string> | null = null;
      for (let pos = 0; pos < bytes.length; pos += 16384) {
        p.feed(bytes.subarray(pos, pos + 16384));
        const r = p.next();
        maxHeld = Math.max(maxHeld, p.heldBytes);
        if (r !== null) got = r as Array<Buffer | string>;
      }
      assert.ok(bytes.length > 3_000_000);
      // The parsed prefix is let go once past 256 KB (Buffer mode keeps it that long for raw bytes).
      assert.ok(maxHeld < 300 * 1024, `${mode}: held ${maxHeld} bytes of a ${bytes.length}-byte request`);
      assert.ok(got !== null);
      assert.deepEqual(got!.map(String), args);
      if (mode === 'buffer') assert.equal((p as RequestParser<Buffer>).raw, null);
    }
    // A small request split at a chunk boundary still has its raw bytes (the proxy forwards them).
    const small = encodeCommand(['MSET', ...Array.from({ length: 200 }, (_, i) => `k${i}`)]);
    const q = new RequestParser();
    q.feed(small.subarray(0, 700));
    assert.equal(q.next(), null);
    q.feed(small.subarray(700));
    assert.ok(Array.isArray(q.next()));
    assert.deepEqual(q.raw, small);
  });
  it('fuzz: truncated or corrupted input never throws', () => {
    const base = Buffer.concat([encodeCommand(['SET', 'a', 'b']), encodeCommand(['MGET', 'x', 'y'])]);
    for (let i = 0; i < base.length; i++) {
      parseChunks([base.subarray(0, i)]);
      for (const b of [0, 13, 10, 36, 42, 45, 255]) {
        const c = Buffer.from(base);
        c[i] = b;
        parseChunks([c]);
      }
    }
  });
});

describe('ReplyDecoder: chunk boundaries', () => {
  const stream = Buffer.from(
    '+OK\r\n-ERR bad\r\n:42\r\n$5\r\nhe\r\no\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n*-1\r\n*0\r\n' +
      '%1\r\n+k\r\n~2\r\n,1.5\r\n#t\r\n_\r\n=7\r\ntxt:abc\r\n(123456789012345678901234567890\r\n>2\r\n+push\r\n:1\r\n!3\r\nERR\r\n',
    'latin1',
  );
  it('values are the same at every split', () => {
    const expected = show(decodeAll([stream], true));
    for (const chunks of splits(stream)) assert.equal(show(decodeAll(chunks, true)), expected);
  });
  it('raw reply boundaries are the same at every split', () => {
    const expected = decodeAll([stream], false);
    assert.equal(expected.length, 14);
    for (const chunks of splits(stream)) assert.deepEqual(decodeAll(chunks, false), expected);
  });
  it('a big bulk reply split anywhere', () => {
    const v = 'y'.repeat(50000);
    const b = Buffer.from(`$${v.length}\r\n${v}\r\n+OK\r\n`, 'latin1');
    for (let i = 0; i <= b.length; i += 1231) {
      const got = decodeAll([b.subarray(0, i), b.subarray(i)], true);
      assert.equal((got[0] as Buffer).length, v.length);
      assert.equal(got[1], 'OK');
    }
  });
});

describe('ReplyDecoder: runs of replies (skip/take, as the proxy matches pipelined runs)', () => {
  const stream = Buffer.from(
    '+OK\r\n$5\r\nhello\r\n$-1\r\n:7\r\n-ERR x\r\n*2\r\n$1\r\na\r\n:1\r\n$0\r\n\r\n$12\r\nab\r\ncd\r\nefgh\r\n' +
      '%1\r\n+k\r\n_\r\n|1\r\n+a\r\n:2\r\n:-5\r\n+\r\n',
    'latin1',
  );
  const single = decodeAll([stream], false) as string[];
  /** Takes runs of the given sizes (cycled) across the chunks; returns each run's bytes. */
  function runs(chunks: Buffer[], sizes: number[]): string[] {
    const d = new ReplyDecoder(false);
    const out: string[] = [];
    let si = 0;
    let got = 0;
    let acc = '';
    for (const ch of chunks) {
      d.feed(ch);
      for (;;) {
        const need = sizes[si % sizes.length] - got;
        const k = d.skip(need);
        if (k === 0) break;
        acc += Buffer.from(d.take()).toString('latin1');
        got += k;
        if (k < need) break; // part of the run: wait for more bytes
        out.push(acc);
        acc = '';
        got = 0;
        si++;
      }
    }
    if (acc) out.push(acc);
    return out;
  }
  /** The expected runs: the single replies grouped by the same sizes. */
  function grouped(sizes: number[]): string[] {
    const out: string[] = [];
    for (let i = 0, si = 0; i < single.length; si++) {
      const n = sizes[si % sizes.length];
      out.push(single.slice(i, i + n).join(''));
      i += n;
    }
    return out;
  }
  it('finds the same reply boundaries as nextRaw, for runs of every size, at every split', () => {
    assert.equal(single.length, 11);
    for (const sizes of [[1], [2], [3], [16], [5, 1, 7]]) {
      const expected = grouped(sizes);
      for (const chunks of splits(stream)) assert.deepEqual(runs(chunks, sizes), expected, `sizes ${sizes} split ${chunks.map((c) => c.length).join('+')}`);
    }
  });
  it('a run across a big bulk reply', () => {
    const v = 'z'.repeat(40000);
    const b = Buffer.from(`:1\r\n$${v.length}\r\n${v}\r\n+OK\r\n`, 'latin1');
    for (let i = 0; i <= b.length; i += 1999) assert.deepEqual(runs([b.subarray(0, i), b.subarray(i)], [3]), [b.toString('latin1')]);
  });
  it('long lines and long runs in many small reads (appended into spare room): the same values and runs, and bytes already taken stay as they were', () => {
    const status = 's'.repeat(200_000);
    const err = 'ERR ' + 'e'.repeat(150_000);
    const arr = Array.from({ length: 20_000 }, (_, i) => `:${i}\r\n`).join('');
    const b = Buffer.from(`+${status}\r\n:1\r\n-${err}\r\n*20000\r\n${arr}$3\r\nabc\r\n+OK\r\n`, 'latin1');
    const whole = decodeAll([b], true);
    assert.equal((whole[0] as string).length, status.length);
    assert.equal((whole[3] as number[]).length, 20000);
    for (const size of [997, 4096, 16384, 65536, 70001]) {
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < b.length; pos += size) chunks.push(b.subarray(pos, pos + size));
      assert.equal(show(decodeAll(chunks, true)), show(whole), `values, reads of ${size}`);
      // Raw mode: each take() kept by reference, compared once every read is in.
      const d = new ReplyDecoder(false);
      const taken: Buffer[] = [];
      for (const ch of chunks) {
        d.feed(Buffer.from(ch)); // a fresh buffer per read, as a socket gives
        while (d.skip(1) === 1) taken.push(d.take());
      }
      assert.equal(taken.length, 6);
      assert.equal(Buffer.concat(taken).toString('latin1'), b.toString('latin1'), `raw, reads of ${size}`);
    }
  });
  it('a bulk larger than 512 MB is only a length: accepted by default (the backend set its proto-max-bulk-len)', () => {
    const d = new ReplyDecoder(false);
    d.feed(Buffer.from(`$${600 * 1024 * 1024}\r\nab`));
    assert.equal(d.skip(1), 0); // waits for the rest, no error
    const small = new ReplyDecoder(false, 1000);
    small.feed(Buffer.from('$1001\r\nab'));
    assert.throws(() => small.skip(1), /bulk too large/);
  });
  it('replies before a malformed one are returned whole; the error comes with the next skip', () => {
    const d = new ReplyDecoder(false);
    d.feed(Buffer.from('+OK\r\n*1\r\n:1\r\n?\r\n+later\r\n'));
    assert.equal(d.skip(5), 2);
    assert.equal(d.take().toString(), '+OK\r\n*1\r\n:1\r\n');
    assert.equal(d.isBroken, true);
    assert.throws(() => d.skip(1), /unexpected reply type byte 63/);
  });
  it('a malformed length throws as nextRaw does', () => {
    for (const bad of ['$x\r\nab\r\n', '$\r\n', '*z\r\n', '?\r\n']) {
      const d = new ReplyDecoder(false);
      d.feed(Buffer.from(bad));
      assert.throws(() => d.skip(1), /Protocol error|unexpected reply type/, bad);
    }
  });
});

describe('ReplyWriter.rawKept (bytes copied out of a buffer about to be reused, and where)', () => {
  it('records where its copy is; the copy survives the source being overwritten, small and big, across takes', () => {
    const w = new ReplyWriter();
    const src = Buffer.alloc(40_000);
    const kept: Array<[Buffer, string]> = [];
    let expect = '';
    for (let i = 0; i < 200; i++) {
      const len = i % 50 === 0 ? 20_000 + i : 1 + ((i * 37) % 300);
      const text = String.fromCharCode(65 + (i % 26)).repeat(len);
      src.write(text, 'latin1');
      w.rawKept(src.subarray(0, len));
      kept.push([w.keptBuf.subarray(w.keptAt, w.keptEnd), text]);
      expect += text;
      src.fill(0);
    }
    let out = '';
    for (let b = w.take(); b; b = w.take()) out += b.toString('latin1');
    assert.equal(out, expect);
    for (const [k, text] of kept) assert.equal(k.toString('latin1'), text);
  });
});

describe('ReplyWriter.rawRef (a lone reply written by reference)', () => {
  it('keeps the order of everything appended, whatever comes after a reference and whenever take runs', () => {
    const rnd = seeded(7);
    const w = new ReplyWriter();
    let expect = '';
    let out = '';
    let refsTaken = 0;
    const refs = new Set<Buffer>();
    for (let i = 0; i < 3000; i++) {
      const op = rnd(6);
      if (op === 0 || op === 1) {
        const big = rnd(40) === 0;
        const b = Buffer.from(`+ref${i}${big ? 'x'.repeat(20_000) : ''}\r\n`);
        refs.add(b);
        w.rawRef(b);
        expect += b.toString('latin1');
      } else if (op === 2) {
        w.raw(Buffer.from(`+raw${i}\r\n`));
        expect += `+raw${i}\r\n`;
      } else if (op === 3) {
        w.bulk(`b${i}`);
        expect += `$${String(i).length + 1}\r\nb${i}\r\n`;
      } else if (op === 4) {
        w.int(i);
        expect += `:${i}\r\n`;
      } else {
        const pending = w.pending;
        const t = w.take();
        assert.equal(t?.length ?? 0, pending);
        if (t) {
          if (refs.has(t)) refsTaken++;
          out += t.toString('latin1');
        }
      }
    }
    for (let t = w.take(); t; t = w.take()) out += t.toString('latin1');
    assert.equal(out, expect);
    assert.ok(refsTaken > 10, 'no reference was ever written as it was (the copy was always made)');
  });
});

describe('protocol errors against the real server (differential)', function () {
  this.timeout(20000);
  const d = useDiff();

  const cases: Array<[string, string]> = [
    ['huge multibulk count', '*3000000000\r\n'],
    ['huge bulk length', '*1\r\n$600000000\r\n'],
    ['wrong type byte', '*1\r\n+foo\r\n'],
    ['unbalanced quotes inline', 'SET "a b\r\n'],
    ['negative bulk length', '*2\r\n$-3\r\n'],
    ['non-numeric multibulk count', '*x\r\n'],
    ['non-numeric bulk length', '*1\r\n$x\r\n'],
  ];
  for (const [name, bytes] of cases) {
    it(`${name}: same error bytes, connection closed, server still up`, async () => {
      await d.raw(`PING\r\n${bytes}`, 2);
      await Promise.all([d.ours.waitClose(), d.theirs.waitClose()]);
      const other = await RawClient.connect(d.store.port);
      assert.equal(await other.str('PING'), '+PONG\r\n');
      other.close();
    });
  }

  it('a protocol error on one connection does not disturb another mid-pipeline', async () => {
    const good = await RawClient.connect(d.store.port);
    good.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$');
    const bad = await RawClient.connect(d.store.port);
    bad.write('*1\r\n+oops\r\n');
    await bad.waitClose();
    good.write('1\r\nv\r\n');
    assert.deepEqual((await good.read(1)).map(String), ['+OK\r\n']);
    assert.equal(await good.str('GET', 'k'), '$1\r\nv\r\n');
    good.close();
  });

  it('an inline request with a NUL before its newline is never complete (Redis reads the line with strchr), up to the 64 KB limit', async () => {
    const before = [d.ours.received().length, d.theirs.received().length];
    d.ours.write('GET a\x00b\r\nPING\r\n');
    d.theirs.write('GET a\x00b\r\nPING\r\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(d.ours.received().length, before[0], 'resplit answered');
    assert.equal(d.theirs.received().length, before[1], 'redis answered');
    await d.raw('x'.repeat(70000), 1);
    await Promise.all([d.ours.waitClose(), d.theirs.waitClose()]);
  });

  it('inline commands and empty lines behave as in Redis', async () => {
    await d.raw('\r\n\r\nPING\r\nECHO "a\\tb"\r\nSET x \'1 2\'\r\nGET x\r\n', 4);
  });
});
