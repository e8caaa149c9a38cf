// The health checker's verdicts without sockets: check results (PING, INFO replication, INFO
// persistence) are fed to HealthChecker.result/failure as the probes would, and the pool's
// eligibility and reasons are read back. Covers the rise/fall thresholds, the replica conditions
// (link, sync, loading) and max-replica-lag with its own fall threshold.

import assert from 'node:assert/strict';
import { Pool, type Backend } from '../src/proxy/pool';
import { HealthChecker } from '../src/proxy/health';
import { ReplyError, type ReplyValue } from '../src/resp/decoder';

const conn = { connectTimeoutMs: 1000, keepaliveMs: 1000, keepaliveProbes: 3, userTimeoutMs: 1000 };

function setup(opts: { rise?: number; fall?: number; maxReplicaLag?: number } = {}): { p: Pool; h: HealthChecker } {
  const rise = opts.rise ?? 1;
  const p = new Pool({ host: '127.0.0.1', port: 7001 }, [{ host: '127.0.0.1', port: 7002 }], { conn, rise, maxReplicaLag: opts.maxReplicaLag ?? 1000 });
  const h = new HealthChecker(p, { intervalMs: 100, timeoutMs: 100, rise, fall: opts.fall ?? 2, requestTimeoutMs: 1000, conn, databases: 16 });
  return { p, h };
}

const info = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
const PONG = Buffer.from('PONG');

function master(h: HealthChecker, b: Backend, offset: number, replid = ''): void {
  h.result(b, [PONG, info(['# Replication', 'role:master', ...(replid ? [`master_replid:${replid}`] : []), `master_repl_offset:${offset}`]), info(['loading:0'])]);
}

function replica(h: HealthChecker, b: Backend, offset: number, extra: string[] = []): void {
  const fields = new Map([['master_link_status', 'up'], ['master_sync_in_progress', '0'], ['slave_repl_offset', String(offset)]]);
  for (const e of extra) fields.set(e.split(':')[0], e.split(':')[1]);
  const r: ReplyValue[] = [PONG, info(['# Replication', 'role:slave', ...[...fields].map(([k, v]) => `${k}:${v}`)]), info(['loading:0'])];
  h.result(b, r);
}

describe('proxy health verdicts', () => {
  it('a replica serves once its master does and it is linked, synced and loaded', () => {
    const { p, h } = setup();
    const [m, r] = p.all;
    replica(h, r, 0);
    assert.equal(r.eligible, true, 'with the master not yet known, a reachable replica serves (reads go on)');
    master(h, m, 0);
    assert.equal(m.eligible, true);
    replica(h, r, 0, ['master_link_status:down']);
    assert.deepEqual([r.eligible, r.reason], [false, 'link to master down']);
    replica(h, r, 0, ['master_sync_in_progress:1']);
    assert.deepEqual([r.eligible, r.reason], [false, 'syncing']);
    replica(h, r, 0);
    assert.equal(r.eligible, true);
  });

  it('fall: one failed check does not take a backend out, two do; rise brings it back', () => {
    const { p, h } = setup({ rise: 2, fall: 2 });
    const [m] = p.all;
    master(h, m, 0);
    assert.equal(m.eligible, true);
    h.failure(m, 'health check timed out after 100 ms');
    assert.equal(m.eligible, true);
    h.failure(m, 'health check timed out after 100 ms');
    assert.deepEqual([m.eligible, m.reason], [false, 'down (health check timed out after 100 ms)']);
    master(h, m, 0);
    assert.equal(m.eligible, false, 'rise 2: one good check is not enough');
    master(h, m, 0);
    assert.deepEqual([m.eligible, m.reason], [true, '']);
  });

  it('a backend answering errors to PING is down with the error as its reason', () => {
    const { p, h } = setup({ fall: 1 });
    const [m] = p.all;
    master(h, m, 0);
    h.result(m, [new ReplyError('NOAUTH Authentication required.'), PONG, PONG]);
    assert.deepEqual([m.eligible, m.reason], [false, 'down (PING: NOAUTH Authentication required.)']);
  });

  it('lag: judged on the replica\'s own checks, out after `fall` lagging checks, back when caught up', () => {
    const { p, h } = setup({ fall: 2, maxReplicaLag: 1000 });
    const [m, r] = p.all;
    master(h, m, 100);
    replica(h, r, 100);
    assert.equal(r.eligible, true);
    // A big write: the master's check sees it before the replica's does. No flap.
    master(h, m, 50_000);
    assert.equal(r.eligible, true);
    replica(h, r, 50_000);
    assert.equal(r.eligible, true);
    // Really behind: one lagging check is not enough, the second takes it out.
    master(h, m, 100_000);
    replica(h, r, 60_000);
    assert.equal(r.eligible, true);
    replica(h, r, 60_000);
    assert.deepEqual([r.eligible, r.reason], [false, 'lagging 40000 bytes']);
    assert.equal(p.readBackend(), m, 'its reads go to the master');
    replica(h, r, 99_500);
    assert.equal(r.eligible, true);
  });

  it('a replica whose replication id is not the master\'s (re-pointed elsewhere) takes no reads', () => {
    const { p, h } = setup();
    const [m, r] = p.all;
    const id = 'a'.repeat(40);
    master(h, m, 100, id);
    replica(h, r, 100, [`master_replid:${id}`]);
    assert.equal(r.eligible, true);
    replica(h, r, 100, [`master_replid:${'b'.repeat(40)}`]);
    assert.deepEqual([r.eligible, r.reason], [false, 'replicating from another master']);
    replica(h, r, 100, [`master_replid:${id}`]);
    assert.equal(r.eligible, true);
  });

  it('with the master down, only replicas of this master serve: not a foreign one, not a standalone server, not one whose INFO is refused', () => {
    const { p, h } = setup({ fall: 1 });
    const [m, r] = p.all;
    const id = 'a'.repeat(40);
    master(h, m, 100, id);
    replica(h, r, 100, [`master_replid:${id}`]);
    h.failure(m, 'connection refused');
    assert.equal(m.eligible, false);
    // Link down and lagging: still serves (stale reads beat none) ...
    replica(h, r, 50, [`master_replid:${id}`, 'master_link_status:down']);
    assert.equal(r.eligible, true);
    // ... but not once it follows another server (compared with the id the master last reported).
    replica(h, r, 50, [`master_replid:${'b'.repeat(40)}`, 'master_link_status:down']);
    assert.deepEqual([r.eligible, r.reason], [false, 'replicating from another master']);
    // A server that is no replica at all.
    h.result(r, [PONG, info(['# Replication', 'role:master', `master_replid:${'c'.repeat(40)}`, 'master_repl_offset:5']), info(['loading:0'])]);
    assert.deepEqual([r.eligible, r.reason], [false, 'not a replica (role master)']);
    // An ACL user without +info: the replica cannot be judged, so it takes no reads.
    h.result(r, [PONG, new ReplyError("NOPERM this user has no permissions to run the 'info' command"), info(['loading:0'])]);
    assert.deepEqual([r.eligible, r.reason], [false, "INFO replication refused (NOPERM this user has no permissions to run the 'info' command)"]);
    replica(h, r, 100, [`master_replid:${id}`]);
    assert.equal(r.eligible, true);
  });

  it('max-replica-lag 0 turns the lag check off', () => {
    const { p, h } = setup({ fall: 1, maxReplicaLag: 0 });
    const [m, r] = p.all;
    master(h, m, 1_000_000);
    replica(h, r, 0);
    assert.equal(r.eligible, true);
  });
});

describe('replica offsets the master reports', () => {
  it('the slaveN lines of the master\'s INFO give each replica its acknowledged offset; lag uses the furthest known', () => {
    const p = new Pool({ host: '127.0.0.1', port: 7001 }, [{ host: 'localhost', port: 7002 }, { host: '127.0.0.1', port: 7003 }], { conn, rise: 1, maxReplicaLag: 1000 });
    const h = new HealthChecker(p, { intervalMs: 100, timeoutMs: 100, rise: 1, fall: 2, requestTimeoutMs: 1000, conn, databases: 16 });
    const [m, r1, r2] = p.all;
    replica(h, r1, 100);
    replica(h, r2, 100);
    const slaves = (o1: number, o2: number, state2 = 'online') => [
      `slave0:ip=127.0.0.1,port=7002,state=online,offset=${o1},lag=0`,
      `slave1:ip=127.0.0.1,port=7003,state=${state2},offset=${o2},lag=1`,
    ];
    h.result(m, [PONG, info(['# Replication', 'role:master', 'connected_slaves:2', ...slaves(900, 950), 'master_repl_offset:1000']), info(['loading:0'])]);
    // localhost:7002 is matched by its port (the only replica on it), 127.0.0.1:7003 by address.
    assert.deepEqual([r1.ackOffset, r2.ackOffset], [900, 950]);
    assert.deepEqual([r1.applied, p.lag(r1), p.lag(r2)], [900, 100, 50]);
    // The replica's own later check is used when it is further along.
    replica(h, r1, 1000);
    assert.equal(p.lag(r1), 0);
    // A replica the master lists as not online (or not at all) has no acknowledged offset.
    h.result(m, [PONG, info(['# Replication', 'role:master', 'connected_slaves:2', ...slaves(1000, 5, 'wait_bgsave'), 'master_repl_offset:1000']), info(['loading:0'])]);
    assert.deepEqual([r1.ackOffset, r2.ackOffset], [1000, -1]);
    h.result(m, [PONG, info(['# Replication', 'role:master', 'connected_slaves:0', 'master_repl_offset:1000']), info(['loading:0'])]);
    assert.deepEqual([r1.ackOffset, r2.ackOffset], [-1, -1]);
  });
});

describe('a backend answering BUSY', () => {
  it('is alive: a busy master keeps serving, a busy replica takes no reads until its checks answer again', () => {
    const { p, h } = setup({ rise: 1, fall: 1 });
    const [m, r] = p.all;
    master(h, m, 10);
    replica(h, r, 10);
    const busy = new ReplyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    h.result(m, [busy, busy, busy]);
    assert.deepEqual([m.up, m.eligible, m.offset], [true, true, 10]);
    h.result(r, [busy, busy, busy]);
    assert.deepEqual([r.up, r.eligible, r.reason], [true, false, 'busy running a script']);
    replica(h, r, 10);
    assert.deepEqual([r.eligible, r.busy], [true, false]);
  });
});

describe('a master back from a restart', () => {
  it('with a new replication id does not take its replicas out before it serves again (no read outage)', () => {
    const { p, h } = setup({ rise: 2, fall: 1 });
    const [m, r] = p.all;
    master(h, m, 100, 'A');
    master(h, m, 100, 'A');
    replica(h, r, 100, ['master_replid:A']);
    assert.deepEqual([m.eligible, r.eligible], [true, true]);
    h.failure(m, 'connection refused');
    assert.equal(m.eligible, false);
    replica(h, r, 100, ['master_replid:A', 'master_link_status:down']);
    assert.equal(r.eligible, true, 'the master down: the replica serves');
    // Restarted: a new id at its first check, not yet serving (rise 2). The replica still has A.
    master(h, m, 0, 'B');
    assert.equal(m.eligible, false);
    assert.deepEqual([r.eligible, r.reason], [true, ''], 'reads go on while the master rises');
    // A replica re-pointed at another server meanwhile is caught by the id it served with.
    replica(h, r, 5, ['master_replid:C']);
    assert.deepEqual([r.eligible, r.reason], [false, 'replicating from another master']);
    replica(h, r, 100, ['master_replid:A', 'master_link_status:down']);
    assert.equal(r.eligible, true);
    // Resynced to the restarted master before it serves: its id is the master's current one.
    replica(h, r, 0, ['master_replid:B']);
    assert.deepEqual([r.eligible, r.reason], [true, '']);
    replica(h, r, 100, ['master_replid:A', 'master_link_status:down']);
    // Serving again: the replica is out until it has resynced (link down, then syncing), then in.
    master(h, m, 0, 'B');
    assert.deepEqual([m.eligible, r.eligible, r.reason], [true, false, 'link to master down']);
    replica(h, r, 0, ['master_replid:A', 'master_sync_in_progress:1']);
    assert.deepEqual([r.eligible, r.reason], [false, 'syncing']);
    replica(h, r, 0, ['master_replid:B']);
    assert.equal(r.eligible, true);
  });
});

describe('intermittent check failures', () => {
  it('a replica failing every other check (a gray failure) is taken out; the master keeps the consecutive rule', () => {
    const { p, h } = setup({ rise: 1, fall: 2 });
    const [m, r] = p.all;
    master(h, m, 10);
    replica(h, r, 10);
    for (const b of [m, r]) {
      for (let i = 0; i < 3; i++) {
        h.failure(b, 'health check timed out after 100 ms');
        if (b.isMaster) master(h, b, 10);
        else replica(h, b, 10);
      }
    }
    assert.equal(m.eligible, true, 'the master is out after failures that were never consecutive');
    // The replica: out at its second failure within four checks, whatever came between.
    h.failure(r, 'health check timed out after 100 ms');
    assert.equal(r.eligible, false);
    // Four good checks in a row clear the history.
    for (let i = 0; i < 4; i++) replica(h, r, 10);
    h.failure(r, 'health check timed out after 100 ms');
    assert.equal(r.eligible, true, 'one failure after a clean run takes a replica out');
  });
});
