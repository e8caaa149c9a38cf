// Replication found divergent by a randomized interop driver (seeded workloads against chains of
// resplit-server and redis-server 7 under faults), each case reduced to a deterministic test.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { startStoreProcess, startRedis, redisOrSkip, tmpDir, type ChildServer } from './helpers/servers';
import { cli, info, until, caughtUp, assertSameData } from './replication-helpers';

describe('replication fuzz regressions', function () {
  this.timeout(60000);

  // A sub-replica's full sync from a master that is itself a replica: that master proxies its own
  // master's stream, which continues in the DB selected at the snapshot without a new SELECT. The RDB
  // says which (aux field repl-stream-db); our replica applied the stream to DB 0 instead, so writes
  // landed in the wrong DB (found with ours -> redis -> ours, seed 21 under REPLICAOF NO ONE / FLUSHALL
  // / REPLICAOF of the sub-replica).
  for (const midKind of ['redis', 'ours'] as const) {
    it(`a sub-replica of a ${midKind === 'redis' ? 'redis-server' : 'resplit-server'} replica continues the stream in the snapshot's repl-stream-db`, async function () {
      const started: ChildServer[] = [];
      try {
        const top = await startRedis(['--repl-diskless-sync-delay', '0']);
        redisOrSkip(this, top);
        started.push(top!);
        const midArgs = ['--replicaof', '127.0.0.1', String(top!.port), '--repl-diskless-sync-delay', '0'];
        const mid = midKind === 'redis' ? (await startRedis(midArgs))! : await startStoreProcess([...midArgs, '--dir', tmpDir()]);
        started.push(mid);
        await until('mid link up', async () => (await info(mid.port)).master_link_status === 'up');
        // The top master's stream is now in DB 2 and stays there (one client, one SELECT).
        const c = await RawClient.connect(top!.port);
        try {
          await c.send('SELECT', 2);
          await c.send('SET', 'before', '1');
          await caughtUp(top!.port, mid.port);
          const sub = await startStoreProcess(['--replicaof', '127.0.0.1', String(mid.port), '--dir', tmpDir()]);
          started.push(sub);
          await until('sub link up', async () => (await info(sub.port)).master_link_status === 'up');
          // Streamed to the sub-replica after its snapshot, with no SELECT before it.
          await c.send('SET', 'after', '2');
          await c.send('INCR', 'before');
          await caughtUp(top!.port, sub.port);
          assert.equal(await cli(sub.port, '-n', '2', 'GET', 'after'), '2');
          assert.equal(await cli(sub.port, '-n', '2', 'GET', 'before'), '2');
          assert.equal(await cli(sub.port, 'DBSIZE'), '0');
          await assertSameData(top!.port, sub.port);
        } finally {
          c.close();
        }
      } finally {
        await Promise.all(started.map((s) => s.stop()));
      }
    });
  }
});
