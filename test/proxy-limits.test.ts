// Bounds on what the proxy keeps on behalf of clients beyond their own buffers: the script cache
// (EVALSHA_RO on replicas) counted by what its entries really cost, the log buffer in front of a
// destination that does not read (clients can cause log lines: protocol errors, failovers), and a
// subscriber's messages held behind a tunnel barrier.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ScriptCache } from '../src/proxy/scripts';
import { Ring } from '../src/proxy/ring';
import net from 'node:net';
import { logDestination, droppedLogLines, LOG_BUFFER_MAX } from '../src/common/log';
import { RequestParser, ProtocolError } from '../src/resp/parser';
import { encodeCommand } from '../src/resp/encode';
import { stats } from '../src/proxy/stats';
import { RawClient } from './helpers/raw';
import { startProxy, waitFor } from './proxy-helpers';

describe('proxy limits on kept state', function () {
  this.timeout(30000);

  it('the script cache counts each entry with its overhead: many tiny scripts cannot hold 20x its 64 MB', () => {
    const cache = new ScriptCache();
    const n = 250_000;
    for (let i = 0; i < n; i++) cache.command('script|load', [Buffer.from('SCRIPT'), Buffer.from('LOAD'), Buffer.from(`return ${i}`.padEnd(13))]);
    // 13-byte bodies: by their bytes alone all 250 k fit (3 MB); by what they cost, about 200 k.
    assert.ok(cache.size < n, `kept ${cache.size} of ${n}`);
    assert.ok(cache.size > n / 2, `kept only ${cache.size}`);
    // The most recent ones are kept.
    const lastSha = createHash('sha1').update(`return ${n - 1}`.padEnd(13)).digest('hex');
    assert.ok(cache.asEvalRo([Buffer.from('EVALSHA_RO'), Buffer.from(lastSha), Buffer.from('0')]) !== null);
  });

  it('log lines for a destination that does not read are dropped past LOG_BUFFER_MAX, not held', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resplit-log-'));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader that never reads: the pipe fills, then the logger holds what it cannot write.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const dest = logDestination(fifo);
    dest.on('error', () => undefined); // writes still pending when it is destroyed below
    try {
      await new Promise<void>((r) => dest.once('ready', () => r()));
      const before = droppedLogLines();
      const line = `${'x'.repeat(1023)}\n`;
      for (let i = 0; i < (LOG_BUFFER_MAX / 1024) * 1.5; i++) dest.write(line);
      assert.ok(droppedLogLines() - before > 1000, `dropped ${droppedLogLines() - before} lines`);
      assert.ok((dest as unknown as { _len: number })._len <= LOG_BUFFER_MAX);
    } finally {
      dest.destroy();
      fs.closeSync(reader);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A master that answers health checks and SUBSCRIBE, refuses a PING with an argument (the tunnel's
 * barrier, as for a backend user without +ping: the barrier is never answered) and then publishes
 * `messages` messages of `size` bytes to the subscriber.
 */
const bulk = (x: string) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`;

async function barrierRefusingMaster(messages: number, size: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
    const p = new RequestParser<string>('string');
    s.on('data', (d) => {
      p.feed(d);
      for (let r = p.next(); r !== null; r = p.next()) {
        if (r instanceof ProtocolError) return s.destroy();
        const cmd = r[0].toUpperCase();
        if (cmd === 'PING' && r.length === 1) s.write('+PONG\r\n');
        else if (cmd === 'INFO') s.write(bulk(r[1] === 'persistence' ? 'loading:0\r\n' : 'role:master\r\nmaster_repl_offset:0\r\n'));
        else if (cmd === 'SELECT') s.write('+OK\r\n');
        else if (cmd === 'SUBSCRIBE') s.write(`*3\r\n$9\r\nsubscribe\r\n$${r[1].length}\r\n${r[1]}\r\n:1\r\n`);
        else if (cmd === 'PING') {
          s.write("-NOPERM this user has no permissions to run the 'ping' command\r\n");
          const body = 'm'.repeat(size);
          for (let i = 0; i < messages && !s.destroyed; i++) s.write(`*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$${size}\r\n${body}\r\n`);
          messages = 0;
        } else s.write(`-ERR fake backend: ${cmd}\r\n`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: async () => {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('proxy limits: a tunnel whose barrier is never answered', function () {
  this.timeout(30000);

  it('messages held behind it count against the pubsub output limit: the subscriber is closed, not held for', async () => {
    const master = await barrierRefusingMaster(40, 1024 * 1024);
    const proxy = await startProxy(master.port, [], { 'client-output-limit-pubsub-bytes': 8 * 1024 * 1024 });
    const c = await RawClient.connect(proxy.port);
    try {
      const before = stats.outputLimitCloses;
      c.write(encodeCommand(['SUBSCRIBE', 'ch']));
      await waitFor('the subscriber to be closed by its output limit', () => stats.outputLimitCloses > before, 10000);
      // Held behind the barrier, never written: it was 40 MB held for a client with an 8 MB limit.
      assert.ok(stats.outputLimitLastBytes > 8 * 1024 * 1024 && stats.outputLimitLastBytes < 16 * 1024 * 1024, `closed at ${stats.outputLimitLastBytes} bytes`);
      await waitFor('the client to see its connection closed', () => c.closed, 5000);
    } finally {
      c.close();
      await proxy.stop();
      await master.stop();
    }
  });
});

describe('proxy limits: the request ring of a backend connection', () => {
  it('keeps order through growth and wrap-around, and gives its slots back once emptied after a burst', () => {
    const r = new Ring<number>();
    let next = 0;
    let want = 0;
    // Wrapped: the head moves before growth.
    for (let i = 0; i < 40; i++) r.push(next++);
    for (let i = 0; i < 30; i++) assert.equal(r.shift(), want++);
    for (let i = 0; i < 100_000; i++) r.push(next++);
    assert.ok(r.capacity >= 100_000);
    assert.equal(r.peek(), want);
    while (r.length > 0) assert.equal(r.shift(), want++);
    assert.equal(want, next);
    assert.equal(r.capacity, 64);
    assert.equal(r.shift(), undefined);
    r.push(7);
    assert.equal(r.shift(), 7);
  });
});
