// CLIENT PAUSE against a real redis-server 7.0, byte for byte: which requests a pause holds (WRITE:
// writes and may-replicate commands such as PUBLISH, also inside MULTI, and EXEC of a queue holding
// one; ALL: everything), which are answered at once because Redis rejects them before its pause
// check (unknown command, arity, a doomed transaction's EXEC), and in what order held replies come;
// and that no key expires or is evicted while a pause is in effect.

import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { Twin } from './helpers/twin';
import { RawClient } from './helpers/raw';
import { encodeCommand } from '../src/resp/encode';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('CLIENT PAUSE (differential)', function () {
  this.timeout(10000);
  const d = useDiff();
  const open: Twin[] = [];
  const twin = async (): Promise<Twin> => {
    const t = await Twin.open(d);
    open.push(t);
    return t;
  };
  afterEach(async () => {
    await d.both('CLIENT', 'UNPAUSE');
    for (const t of open.splice(0)) t.close();
  });

  /** INFO stats expired_keys of both servers. */
  async function expiredKeys(): Promise<[number, number]> {
    const [a, b] = await d.both('INFO', 'stats');
    const n = (x: Buffer): number => Number(/expired_keys:(\d+)/.exec(x.toString())![1]);
    return [n(a), n(b)];
  }

  /** Sends a request that the pause must hold: both servers stay silent for a while. */
  async function held(t: Twin, args: string[]): Promise<void> {
    const bytes = encodeCommand(args);
    t.ours.write(bytes);
    t.theirs.write(bytes);
    await t.quiet(100);
  }

  it('PAUSE WRITE answers bad requests at once (unknown command, arity, unknown subcommand)', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['SET', 'FOO']);
    await b.send(['FOOBAR']);
    await b.send(['SET']);
    await b.send(['CONFIG', 'FOO']);
    await b.send(['PUBLISH', 'ch']);
    // Inside MULTI too: the queueing error is immediate and EXEC (nothing writing queued) aborts at once.
    await b.send(['MULTI']);
    await b.send(['SET', 'x']);
    await b.send(['GET', 'x']);
    await b.send(['EXEC']);
    await b.send(['GET', 'FOO']);
  });

  it('PAUSE WRITE holds PUBLISH and SPUBLISH, and writes inside MULTI; held replies come in order after UNPAUSE', async () => {
    const a = Twin.of(d);
    const b = await twin();
    const sub = await twin();
    await sub.send(['SUBSCRIBE', 'ch']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await held(b, ['PUBLISH', 'ch', 'hello']);
    await a.send(['GET', 'k']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.expect(1);
    await sub.expect(1);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await held(b, ['SPUBLISH', 'ch', 'x']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.expect(1);
    await b.send(['MULTI']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await held(b, ['SET', 'k', 'v']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.expect(1);
    await b.send(['GET', 'k']);
    await b.send(['EXEC']);
  });

  it('PAUSE WRITE holds EXEC of a queue with a write or PUBLISH, not of reads nor of a doomed transaction', async () => {
    const a = Twin.of(d);
    const b = await twin();
    for (const q of [['PUBLISH', 'ch', 'm'], ['SET', 'k', '1']]) {
      await b.send(['MULTI']);
      await b.send(['GET', 'k']);
      await b.send(q);
      await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
      await held(b, ['EXEC']);
      await a.send(['CLIENT', 'UNPAUSE']);
      await b.expect(1);
    }
    await b.send(['MULTI']);
    await b.send(['GET', 'k']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['EXEC']);
    await a.send(['CLIENT', 'UNPAUSE']);
    // A queueing error: what follows is not queued, so EXEC holds nothing writing and aborts at once.
    await b.send(['MULTI']);
    await b.send(['SET', 'x']);
    await b.send(['SET', 'y', '1']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['EXEC']);
    await a.send(['CLIENT', 'UNPAUSE']);
    // A WATCHed key touched before the write was queued: EXEC answers nil at once.
    await b.send(['WATCH', 'w']);
    await a.send(['SET', 'w', '1']);
    await b.send(['MULTI']);
    await b.send(['SET', 'y', '1']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['EXEC']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.send(['EXISTS', 'y']);
  });

  it('a held request keeps its CLIENT REPLY SKIP: its reply is dropped when it runs, the next one is sent', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    const skip = encodeCommand(['CLIENT', 'REPLY', 'SKIP']);
    b.ours.write(skip);
    b.theirs.write(skip);
    await held(b, ['SET', 'k', 'v']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.send(['GET', 'k']);
  });

  it('PAUSE ALL still answers bad requests at once and holds the rest, CLIENT UNPAUSE included', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['CLIENT', 'PAUSE', '800', 'ALL']);
    await b.send(['SET', 'FOO']);
    await b.send(['NOSUCH']);
    await held(b, ['CLIENT', 'UNPAUSE']);
    await held(b, ['GET', 'k']);
    // The pause runs out: the held requests run in order.
    await b.expect(2);
  });

  it('no key expires during PAUSE WRITE, lazily or actively: expired keys read as missing and stay until UNPAUSE', async () => {
    // pause.tcl's "Test both active and passive expires are skipped during client pause".
    const a = Twin.of(d);
    const [ours0, theirs0] = await expiredKeys();
    await a.send(['MULTI']);
    await a.send(['SET', 'foo', 'bar', 'PX', '10']);
    await a.send(['SET', 'bar', 'foo', 'PX', '10']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await a.send(['EXEC']);
    // Several active expiry cycles (hz 10) go by.
    await sleep(350);
    await a.send(['GET', 'foo']);
    await a.send(['EXISTS', 'bar']);
    await a.send(['TTL', 'foo']);
    await a.send(['DBSIZE']);
    const [ours1, theirs1] = await expiredKeys();
    assert.deepEqual([ours1 - ours0, theirs1 - theirs0], [0, 0], 'keys were expired during the pause');
    await a.send(['CLIENT', 'UNPAUSE']);
    await a.send(['GET', 'foo']);
    await a.send(['GET', 'bar']);
    await a.send(['DBSIZE']);
    const [ours2, theirs2] = await expiredKeys();
    assert.deepEqual([ours2 - ours0, theirs2 - theirs0], [2, 2]);
  });

  it('no key expires during PAUSE ALL either (store state looked at directly: every request is held)', async () => {
    const srv = d.store.server;
    await d.ours.send('SET', 'foo', 'bar', 'PX', '10');
    const expired0 = srv.stats.expiredKeys;
    await d.ours.send('CLIENT', 'PAUSE', '800', 'ALL');
    await sleep(350);
    assert.equal(srv.dbs[0].size, 1, 'the key was expired during the pause');
    assert.equal(srv.stats.expiredKeys, expired0);
    // The pause runs out; the key goes.
    assert.equal(await d.ours.str('GET', 'foo'), '$-1\r\n');
    assert.equal(srv.dbs[0].size, 0);
    assert.equal(srv.stats.expiredKeys, expired0 + 1);
  });

  it('nothing is refused for memory nor evicted during a pause', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['MSET', 'k1', '1', 'k2', '2', 'k3', '3']);
    await a.send(['CONFIG', 'SET', 'maxmemory', '1']);
    try {
      await b.send(['MULTI']);
      await b.send(['GET', 'k']);
      await b.send(['DISCARD']);
      await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
      await b.send(['MULTI']);
      await b.send(['GET', 'k']);
      await b.send(['EXEC']);
      await a.send(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random']);
      await b.send(['MULTI']);
      await b.send(['GET', 'k1']);
      await b.send(['EXEC']);
      await a.send(['DBSIZE']);
    } finally {
      await d.both('CLIENT', 'UNPAUSE');
      await d.both('CONFIG', 'SET', 'maxmemory', '0');
      await d.both('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('a held client that disconnects is let go during the pause', async () => {
    const server = d.store.server;
    const a = await RawClient.connect(d.store.port);
    const gone: RawClient[] = [];
    try {
      assert.equal(await a.str('CLIENT', 'PAUSE', '100000', 'WRITE'), '+OK\r\n');
      for (let i = 0; i < 5; i++) {
        const c = await RawClient.connect(d.store.port);
        c.write(encodeCommand(['SET', `held${i}`, 'v']));
        gone.push(c);
      }
      const deadline = Date.now() + 3000;
      while (server.pauseState!.held.length < 5 && Date.now() < deadline) await sleep(5);
      assert.equal(server.pauseState!.held.length, 5);
      for (const c of gone) c.close();
      while (server.pauseState!.held.length > 0 && Date.now() < deadline) await sleep(5);
      assert.equal(server.pauseState!.held.length, 0, 'closed clients are still held');
    } finally {
      await a.send('CLIENT', 'UNPAUSE');
      a.close();
    }
    assert.equal((await d.ours.send('EXISTS', 'held0')).toString(), ':0\r\n');
  });
});
