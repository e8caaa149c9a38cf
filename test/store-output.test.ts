// The store writes replies below the socket's Writable (src/common/socket-writer.ts), so what it
// has not sent yet is counted by the writer, not by socket.writableLength. These tests make a client
// stop reading: the store must stop reading that client's requests once 8 MB wait (and serve others
// meanwhile), resume when the kernel has taken them, and deliver every reply intact; with an output
// limit set, the client is disconnected and counted, as Redis does.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { waitFor } from './helpers/wait';
import { startStore, type InProcessStore } from './helpers/servers';
import { encodeCommand } from '../src/resp/encode';

describe('store output to clients that stop reading', function () {
  this.timeout(30000);
  let st: InProcessStore;
  before(async () => {
    st = await startStore();
  });
  after(async () => {
    await st?.stop();
  });

  it('pauses the client past 8 MB unsent, serves others meanwhile, then delivers every reply', async () => {
    const a = await RawClient.connect(st.port);
    const b = await RawClient.connect(st.port);
    try {
      const value = 'v'.repeat(100_000);
      assert.equal(await b.str('SET', 'big', value), '+OK\r\n');
      a.sock.pause();
      const n = 300; // 30 MB of replies, more than the 8 MB at which the store stops reading
      a.write(Buffer.concat(Array.from({ length: n }, () => encodeCommand(['GET', 'big']))));
      await waitFor('the store to hold unsent output for the client', async () => {
        const list = await b.str('CLIENT', 'LIST');
        const m = /omem=(\d+)/.exec(list.split('\n').find((l) => l.includes('cmd=get')) ?? '');
        return m !== null && Number(m[1]) > 0;
      }, 5000);
      // More requests now: the store runs one, sees 8 MB unsent and stops reading the client.
      const getCalls = async () => Number(/cmdstat_get:calls=(\d+)/.exec(await b.str('INFO', 'commandstats'))![1]);
      assert.equal(await getCalls(), n);
      a.write(Buffer.concat(Array.from({ length: 100 }, () => encodeCommand(['GET', 'big']))));
      await new Promise((r) => setTimeout(r, 300));
      assert.ok((await getCalls()) <= n + 1, 'the store kept running requests of a client with 30 MB unsent');
      // Another client is served while the first is stuck.
      assert.equal(await b.str('PING'), '+PONG\r\n');
      assert.equal(await b.str('DBSIZE'), ':1\r\n');
      a.sock.resume();
      const replies = await a.read(n + 100, 20000);
      assert.equal(replies.length, n + 100);
      const expect = `$${value.length}\r\n${value}\r\n`;
      replies.forEach((r, i) => assert.equal(r.toString(), expect, `reply ${i}`));
      // The client is still usable afterwards (its reads were resumed).
      assert.equal(await a.str('PING'), '+PONG\r\n');
    } finally {
      a.close();
      b.close();
    }
  });

  it('QUIT after 5 MB of replies the client has not read yet: every byte arrives, then the close', async () => {
    const a = await RawClient.connect(st.port);
    try {
      const value = 'q'.repeat(100_000);
      assert.equal(await a.str('SET', 'big', value), '+OK\r\n');
      a.sock.pause();
      const n = 50;
      a.write(Buffer.concat([...Array.from({ length: n }, () => encodeCommand(['GET', 'big'])), encodeCommand(['QUIT'])]));
      await new Promise((r) => setTimeout(r, 300));
      a.sock.resume();
      const replies = await a.read(n + 1, 10000);
      assert.equal(replies.length, n + 1, `only ${replies.length} replies before the close`);
      const expect = `$${value.length}\r\n${value}\r\n`;
      replies.slice(0, n).forEach((r, i) => assert.equal(r.toString(), expect, `reply ${i}`));
      assert.equal(replies[n].toString(), '+OK\r\n');
      await waitFor('the connection to close', () => a.closed, 5000);
    } finally {
      a.close();
    }
  });

  it('a client over client-output-buffer-limit is disconnected and counted', async () => {
    const admin = await RawClient.connect(st.port);
    const a = await RawClient.connect(st.port);
    try {
      assert.equal(await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0'), '+OK\r\n');
      assert.equal(await admin.str('SET', 'big', 'w'.repeat(100_000)), '+OK\r\n');
      const before = st.server.stats.clientOutbufLimitDisconnections;
      a.sock.pause();
      a.write(Buffer.concat(Array.from({ length: 200 }, () => encodeCommand(['GET', 'big']))));
      await waitFor('the disconnection to be counted', () => st.server.stats.clientOutbufLimitDisconnections > before, 5000);
      a.sock.resume();
      await waitFor('the client to be closed', () => a.closed, 5000);
      assert.equal(await admin.str('PING'), '+PONG\r\n');
    } finally {
      await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      admin.close();
      a.close();
    }
  });

  it('a client over its soft limit is disconnected once the soft seconds pass, even with no more traffic (clientsCron)', async () => {
    const admin = await RawClient.connect(st.port);
    const a = await RawClient.connect(st.port);
    try {
      assert.equal(await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 100000 1'), '+OK\r\n');
      assert.equal(await a.str('SUBSCRIBE', 'ch'), '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      const before = st.server.stats.clientOutbufLimitDisconnections;
      a.sock.pause();
      const sub = [...st.server.clients.values()].find((c) => c.subscriptionCount > 0)!;
      // Publish until the store holds more than the soft limit unsent (past the kernel's buffers), then stop.
      for (let i = 0; i < 20000 && sub.unsent + sub.reply.pending < 100000; i++) await admin.str('PUBLISH', 'ch', 'x'.repeat(1000));
      assert.ok(sub.unsent + sub.reply.pending >= 100000, 'never went over the soft limit');
      assert.equal(st.server.stats.clientOutbufLimitDisconnections, before, 'not before the soft seconds');
      await waitFor('the idle client to be disconnected', () => st.server.stats.clientOutbufLimitDisconnections > before, 5000);
    } finally {
      await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
      admin.close();
      a.close();
    }
  });

  it('a single reply over the hard limit closes the client with none of it sent (as Redis, though the kernel could take it)', async () => {
    const admin = await RawClient.connect(st.port);
    const a = await RawClient.connect(st.port);
    try {
      assert.equal(await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 100000 0 0'), '+OK\r\n');
      for (let i = 0; i < 150; i++) await admin.str('LPUSH', 'biglist', 'x'.repeat(1000));
      assert.equal(await a.str('PING'), '+PONG\r\n');
      const got: Buffer[] = [];
      a.sock.on('data', (d: Buffer) => got.push(d));
      a.write(encodeCommand(['LRANGE', 'biglist', '0', '-1']));
      await waitFor('the client to be closed', () => a.closed, 5000);
      assert.equal(Buffer.concat(got).length, 0, 'part of the reply was sent');
    } finally {
      await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      await admin.str('DEL', 'biglist');
      admin.close();
      a.close();
    }
  });

  it('HRANDFIELD / SRANDMEMBER / ZRANDMEMBER with a huge negative count stop mid-run once the client is over its limit', async () => {
    const admin = await RawClient.connect(st.port);
    try {
      assert.equal(await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1000000 0 0'), '+OK\r\n');
      await admin.str('HSET', 'myhash', 'a', 'b');
      await admin.str('SADD', 'myset', 'a');
      await admin.str('ZADD', 'myzset', '1', 'a');
      for (const cmd of [['HRANDFIELD', 'myhash', '-999999999'], ['SRANDMEMBER', 'myset', '-999999999'], ['ZRANDMEMBER', 'myzset', '-999999999'], ['ZRANDMEMBER', 'myzset', '-999999999', 'WITHSCORES']]) {
        const a = await RawClient.connect(st.port);
        const started = Date.now();
        a.write(encodeCommand(cmd));
        await waitFor(`${cmd[0]}: the client to be closed`, () => a.closed, 5000);
        assert.ok(Date.now() - started < 3000, `${cmd[0]} ran to the end`);
        a.close();
      }
      assert.equal(await admin.str('PING'), '+PONG\r\n');
    } finally {
      await admin.str('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      await admin.str('DEL', 'myhash', 'myset', 'myzset');
      admin.close();
    }
  });
});
