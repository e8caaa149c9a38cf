// rdb-key-save-delay (a hidden Redis debug setting its tests use to make BGSAVE and full syncs slow):
// microseconds of delay per key written. BGSAVE and replication snapshots wait between event-loop
// turns, so the server keeps answering; an abort (FLUSHALL) does not wait for the delay; SAVE blocks.

import assert from 'node:assert/strict';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { snapshotRdb } from '../src/store/rdb';

async function field(c: RawClient, name: string): Promise<string> {
  const v = String(await c.value('INFO', 'persistence'));
  const m = new RegExp(`^${name}:(.*)\\r$`, 'm').exec(v);
  return m ? m[1] : '';
}

async function until(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('rdb-key-save-delay', function () {
  this.timeout(20000);
  let st: InProcessStore;
  let c: RawClient;
  beforeEach(async () => {
    st = await startStore({ 'enable-debug-command': 'local' });
    c = await RawClient.connect(st.port);
    assert.equal(await c.str('DEBUG', 'POPULATE', '10'), '+OK\r\n');
  });
  afterEach(async () => {
    c.close();
    await st.stop();
  });

  it('slows BGSAVE down without blocking the server', async () => {
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '60000'), '+OK\r\n');
    const t0 = Date.now();
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    // Changing the setting meanwhile does not speed up the running save (a forked child's copy).
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '0'), '+OK\r\n');
    let worst = 0;
    while ((await field(c, 'rdb_bgsave_in_progress')) === '1') {
      const p0 = Date.now();
      assert.equal(await c.str('PING'), '+PONG\r\n');
      worst = Math.max(worst, Date.now() - p0);
      await new Promise((r) => setTimeout(r, 20));
    }
    const took = Date.now() - t0;
    assert.ok(took >= 550, `10 keys at 60 ms each took ${took} ms`);
    assert.ok(worst < 50, `a PING waited ${worst} ms during the BGSAVE`);
    assert.equal(await field(c, 'rdb_last_bgsave_status'), 'ok');
  });

  it('an aborted BGSAVE does not wait for the delay; negative values are fractions of a microsecond', async () => {
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '100000000'), '+OK\r\n');
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    assert.equal(await c.str('FLUSHALL'), '+OK\r\n');
    await until(async () => (await field(c, 'rdb_bgsave_in_progress')) === '0', 2000);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(await c.str('DEBUG', 'POPULATE', '1000'), '+OK\r\n');
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '-10'), '+OK\r\n');
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    await until(async () => (await field(c, 'rdb_bgsave_in_progress')) === '0', 2000);
    assert.equal(await field(c, 'rdb_last_bgsave_status'), 'ok');
  });

  it('SAVE blocks for the delay', async () => {
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '30000'), '+OK\r\n');
    const t0 = Date.now();
    assert.equal(await c.str('SAVE'), '+OK\r\n');
    assert.ok(Date.now() - t0 >= 280, `SAVE took ${Date.now() - t0} ms`);
  });

  it('a replication snapshot waits between event-loop turns, handing out what it has written', async () => {
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '30000'), '+OK\r\n');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const chunks: number[] = [];
    const t0 = Date.now();
    try {
      await snapshotRdb(st.server, (b) => void chunks.push(b.length), { replId: 'x'.repeat(40), replOffset: 0 });
    } finally {
      clearInterval(timer);
    }
    const took = Date.now() - t0;
    assert.ok(took >= 280, `took ${took} ms`);
    assert.ok(ticks >= 20, `the event loop ran only ${ticks} timer ticks in ${took} ms`);
    assert.ok(chunks.length >= 10, `${chunks.length} chunks`);
  });

  // Redis's full sync forks its RDB child (to disk or to the replicas' sockets): INFO persistence shows
  // it as rdb_bgsave_in_progress:1, which Redis's own replication tests wait for.
  it('a full sync\'s snapshot shows in INFO persistence as a background save in progress', async () => {
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '100000', 'repl-diskless-sync-delay', '0'), '+OK\r\n');
    const r = await startStore({});
    const rc = await RawClient.connect(r.port);
    try {
      assert.equal(await rc.str('REPLICAOF', '127.0.0.1', st.port), '+OK\r\n');
      await until(async () => (await field(c, 'rdb_bgsave_in_progress')) === '1');
      assert.match(await field(c, 'rdb_current_bgsave_time_sec'), /^\d+$/);
      assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '0'), '+OK\r\n');
      await until(async () => (await field(c, 'rdb_bgsave_in_progress')) === '0');
      assert.equal(await field(c, 'rdb_current_bgsave_time_sec'), '-1');
    } finally {
      rc.close();
      await r.stop();
    }
  });
  // Redis's diskless load parses the payload as it arrives: loading:1 and -LOADING replies for the
  // whole transfer (the store showed loading:0 and served the old data until the last byte).
  it('a replica with repl-diskless-load swapdb is loading while the payload arrives', async () => {
    assert.equal(await c.str('CONFIG', 'SET', 'rdb-key-save-delay', '60000', 'repl-diskless-sync-delay', '0'), '+OK\r\n');
    const r = await startStore({ 'repl-diskless-load': 'swapdb' });
    const rc = await RawClient.connect(r.port);
    const probe = await RawClient.connect(r.port);
    try {
      assert.equal(await rc.str('SET', 'mine', 'x'), '+OK\r\n');
      assert.equal(await rc.str('REPLICAOF', '127.0.0.1', st.port), '+OK\r\n');
      await until(async () => /\r\nloading:1\r\n/.test(String(await probe.value('INFO', 'persistence'))));
      assert.match(await probe.str('GET', 'mine'), /^-LOADING /);
      await until(async () => /\r\nloading:0\r\n/.test(String(await probe.value('INFO', 'persistence'))), 10000);
      assert.equal(await probe.str('GET', 'mine'), '$-1\r\n');
      assert.equal(await probe.str('DBSIZE'), ':10\r\n');
    } finally {
      rc.close();
      probe.close();
      await r.stop();
    }
  });
});
