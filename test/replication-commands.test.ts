// Replication commands' replies and errors compared byte for byte with redis-server (REPLCONF, WAIT,
// REPLICAOF argument errors, ROLE, PSYNC parsing), the backlog ring buffer's offset arithmetic, and a
// chained replica (replica of a replica) fed from the proxied stream, all in-process and fast.

import assert from 'node:assert/strict';
import net from 'node:net';
import { useDiff } from './helpers/diff';
import { startStore, tmpDir, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { encodeCommand } from '../src/resp/encode';
import { Backlog } from '../src/store/replication/backlog';
import { replState } from '../src/store/replication';
import { until } from './replication-helpers';

describe('replication commands (differential)', function () {
  this.timeout(20000);
  const d = useDiff();

  it('REPLCONF options and errors', async () => {
    await d.check(['REPLCONF']);
    await d.check(['REPLCONF', 'listening-port']);
    await d.check(['REPLCONF', 'listening-port', 'x']);
    await d.check(['REPLCONF', 'listening-port', '1234']);
    await d.check(['REPLCONF', 'capa', 'eof', 'capa', 'psync2', 'capa', 'whatever']);
    await d.check(['REPLCONF', 'foo', 'bar']);
    await d.check(['REPLCONF', 'listening-port', '1', 'foo', 'bar']);
    await d.check(['REPLCONF', 'rdb-only', '2']);
    await d.check(['REPLCONF', 'rdb-only', 'x']);
    await d.check(['REPLCONF', 'rdb-filter-only', 'bogus']);
    await d.check(['REPLCONF', 'rdb-filter-only', 'functions "x y"']);
    await d.check(['REPLCONF', 'rdb-filter-only', '"unbalanced']);
    await d.check(['REPLCONF', 'rdb-filter-only', 'FUNCTIONS']);
    await d.check(['REPLCONF', 'rdb-filter-only', '']);
  });

  it('a filtered sync (redis-cli --replica) needs the EOF capability', async () => {
    // Fresh connections: the one above announced capa eof.
    for (const port of [d.store.port, d.redis.port]) {
      const c = await RawClient.connect(port);
      try {
        assert.equal(await c.str('REPLCONF', 'rdb-filter-only', ''), '+OK\r\n');
        // Refused, so the connection stays a normal client.
        assert.equal(await c.str('SYNC'), '-ERR Filtered replica requires EOF capability\r\n');
        assert.equal(await c.str('PSYNC', '?', '-1'), '-ERR Filtered replica requires EOF capability\r\n');
        assert.equal(await c.str('PING'), '+PONG\r\n');
      } finally {
        c.close();
      }
    }
  });

  it('WAIT arguments and an immediate answer without replicas', async () => {
    await d.check(['WAIT', 'x', '0']);
    await d.check(['WAIT', '1', 'x']);
    await d.check(['WAIT', '1', '-1']);
    await d.check(['WAIT', '0', '0']);
    await d.check(['WAIT', '1', '50']);
    await d.check(['WAIT']);
  });

  it('REPLICAOF / SLAVEOF argument errors, NO ONE on a master, ROLE of a lone master', async () => {
    await d.check(['REPLICAOF', '127.0.0.1', 'x']);
    await d.check(['REPLICAOF', '127.0.0.1', '70000']);
    await d.check(['SLAVEOF', '127.0.0.1', '-1']);
    await d.check(['REPLICAOF', 'no', 'one']);
    await d.check(['SLAVEOF', 'NO', 'ONE']);
    await d.check(['REPLICAOF', 'no']);
    await d.check(['ROLE']);
    await d.check(['PSYNC', 'a']);
    await d.check(['PSYNC', 'a', 'x']);
    await d.check(['SYNC', 'a']);
    await d.check(['FAILOVER']);
    await d.seq([['MULTI'], ['PSYNC', 'a', '1'], ['SYNC'], ['EXEC']]);
  });
});

describe('replication backlog ring buffer', () => {
  it('keeps the last size bytes addressed by offset, across wraps and resizes', () => {
    const b = new Backlog(10, 0);
    assert.equal(b.offset, 1);
    b.append(Buffer.from('abcdef'));
    assert.equal(b.histlen, 6);
    assert.ok(b.covers(1) && b.covers(7) && !b.covers(8));
    assert.equal(b.copyFrom(3).toString(), 'cdef');
    b.append(Buffer.from('ghijkl')); // stream "abcdefghijkl", keeps "cdefghijkl"
    assert.equal(b.offset, 3);
    assert.equal(b.histlen, 10);
    assert.ok(!b.covers(2) && b.covers(3) && b.covers(13));
    assert.equal(b.copyFrom(3).toString(), 'cdefghijkl');
    assert.equal(b.copyFrom(11).toString(), 'kl');
    assert.equal(b.copyFrom(13).length, 0);
    b.append(Buffer.from('0123456789ABC')); // longer than the buffer
    assert.equal(b.offset, 16);
    assert.equal(b.copyFrom(16).toString(), '3456789ABC');
    b.resize(4);
    assert.equal(b.offset, 22);
    assert.equal(b.copyFrom(22).toString(), '9ABC');
    b.resize(8);
    b.append(Buffer.from('xyz'));
    assert.equal(b.copyFrom(22).toString(), '9ABCxyz');
    assert.equal(b.endOffset, 28);
  });
});

describe('chained replication (in-process)', function () {
  this.timeout(20000);
  let m: InProcessStore;
  let a: InProcessStore;
  let b: InProcessStore;

  before(async () => {
    // Replicas keep the RDB of a full sync as their dump file: keep it out of the working directory.
    m = await startStore({ 'repl-diskless-sync-delay': '0', dir: tmpDir() });
    a = await startStore({ 'repl-diskless-sync-delay': '0', dir: tmpDir() });
    b = await startStore({ dir: tmpDir() });
  });
  after(async () => {
    await Promise.all([b?.stop(), a?.stop(), m?.stop()]);
  });

  it('a replica of a replica receives the proxied stream with the same offsets', async () => {
    const cm = await RawClient.connect(m.port);
    const ca = await RawClient.connect(a.port);
    const cb = await RawClient.connect(b.port);
    try {
      await cm.send('SET', 'before', '1');
      assert.equal(await ca.str('REPLICAOF', '127.0.0.1', m.port), '+OK\r\n');
      await until('a linked', () => replState(a.server).linkState === 'connected');
      assert.equal(await cb.str('REPLICAOF', '127.0.0.1', a.port), '+OK\r\n');
      await until('b linked', () => replState(b.server).linkState === 'connected');
      await cm.send('SELECT', '4');
      await cm.send('RPUSH', 'l', 'x', 'y');
      await cm.send('SET', 'big', 'z'.repeat(100000));
      await until('b caught up', () => replState(b.server).offset === replState(m.server).offset);
      assert.equal(replState(a.server).offset, replState(m.server).offset);
      assert.equal(replState(b.server).replid, replState(m.server).replid);
      await cb.send('SELECT', '4');
      assert.equal(await cb.str('LRANGE', 'l', '0', '-1'), '*2\r\n$1\r\nx\r\n$1\r\ny\r\n');
      assert.equal((await cb.send('GET', 'big')).length, 100000 + 11);
      await cb.send('SELECT', '0');
      assert.equal(await cb.str('GET', 'before'), '$1\r\n1\r\n');
    } finally {
      cm.close();
      ca.close();
      cb.close();
    }
  });
});

describe('rdb-only replicas (redis-cli --rdb)', function () {
  this.timeout(20000);
  let m: InProcessStore;

  before(async () => {
    m = await startStore({ 'repl-diskless-sync-delay': '0', dir: tmpDir() });
  });
  after(async () => {
    await m?.stop();
  });

  it('gets the snapshot and nothing after it, then the master closes the link', async () => {
    const c = await RawClient.connect(m.port);
    await c.send('SET', 'k', 'v');
    c.close();
    const sock = net.connect(m.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    const ended = new Promise<void>((r) => sock.on('close', () => r()));
    const write = (...args: string[]) => sock.write(encodeCommand(args));
    write('REPLCONF', 'capa', 'eof');
    write('REPLCONF', 'rdb-only', '1');
    await until('the REPLCONF replies', () => Buffer.concat(chunks).toString('latin1') === '+OK\r\n+OK\r\n');
    write('PSYNC', '?', '-1');
    // A write while the transfer runs would go to the stream of a normal replica.
    const w = await RawClient.connect(m.port);
    await w.send('SET', 'during', 'x');
    const closedByMaster = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    w.close();
    sock.destroy();
    assert.ok(closedByMaster, 'the master kept the rdb-only link open');
    const all = Buffer.concat(chunks).toString('latin1');
    const m1 = /^\+OK\r\n\+OK\r\n\+FULLRESYNC [0-9a-f]{40} \d+\r\n\$EOF:([0-9a-f]{40})\r\n/.exec(all);
    assert.ok(m1, JSON.stringify(all.slice(0, 120)));
    assert.ok(all.endsWith(m1[1]), 'the payload ends with the EOF mark: no stream after it');
    assert.equal(replState(m.server).replicas.size, 0);
  });
});

describe('bind-source-addr', function () {
  this.timeout(20000);
  it("a replica's link to its master leaves from that address (the master lists it as the replica's ip)", async () => {
    const m = await startStore({ 'repl-diskless-sync-delay': '0', dir: tmpDir() });
    const r = await startStore({ dir: tmpDir() });
    const cm = await RawClient.connect(m.port);
    const cr = await RawClient.connect(r.port);
    try {
      // 127.0.0.2 is not 127.0.0.1: protected mode would refuse the link (as Redis's own test sets it).
      assert.equal(await cm.str('CONFIG', 'SET', 'protected-mode', 'no'), '+OK\r\n');
      assert.equal(await cr.str('CONFIG', 'SET', 'bind-source-addr', '127.0.0.2'), '+OK\r\n');
      assert.equal(await cr.str('CONFIG', 'GET', 'bind-source-addr'), '*2\r\n$16\r\nbind-source-addr\r\n$9\r\n127.0.0.2\r\n');
      assert.equal(await cr.str('REPLICAOF', '127.0.0.1', m.port), '+OK\r\n');
      await until('linked', () => replState(r.server).linkState === 'connected');
      const info = ((await cm.value('INFO', 'replication')) as Buffer).toString();
      assert.match(info, /slave0:ip=127\.0\.0\.2,/);
    } finally {
      cm.close();
      cr.close();
      await Promise.all([r.stop(), m.stop()]);
    }
  });
});

describe('writable replica: keys its own clients gave a TTL', function () {
  this.timeout(20000);
  let m: InProcessStore;
  let r: InProcessStore;

  before(async () => {
    m = await startStore({ 'repl-diskless-sync-delay': '0', 'enable-debug-command': 'yes', dir: tmpDir() });
    r = await startStore({ 'replica-read-only': 'no', 'enable-debug-command': 'yes', dir: tmpDir() });
  });
  after(async () => {
    await Promise.all([r?.stop(), m?.stop()]);
  });

  // Redis's rememberSlaveKeyWithExpire/expireSlaveKeys: the master never sends a DEL for a key it does
  // not have, so the replica's cron expires these itself; the master's own volatile keys still wait.
  it('are expired by the replica itself; the master\'s keys still wait for its DEL', async () => {
    const cm = await RawClient.connect(m.port);
    const cr = await RawClient.connect(r.port);
    try {
      assert.equal(await cr.str('REPLICAOF', '127.0.0.1', m.port), '+OK\r\n');
      await until('linked', () => replState(r.server).linkState === 'connected');
      assert.equal(await cm.str('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
      await cm.send('SELECT', '5');
      await cm.send('SET', 'frommaster', 'x', 'PX', '50');
      await until('replicated', () => replState(r.server).offset === replState(m.server).offset);
      await cr.send('SELECT', '5');
      await cr.send('SET', 'k1', '1', 'PX', '100');
      await cr.send('SET', 'k2', '2');
      await cr.send('PEXPIRE', 'k2', '100');
      await cr.send('SET', 'k3', '3', 'PX', '100');
      await cr.send('PERSIST', 'k3');
      assert.equal(await cr.str('DBSIZE'), ':4\r\n');
      assert.match(await cr.str('INFO', 'stats'), /\r\nslave_expires_tracked_keys:[23]\r\n/); // k3 (PERSISTed) goes at the next cron pass
      await until('own keys expired', async () => (await cr.str('DBSIZE')) === ':2\r\n');
      assert.equal(await cr.str('EXISTS', 'k3'), ':1\r\n');
      // The master's key is logically expired on the replica, but kept until the master's DEL.
      assert.equal(await cr.str('EXISTS', 'frommaster'), ':0\r\n');
      assert.equal(r.server.slaveKeysWithExpire.size, 0);
      await cm.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      await until('master DEL applied', async () => (await cr.str('DBSIZE')) === ':1\r\n');
    } finally {
      cm.close();
      cr.close();
    }
  });

  // Redis's lookupKey: a write lookup on a writable replica deletes the expired key (a read only hides
  // it); INCR kept the master's expired TTL on the value it created, so the new key read as missing.
  it('a write to an expired key from the master replaces it: INCR starts from 0 without the old TTL', async () => {
    const cm = await RawClient.connect(m.port);
    const cr = await RawClient.connect(r.port);
    try {
      assert.equal(await cm.str('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
      await cm.send('SELECT', '6');
      await cm.send('SET', 'key1', '5', 'PX', '10');
      await cm.send('SET', 'key2', '5', 'PX', '10');
      await until('replicated', () => replState(r.server).offset === replState(m.server).offset);
      await cr.send('SELECT', '6');
      await until('expired', async () => (await cr.str('EXISTS', 'key1', 'key2')) === ':0\r\n');
      assert.equal(await cr.str('DBSIZE'), ':2\r\n');
      assert.equal(await cr.str('INCR', 'key1'), ':1\r\n');
      assert.equal(await cr.str('TTL', 'key1'), ':-1\r\n');
      assert.equal(await cr.str('GET', 'key2'), '$-1\r\n');
      // DEBUG OBJECT looks at the key as stored (Redis's dictFind): logically expired, still there.
      assert.match(await cr.str('DEBUG', 'OBJECT', 'key2'), /^\+Value at:/);
      assert.equal(await cr.str('DBSIZE'), ':2\r\n');
    } finally {
      await cm.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      cm.close();
      cr.close();
    }
  });

  // Redis 7.0's DEBUG REPLICATE and afterErrorReply: a command of the master's stream that fails on the
  // replica is counted (unexpected_error_replies) and logged; propagation-error-behavior ignore (the
  // default) keeps the link, and the setting exists for CONFIG SET.
  it('DEBUG REPLICATE feeds a command to the replicas; one failing there counts as an unexpected error', async () => {
    const cm = await RawClient.connect(m.port);
    const cr = await RawClient.connect(r.port);
    try {
      assert.equal(await cr.str('CONFIG', 'SET', 'propagation-error-behavior', 'ignore'), '+OK\r\n');
      assert.equal(await cr.str('CONFIG', 'SET', 'propagation-error-behavior', 'bogus'), "-ERR CONFIG SET failed (possibly related to argument 'propagation-error-behavior') - argument(s) must be one of the following: ignore, panic, panic-on-replicas\r\n");
      const before = r.server.stats.unexpectedErrorReplies;
      assert.equal(await cm.str('DEBUG', 'REPLICATE', 'fake-command-1'), '+OK\r\n');
      await cm.send('SET', 'after-fake', '1');
      await until('replicated', () => replState(r.server).offset === replState(m.server).offset);
      assert.equal(r.server.stats.unexpectedErrorReplies, before + 1);
      assert.match(await cr.str('INFO', 'stats'), new RegExp(`\r\nunexpected_error_replies:${before + 1}\r\n`));
      assert.equal(replState(r.server).linkState, 'connected');
      assert.equal(await cr.str('GET', 'after-fake'), '$1\r\n1\r\n');
    } finally {
      cm.close();
      cr.close();
    }
  });
});

describe('a master turning replica with blocked clients (issue #2473)', function () {
  this.timeout(20000);
  let a: InProcessStore;
  let b: InProcessStore;

  before(async () => {
    a = await startStore({ 'repl-diskless-sync-delay': '0', dir: tmpDir() });
    b = await startStore({ 'repl-diskless-sync-delay': '0', dir: tmpDir() });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  // Redis's disconnectAllBlockedClients: left blocked, the BLPOP would be served by the push the new
  // master replicates, popping on the replica alone.
  it('BLPOP and WAIT clients get UNBLOCKED and are closed; the replica ends with the master\'s list', async () => {
    const blocked = await RawClient.connect(a.port);
    const waiting = await RawClient.connect(a.port);
    const ca = await RawClient.connect(a.port);
    const cb = await RawClient.connect(b.port);
    try {
      const pop = blocked.str('BLPOP', 'foo', '0');
      const wait = waiting.str('WAIT', '1', '0');
      await until('blocked', async () => /blocked_clients:2\r\n/.test(await ca.str('INFO', 'clients')));
      assert.equal(await ca.str('REPLICAOF', '127.0.0.1', b.port), '+OK\r\n');
      const err = '-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n';
      assert.equal(await pop, err);
      assert.equal(await wait, err);
      await blocked.waitClose();
      await waiting.waitClose();
      // Counted as Redis's addReplyError counts them.
      assert.match(await ca.str('INFO', 'errorstats'), /errorstat_UNBLOCKED:count=2\r\n/);
      await until('linked', () => replState(a.server).linkState === 'connected');
      await cb.send('RPUSH', 'foo', 'a', 'b', 'c');
      await until('replicated', () => replState(a.server).offset === replState(b.server).offset);
      assert.equal(await ca.str('LRANGE', 'foo', '0', '-1'), '*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    } finally {
      for (const c of [blocked, waiting, ca, cb]) c.close();
    }
  });
});
