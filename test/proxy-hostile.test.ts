// Hostile and broken clients cannot hurt the others: garbage bytes and absurd lengths get Redis's
// protocol error and a close of that client only; a client that never reads its replies is paused and
// then disconnected at the output limit while other clients keep their latency.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { encodeCommand } from '../src/resp/encode';
import { desync } from './helpers/desync';
import { stats } from '../src/proxy/stats';
import { startStack, replicasCaughtUp, waitFor, infoField, type Stack } from './proxy-helpers';

describe('proxy hostile clients', function () {
  this.timeout(30000);
  let st: Stack;
  let good: RawClient;

  before(async function () {
    const s = await startStack({
      replicas: 1,
      proxy: { 'client-output-pause-bytes': 1 << 20, 'client-output-limit-bytes': 16 << 20, 'max-pending-per-client': 64, 'client-query-buffer-limit': 4 << 20, 'client-output-limit-pubsub-bytes': 4 << 20 },
    });
    if (!s) this.skip();
    st = s!;
    good = await RawClient.connect(st.port);
  });
  after(async () => {
    good?.close();
    await st?.stop();
  });

  it('garbage bytes: protocol error, only that client is closed', async () => {
    const bad = await RawClient.connect(st.port);
    bad.write('*abc\r\n');
    const [r] = await bad.read(1);
    assert.equal(r.toString(), '-ERR Protocol error: invalid multibulk length\r\n');
    await bad.waitClose();
    const bad2 = await RawClient.connect(st.port);
    bad2.write('*1\r\n+PING\r\n');
    assert.equal((await bad2.read(1))[0].toString(), "-ERR Protocol error: expected '$', got '+'\r\n");
    await bad2.waitClose();
    assert.equal(await good.str('PING'), '+PONG\r\n');
  });

  it('an inline request with a NUL holds only its own client (it is never sent on raw), as on Redis', async () => {
    const bad = await RawClient.connect(st.port);
    bad.write('SET nulk a\x00b\r\nGET nulk\x00\r\n');
    await new Promise((r) => setTimeout(r, 200));
    // Forwarded raw, the line would have held the shared master connection (and every client's writes).
    assert.equal(await good.str('SET', 'k', 'v'), '+OK\r\n');
    assert.equal(await good.str('GET', 'k'), '$1\r\nv\r\n');
    assert.equal(bad.received().length, 0);
    bad.write('x'.repeat(70000));
    assert.equal((await bad.read(1))[0].toString(), '-ERR Protocol error: too big inline request\r\n');
    await bad.waitClose();
    assert.equal(await good.str('EXISTS', 'nulk'), ':0\r\n');
  });

  it('clients closed by QUIT or a protocol error leave: CLIENT LIST, maxclients and their own backend connections', async () => {
    const base = stats.connectionsCurrent;
    const masterConns = async () => Number(await infoField(st.master.port, 'clients', 'connected_clients'));
    const masterBase = await masterConns();
    // MULTI and BLPOP give the client a dedicated master connection before it goes.
    for (const script of ['QUIT\r\n', '*abc\r\n', '*1\r\nPING\r\n', 'MULTI\r\nQUIT\r\n', 'BLPOP nokey 0.01\r\nQUIT\r\n', 'MULTI\r\n*x\r\n']) {
      const c = await RawClient.connect(st.port);
      c.write(script);
      await c.waitClose();
    }
    // (Those sessions used to stay forever: the socket was paused, so its end was never read.)
    await waitFor('closed sessions to leave', () => stats.connectionsCurrent === base);
    const list = (await good.str('CLIENT', 'LIST')).split('\n').filter((l) => l.includes('id='));
    assert.equal(list.length, base);
    await waitFor('their master connections to close', async () => (await masterConns()) <= masterBase);
  });

  it('a client that writes garbage without reading is closed soon after the protocol error', async () => {
    for (const first of ['x', '*x']) {
      const r = await desync(st.port, first);
      assert.ok(r.closed, `still open after ${r.sent} bytes of garbage`);
      assert.match(r.reply, /^-ERR Protocol error: too big (inline request|mbulk count string)\r\n$/);
    }
    assert.equal(await good.str('PING'), '+PONG\r\n');
  });

  it('huge declared lengths do not affect other clients', async () => {
    const over = await RawClient.connect(st.port);
    over.write('*1\r\n$9999999999\r\n');
    assert.equal((await over.read(1))[0].toString(), '-ERR Protocol error: invalid bulk length\r\n');
    await over.waitClose();
    // A legal but huge declared bulk that never arrives: the client just waits, the others do not.
    const slow = await RawClient.connect(st.port);
    slow.write('*2\r\n$3\r\nGET\r\n$536870000\r\nabc');
    for (let i = 0; i < 20; i++) assert.equal(await good.str('SET', 'g', String(i)), '+OK\r\n');
    slow.close();
  });

  it('a client that shuts down its side after sending gets every reply, then the connection closes (as Redis); a blocked one is closed at once', async () => {
    const net = await import('node:net');
    const run = (bytes: string) =>
      new Promise<{ got: string; ms: number }>((resolve, reject) => {
        const t0 = Date.now();
        const chunks: Buffer[] = [];
        const s = net.connect(st.port, '127.0.0.1', () => s.end(bytes));
        s.on('data', (d) => chunks.push(d));
        s.on('error', reject);
        s.on('close', () => resolve({ got: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - t0 }));
      });
    const a = await run('SET hc x\r\nGET nosuch\r\nECHO hi\r\nMULTI\r\nINCR n\r\nEXEC\r\n');
    assert.equal(a.got, '+OK\r\n$-1\r\n$2\r\nhi\r\n+OK\r\n+QUEUED\r\n*1\r\n:1\r\n');
    await replicasCaughtUp(st);
    assert.equal(await good.str('GET', 'n'), '$1\r\n1\r\n');
    // Blocked when the end arrives: Redis frees it (no reply), so the proxy closes it without waiting.
    const b = await run('BLPOP nosuch 10\r\n');
    assert.equal(b.got, '');
    assert.ok(b.ms < 3000, `closed after ${b.ms} ms`);
    // Blocked only once the write before it is answered: that reply, then the close.
    const c = await run('SET hc y\r\nBLPOP nosuch 10\r\n');
    assert.equal(c.got, '+OK\r\n');
    assert.ok(c.ms < 3000, `closed after ${c.ms} ms`);
    assert.equal(await good.str('DEL', 'hc', 'n'), ':2\r\n');
  });

  it('replies made when paused output resumes are written before the close (QUIT), and a half-closed transaction gets its end', async () => {
    const net = await import('node:net');
    const run = (bytes: Buffer, half: boolean) =>
      new Promise<{ got: Buffer; ended: boolean }>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let ended = false;
        const s = net.connect(st.port, '127.0.0.1', () => (half ? s.end(bytes) : s.write(bytes)));
        s.on('data', (d) => chunks.push(d));
        s.on('end', () => (ended = true));
        s.on('error', reject);
        const t = setTimeout(() => s.destroy(), 5000);
        s.on('close', () => {
          clearTimeout(t);
          resolve({ got: Buffer.concat(chunks), ended });
        });
      });
    // A 2 MB echo pauses the output (client-output-pause-bytes 1 MB); PING and QUIT are answered
    // when it resumes, and must still go before the FIN.
    const big = 'x'.repeat(2 << 20);
    const a = await run(Buffer.concat([encodeCommand(['PING', big]), encodeCommand(['PING']), encodeCommand(['QUIT'])]), false);
    assert.ok(a.ended);
    assert.equal(a.got.subarray(-14).toString('latin1'), '\r\n+PONG\r\n+OK\r\n');
    // MULTI/EXEC with a reply past the pause, then the client's end: all of it, then our end.
    await good.str('SET', 'hbig', big);
    await replicasCaughtUp(st);
    const b = await run(Buffer.concat([encodeCommand(['MULTI']), encodeCommand(['GET', 'hbig']), encodeCommand(['EXEC'])]), true);
    assert.ok(b.ended, 'the proxy never ended its side');
    assert.equal(b.got.length, '+OK\r\n+QUEUED\r\n*1\r\n'.length + `$${big.length}\r\n`.length + big.length + 2);
    assert.equal(await good.str('DEL', 'hbig'), ':1\r\n');
  });

  it('a request that never ends is cut off at client-query-buffer-limit (its bytes and arguments); a big one under it runs', async () => {
    const before = stats.queryBufferLimitCloses;
    const endless = await RawClient.connect(st.port);
    endless.write('*2000000000\r\n$3\r\nDEL\r\n');
    const block = Buffer.from('$1\r\na\r\n'.repeat(8192));
    let sent = 0;
    while (!endless.closed && !endless.sock.destroyed && sent < 20 << 20) {
      await new Promise<void>((r) => endless.sock.write(block, () => r()));
      sent += block.length;
    }
    await waitFor('the endless request to be cut off', () => stats.queryBufferLimitCloses > before, 5000);
    // 4 MB of arguments at 128 + 1 bytes each: about 31 k arguments, 220 kB on the wire (what the
    // socket buffers took besides is counted in `sent`); without the limit it reads all 20 MB.
    assert.ok(sent < 16 << 20, `${sent} bytes were sent`);
    endless.close();
    assert.match(await good.str('INFO', 'proxy'), new RegExp(`proxy_query_buffer_limit_disconnections:${before + 1}\r\n`));
    const args = ['RPUSH', 'qbl', ...Array.from({ length: 20000 }, (_, i) => String(i))];
    assert.equal(await good.str(...args), ':20000\r\n');
    assert.equal(await good.str('DEL', 'qbl'), ':1\r\n');
  });

  it("the proxy's own replies stop being made at client-output-pause-bytes (one chunk of pipelined CLIENT LIST does not pass the limit)", async () => {
    const idle = await Promise.all(Array.from({ length: 60 }, () => RawClient.connect(st.port)));
    const hog = await RawClient.connect(st.port);
    await waitFor('the clients to be accepted', () => st.proxy.ctx.sessions.size >= 62, 5000);
    const closesBefore = stats.outputLimitCloses;
    try {
      hog.sock.pause();
      const one = (await good.str('CLIENT', 'LIST')).length;
      const n = 4000;
      // n replies of `one` bytes: several times the 16 MB limit, all asked in one write.
      assert.ok(n * one > 3 * (16 << 20), `${n * one}`);
      hog.sock.write(Buffer.from('CLIENT LIST\r\n'.repeat(n)));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(stats.outputLimitCloses, closesBefore, 'the client was cut off at the output limit');
      hog.sock.resume();
      const replies = await hog.read(n, 20000);
      assert.equal(replies.length, n);
      assert.ok(replies.every((r) => r.toString('latin1', 0, 1) === '$'));
      assert.equal(await hog.str('PING'), '+PONG\r\n');
    } finally {
      hog.close();
      for (const c of idle) c.close();
    }
  });

  it("a subscriber that never reads is dropped at the pubsub class's limit (lower than the others')", async () => {
    const sub = await RawClient.connect(st.port);
    const pub = await RawClient.connect(st.port);
    const closesBefore = stats.outputLimitCloses;
    try {
      assert.match(await sub.str('SUBSCRIBE', 'flood'), /^\*3\r\n/);
      sub.sock.pause();
      const msg = 'm'.repeat(16 * 1024);
      for (let i = 0; i < 2000 && stats.outputLimitCloses === closesBefore; i++) assert.match(await pub.str('PUBLISH', 'flood', msg), /^:[01]\r\n$/);
      assert.ok(stats.outputLimitCloses > closesBefore, 'the subscriber was never disconnected');
      // 4 MB here against 16 MB for other clients.
      assert.ok(stats.outputLimitLastBytes < 8 << 20, `cut off at ${stats.outputLimitLastBytes} bytes`);
    } finally {
      sub.close();
      pub.close();
    }
  });

  it('a client that never reads is paused, then dropped at the output limit; others are unaffected', async () => {
    await good.str('SET', 'big', 'x'.repeat(1 << 20));
    await replicasCaughtUp(st);
    const hog = await RawClient.connect(st.port);
    hog.sock.pause();
    const req = encodeCommand(['GET', 'big']);
    const closesBefore = stats.outputLimitCloses;
    // Keep pushing requests; the proxy stops reading them once output piles up.
    const pusher = setInterval(() => {
      if (!hog.closed) for (let i = 0; i < 50; i++) hog.sock.write(req);
    }, 5);
    try {
      const worst = { ms: 0 };
      const deadline = Date.now() + 8000;
      while (stats.outputLimitCloses === closesBefore && Date.now() < deadline) {
        const t0 = Date.now();
        assert.equal(await good.str('PING'), '+PONG\r\n');
        worst.ms = Math.max(worst.ms, Date.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(stats.outputLimitCloses > closesBefore, 'the hog was never disconnected');
      assert.ok(worst.ms < 1000, `another client waited ${worst.ms} ms`);
      await waitFor('the hog to be closed', () => hog.closed || hog.sock.destroyed || st.proxy.ctx.sessions.size === 1, 5000).catch(() => undefined);
      assert.equal(await good.str('GET', 'g'), '$2\r\n19\r\n');
    } finally {
      clearInterval(pusher);
      hog.close();
    }
  });
});
