// Big replies and the client output limit: a client that reads gets a burst far larger than
// client-output-limit-bytes (the replies of a pipelined run go out as they arrive, not when the whole
// run is in), while a client that never reads is cut off once everything the proxy holds for it
// (unsent output and replies not yet written) passes the limit, and never costs much more than that.

import assert from 'node:assert/strict';
import net from 'node:net';
import { RawClient } from './helpers/raw';
import { encodeCommand } from '../src/resp/encode';
import { stats } from '../src/proxy/stats';
import { startStack, replicasCaughtUp, waitFor, type Stack } from './proxy-helpers';

const MB = 1 << 20;
// Large next to what a loop pass moves (a reader in this process can trail the backend by a few MB).
const LIMIT = 16 * MB;
const VALUES = 4;

/** Another client keeps getting answers while `busy` runs; returns the worst wait. */
async function whileServing(good: RawClient, busy: Promise<void>): Promise<number> {
  let done = false;
  let failed: unknown = null;
  busy.then(
    () => (done = true),
    (err) => {
      failed = err;
      done = true;
    },
  );
  let worst = 0;
  let n = 0;
  while (!done || n === 0) {
    const t0 = Date.now();
    assert.equal(await good.str('GET', 'small'), '$5\r\nhello\r\n');
    worst = Math.max(worst, Date.now() - t0);
    n++;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (failed) throw failed;
  return worst;
}

describe('proxy output: big pipelined replies and the output limit', function () {
  this.timeout(60000);
  let st: Stack;
  let good: RawClient;
  const values: Buffer[] = [];

  before(async function () {
    const s = await startStack({
      replicas: 1,
      // A master busy in a script for a second must not fail its health checks.
      proxy: { 'client-output-pause-bytes': 4 * MB, 'client-output-limit-bytes': LIMIT, 'health-check-interval-ms': 500, 'health-check-timeout-ms': 5000 },
    });
    if (!s) this.skip();
    st = s!;
    good = await RawClient.connect(st.port);
    assert.equal(await good.str('SET', 'small', 'hello'), '+OK\r\n');
    for (let i = 0; i < VALUES; i++) {
      // Distinct contents, so replies out of order or cut short show.
      const v = Buffer.alloc(MB, String.fromCharCode(97 + i));
      v.write(`value ${i}`, 0, 'latin1');
      values.push(v);
      assert.equal(await good.str('SET', `big${i}`, v), '+OK\r\n');
    }
    await replicasCaughtUp(st);
  });
  after(async () => {
    good?.close();
    await st?.stop();
  });

  it('a reading client gets every byte of a pipelined burst many times the output limit, in order, and stays connected', async () => {
    const n = 64; // 64 MB of replies, four times the limit, in one write (one run on one backend)
    const reqs = Buffer.concat(Array.from({ length: n }, (_, i) => encodeCommand(['GET', `big${i % VALUES}`])));
    const expected = Buffer.concat(Array.from({ length: n }, (_, i) => encodeBulk(values[i % VALUES])));
    const closesBefore = stats.outputLimitCloses;
    // A plain socket that only collects what arrives: a reader as fast as the loop allows (RawClient
    // decodes every reply as it goes, and in this process that alone makes it lag the backend by MBs).
    const c = net.connect(st.port, '127.0.0.1');
    await new Promise((r) => c.once('connect', r));
    const chunks: Buffer[] = [];
    let received = 0;
    let closed = false;
    try {
      const got = new Promise<void>((resolve, reject) => {
        c.on('data', (d: Buffer) => {
          chunks.push(d);
          received += d.length;
          if (received >= expected.length) resolve();
        });
        c.on('close', () => {
          closed = true;
          reject(new Error(`closed after ${received} of ${expected.length} bytes`));
        });
        c.on('error', () => undefined);
      });
      c.write(reqs);
      await whileServing(good, got);
      assert.ok(Buffer.concat(chunks).equals(expected), 'reply bytes differ');
      assert.equal(stats.outputLimitCloses, closesBefore, 'the reading client was disconnected');
      assert.equal(closed, false);
      c.write(encodeCommand(['PING']));
      await waitFor('PONG', () => received === expected.length + 7, 5000);
    } finally {
      c.destroy();
    }
  });

  /**
   * Waits for the output-limit disconnect while another client is served (within a second each),
   * and checks what the dropped client held: past the limit, by at most one reply and its header
   * (a reply may arrive on top of the limit before the check sees it).
   */
  async function droppedAtLimit(closesBefore: number): Promise<void> {
    const dropped = waitFor('the hog to be disconnected', () => stats.outputLimitCloses > closesBefore, 20000);
    const worst = await whileServing(good, dropped);
    assert.ok(worst < 1000, `another client waited ${worst} ms`);
    const held = stats.outputLimitLastBytes;
    assert.ok(held > LIMIT && held <= LIMIT + MB + 64, `held ${held} bytes at the disconnect (limit ${LIMIT})`);
  }

  it('a client that never reads is dropped once what the proxy holds for it passes the limit, holding no more than the limit and a reply', async () => {
    const closesBefore = stats.outputLimitCloses;
    const sessionsBefore = st.proxy.ctx.sessions.size;
    const hog = await RawClient.connect(st.port);
    hog.sock.pause();
    // 100 MB of replies to a socket nobody reads, asked for in one write.
    hog.write(Buffer.concat(Array.from({ length: 100 }, (_, i) => encodeCommand(['GET', `big${i % VALUES}`]))));
    try {
      await droppedAtLimit(closesBefore);
      await waitFor('the hog session to go', () => st.proxy.ctx.sessions.size === sessionsBefore, 5000);
      assert.equal(await good.str('GET', 'small'), '$5\r\nhello\r\n');
    } finally {
      hog.close();
    }
  });

  it('a big reply streams to a reading client as it arrives (bulk and array), intact and in order', async () => {
    const huge = Buffer.alloc(40 * MB, 'h');
    huge.write('start', 0, 'latin1');
    huge.write('end', huge.length - 3, 'latin1');
    assert.equal(await good.str('SET', 'huge', huge), '+OK\r\n');
    // Streamed (past 1 MB) yet under the limit together: the reader shares this process with the
    // proxy and can trail it, and a client that trails a reply by more than its limit is cut off (as
    // by Redis's hard limit); the next test has the 40 MB one.
    const mid = Buffer.alloc(6 * MB, 'm');
    mid.write('start', 0, 'latin1');
    mid.write('end', mid.length - 3, 'latin1');
    assert.equal(await good.str('SET', 'mid', mid), '+OK\r\n');
    // An array reply of many small elements: streamed line by line, not as one bulk.
    for (let i = 0; i < 5; i++) assert.match(await good.str('RPUSH', 'longlist', ...Array.from({ length: 50000 }, (_, j) => `e${i * 50000 + j}`)), /^:\d+\r\n$/);
    await replicasCaughtUp(st);
    const c = await RawClient.connect(st.port);
    try {
      c.write(Buffer.concat([encodeCommand(['GET', 'mid']), encodeCommand(['GET', 'small']), encodeCommand(['LRANGE', 'longlist', '0', '-1']), encodeCommand(['GET', 'mid'])]));
      const [a, b, l, d] = await c.read(4, 30000);
      const expected = encodeBulk(mid);
      assert.ok(a.equals(expected), 'first GET huge differs');
      assert.equal(b.toString(), '$5\r\nhello\r\n');
      const list = l.toString('latin1').split('\r\n');
      assert.equal(list[0], '*250000');
      assert.equal(list[2], 'e0');
      assert.equal(list[list.length - 2], 'e249999');
      assert.ok(d.equals(expected), 'second GET huge differs');
    } finally {
      c.close();
    }
  });

  it('a client that never reads one reply far larger than the limit is dropped while it still arrives, not once it is whole', async () => {
    const closesBefore = stats.outputLimitCloses;
    const hog = await RawClient.connect(st.port);
    hog.sock.pause();
    hog.write(encodeCommand(['GET', 'huge']));
    try {
      const dropped = waitFor('the hog to be disconnected', () => stats.outputLimitCloses > closesBefore, 20000);
      await whileServing(good, dropped);
      // Counted as it came: past the limit by at most a read or two, not the 40 MB reply.
      const held = stats.outputLimitLastBytes;
      assert.ok(held > LIMIT && held <= LIMIT + 4 * MB, `held ${held} bytes at the disconnect (limit ${LIMIT})`);
      // The shared connection is in step: the next reads are answered right.
      assert.equal(await good.str('GET', 'small'), '$5\r\nhello\r\n');
      const c = await RawClient.connect(st.port);
      try {
        c.write(encodeCommand(['GET', 'huge']));
        const [r] = await c.read(1, 20000);
        assert.equal(r.length, 40 * MB + 13);
      } finally {
        c.close();
      }
    } finally {
      hog.close();
    }
  });

  it('replies waiting behind a slow reply count too: a run held behind a busy master is cut off at the limit', async () => {
    const closesBefore = stats.outputLimitCloses;
    const hog = await RawClient.connect(st.port);
    hog.sock.pause();
    // The script (on the master) is the head of the FIFO for a second; the GETs behind it (one run on
    // the replica) are answered at once and can only be held.
    const busy = "local t = redis.call('TIME') local s = t[1] * 1e6 + t[2] repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] - s > 1e6 return 1";
    hog.write(
      Buffer.concat([
        encodeCommand(['EVAL', busy, '0']),
        ...Array.from({ length: 40 }, (_, i) => encodeCommand(['GET', `big${i % VALUES}`])),
      ]),
    );
    try {
      await droppedAtLimit(closesBefore);
    } finally {
      hog.close();
    }
    // The script ends; the master serves on.
    await waitFor('the master', async () => (await good.str('SET', 'after', '1')) === '+OK\r\n', 5000);
  });
});

function encodeBulk(v: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]);
}

describe('proxy input: request bytes in flight', function () {
  this.timeout(60000);
  let st: Stack | null = null;
  before(async function () {
    st = await startStack({
      replicas: 1,
      // The stopped master must stay "up" (its requests in flight, not refused) for the test.
      proxy: { 'max-pending-bytes-per-client': MB, 'request-timeout-ms': 0, 'health-check-timeout-ms': 60000, 'health-check-interval-ms': 60000 },
    });
    if (!st) this.skip();
  });
  after(async () => {
    st?.master.proc.kill('SIGCONT');
    await st?.stop();
  });

  it('a client pipelining writes to a stalled master is read only up to max-pending-bytes-per-client', async () => {
    const c = await RawClient.connect(st!.port);
    try {
      assert.equal(await c.str('PING'), '+PONG\r\n');
      const value = Buffer.alloc(256 * 1024, 'v');
      const n = 40; // 10 MB of SETs
      st!.master.proc.kill('SIGSTOP');
      c.write(Buffer.concat(Array.from({ length: n }, (_, i) => encodeCommand(['SET', `p${i}`, value]))));
      await new Promise((r) => setTimeout(r, 1500));
      const [ses] = [...st!.proxy.ctx.sessions.values()];
      // What the proxy took from the socket: the budget, one request past it, the parser's 256 KB.
      assert.ok(ses.sock.bytesRead < 2 * MB, `the proxy read ${ses.sock.bytesRead} bytes of a pipeline to a stalled master`);
      st!.master.proc.kill('SIGCONT');
      const replies = await c.read(n, 20000);
      assert.deepEqual(replies.map(String), Array.from({ length: n }, () => '+OK\r\n'));
      // EXISTS is a read (served by the replica): WAIT first, as the replica may trail the last +OK.
      assert.equal(await c.str('WAIT', '1', '5000'), ':1\r\n');
      assert.equal(await c.str('EXISTS', 'p0', `p${n - 1}`), ':2\r\n');
    } finally {
      c.close();
    }
  });

  it("a subscribed client's requests to a stalled master are read only up to the same budget (RESP2 and RESP3)", async () => {
    for (const proto of [2, 3]) {
      const c = await RawClient.connect(st!.port);
      try {
        if (proto === 3) assert.match(await c.str('HELLO', '3'), /^%/);
        assert.match(await c.str('SUBSCRIBE', 'ch'), proto === 3 ? /^>3\r\n/ : /^\*3\r\n/);
        const ping = encodeCommand(['PING', 'x'.repeat(1000)]);
        const n = 10000; // 10 MB
        st!.master.proc.kill('SIGSTOP');
        c.write(Buffer.concat(Array.from({ length: n }, () => ping)));
        await new Promise((r) => setTimeout(r, 1500));
        const ses = [...st!.proxy.ctx.sessions.values()].find((x) => x.tunnel !== null)!;
        // The budget, what the kernel took of the tunnel's connection, one chunk and the parser's 256 KB.
        assert.ok(ses.sock.bytesRead < 6 * MB, `RESP${proto}: the proxy read ${ses.sock.bytesRead} bytes of a subscribed pipeline to a stalled master`);
        st!.master.proc.kill('SIGCONT');
        const replies = await c.read(n, 30000);
        assert.equal(replies.length, n);
        assert.equal(await c.str('UNSUBSCRIBE'), proto === 3 ? '>3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n' : '*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n');
        assert.equal(await c.str('PING'), '+PONG\r\n');
      } finally {
        st!.master.proc.kill('SIGCONT');
        c.close();
      }
    }
  });
});
