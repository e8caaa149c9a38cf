// SocketWriter (src/common/socket-writer.ts) writes through the socket's handle, below Node's
// Writable. These tests make the kernel refuse bytes (a peer that stops reading) so writes go
// asynchronous and mix with synchronous ones, and check that every byte arrives once and in order,
// that `pending` counts what the kernel has not taken, that onDrain fires when it is all out, and
// that writing to a peer that has gone closes the socket instead of throwing.

import assert from 'node:assert/strict';
import net from 'node:net';
import { SocketWriter } from '../src/common/socket-writer';
import { waitFor } from './helpers/wait';

async function pair(): Promise<{ server: net.Socket; client: net.Socket; close: () => Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  const server = await accepted;
  server.on('error', () => undefined);
  client.on('error', () => undefined);
  return {
    server,
    client,
    close: async () => {
      server.destroy();
      client.destroy();
      await new Promise((r) => srv.close(r));
    },
  };
}

/** Everything `client` receives from now on, and a wait for `total` bytes of it. */
function collect(client: net.Socket): { all(): Buffer; until(total: number): Promise<void> } {
  const got: Buffer[] = [];
  let n = 0;
  client.on('data', (d: Buffer) => {
    got.push(d);
    n += d.length;
  });
  return { all: () => Buffer.concat(got), until: (total) => waitFor('every byte', () => n >= total) };
}

/** Chunk i: its index repeated, so order and completeness can be checked byte by byte. */
function chunk(i: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  b.writeUInt32BE(i, 0);
  for (let k = 4; k < len; k++) b[k] = (i * 31 + k) & 0xff;
  return b;
}

describe('SocketWriter (writes below the Writable)', function () {
  this.timeout(20000);

  it('writes directly on this Node unless the fallback is forced', async function () {
    const p = await pair();
    try {
      const w = new SocketWriter(p.server, () => undefined);
      assert.equal(w.isDirect, process.env.RESPLIT_CLIENT_IO !== 'stream');
    } finally {
      await p.close();
    }
  });

  it('a peer that stops reading: bytes queue (pending), drain is told, all arrive in order', async () => {
    const p = await pair();
    try {
      let drains = 0;
      const w = new SocketWriter(p.server, () => drains++);
      p.client.pause();
      const sizes = [7, 65536, 13, 200000, 4, 4096, 100000, 5];
      const sent: Buffer[] = [];
      let maxPending = 0;
      for (let round = 0; round < 12; round++) {
        for (const len of sizes) {
          const c = chunk(sent.length, len);
          sent.push(c);
          w.write(c);
          maxPending = Math.max(maxPending, w.pending);
        }
      }
      const total = sent.reduce((n, b) => n + b.length, 0);
      assert.ok(maxPending > 0, 'the kernel took everything at once: the test did not make writes wait');
      assert.ok(w.pending > 0);
      const got = collect(p.client);
      p.client.resume();
      await got.until(total);
      await waitFor('pending to reach 0', () => w.pending === 0);
      if (w.isDirect) assert.ok(drains >= 1, 'onDrain was never called');
      assert.equal(got.all().length, total);
      assert.ok(got.all().equals(Buffer.concat(sent)), 'bytes arrived out of order or changed');
    } finally {
      await p.close();
    }
  });

  it('a buffer reused right after a synchronous write does not change what was sent', async () => {
    const p = await pair();
    try {
      const w = new SocketWriter(p.server, () => undefined);
      const got = collect(p.client);
      const buf = Buffer.alloc(64);
      const expect: Buffer[] = [];
      for (let i = 0; i < 200; i++) {
        buf.fill(i & 0xff);
        if (w.pending === 0) {
          // Only while nothing waits: then the kernel has the bytes when write returns.
          w.write(buf.subarray(0, 10));
          expect.push(Buffer.alloc(10, i & 0xff));
        }
        await new Promise((r) => setImmediate(r));
      }
      const total = expect.length * 10;
      await got.until(total);
      assert.ok(got.all().equals(Buffer.concat(expect)));
    } finally {
      await p.close();
    }
  });

  it('writes mixed with socket.write: in order, and drain is told once both paths are empty', async () => {
    const p = await pair();
    try {
      const seen: number[] = [];
      const w = new SocketWriter(p.server, () => seen.push(w.pending));
      p.client.pause();
      const sent: Buffer[] = [];
      // Until the kernel's buffers are full and the writer queues (how much they take varies with
      // the machine's memory: 60 chunks were not always enough), then a few more.
      for (let i = 0, extra = 0; extra < 4 && i < 4000; i++) {
        const c = chunk(i, 65536);
        sent.push(c);
        w.write(c);
        if (w.pending > 0) extra++;
      }
      assert.ok(w.pending > 0, 'the kernel took 256 MB without a pause');
      // Someone else writes through the Writable (the store's replication code does), then the
      // writer again: that one must queue behind, through the Writable.
      const tail = Buffer.from('tail-from-socket.write');
      sent.push(tail);
      p.server.write(tail);
      const last = chunk(999, 4096);
      sent.push(last);
      w.write(last);
      assert.ok(p.server.writableLength > 0, 'the Writable held nothing: the test did not mix the paths');
      const got = collect(p.client);
      p.client.resume();
      const total = sent.reduce((n, b) => n + b.length, 0);
      await got.until(total);
      await waitFor('a drain notice with nothing pending', () => seen.includes(0));
      assert.ok(got.all().equals(Buffer.concat(sent)));
    } finally {
      await p.close();
    }
  });

  it('writing to a peer that has gone closes the socket and does not throw', async () => {
    const p = await pair();
    try {
      const w = new SocketWriter(p.server, () => undefined);
      const closed = new Promise<void>((r) => p.server.once('close', () => r()));
      p.client.destroy();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 50 && !p.server.destroyed; i++) {
        w.write(Buffer.alloc(1024, 1));
        await new Promise((r) => setTimeout(r, 5));
      }
      await closed;
      assert.equal(p.server.destroyed, true);
      w.write(Buffer.from('after close'));
    } finally {
      await p.close();
    }
  });
});
