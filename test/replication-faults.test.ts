// Replication under faults, with real processes: a replica killed with SIGKILL under write load and
// restarted continues with a partial resync when the master's backlog still holds what it missed and
// with a full resync otherwise, ending identical either way; when the master dies, replicas show the
// link down and keep serving reads; a promoted replica lets the other one partially resync to it.

import assert from 'node:assert/strict';
import { startStoreProcess, tmpDir, type ChildServer } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { cli, info, until, caughtUp, assertSameData, fillMixed, WriteLoad, sleep } from './replication-helpers';

describe('replication faults', function () {
  this.timeout(90000);
  let master: ChildServer;
  let r1: ChildServer;
  let r2: ChildServer;
  let r1Args: string[];
  const stats = async (port: number) => info(port, 'stats');

  before(async () => {
    master = await startStoreProcess(['--repl-diskless-sync-delay', '0', '--dir', tmpDir()]);
    r1Args = ['--replicaof', '127.0.0.1', String(master.port), '--dir', tmpDir()];
    [r1, r2] = await Promise.all([startStoreProcess(r1Args), startStoreProcess(['--replicaof', '127.0.0.1', String(master.port), '--dir', tmpDir()])]);
    await fillMixed(master.port, 'k', 100);
    await caughtUp(master.port, r1.port);
    await caughtUp(master.port, r2.port);
  });

  after(async () => {
    await Promise.all([master, r1, r2].map((p) => p?.stop()));
  });

  async function killAndRestartR1(load: WriteLoad): Promise<void> {
    await sleep(200);
    await r1.kill9();
    await sleep(300);
    r1 = await startStoreProcess(r1Args, { port: r1.port });
    await until('restarted replica link up', async () => (await info(r1.port)).master_link_status === 'up');
    await sleep(200);
    await load.stop();
    assert.equal(load.errors, 0);
    await caughtUp(master.port, r1.port);
    await assertSameData(master.port, r1.port);
  }

  it('kill -9 a replica under write load and restart it: partial resync while the backlog covers the gap', async () => {
    const before = await stats(master.port);
    const load = new WriteLoad(master.port, 3000);
    await killAndRestartR1(load);
    const after = await stats(master.port);
    assert.equal(Number(after.sync_partial_ok), Number(before.sync_partial_ok) + 1);
    assert.equal(after.sync_full, before.sync_full);
  });

  it('kill -9 a replica with a backlog too small for the gap: full resync, same data', async () => {
    await cli(master.port, 'CONFIG', 'SET', 'repl-backlog-size', '16384');
    try {
      // The restarted replica's file is from its first full sync: far behind by now.
      const before = await stats(master.port);
      const load = new WriteLoad(master.port, 3000);
      await killAndRestartR1(load);
      const after = await stats(master.port);
      assert.equal(Number(after.sync_full), Number(before.sync_full) + 1);
      assert.equal(Number(after.sync_partial_err), Number(before.sync_partial_err) + 1);
      assert.equal((await info(master.port)).repl_backlog_histlen, '16384');
    } finally {
      await cli(master.port, 'CONFIG', 'SET', 'repl-backlog-size', '1mb');
    }
  });

  it('kill -9 the master: replicas report the link down and keep serving reads', async () => {
    await cli(master.port, 'SET', 'last', 'word');
    await caughtUp(master.port, r1.port);
    await caughtUp(master.port, r2.port);
    await master.kill9();
    for (const r of [r1, r2]) {
      await until('link down', async () => (await info(r.port)).master_link_status === 'down');
      const i = await info(r.port);
      assert.ok(Number(i.master_link_down_since_seconds) >= 0);
      assert.equal(i.role, 'slave');
      assert.equal(await cli(r.port, 'GET', 'last'), 'word');
      assert.equal(await cli(r.port, 'SET', 'last', 'x'), "READONLY You can't write against a read only replica.");
    }
    // With replica-serve-stale-data no, data commands are refused while the link is down.
    await cli(r2.port, 'CONFIG', 'SET', 'replica-serve-stale-data', 'no');
    assert.equal(await cli(r2.port, 'GET', 'last'), "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    await cli(r2.port, 'CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
  });

  it('promote one replica, point the other at it: partial resync (PSYNC2), then the new stream', async () => {
    await assertSameData(r1.port, r2.port);
    const before = await stats(r1.port);
    assert.equal(await cli(r1.port, 'REPLICAOF', 'NO', 'ONE'), 'OK');
    assert.equal(await cli(r2.port, 'REPLICAOF', '127.0.0.1', r1.port), 'OK');
    await until('r2 linked to r1', async () => (await info(r2.port)).master_link_status === 'up');
    const after = await stats(r1.port);
    assert.equal(Number(after.sync_partial_ok), Number(before.sync_partial_ok) + 1);
    assert.equal(after.sync_full, before.sync_full);
    assert.equal((await info(r2.port)).master_replid, (await info(r1.port)).master_replid);
    await cli(r1.port, 'SET', 'from', 'new-master');
    await cli(r1.port, '-n', '2', 'RPUSH', 'nl', 'a', 'b');
    await caughtUp(r1.port, r2.port);
    await assertSameData(r1.port, r2.port);
  });
});

describe('replication: a master restarted after a crash, and WAIT', function () {
  this.timeout(60000);
  let master: ChildServer | null = null;
  let replica: ChildServer | null = null;
  const masterArgs = ['--repl-diskless-sync-delay', '0', '--dir', tmpDir()];

  after(async () => {
    replica?.proc.kill('SIGCONT');
    await Promise.all([master?.stop(), replica?.stop()]);
  });

  it('WAIT counts only replicas that acknowledged the write: 0 while the replica is stopped, 1 after', async () => {
    master = await startStoreProcess(masterArgs);
    replica = await startStoreProcess(['--replicaof', '127.0.0.1', String(master.port), '--dir', tmpDir()]);
    await until('replica linked', async () => (await info(replica!.port)).master_link_status === 'up');
    const c = await RawClient.connect(master.port);
    try {
      assert.equal(await c.str('SET', 'w', '1'), '+OK\r\n');
      assert.equal(await c.str('WAIT', '1', '5000'), ':1\r\n');
      replica.proc.kill('SIGSTOP');
      assert.equal(await c.str('SET', 'w', '2'), '+OK\r\n');
      const t0 = Date.now();
      assert.equal(await c.str('WAIT', '1', '300'), ':0\r\n');
      assert.ok(Date.now() - t0 >= 250, 'WAIT returned before its timeout');
      replica.proc.kill('SIGCONT');
      assert.equal(await c.str('WAIT', '1', '5000'), ':1\r\n');
    } finally {
      c.close();
    }
  });

  it('a master restarted from an older RDB gets a fresh replication id: its replica resyncs fully and ends identical', async () => {
    const m = master!;
    const r = replica!;
    await cli(m.port, 'FLUSHALL');
    for (let i = 0; i < 10; i++) await cli(m.port, 'SET', `k${i}`, 'v');
    assert.equal(await cli(m.port, 'SAVE'), 'OK');
    const oldId = (await info(m.port)).master_replid;
    // Writes after the save: the replica has them, the RDB does not.
    for (let i = 0; i < 11; i++) await cli(m.port, 'SET', `l${i}`, 'v');
    await caughtUp(m.port, r.port);
    r.proc.kill('SIGSTOP');
    await m.kill9();
    master = await startStoreProcess(masterArgs, { port: m.port });
    const i = await info(master.port);
    assert.notEqual(i.master_replid, oldId);
    assert.equal(i.master_replid2, oldId);
    // Writes of the same sizes as the lost ones, so offsets alone cannot tell the histories apart.
    for (let k = 0; k < 11; k++) await cli(master.port, 'SET', `n${k}`, 'v');
    const before = await info(master.port, 'stats');
    r.proc.kill('SIGCONT');
    await until('replica linked again', async () => (await info(r.port)).master_link_status === 'up' && (await info(r.port)).master_replid === i.master_replid);
    await caughtUp(master.port, r.port);
    await assertSameData(master.port, r.port);
    const after = await info(master.port, 'stats');
    assert.equal(Number(after.sync_full), Number(before.sync_full) + 1);
  });

  it('SHUTDOWN waits (shutdown-timeout) for a replica that has not acknowledged everything; SHUTDOWN NOW does not', async () => {
    const mArgs = ['--repl-diskless-sync-delay', '0', '--shutdown-timeout', '5', '--save', '3600', '1', '--dir', tmpDir()];
    let m = await startStoreProcess(mArgs);
    const r = await startStoreProcess(['--replicaof', '127.0.0.1', String(m.port), '--dir', tmpDir()]);
    try {
      await until('replica linked', async () => (await info(r.port)).master_link_status === 'up');
      r.proc.kill('SIGSTOP');
      const c = await RawClient.connect(m.port);
      // More than the sockets' buffers hold, then a small write: neither can reach the stopped replica yet.
      assert.equal(await c.str('SET', 'big', 'x'.repeat(20 * 1024 * 1024)), '+OK\r\n');
      assert.equal(await c.str('SET', 'y', '1'), '+OK\r\n');
      const exited = new Promise<number>((resolve) => m.proc.once('exit', () => resolve(Date.now())));
      const other = await RawClient.connect(m.port);
      c.write('SHUTDOWN\r\n');
      const t0 = Date.now();
      await sleep(300);
      // A write during the wait is held, never acknowledged: it would be in neither the save nor the replica.
      const held = other.str('SET', 'paused', '1').then((r) => r, () => 'closed');
      await sleep(400);
      r.proc.kill('SIGCONT');
      const t1 = await exited;
      assert.ok(t1 - t0 >= 650, `the master exited after ${t1 - t0} ms, before the replica could catch up`);
      assert.notEqual(await held, '+OK\r\n');
      c.close();
      other.close();
      // The final save came after the wait: it has everything acknowledged, and not the held write.
      m = await startStoreProcess(mArgs, { port: m.port });
      assert.equal(await cli(m.port, 'GET', 'y'), '1');
      assert.equal(await cli(m.port, 'EXISTS', 'paused'), '0');
      // The replica never catches up: at shutdown-timeout the master exits, a held write still unanswered.
      await until('replica linked again', async () => (await info(r.port)).master_link_status === 'up');
      await cli(m.port, 'CONFIG', 'SET', 'shutdown-timeout', '1');
      r.proc.kill('SIGSTOP');
      const c3 = await RawClient.connect(m.port);
      assert.equal(await c3.str('SET', 'big2', 'x'.repeat(20 * 1024 * 1024)), '+OK\r\n');
      const other3 = await RawClient.connect(m.port);
      const exited3 = new Promise<void>((resolve) => m.proc.once('exit', () => resolve()));
      c3.write('SHUTDOWN\r\n');
      await sleep(300);
      const held3 = other3.str('SET', 'late', '1').then((x) => x, () => 'closed');
      await exited3;
      assert.notEqual(await held3, '+OK\r\n', 'a write was acknowledged when the wait timed out');
      c3.close();
      other3.close();
      r.proc.kill('SIGCONT');
      m = await startStoreProcess(mArgs, { port: m.port });
      assert.equal(await cli(m.port, 'EXISTS', 'late'), '0');
      assert.equal(await cli(m.port, 'STRLEN', 'big2'), '20971520');
      assert.equal(await cli(r.port, 'GET', 'y'), '1');
      assert.equal(await cli(r.port, 'STRLEN', 'big'), '20971520');
      // NOW: no wait, even with a replica that cannot answer.
      const m2 = await startStoreProcess(['--repl-diskless-sync-delay', '0', '--dir', tmpDir()]);
      const r2 = await startStoreProcess(['--replicaof', '127.0.0.1', String(m2.port), '--dir', tmpDir()]);
      await until('second replica linked', async () => (await info(r2.port)).master_link_status === 'up');
      r2.proc.kill('SIGSTOP');
      const c2 = await RawClient.connect(m2.port);
      assert.equal(await c2.str('SET', 'z', 'x'.repeat(20 * 1024 * 1024)), '+OK\r\n');
      const gone = new Promise<void>((resolve) => m2.proc.once('exit', () => resolve()));
      const t2 = Date.now();
      c2.write('SHUTDOWN NOW\r\n');
      await gone;
      c2.close();
      assert.ok(Date.now() - t2 < 3000, 'SHUTDOWN NOW waited');
      r2.proc.kill('SIGCONT');
      await r2.stop();
    } finally {
      r.proc.kill('SIGCONT');
      await Promise.all([m.stop(), r.stop()]);
    }
  });

  it('the replica\'s master client shows the link\'s addresses and CLIENT KILL drops the link, which continues with a partial resync', async () => {
    const m = await startStoreProcess(['--repl-diskless-sync-delay', '0', '--dir', tmpDir()]);
    const r = await startStoreProcess(['--replicaof', '127.0.0.1', String(m.port), '--dir', tmpDir()]);
    try {
      await until('replica linked', async () => (await info(r.port)).master_link_status === 'up');
      const line = await cli(r.port, 'CLIENT', 'LIST', 'TYPE', 'master');
      const addr = /addr=(\S+)/.exec(line)![1];
      assert.equal(addr, `127.0.0.1:${m.port}`);
      assert.match(line, / fd=\d+ /);
      for (const kill of [['CLIENT', 'KILL', 'TYPE', 'master'], ['CLIENT', 'KILL', 'ADDR', addr]]) {
        const before = Number((await info(m.port, 'stats')).sync_partial_ok);
        assert.equal(await cli(r.port, ...kill), '1');
        await until('partial resync', async () => Number((await info(m.port, 'stats')).sync_partial_ok) === before + 1);
        await until('linked again', async () => (await info(r.port)).master_link_status === 'up');
      }
      await cli(m.port, 'SET', 'after', 'kill');
      await caughtUp(m.port, r.port);
      assert.equal(await cli(r.port, 'GET', 'after'), 'kill');
    } finally {
      await Promise.all([m.stop(), r.stop()]);
    }
  });
});

describe('replication: keys that expired while the master was down', function () {
  this.timeout(60000);
  let master: ChildServer | null = null;
  let replica: ChildServer | null = null;

  after(async () => {
    await Promise.all([master?.stop(), replica?.stop()]);
  });

  // Redis's rdbLoad with RDBFLAGS_FEED_REPL: a restarted master drops the keys already expired in its
  // RDB and feeds their DELs to the backlog, after the saved offset, so a replica that continues with a
  // partial resync deletes them too (it kept them, waiting for the master's DEL).
  it('a restarted master feeds their DELs to the backlog: the replica resyncs partially and deletes them', async () => {
    const mArgs = ['--repl-diskless-sync-delay', '0', '--save', '3600', '1', '--enable-debug-command', 'yes', '--dir', tmpDir()];
    master = await startStoreProcess(mArgs);
    replica = await startStoreProcess(['--replicaof', '127.0.0.1', String(master.port), '--dir', tmpDir()]);
    await until('replica linked', async () => (await info(replica!.port)).master_link_status === 'up');
    assert.equal(await cli(master.port, 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
    await cli(master.port, 'SET', 'keep', 'v');
    for (let i = 0; i < 20; i++) await cli(master.port, '-n', String(i % 3), 'SET', `e${i}`, 'v', 'PX', '100');
    await caughtUp(master.port, replica.port);
    const offset = Number((await info(master.port)).master_repl_offset);
    const port = master.port;
    await sleep(150);
    await master.stop();
    master = await startStoreProcess(mArgs, { port });
    const i = await info(master.port);
    const histlen = Number(i.repl_backlog_histlen);
    assert.ok(histlen > 0, 'no DELs in the backlog');
    // The saved offset (a GETACK at shutdown may follow the one read above), then the DELs.
    const saved = Number(i.second_repl_offset) - 1;
    assert.ok(saved >= offset);
    assert.equal(Number(i.repl_backlog_first_byte_offset), saved + 1);
    assert.equal(Number(i.master_repl_offset), saved + histlen);
    assert.equal((await info(master.port, 'persistence')).rdb_last_load_keys_expired, '20');
    await until('replica linked again', async () => (await info(replica!.port)).master_link_status === 'up');
    await caughtUp(master.port, replica.port);
    assert.equal((await info(master.port, 'stats')).sync_partial_ok, '1');
    let total = 0;
    for (let db = 0; db < 3; db++) total += Number(await cli(replica.port, '-n', String(db), 'DBSIZE'));
    assert.equal(total, 1);
  });
});

describe('replication: a replica output limit below repl-backlog-size', function () {
  this.timeout(60000);
  let master: ChildServer | null = null;
  let replica: ChildServer | null = null;

  after(async () => {
    replica?.proc.kill('SIGCONT');
    await Promise.all([master?.stop(), replica?.stop()]);
  });

  // Redis's checkClientOutputBufferLimits uses repl-backlog-size as the replica hard limit when the
  // configured one is lower: a replica behind by less than the backlog holds is not disconnected.
  it('is raised to repl-backlog-size: a stalled replica behind by less than the backlog stays connected', async () => {
    master = await startStoreProcess(['--repl-diskless-sync-delay', '0', '--repl-backlog-size', '32mb', '--client-output-buffer-limit', 'replica 512kb 0 0', '--dir', tmpDir()]);
    replica = await startStoreProcess(['--replicaof', '127.0.0.1', String(master.port), '--dir', tmpDir()]);
    await until('replica linked', async () => (await info(replica!.port)).master_link_status === 'up');
    replica.proc.kill('SIGSTOP');
    const c = await RawClient.connect(master.port);
    try {
      const big = 'A'.repeat(1024 * 1024);
      for (let i = 0; i < 8; i++) assert.equal(await c.str('SET', `big${i}`, big), '+OK\r\n');
      await sleep(300);
      assert.equal(await c.str('SET', 'after', '1'), '+OK\r\n');
      assert.equal((await info(master.port)).connected_slaves, '1');
    } finally {
      c.close();
      replica.proc.kill('SIGCONT');
    }
    await caughtUp(master.port, replica.port, 20000);
    // Never disconnected: no second sync of any kind.
    const st = await info(master.port, 'stats');
    assert.equal(st.sync_full, '1');
    assert.equal(st.sync_partial_ok, '0');
    assert.equal(await cli(replica.port, 'GET', 'after'), '1');
  });
});
