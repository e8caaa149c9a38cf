// Pipelined runs through the proxy's fast path: consecutive requests of one client bound for the same
// backend travel as one run (one slot, one reply buffer). These tests check what the client sees when
// a run's replies arrive in pieces (big values spanning reads) and when a backend dies after
// answering only part of a run: a write run keeps the replies it got and the rest get an error; a
// read run is sent again elsewhere and the client gets every reply. Backends are real redis-server
// processes, or scripted fakes that drop the connection after a set number of replies.

import assert from 'node:assert/strict';
import net from 'node:net';
import { RawClient } from './helpers/raw';
import { useProxyStack, replicasCaughtUp, waitFor, startProxy } from './proxy-helpers';
import { encodeCommand } from '../src/resp/encode';
import { RequestParser, ProtocolError } from '../src/resp/parser';
import type { ProxyServer } from '../src/proxy/server';
import { stats } from '../src/proxy/stats';

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

describe('proxy runs with real backends', function () {
  this.timeout(30000);
  const ctx = useProxyStack();

  it('a long mixed pipeline with big values comes back complete and in order', async () => {
    const c = ctx.client;
    const big = (i: number) => String(i % 10).repeat(50000 + i);
    for (let i = 0; i < 20; i++) assert.equal(await c.str('SET', `big${i}`, big(i)), '+OK\r\n');
    await replicasCaughtUp(ctx.stack);
    const cmds: string[][] = [];
    const expect: string[] = [];
    for (let i = 0; i < 300; i++) {
      const k = i % 20;
      if (i % 7 === 3) {
        cmds.push(['SET', `w${i}`, String(i)]);
        expect.push('+OK\r\n');
      } else if (i % 5 === 0) {
        cmds.push(['STRLEN', `big${k}`]);
        expect.push(`:${big(k).length}\r\n`);
      } else if (i % 11 === 1) {
        cmds.push(['GET', 'missing']);
        expect.push('$-1\r\n');
      } else {
        cmds.push(['GET', `big${k}`]);
        expect.push(bulk(big(k)));
      }
    }
    c.write(Buffer.concat(cmds.map((x) => encodeCommand(x))));
    const replies = await c.read(cmds.length, 20000);
    assert.equal(replies.length, cmds.length);
    replies.forEach((r, i) => assert.equal(r.toString(), expect[i], `reply ${i} to ${cmds[i][0]} ${cmds[i][1]}`));
  });
});

/** A scripted backend: answers health checks, SET (+OK) and GET (the key as value); may drop mid-run. */
class FakeBackend {
  readonly server: net.Server;
  port = 0;
  /** Drop the connection once, after answering this many GET/SET requests on it (0: never). */
  dropAfter = 0;
  served = 0;
  /** RESP3 connections (opened with HELLO 3) still open. */
  resp3Open = 0;
  private readonly socks = new Set<net.Socket>();

  constructor(readonly role: 'master' | 'slave') {
    this.server = net.createServer((s) => this.accept(s));
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.socks) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private info(section: string): string {
    if (section === 'persistence') return 'loading:0\r\n';
    return this.role === 'master'
      ? 'role:master\r\nmaster_repl_offset:0\r\n'
      : 'role:slave\r\nmaster_link_status:up\r\nmaster_sync_in_progress:0\r\nslave_repl_offset:0\r\n';
  }

  private accept(s: net.Socket): void {
    this.socks.add(s);
    s.on('close', () => this.socks.delete(s));
    s.on('error', () => undefined);
    const p = new RequestParser<string>('string');
    let answered = 0;
    s.on('data', (d) => {
      p.feed(d);
      let out = '';
      for (let r = p.next(); r !== null; r = p.next()) {
        if (r instanceof ProtocolError) return s.destroy();
        const cmd = r[0].toUpperCase();
        if (cmd === 'PING') out += '+PONG\r\n';
        else if (cmd === 'INFO') out += bulk(this.info(r[1] ?? ''));
        else if (cmd === 'SELECT') out += '+OK\r\n';
        else if (cmd === 'HELLO') {
          // A RESP3 connection of a client's own: counted while open.
          this.resp3Open++;
          s.once('close', () => this.resp3Open--);
          out += '%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n';
        }
        else if (cmd === 'SET' || cmd === 'GET') {
          if (this.dropAfter > 0 && answered === this.dropAfter) {
            this.dropAfter = 0;
            s.end(out, () => s.destroy());
            return;
          }
          answered++;
          this.served++;
          // A reply the proxy cannot read (as a bulk past what it can hold would be).
          if (cmd === 'GET' && r[1] === 'unreadable') out += '?\r\n';
          else if (cmd === 'GET' && r[1] === 'torn') {
            // 3 MB of a 10 MB value, then the connection drops.
            s.write(out + '$10000000\r\n' + 't'.repeat(3_000_000), () => s.destroy());
            return;
          }
          else out += cmd === 'SET' ? '+OK\r\n' : bulk(`v:${r[1]}`);
        } else out += `-ERR fake backend: ${cmd}\r\n`;
      }
      if (out) s.write(out);
    });
  }
}

describe('proxy runs when a backend dies mid-run (scripted backends)', function () {
  this.timeout(30000);
  let master: FakeBackend;
  let replicas: FakeBackend[];
  let proxy: ProxyServer;
  let c: RawClient;

  beforeEach(async () => {
    master = new FakeBackend('master');
    replicas = [new FakeBackend('slave'), new FakeBackend('slave')];
    for (const b of [master, ...replicas]) await b.start();
    proxy = await startProxy(master.port, replicas.map((r) => r.port));
    c = await RawClient.connect(proxy.port);
  });
  afterEach(async () => {
    c.close();
    await proxy.stop();
    for (const b of [master, ...replicas]) await b.stop();
  });

  it('a write run: the replies that came stay, the unanswered writes get the error, in order', async () => {
    master.dropAfter = 5;
    c.write(Buffer.concat(Array.from({ length: 16 }, (_, i) => encodeCommand(['SET', `k${i}`, 'v']))));
    const replies = (await c.read(16)).map(String);
    assert.deepEqual(replies.slice(0, 5), Array(5).fill('+OK\r\n'));
    for (const r of replies.slice(5)) assert.match(r, /^-ERR resplit: connection to backend 127\.0\.0\.1:\d+ lost before the reply\r\n$/);
    // The client's connection is fine and writes resume once the master is back in service.
    await waitFor('the master to serve again', () => proxy.pool.master.eligible);
    assert.equal(await c.str('SET', 'after', 'v'), '+OK\r\n');
  });

  it('a read run: a replica dropping after part of it costs nothing, only the unanswered rest is re-sent', async () => {
    for (const r of replicas) r.dropAfter = 5;
    const before = stats.readFailovers;
    c.write(Buffer.concat(Array.from({ length: 16 }, (_, i) => encodeCommand(['GET', `k${i}`]))));
    const replies = (await c.read(16)).map(String);
    assert.deepEqual(replies, Array.from({ length: 16 }, (_, i) => bulk(`v:k${i}`)));
    assert.ok(replicas.some((r) => r.served === 5), 'no replica answered part of the run before dropping');
    // Counted per read moved: the 11 unanswered ones (again if the next replica dropped too).
    assert.ok(stats.readFailovers - before >= 11, `read failovers counted ${stats.readFailovers - before}`);
    // Replies already received may be with the client (a run's replies go out as they come): each GET is answered once.
    assert.equal([master, ...replicas].reduce((n, b) => n + b.served, 0), 16);
  });

  it('a reply the proxy cannot read: that request gets the error, sent nowhere else; the backend stays in service; the rest of the run is served', async () => {
    const before = [master, ...replicas].reduce((n, b) => n + b.served, 0);
    const out = stats.healthTransitions;
    c.write(Buffer.concat([encodeCommand(['GET', 'a']), encodeCommand(['GET', 'unreadable']), ...Array.from({ length: 6 }, (_, i) => encodeCommand(['GET', `k${i}`]))]));
    const replies = (await c.read(8)).map(String);
    assert.equal(replies[0], bulk('v:a'));
    assert.match(replies[1], /^-ERR resplit: the reply from backend 127\.0\.0\.1:\d+ could not be passed on \(Protocol error: unexpected reply type byte 63\)\r\n$/);
    assert.deepEqual(replies.slice(2), Array.from({ length: 6 }, (_, i) => bulk(`v:k${i}`)));
    // The unreadable GET went to one backend only (no failover of it), the rest of its run elsewhere.
    const served = [master, ...replicas].reduce((n, b) => n + b.served, 0) - before;
    assert.ok(served >= 8 && served <= 14, `served ${served}`);
    assert.equal(stats.healthTransitions, out, 'a backend was taken out');
    assert.ok(proxy.pool.replicas.every((r) => r.eligible));
    assert.equal(await c.str('GET', 'after'), bulk('v:after'));
  });

  it('a connection lost in the middle of a reply already streamed to the client closes that client (no error can follow half a reply); others go on', async () => {
    const other = await RawClient.connect(proxy.port);
    try {
      c.write(encodeCommand(['GET', 'torn']));
      await c.waitClose(10000);
      // What it received is a prefix of the reply, never an error reply after it.
      const got = c.received().toString('latin1');
      assert.ok(got.startsWith('$10000000\r\nttt'), `received ${got.slice(0, 20)}`);
      assert.ok(!got.includes('-ERR'));
      assert.equal(await other.str('GET', 'k1'), bulk('v:k1'));
    } finally {
      other.close();
    }
  });

  it('a RESP3 client closed mid-stream leaves no connection behind (its other reads are not sent on)', async () => {
    const r3 = await RawClient.connect(proxy.port);
    try {
      assert.match(await r3.str('HELLO', '3'), /^%/);
      r3.write(Buffer.concat([encodeCommand(['GET', 'torn']), encodeCommand(['GET', 'k1']), encodeCommand(['GET', 'k2'])]));
      await r3.waitClose(10000);
      await new Promise((res) => setTimeout(res, 300));
      assert.deepEqual([master, ...replicas].map((b) => b.resp3Open), [0, 0, 0]);
    } finally {
      r3.close();
    }
  });
});
