// Client reads through the shared read buffer (src/common/client-reads.ts): every client's bytes land
// in one buffer that the next read overwrites, so anything the proxy keeps must be a copy. These
// tests make clients interleave pipelines, split frames at random points and send values bigger
// than the buffer, and check every reply; they also check that the shared path is really in use on
// this Node and that closing and pausing a client still work through it.

import assert from 'node:assert/strict';
import net from 'node:net';
import { readClient } from '../src/common/client-reads';
import { encodeCommand } from '../src/resp/encode';
import { RawClient, seeded, writeInPieces } from './helpers/raw';
import { useProxyStack, replicasCaughtUp, waitFor } from './proxy-helpers';

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

describe('proxy client reads (shared buffer)', function () {
  this.timeout(30000);
  const ctx = useProxyStack();

  it('is in use on this Node (the fallback is for Nodes without the fields)', async function () {
    if (process.env.RESPLIT_CLIENT_IO === 'stream') this.skip();
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const got: string[] = [];
    const accepted = new Promise<boolean>((resolve) => srv.once('connection', (s) => resolve(readClient(s, (d) => got.push(d.toString())))));
    const c = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
    try {
      assert.equal(await accepted, true);
      c.write('hello');
      await waitFor('bytes', () => got.join('') === 'hello');
    } finally {
      c.destroy();
      await new Promise((r) => srv.close(r));
    }
  });

  it('many clients pipelining at once, frames split at random points, all replies right', async () => {
    const n = 12;
    const per = 400;
    const clients = await Promise.all(Array.from({ length: n }, () => RawClient.connect(ctx.stack.port)));
    try {
      const rnd = seeded(42);
      // Writes first, then reads of the same keys (after the replicas caught up).
      for (const phase of ['SET', 'GET'] as const) {
        const sends = clients.map(async (c, ci) => {
          const bytes = Buffer.concat(
            Array.from({ length: per }, (_, i) => encodeCommand(phase === 'SET' ? ['SET', `c${ci}:${i}`, `v${ci}-${i}-${'x'.repeat(i % 50)}`] : ['GET', `c${ci}:${i}`])),
          );
          await writeInPieces(c, bytes, rnd, () => 1 + rnd(700));
          return c.read(per, 15000);
        });
        const all = await Promise.all(sends);
        all.forEach((replies, ci) =>
          replies.forEach((r, i) => assert.equal(r.toString(), phase === 'SET' ? '+OK\r\n' : bulk(`v${ci}-${i}-${'x'.repeat(i % 50)}`), `client ${ci} reply ${i}`)),
        );
        if (phase === 'SET') await replicasCaughtUp(ctx.stack);
      }
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('values bigger than the read buffer, pipelined between small requests', async () => {
    const c = ctx.client;
    const big = (i: number) => String.fromCharCode(97 + i).repeat(100_000 + i * 7);
    const cmds: Buffer[] = [];
    for (let i = 0; i < 6; i++) cmds.push(encodeCommand(['SET', `big${i}`, big(i)]), encodeCommand(['PING']));
    c.write(Buffer.concat(cmds));
    const r = await c.read(12);
    r.forEach((x, i) => assert.equal(x.toString(), i % 2 ? '+PONG\r\n' : '+OK\r\n'));
    await replicasCaughtUp(ctx.stack);
    c.write(Buffer.concat(Array.from({ length: 6 }, (_, i) => encodeCommand(['GET', `big${i}`]))));
    (await c.read(6)).forEach((x, i) => assert.equal(x.toString(), bulk(big(i))));
  });

  it('a client that hangs up is dropped (its session ends)', async () => {
    const before = ctx.stack.proxy.ctx.sessions.size;
    const c = await RawClient.connect(ctx.stack.port);
    assert.equal(await c.str('PING'), '+PONG\r\n');
    assert.equal(ctx.stack.proxy.ctx.sessions.size, before + 1);
    c.sock.end();
    await waitFor('session to end', () => ctx.stack.proxy.ctx.sessions.size === before);
  });
});
