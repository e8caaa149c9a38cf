// Persistence behaviour of the store: SAVE/BGSAVE/LASTSAVE replies and INFO persistence, the
// point-in-time guarantee of BGSAVE under concurrent writes, save points, FLUSHALL and shutdown saves,
// loading at start and refusing to start on a bad file, MISCONF after a failed BGSAVE, DEBUG RELOAD.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startStore, startRedis, tmpDir, freePort, startStoreProcess, ROOT, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { encodeCommand } from '../src/resp/encode';
import { Server } from '../src/store/server';
import { Config } from '../src/store/config';
import { HashValue } from '../src/store/types/hash';
import { rdbBytes, loadRdb } from '../src/store/rdb';
import { persistenceState } from '../src/store/rdb/state';
import { datasetOf, normalize } from './rdb-dataset';

async function info(c: RawClient): Promise<Map<string, string>> {
  const v = (await c.value('INFO', 'persistence')) as Buffer;
  const m = new Map<string, string>();
  for (const line of v.toString('latin1').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function freshServer(): Server {
  const config = new Config();
  config.set('save', [''], true);
  return new Server({ config });
}

describe('persistence (RDB files)', function () {
  this.timeout(30000);
  const dirs: string[] = [];
  const stores: InProcessStore[] = [];
  const clients: RawClient[] = [];
  const dir = (): string => {
    const d = tmpDir('resplit-persist-');
    dirs.push(d);
    return d;
  };
  const store = async (d: Record<string, string>): Promise<{ s: InProcessStore; c: RawClient }> => {
    const s = await startStore(d);
    stores.push(s);
    const c = await RawClient.connect(s.port);
    clients.push(c);
    return { s, c };
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of stores.splice(0)) await s.stop();
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('SAVE writes the file (no temp file left); LASTSAVE and INFO persistence follow, with Redis field names', async () => {
    const d = dir();
    const { s, c } = await store({ dir: d, dbfilename: 'x.rdb' });
    await c.send('SET', 'a', '1');
    await c.send('SET', 'b', '2');
    let i = await info(c);
    assert.equal(i.get('rdb_changes_since_last_save'), '2');
    assert.equal(i.get('rdb_saves'), '0');
    assert.equal(await c.str('SAVE'), '+OK\r\n');
    assert.deepEqual(fs.readdirSync(d), ['x.rdb']);
    i = await info(c);
    assert.equal(i.get('rdb_changes_since_last_save'), '0');
    assert.equal(i.get('rdb_saves'), '1');
    assert.equal(await c.str('LASTSAVE'), `:${i.get('rdb_last_save_time')}\r\n`);
    assert.equal(await c.str('SAVE', 'x'), "-ERR wrong number of arguments for 'save' command\r\n");
    const back = freshServer();
    loadRdb(back, fs.readFileSync(path.join(d, 'x.rdb')));
    assert.deepEqual(datasetOf(back), datasetOf(s.server));
    const redis = await startRedis();
    if (redis) {
      try {
        const rc = await RawClient.connect(redis.port);
        assert.deepEqual([...(await info(rc)).keys()], [...i.keys()]);
        rc.close();
      } finally {
        await redis.stop();
      }
    }
  });

  it('BGSAVE replies as Redis: started, already in progress, syntax errors, scheduled inside EXEC', async () => {
    const d = dir();
    const { s, c } = await store({ dir: d, dbfilename: 'bg.rdb' });
    for (let i = 0; i < 100000; i++) s.server.dbs[0].set(`k${i}`, `v${i}`);
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    assert.equal(await c.str('BGSAVE'), '-ERR Background save already in progress\r\n');
    assert.equal(await c.str('BGSAVE', 'SCHEDULE'), '-ERR Background save already in progress\r\n');
    assert.equal(await c.str('SAVE'), '-ERR Background save already in progress\r\n');
    assert.equal((await info(c)).get('rdb_bgsave_in_progress'), '1');
    assert.equal(await c.str('BGSAVE', 'x'), '-ERR syntax error\r\n');
    assert.equal(await c.str('BGSAVE', 'SCHEDULE', 'x'), '-ERR syntax error\r\n');
    const st = persistenceState(s.server);
    await st.bgsave;
    const i = await info(c);
    assert.equal(i.get('rdb_bgsave_in_progress'), '0');
    assert.equal(i.get('rdb_last_bgsave_status'), 'ok');
    assert.equal(i.get('rdb_saves'), '1');
    assert.equal(i.get('rdb_changes_since_last_save'), '0');
    assert.equal(fs.readdirSync(d).join(), 'bg.rdb');
    await c.send('MULTI');
    await c.send('BGSAVE');
    assert.equal(await c.str('EXEC'), '*1\r\n+Background saving scheduled\r\n');
    await until(() => st.bgsave !== null || st.saves === 2);
    await st.bgsave;
    assert.equal(st.saves, 2, 'the scheduled BGSAVE ran from the cron');
  });

  it('BGSAVE of 200k keys while another client writes holds exactly the pre-BGSAVE dataset', async () => {
    const d = dir();
    const { s, c } = await store({ dir: d, dbfilename: 'pit.rdb' });
    const db = s.server.dbs[0];
    const N = 200000;
    for (let i = 0; i < N; i++) db.set(`key:${i}`, `value:${i}`);
    for (let i = 0; i < 50; i++) s.server.dbs[1].set(`h${i}`, HashValue.from([['f', String(i)]]));
    const before = rdbBytes(s.server); // reference: the dataset before BGSAVE
    const w = await RawClient.connect(s.port);
    clients.push(w);
    const st = persistenceState(s.server);
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    let writes = 0;
    let round = 0;
    while (st.bgsave) {
      const batch: string[] = [];
      for (let j = 0; j < 50; j++) {
        const k = (round * 7919 + j * 104729) % N;
        batch.push(`SET key:${k} changed\r\n`, `DEL key:${N - 1 - k}\r\n`, `SET new:${round}:${j} x\r\n`);
      }
      batch.push(`SELECT 1\r\nDEL h${round % 50}\r\nSELECT 0\r\n`);
      w.write(batch.join(''));
      await w.read(150 + 3);
      writes += 150;
      round++;
    }
    assert.ok(writes >= 150, `writes happened during BGSAVE (${writes})`);
    assert.equal((await info(c)).get('rdb_last_bgsave_status'), 'ok');
    const a = freshServer();
    loadRdb(a, before);
    const b = freshServer();
    loadRdb(b, fs.readFileSync(path.join(d, 'pit.rdb')));
    assert.equal(b.dbs[0].size, N);
    for (const id of [0, 1]) {
      const x = a.dbs[id];
      const y = b.dbs[id];
      assert.equal(y.size, x.size);
      for (const [k, v] of x.data) {
        const w2 = y.data.get(k);
        if (typeof v === 'string' ? w2 !== v : JSON.stringify(normalize(w2!)) !== JSON.stringify(normalize(v))) assert.fail(`key ${k} differs`);
        if (y.expires.get(k) !== x.expires.get(k)) assert.fail(`expiry of ${k} differs`);
      }
    }
  });

  it('save points start a BGSAVE from the cron', async () => {
    const d = dir();
    const { s, c } = await store({ dir: d, dbfilename: 'sp.rdb', save: '5 2', hz: '100' });
    const st = persistenceState(s.server);
    st.lastSave -= 10; // as if the last save was 10 s ago
    await c.send('SET', 'a', '1');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(st.saves, 0, 'one change is below the save point');
    await c.send('SET', 'b', '1');
    await until(() => fs.existsSync(path.join(d, 'sp.rdb')));
    await until(() => st.bgsave === null);
    assert.equal((await info(c)).get('rdb_changes_since_last_save'), '0');
  });

  it('FLUSHALL saves when save points are set (and only then)', async () => {
    const d = dir();
    const { c } = await store({ dir: d, dbfilename: 'fa.rdb', save: '3600 1' });
    await c.send('SET', 'a', '1');
    assert.equal(await c.str('FLUSHALL'), '+OK\r\n');
    const b = freshServer();
    loadRdb(b, fs.readFileSync(path.join(d, 'fa.rdb')));
    assert.deepEqual(datasetOf(b), {});
    const i = await info(c);
    assert.equal(i.get('rdb_changes_since_last_save'), '0');
    assert.equal(i.get('rdb_saves'), '0');
    const d2 = dir();
    const { c: c2 } = await store({ dir: d2, dbfilename: 'fa.rdb' });
    await c2.send('SET', 'a', '1');
    await c2.send('FLUSHALL');
    assert.deepEqual(fs.readdirSync(d2), []);
  });

  it('shutdown saves when save points are set, unless NOSAVE; SAVE forces it', async () => {
    const run = async (save: string, opt: boolean | null): Promise<boolean> => {
      const d = dir();
      const s = await startStore({ dir: d, dbfilename: 'sd.rdb', save });
      s.server.dbs[0].set('k', 'v');
      await s.server.shutdown({ save: opt });
      return fs.existsSync(path.join(d, 'sd.rdb'));
    };
    assert.equal(await run('3600 1', null), true);
    assert.equal(await run('3600 1', false), false);
    assert.equal(await run('', null), false);
    assert.equal(await run('', true), true);
  });

  it("a final save that fails stops the shutdown, as Redis: SHUTDOWN gets an error, SIGTERM is survived, SHUTDOWN FORCE exits", async () => {
    const d = dir();
    const srv = await startStoreProcess(['--dir', d, '--dbfilename', 'x.rdb', '--save', '3600 1']);
    try {
      const c = await RawClient.connect(srv.port);
      assert.equal(await c.str('SET', 'a', '1'), '+OK\r\n');
      // The snapshot cannot replace a directory of its name.
      fs.mkdirSync(path.join(d, 'x.rdb'));
      assert.equal(await c.str('SHUTDOWN'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
      assert.equal(await c.str('GET', 'a'), '$1\r\n1\r\n');
      srv.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(srv.proc.exitCode, null, 'exited on SIGTERM with its data unsaved');
      const c2 = await RawClient.connect(srv.port);
      assert.equal(await c2.str('PING'), '+PONG\r\n');
      assert.match(srv.output(), /Error trying to save the DB, can't exit\./);
      const exited = new Promise((r) => srv.proc.once('exit', r));
      c2.write(encodeCommand(['SHUTDOWN', 'FORCE']));
      await exited;
      assert.match(srv.output(), /Error trying to save the DB\. Exit anyway\./);
      // Redis's last line, which supervisors and Redis's own suite wait for.
      assert.match(srv.output(), /Redis is now ready to exit, bye bye\.\.\./);
      c.close();
      c2.close();
    } finally {
      await srv.stop();
    }
  });

  it('a shutdown waiting for a lagging replica shows shutdown_in_milliseconds and is cancelled by SHUTDOWN ABORT', async () => {
    const d = dir();
    const m = await startStoreProcess(['--dir', d, '--save', '', '--shutdown-timeout', '20', '--repl-diskless-sync-delay', '0']);
    const r = await startStoreProcess(['--replicaof', '127.0.0.1', String(m.port), '--save', '']);
    const c = await RawClient.connect(m.port);
    try {
      assert.doesNotMatch(await c.str('INFO', 'server'), /shutdown_in_milliseconds/);
      assert.equal(await c.str('SHUTDOWN', 'ABORT'), '-ERR No shutdown in progress.\r\n');
      const online = async () => /slave0:.*state=online/.test(await c.str('INFO', 'replication'));
      for (let i = 0; i < 100 && !(await online()); i++) await new Promise((res) => setTimeout(res, 50));
      assert.ok(await online(), 'the replica never synced');
      r.proc.kill('SIGSTOP');
      assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
      m.proc.kill('SIGTERM');
      await new Promise((res) => setTimeout(res, 300));
      const c2 = await RawClient.connect(m.port);
      const left = Number(/shutdown_in_milliseconds:(\d+)/.exec(await c2.str('INFO', 'server'))?.[1]);
      assert.ok(left > 10000 && left <= 20000, `shutdown_in_milliseconds ${left}`);
      assert.equal(await c2.str('SHUTDOWN', 'ABORT'), '+OK\r\n');
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(m.proc.exitCode, null, 'the aborted shutdown exited all the same');
      assert.match(m.output(), /Shutdown manually aborted\./);
      assert.doesNotMatch(await c2.str('INFO', 'server'), /shutdown_in_milliseconds/);
      assert.equal(await c2.str('SET', 'k2', 'v'), '+OK\r\n');
      c2.close();
    } finally {
      c.close();
      r.proc.kill('SIGCONT');
      await r.stop();
      await m.stop();
    }
  });

  it('a second SHUTDOWN while one waits for a lagging replica joins it (same error for both; the process did exit at once)', async () => {
    const d = dir();
    const m = await startStoreProcess(['--dir', d, '--dbfilename', 'x.rdb', '--save', '3600 1', '--shutdown-timeout', '1', '--repl-diskless-sync-delay', '0']);
    const r = await startStoreProcess(['--replicaof', '127.0.0.1', String(m.port), '--save', '']);
    const c = await RawClient.connect(m.port);
    const c1 = await RawClient.connect(m.port);
    const c2 = await RawClient.connect(m.port);
    try {
      const online = async () => /slave0:.*state=online/.test(await c.str('INFO', 'replication'));
      for (let i = 0; i < 100 && !(await online()); i++) await new Promise((res) => setTimeout(res, 50));
      assert.ok(await online(), 'the replica never synced');
      r.proc.kill('SIGSTOP');
      assert.equal(await c.str('INCR', 'k'), ':1\r\n');
      fs.mkdirSync(path.join(d, 'x.rdb'));
      const s1 = c1.str('SHUTDOWN');
      await new Promise((res) => setTimeout(res, 100));
      const s2 = c2.str('SHUTDOWN');
      assert.equal(await s1, '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
      assert.equal(await s2, '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
      assert.equal(m.proc.exitCode, null);
      assert.equal(await c.str('GET', 'k'), '$1\r\n1\r\n');
    } finally {
      c.close();
      c1.close();
      c2.close();
      r.proc.kill('SIGCONT');
      await r.stop();
      await m.stop();
    }
  });

  it('an aborted shutdown lifts the write pause it set for a lagging replica (writes go on at once, as Redis)', async () => {
    const d = dir();
    const m = await startStoreProcess(['--dir', d, '--dbfilename', 'x.rdb', '--save', '3600 1', '--shutdown-timeout', '1', '--repl-diskless-sync-delay', '0']);
    const r = await startStoreProcess(['--replicaof', '127.0.0.1', String(m.port), '--save', '']);
    const c = await RawClient.connect(m.port);
    try {
      const online = async () => /slave0:.*state=online/.test(await c.str('INFO', 'replication'));
      for (let i = 0; i < 100 && !(await online()); i++) await new Promise((res) => setTimeout(res, 50));
      assert.ok(await online(), 'the replica never synced');
      r.proc.kill('SIGSTOP');
      assert.equal(await c.str('SET', 'k', 'v'), '+OK\r\n');
      fs.mkdirSync(path.join(d, 'x.rdb'));
      const shutdown = c.str('SHUTDOWN');
      // While it waits for the replica, the server still takes new clients (as Redis): reads are served.
      await new Promise((res) => setTimeout(res, 300));
      const late = await RawClient.connect(m.port);
      assert.equal(await late.str('GET', 'k'), '$1\r\nv\r\n');
      late.close();
      assert.equal(await shutdown, '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
      // Redis's finishShutdown lines, which Redis's shutdown suite looks for.
      await until(() => /0 of 1 replicas are in sync when shutting down\./.test(m.output()));
      assert.match(m.output(), /Lagging replica reported offset \d+ behind master, shutting down anyway\./);
      // Held for an hour before: the shutdown's pause outlived the aborted shutdown.
      assert.equal(await c.str('SET', 'k2', 'v2'), '+OK\r\n');
    } finally {
      c.close();
      r.proc.kill('SIGCONT');
      await r.stop();
      await m.stop();
    }
  });

  it('loads dir/dbfilename at start and refuses to start (non-zero exit, logged reason) on a bad file', async () => {
    const d = dir();
    const src = freshServer();
    src.dbs[0].set('greeting', 'hello');
    src.dbs[2].set('other', 'db');
    const good = rdbBytes(src);
    fs.writeFileSync(path.join(d, 'good.rdb'), good);
    const ok = await startStoreProcess(['--dir', d, '--dbfilename', 'good.rdb', '--save', '']);
    try {
      const c = await RawClient.connect(ok.port);
      assert.equal(await c.str('GET', 'greeting'), '$5\r\nhello\r\n');
      assert.equal((await info(c)).get('rdb_last_load_keys_loaded'), '2');
      c.close();
    } finally {
      await ok.stop();
    }
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    fs.writeFileSync(path.join(d, 'badsum.rdb'), bad);
    fs.writeFileSync(path.join(d, 'short.rdb'), good.subarray(0, good.length - 12));
    for (const [file, why] of [
      // Redis's rdbReportCorruptRDB lines, which log scrapers (and Redis's own suite) look for.
      ['badsum.rdb', /Wrong RDB checksum expected: \([0-9a-f]+\) got \([0-9a-f]+\)\. Aborting now\.[^]*Internal error in RDB reading offset 0, function at rdb\.c:0 -> RDB CRC error[^]*Terminating server after rdb file reading failure\./],
      ['short.rdb', /unexpected end of data/],
    ] as const) {
      const port = await freePort();
      const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'resplit-server'), '--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--dbfilename', file, '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout!.on('data', (x) => (out += x));
      proc.stderr!.on('data', (x) => (out += x));
      const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
      assert.notEqual(code, 0, file);
      assert.match(out, why);
      assert.match(out, /Fatal error loading the DB/);
    }
  });

  it('refuses writes with MISCONF after a failed BGSAVE (stop-writes-on-bgsave-error), until a save succeeds', async () => {
    const d = dir();
    const sub = path.join(d, 'gone');
    fs.mkdirSync(sub);
    const { s, c } = await store({ dir: sub, dbfilename: 'm.rdb', save: '3600 1' });
    const st = persistenceState(s.server);
    fs.rmSync(sub, { recursive: true });
    s.server.dbs[0].set('present', 'x');
    const hooks = s.server.keyChangeHooks.size;
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    await st.bgsave;
    assert.equal((await info(c)).get('rdb_last_bgsave_status'), 'err');
    assert.equal(s.server.keyChangeHooks.size, hooks, 'the failed snapshot released its copy-on-write hook');
    const misconf = (await c.str('SET', 'a', '1')).toString();
    assert.match(misconf, /^-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk\./);
    assert.equal(await c.str('GET', 'a'), '$-1\r\n');
    await c.send('MULTI');
    assert.match(await c.str('SET', 'a', '1'), /^-MISCONF/, 'refused while queueing, as Redis');
    assert.equal(await c.str('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
    assert.equal(await c.str('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no'), '+OK\r\n');
    assert.equal(await c.str('SET', 'a', '1'), '+OK\r\n');
    assert.equal(await c.str('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'), '+OK\r\n');
    fs.mkdirSync(sub);
    assert.equal(await c.str('BGSAVE'), '+Background saving started\r\n');
    await st.bgsave;
    assert.equal(await c.str('SET', 'a', '2'), '+OK\r\n');
  });

  it('DEBUG RELOAD (exposed as s.ext.debugReload) saves, flushes and loads back; bad options answer Redis text', async () => {
    const d = dir();
    const { s, c } = await store({ dir: d, dbfilename: 'r.rdb' });
    await c.send('SET', 'a', '1');
    const reload = s.server.ext.debugReload as (cl: unknown, argv: string[]) => void;
    const client = [...s.server.clients.values()][0];
    const call = async (...argv: string[]): Promise<string> => {
      reload(client, ['DEBUG', 'RELOAD', ...argv]);
      s.server.flush(client);
      return (await c.read(1))[0].toString('latin1');
    };
    assert.equal(await call(), '+OK\r\n');
    assert.equal(s.server.dbs[0].peek('a'), '1');
    assert.equal((await info(c)).get('rdb_changes_since_last_save'), '0');
    s.server.dbs[0].set('b', '2');
    assert.equal(await call('NOSAVE'), '+OK\r\n');
    assert.equal(s.server.dbs[0].peek('b'), undefined, 'NOSAVE reloads the file as saved');
    s.server.dbs[0].set('b', '2');
    assert.equal(await call('NOSAVE', 'NOFLUSH', 'MERGE'), '+OK\r\n');
    assert.equal(s.server.dbs[0].peek('b'), '2');
    assert.equal(await call('NOSAVE', 'NOFLUSH'), '-ERR Error trying to load the RDB dump\r\n');
    assert.equal(await call('BOGUS'), '-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n');
  });
});
