// Replication interoperates with the real redis-server 7 both ways: a real Redis replica of our master
// (full sync of a mixed dataset, the command stream, a partial resync after CLIENT KILL TYPE master),
// and our replica of a real Redis master (the same, with WAIT answered through REPLCONF GETACK).
// Contents are compared key by key after each phase.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startStoreProcess, startRedis, redisOrSkip, tmpDir, type ChildServer } from './helpers/servers';
import { cli, info, until, caughtUp, assertSameData, fillMixed, WriteLoad } from './replication-helpers';

/** Sends lines through one redis-cli connection (so WAIT sees the preceding write). */
function pipe(port: number, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(port)]);
    let o = '';
    p.stdout.on('data', (d: Buffer) => (o += d.toString()));
    p.on('close', () => resolve(o.trim().split('\n')));
    p.on('error', reject);
    p.stdin.end(lines.join('\n') + '\n');
  });
}

async function streamSome(port: number): Promise<void> {
  const load = new WriteLoad(port, 2000);
  await new Promise((r) => setTimeout(r, 300));
  await load.stop();
  assert.equal(load.errors, 0);
  await cli(port, 'EXPIRE', 'load:counter', '5000');
  await cli(port, '-n', '7', 'ZADD', 'z7', '1.5', 'a', '2', 'b');
  await cli(port, 'DEL', 'k:s:1');
}

describe('replication interop with redis-server 7', function () {
  this.timeout(60000);

  describe('a real Redis replica of our master', () => {
    let ours: ChildServer;
    let redis: ChildServer | null;

    before(async function () {
      redis = await startRedis();
      redisOrSkip(this, redis);
      ours = await startStoreProcess(['--repl-diskless-sync-delay', '0', '--dir', tmpDir()]);
    });
    after(async () => {
      await Promise.all([ours?.stop(), redis?.stop()]);
    });

    it('full sync of a mixed dataset, the stream, then a partial resync after CLIENT KILL TYPE master', async () => {
      const r = redis!;
      await fillMixed(ours.port, 'k', 200);
      assert.equal(await cli(r.port, 'REPLICAOF', '127.0.0.1', ours.port), 'OK');
      await until('real replica link up', async () => (await info(r.port)).master_link_status === 'up');
      await caughtUp(ours.port, r.port);
      assert.ok((await assertSameData(ours.port, r.port)) > 250);

      await streamSome(ours.port);
      assert.deepEqual(await pipe(ours.port, ['SET after-wait 1', 'WAIT 1 3000']), ['OK', '1']);
      await caughtUp(ours.port, r.port);
      await assertSameData(ours.port, r.port);

      const before = await info(ours.port, 'stats');
      assert.equal(await cli(r.port, 'CLIENT', 'KILL', 'TYPE', 'master'), '1');
      await cli(ours.port, 'SET', 'while-down', 'x');
      await until('real replica back', async () => (await info(r.port)).master_link_status === 'up');
      await streamSome(ours.port);
      await caughtUp(ours.port, r.port);
      const afterStats = await info(ours.port, 'stats');
      assert.equal(Number(afterStats.sync_partial_ok), Number(before.sync_partial_ok) + 1);
      assert.equal(afterStats.sync_full, before.sync_full);
      await assertSameData(ours.port, r.port);
    });
  });

  describe('our replica of a real Redis master', () => {
    let ours: ChildServer;
    let redis: ChildServer | null;

    before(async function () {
      redis = await startRedis(['--repl-diskless-sync-delay', '0']);
      redisOrSkip(this, redis);
      ours = await startStoreProcess(['--dir', tmpDir()]);
    });
    after(async () => {
      await Promise.all([ours?.stop(), redis?.stop()]);
    });

    for (const diskless of ['yes', 'no']) {
      it(`full sync (repl-diskless-sync ${diskless}), the stream with WAIT, a partial resync after the link drops`, async () => {
        const r = redis!;
        await cli(r.port, 'CONFIG', 'SET', 'repl-diskless-sync', diskless);
        await cli(r.port, 'FLUSHALL');
        await fillMixed(r.port, `k${diskless}`, 200);
        await cli(ours.port, 'REPLICAOF', 'NO', 'ONE');
        assert.equal(await cli(ours.port, 'REPLICAOF', '127.0.0.1', r.port), 'OK');
        await until('our link up', async () => (await info(ours.port)).master_link_status === 'up');
        await caughtUp(r.port, ours.port);
        assert.ok((await assertSameData(r.port, ours.port)) > 250);
        assert.equal((await info(ours.port)).master_replid, (await info(r.port)).master_replid);

        await streamSome(r.port);
        assert.deepEqual(await pipe(r.port, ['SET after-wait 1', 'WAIT 1 3000']), ['OK', '1']);
        await caughtUp(r.port, ours.port);
        await assertSameData(r.port, ours.port);

        const before = await info(r.port, 'stats');
        assert.equal(await cli(r.port, 'CLIENT', 'KILL', 'TYPE', 'replica'), '1');
        await cli(r.port, 'SET', 'while-down', 'x');
        await until('our link back', async () => (await info(ours.port)).master_link_status === 'up');
        await streamSome(r.port);
        await caughtUp(r.port, ours.port);
        const afterStats = await info(r.port, 'stats');
        assert.equal(Number(afterStats.sync_partial_ok), Number(before.sync_partial_ok) + 1);
        await assertSameData(r.port, ours.port);
      });
    }
  });

  it('our replica waits for a real master that delays its full sync (newlines keep the link), with repl-timeout shorter than the delay', async function () {
    const master = await startRedis(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '3', '--dir', tmpDir()]);
    redisOrSkip(this, master);
    let replica: ChildServer | null = null;
    try {
      await cli(master!.port, 'SET', 'k', 'v');
      replica = await startStoreProcess(['--replicaof', '127.0.0.1', String(master!.port), '--repl-timeout', '1', '--dir', tmpDir()]);
      await until('linked', async () => (await info(replica!.port)).master_link_status === 'up', 15000);
      assert.equal((await info(master!.port, 'stats')).sync_full, '1', 'the replica gave up and asked again');
      assert.equal(await cli(replica.port, 'GET', 'k'), 'v');
    } finally {
      await replica?.stop();
      await master?.stop();
    }
  });
});
