// The classic replication walk-through, as a person does it with redis-cli against three resplit-server
// processes: a replica pointed at a dead port answers OK and shows its link down, then both replicas
// attach to the master; the master lists them online; writes flow; replicas refuse writes; WAIT, ROLE,
// min-replicas-to-write and REPLICAOF NO ONE behave as Redis's.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startStoreProcess, freePort, tmpDir, type ChildServer } from './helpers/servers';
import { cli, info, until, caughtUp, assertSameData, fillMixed, sleep } from './replication-helpers';

describe('replication walk-through (redis-cli, three processes)', function () {
  this.timeout(60000);
  let master: ChildServer;
  let r1: ChildServer;
  let r2: ChildServer;

  before(async () => {
    [master, r1, r2] = await Promise.all([
      startStoreProcess(['--repl-diskless-sync-delay', '0', '--dir', tmpDir()]),
      startStoreProcess(['--dir', tmpDir()]),
      startStoreProcess(['--dir', tmpDir()]),
    ]);
  });

  after(async () => {
    await Promise.all([master, r1, r2].map((p) => p?.stop()));
  });

  it('SLAVEOF a port where nothing listens answers OK and keeps the link down, retrying', async () => {
    const dead = await freePort();
    assert.equal(await cli(r1.port, 'SLAVEOF', '127.0.0.1', dead), 'OK');
    await sleep(1300);
    const i = await info(r1.port);
    assert.equal(i.role, 'slave');
    assert.equal(i.master_host, '127.0.0.1');
    assert.equal(i.master_port, String(dead));
    assert.equal(i.master_link_status, 'down');
    assert.equal(i.master_last_io_seconds_ago, '-1');
    assert.equal(i.master_sync_in_progress, '0');
    assert.equal(i.master_link_down_since_seconds, '-1');
    const role = (await cli(r1.port, 'ROLE')).split('\n');
    assert.deepEqual(role, ['slave', '127.0.0.1', String(dead), 'connect', '-1']);
    // Reads still served (replica-serve-stale-data yes), writes refused.
    assert.equal(await cli(r1.port, 'GET', 'nothing'), '');
    assert.match(await cli(r1.port, 'SET', 'a', 'b'), /^READONLY You can't write against a read only replica\./);
  });

  it('SLAVEOF the master brings both links up; the master lists both replicas online', async () => {
    await fillMixed(master.port, 'pre', 50);
    assert.equal(await cli(r1.port, 'SLAVEOF', '127.0.0.1', master.port), 'OK');
    assert.equal(await cli(r2.port, 'REPLICAOF', '127.0.0.1', master.port), 'OK');
    assert.equal(await cli(r2.port, 'REPLICAOF', '127.0.0.1', master.port), 'OK Already connected to specified master');
    await until('both links up', async () => (await info(r1.port)).master_link_status === 'up' && (await info(r2.port)).master_link_status === 'up');
    await cli(master.port, 'SET', 'after', 'sync');
    await caughtUp(master.port, r1.port);
    await caughtUp(master.port, r2.port);
    const m = await info(master.port);
    assert.equal(m.role, 'master');
    assert.equal(m.connected_slaves, '2');
    const ports = [r1.port, r2.port].sort();
    const lines = [m.slave0, m.slave1].sort();
    for (const [i, l] of lines.entries()) {
      assert.match(l, new RegExp(`^ip=127\\.0\\.0\\.1,port=${ports[i]},state=online,offset=\\d+,lag=\\d+$`));
    }
    await until('ACKed offsets reach the master offset', async () => {
      const mm = await info(master.port);
      return [mm.slave0, mm.slave1].every((l) => l.includes(`offset=${mm.master_repl_offset},`));
    });
    assert.equal(m.repl_backlog_active, '1');
    assert.equal(m.repl_backlog_first_byte_offset, '1');
    const r = await info(r1.port);
    assert.equal(r.master_replid, m.master_replid);
    assert.equal(r.slave_read_only, '1');
    assert.equal(r.master_link_down_since_seconds, undefined);
    assert.equal(Number((await info(master.port, 'stats')).sync_full), 2);
    await assertSameData(master.port, r1.port);
    await assertSameData(master.port, r2.port);
  });

  it('a SET on the master is readable on both replicas; a SET on a replica gets READONLY', async () => {
    assert.equal(await cli(master.port, 'SET', 'greeting', 'hello'), 'OK');
    await cli(master.port, '-n', '5', 'SET', 'in5', 'five');
    for (const r of [r1, r2]) {
      await until('value on replica', async () => (await cli(r.port, 'GET', 'greeting')) === 'hello');
      await until('db 5 value on replica', async () => (await cli(r.port, '-n', '5', 'GET', 'in5')) === 'five');
      assert.equal(await cli(r.port, 'SET', 'greeting', 'nope'), "READONLY You can't write against a read only replica.");
    }
  });

  it('WAIT counts the replicas that acknowledged the write; ROLE lists them', async () => {
    // SET then WAIT on the same connection (redis-cli pipes stdin lines over one connection).
    const res = await new Promise<string>((resolve, reject) => {
      const p = spawn('redis-cli', ['-p', String(master.port)]);
      let o = '';
      p.stdout.on('data', (d: Buffer) => (o += d.toString()));
      p.on('close', () => resolve(o.trim()));
      p.on('error', reject);
      p.stdin.end('SET waited yes\nWAIT 2 2000\n');
    });
    assert.deepEqual(res.split('\n'), ['OK', '2']);
    const role = (await cli(master.port, 'ROLE')).split('\n');
    assert.equal(role[0], 'master');
    assert.equal(role.length, 2 + 3 * 2);
    assert.ok(role.includes(String(r1.port)) && role.includes(String(r2.port)));
    assert.equal((await cli(r1.port, 'ROLE')).split('\n')[3], 'connected');
    assert.match(await cli(r1.port, 'WAIT', '1', '0'), /^ERR WAIT cannot be used with replica instances/);
  });

  it('min-replicas-to-write refuses writes with NOREPLICAS when too few good replicas', async () => {
    await cli(master.port, 'CONFIG', 'SET', 'min-replicas-to-write', '3');
    try {
      assert.equal(await cli(master.port, 'SET', 'x', '1'), 'NOREPLICAS Not enough good replicas to write.');
      assert.equal((await info(master.port)).min_slaves_good_slaves, '2');
      assert.equal(await cli(master.port, 'GET', 'x'), '');
    } finally {
      await cli(master.port, 'CONFIG', 'SET', 'min-replicas-to-write', '0');
    }
    assert.equal(await cli(master.port, 'SET', 'x', '1'), 'OK');
  });

  it('REPLICAOF NO ONE promotes a replica: new replid, the old one kept as replid2', async () => {
    await caughtUp(master.port, r2.port);
    const before = await info(r2.port);
    assert.equal(await cli(r2.port, 'REPLICAOF', 'NO', 'ONE'), 'OK');
    const after = await info(r2.port);
    assert.equal(after.role, 'master');
    assert.notEqual(after.master_replid, before.master_replid);
    assert.equal(after.master_replid2, before.master_replid);
    assert.equal(after.second_repl_offset, String(Number(before.slave_repl_offset) + 1));
    assert.equal(await cli(r2.port, 'SET', 'own', 'write'), 'OK');
    await until('master drops the promoted replica', async () => (await info(master.port)).connected_slaves === '1');
  });
});
