// Configuration: redis.conf-style files (include, quoting, warnings, errors naming file and line,
// accumulating save lines), CONFIG REWRITE (comments and unknown lines kept, values replaced in
// place, new ones appended), CONFIG SET applied live (maxclients, requirepass, proto-max-bulk-len,
// client-output-buffer-limit), and the standalone process (config/*.conf, dir, SHUTDOWN).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Config } from '../src/store/config';
import { loadConfigArgs, ConfigError } from '../src/store/config-file';
import { rewriteConfigFile, formatMemory } from '../src/store/config-rewrite';
import { startStore, startStoreProcess, tmpDir, ROOT, freePort } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { until } from './replication-helpers';

function write(dir: string, name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('config files', () => {
  const dir = tmpDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes an option's name and value in one command-line argument ('--maxmemory 700mb'), as Redis 7.0", () => {
    const c = new Config();
    loadConfigArgs(c, ['--maxmemory 700mb', '--maxmemory-policy volatile-lru', '--hz', '30']);
    assert.equal(c.get('maxmemory'), String(700 * 1024 * 1024));
    assert.equal(c.get('maxmemory-policy'), 'volatile-lru');
    assert.equal(c.get('hz'), '30');
    // Redis 7.0's other command-line forms: quoted values inside one argument, an option value
    // that starts with "--", values before any option name, and --save with no value.
    const d = new Config();
    loadConfigArgs(d, ["--maxmemory-policy 'allkeys-lru'", '--logfile', '--my--log--file', '--save', '--hz', '20']);
    assert.equal(d.get('maxmemory-policy'), 'allkeys-lru');
    assert.equal(d.get('logfile'), '--my--log--file');
    assert.equal(d.get('save'), '');
    assert.equal(d.get('hz'), '20');
    const e = new Config();
    assert.equal(e.get('proc-title-template'), '{title} {listen-addr} {server-mode}');
    loadConfigArgs(e, ['--proc-title-template', '--my--title--template', '--loglevel', 'verbose']);
    assert.equal(e.get('proc-title-template'), '--my--title--template');
    assert.equal(e.get('loglevel'), 'verbose');
  });

  it('reads includes, quoted arguments, accumulating save lines and replicaof', () => {
    write(dir, 'base.conf', '# base\nhz 20\nsave 100 1\nsave 200 2\nrequirepass "a b\\"c"\n');
    const main = write(dir, 'main.conf', `include ${path.join(dir, 'base.conf')}\nport 7001\nsave 300 3\nreplicaof 127.0.0.1 6380\nmaxmemory 2mb\n`);
    const c = new Config();
    const r = loadConfigArgs(c, [main, '--hz', '30']);
    assert.equal(r.file, main);
    assert.deepEqual(r.warnings, []);
    assert.equal(c.get('hz'), '30');
    assert.equal(c.get('port'), '7001');
    assert.equal(c.get('save'), '100 1 200 2 300 3');
    assert.equal(c.get('requirepass'), 'a b"c');
    assert.equal(c.get('replicaof'), '127.0.0.1 6380');
    assert.equal(c.get('maxmemory'), String(2 * 1024 * 1024));
  });

  it('resolves an include next to the including file when the cwd has none', () => {
    write(dir, 'inc.conf', 'hz 42\n');
    const main = write(dir, 'rel.conf', 'include inc.conf\n');
    const c = new Config();
    loadConfigArgs(c, [main]);
    assert.equal(c.get('hz'), '42');
  });

  it('refuses unknown directives (a typo must not start a server without its password), warns about Redis-only ones, fails on malformed lines', () => {
    const c = new Config();
    const f1 = write(dir, 'unknown.conf', 'port 7002\nrequirepas secret\n');
    assert.throws(() => loadConfigArgs(c, [f1]), (e: Error) => e instanceof ConfigError && /unknown\.conf:2: Bad directive or wrong number of arguments \('requirepas'\)/.test(e.message));
    const f0 = write(dir, 'redisonly.conf', 'port 7002\ndisable-thp yes\ndaemonize yes\nunixsocket /tmp/r.sock\nnotify-keyspace-events KEA\nnotify-keyspace-events ""\n');
    const w = loadConfigArgs(new Config(), [f0]).warnings.join('\n');
    assert.match(w, /redisonly\.conf:2: directive 'disable-thp' is accepted but has no effect/);
    assert.match(w, /redisonly\.conf:3: daemonize yes is not supported/);
    // Settings that would silently do nothing are said to (unixsocket is a listener: no warning).
    assert.doesNotMatch(w, /redisonly\.conf:4/);
    assert.match(w, /redisonly\.conf:5: notify-keyspace-events is accepted but resplit-server sends no keyspace notifications/);
    assert.doesNotMatch(w, /redisonly\.conf:6/);
    const fa = write(dir, 'aof.conf', 'appendonly yes\n');
    assert.throws(() => loadConfigArgs(new Config(), [fa]), /aof\.conf:1: the append-only file is not supported by resplit-server/);
    const fr = write(dir, 'rename.conf', 'rename-command nosuchcmd x\n');
    assert.throws(() => loadConfigArgs(new Config(), [fr]), /rename\.conf:1: No such command in rename-command/);
    const ft = write(dir, 'rename2.conf', 'rename-command set get\n');
    assert.throws(() => loadConfigArgs(new Config(), [ft]), /rename2\.conf:1: Target command name already exists/);
    const fr3 = write(dir, 'rename3.conf', 'rename-command set s1\nrename-command set s2\n');
    assert.throws(() => loadConfigArgs(new Config(), [fr3]), /rename3\.conf:2: No such command in rename-command/);
    const fd = write(dir, 'deprecated.conf', 'list-max-ziplist-entries 512\nlua-replicate-commands yes\n');
    assert.equal(loadConfigArgs(new Config(), [fd]).warnings.length, 2);
    const f2 = write(dir, 'bad.conf', 'port 7002\n\nhz abc\n');
    assert.throws(() => loadConfigArgs(new Config(), [f2]), (e: Error) => e instanceof ConfigError && /bad\.conf:3: argument couldn't be parsed into an integer/.test(e.message));
    const f3 = write(dir, 'quote.conf', 'requirepass "abc\n');
    assert.throws(() => loadConfigArgs(new Config(), [f3]), /quote\.conf:1: unbalanced quotes/);
    const f4 = write(dir, 'args.conf', 'port 1 2\n');
    assert.throws(() => loadConfigArgs(new Config(), [f4]), /args\.conf:1: wrong number of arguments/);
    assert.throws(() => loadConfigArgs(new Config(), [path.join(dir, 'missing.conf')]), /can't open config file/);
  });

  it('save "" clears the save points', () => {
    const c = new Config();
    loadConfigArgs(c, [write(dir, 'nosave.conf', 'save 100 1\nsave ""\n')]);
    assert.equal(c.get('save'), '');
  });

  it('the shipped config/*.conf files load: master and replicas', () => {
    for (const [f, port] of [['master.conf', '6380'], ['replica1.conf', '6381'], ['replica2.conf', '6382']]) {
      const c = new Config();
      const r = loadConfigArgs(c, [path.join(ROOT, 'config', f)]);
      assert.deepEqual(r.warnings, [], f);
      assert.equal(c.get('port'), port);
      assert.equal(c.get('bind'), '127.0.0.1');
      assert.equal(c.get('dbfilename'), `dump-${port}.rdb`);
      assert.equal(c.get('replicaof'), f === 'master.conf' ? '' : '127.0.0.1 6380');
      assert.equal(c.get('save'), '3600 1 300 100 60 10000');
    }
  });
});

describe('CONFIG REWRITE', () => {
  const dir = tmpDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps comments and unknown lines, replaces in place, blanks surplus lines, appends the rest', () => {
    const f = write(dir, 'rw.conf', '# my comment\nport 7790\nsave 100 1\nsave 200 2\n# another\nhz 15\nmaxmemory 2mb\nloadmodule /x.so\n');
    const c = new Config();
    loadConfigArgs(c, [f]);
    assert.equal(c.setMany([['hz', '20'], ['maxmemory', '1073741824'], ['save', '10 1'], ['maxclients', '500'], ['client-output-buffer-limit', 'normal 1mb 2mb 3']], true), null);
    assert.equal(rewriteConfigFile(c, f, '/data/dir'), null);
    assert.equal(
      fs.readFileSync(f, 'utf8'),
      '# my comment\nport 7790\nsave 10 1\n\n# another\nhz 20\nmaxmemory 1gb\nloadmodule /x.so\n\n# Generated by CONFIG REWRITE\ndir "/data/dir"\nmaxclients 500\nclient-output-buffer-limit normal 1mb 2mb 3\n',
    );
    // A second rewrite is stable (the signature is not repeated).
    assert.equal(rewriteConfigFile(c, f, '/data/dir'), null);
    assert.equal(fs.readFileSync(f, 'utf8').match(/Generated by CONFIG REWRITE/g)!.length, 1);
    // And the rewritten file loads back to the same values.
    const c2 = new Config();
    loadConfigArgs(c2, [f]);
    for (const k of ['hz', 'maxmemory', 'save', 'maxclients', 'client-output-buffer-limit']) assert.equal(c2.get(k), c.get(k), k);
  });

  it('DEBUG CONFIG-REWRITE-FORCE-ALL: writes every directive, defaults included, and the file loads back to the same CONFIG GET *', async () => {
    const f = write(dir, 'all.conf', 'hz 12\n');
    const child = await startStoreProcess([f, '--dir', dir, '--enable-debug-command', 'yes']);
    const cc = await RawClient.connect(child.port);
    try {
      const before = (await cc.value('CONFIG', 'GET', '*')) as Buffer[];
      assert.equal(await cc.str('DEBUG', 'CONFIG-REWRITE-FORCE-ALL'), '+OK\r\n');
      const text = fs.readFileSync(f, 'utf8');
      // Defaults are written too (Redis's rewriteConfig(path, force_write=1)).
      assert.match(text, /\ntimeout 0\n/);
      assert.match(text, /\nmaxmemory-policy noeviction\n/);
      const c2 = new Config();
      loadConfigArgs(c2, [f]);
      const cfg = new Map<string, string>();
      for (let i = 0; i < before.length; i += 2) cfg.set(before[i].toString('latin1'), before[i + 1].toString('latin1'));
      for (const k of ['hz', 'timeout', 'save', 'maxmemory-policy', 'client-output-buffer-limit', 'appendonly', 'notify-keyspace-events']) assert.equal(c2.get(k), cfg.get(k), k);
    } finally {
      cc.close();
      await child.stop();
    }
  });

  it('shutdown-on-sigterm / shutdown-on-sigint: flag sets as Redis prints them, and SIGTERM obeys nosave', async () => {
    const d = tmpDir();
    const child = await startStoreProcess(['--dir', d, '--save', '3600 1']);
    const cc = await RawClient.connect(child.port);
    try {
      assert.equal(await cc.str('CONFIG', 'GET', 'shutdown-on-sigterm'), '*2\r\n$19\r\nshutdown-on-sigterm\r\n$7\r\ndefault\r\n');
      assert.equal(await cc.str('CONFIG', 'SET', 'shutdown-on-sigint', 'now save'), '+OK\r\n');
      assert.equal(await cc.str('CONFIG', 'GET', 'shutdown-on-sigint'), '*2\r\n$18\r\nshutdown-on-sigint\r\n$8\r\nsave now\r\n');
      assert.match(await cc.str('CONFIG', 'SET', 'shutdown-on-sigint', 'save nosave'), /^-ERR CONFIG SET failed/);
      assert.match(await cc.str('CONFIG', 'SET', 'shutdown-on-sigint', 'sometimes'), /^-ERR CONFIG SET failed/);
      assert.equal(await cc.str('CONFIG', 'SET', 'shutdown-on-sigterm', 'nosave now'), '+OK\r\n');
      assert.equal(await cc.str('SET', 'k', 'v'), '+OK\r\n');
      const exited = new Promise((r) => child.proc.once('exit', r));
      child.proc.kill('SIGTERM');
      await exited;
      assert.equal(fs.existsSync(path.join(d, 'dump.rdb')), false, 'nosave: no final snapshot despite the save point');
      // And the config file takes the flags as separate arguments, as CONFIG REWRITE writes them.
      const f = write(d, 'sig.conf', 'shutdown-on-sigterm nosave now\nshutdown-on-sigint save\n');
      const c2 = new Config();
      loadConfigArgs(c2, [f]);
      assert.equal(c2.get('shutdown-on-sigterm'), 'nosave now');
      assert.equal(c2.get('shutdown-on-sigint'), 'save');
    } finally {
      cc.close();
      await child.stop();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('formats memory as Redis does', () => {
    assert.deepEqual([0, 1024, 3000, 1048576, 3 * 1073741824].map(formatMemory), ['0', '1kb', '3000', '1mb', '3gb']);
  });

  it('through the command: rewrites the start-up file, or errors without one', async () => {
    const st = await startStore();
    const c = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('CONFIG', 'REWRITE'), '-ERR The server is running without a config file\r\n');
    } finally {
      c.close();
      await st.stop();
    }
    const f = write(dir, 'proc.conf', '# keep me\nhz 12\n');
    const child = await startStoreProcess([f, '--dir', dir]);
    const cc = await RawClient.connect(child.port);
    try {
      assert.equal(await cc.str('CONFIG', 'SET', 'hz', '33', 'timeout', '7'), '+OK\r\n');
      assert.equal(await cc.str('CONFIG', 'REWRITE'), '+OK\r\n');
      const text = fs.readFileSync(f, 'utf8');
      assert.match(text, /^# keep me\nhz 33\n/);
      assert.match(text, /\ntimeout 7\n/);
      assert.match(text, new RegExp(`\\ndir "${dir.replace(/[/\\]/g, '\\$&')}"\\n`));
    } finally {
      cc.close();
      await child.stop();
    }
  });

  // Redis's rewriteConfigReplicaOfOption: a replica's rewrite records its master, so that restarted
  // with the same file it is a replica again and continues with a partial resync from the repl-id /
  // repl-offset its final save recorded (the harness's "Partial resync after restart using RDB aux
  // fields"); a master's rewrite removes the directive.
  it('records the live master (replicaof host port); a restarted replica resyncs partially', async function () {
    this.timeout(30000);
    const mdir = tmpDir();
    const rdir = tmpDir();
    const master = await startStoreProcess(['--dir', mdir, '--repl-diskless-sync-delay', '0']);
    const f = write(rdir, 'replica.conf', `dir ${rdir}\n`);
    let replica = await startStoreProcess([f]);
    const port = replica.port;
    const cm = await RawClient.connect(master.port);
    try {
      let cr = await RawClient.connect(port);
      assert.equal(await cr.str('REPLICAOF', '127.0.0.1', master.port), '+OK\r\n');
      await cm.send('SET', 'k', 'v');
      await until('synced', async () => (await cr.str('GET', 'k')) === '$1\r\nv\r\n');
      assert.equal(await cr.str('CONFIG', 'REWRITE'), '+OK\r\n');
      assert.match(fs.readFileSync(f, 'latin1'), new RegExp(`\\nreplicaof 127\\.0\\.0\\.1 ${master.port}\\n`));
      cr.close();
      await replica.stop();
      await cm.send('SET', 'k2', 'v2');
      replica = await startStoreProcess([f], { port });
      cr = await RawClient.connect(port);
      await until('resynced', async () => (await cr.str('GET', 'k2')) === '$2\r\nv2\r\n');
      const stats = await cm.str('INFO', 'stats');
      assert.match(stats, /\r\nsync_full:1\r\n/);
      assert.match(stats, /\r\nsync_partial_ok:1\r\n/);
      assert.equal(await cr.str('REPLICAOF', 'NO', 'ONE'), '+OK\r\n');
      assert.equal(await cr.str('CONFIG', 'REWRITE'), '+OK\r\n');
      assert.doesNotMatch(fs.readFileSync(f, 'latin1'), /replicaof/);
      cr.close();
    } finally {
      cm.close();
      await Promise.all([replica.stop(), master.stop()]);
    }
  });
});

describe('CONFIG SET takes effect live', function () {
  this.timeout(15000);

  it('maxclients refuses connections beyond the limit', async () => {
    const st = await startStore({ maxclients: '2' });
    const a = await RawClient.connect(st.port);
    try {
      assert.equal(await a.str('CONFIG', 'SET', 'maxclients', '1'), '+OK\r\n');
      const b = await RawClient.connect(st.port);
      assert.deepEqual((await b.read(1)).map(String), ['-ERR max number of clients reached\r\n']);
      await b.waitClose();
      assert.equal(await a.str('CONFIG', 'SET', 'maxclients', '40'), '+OK\r\n');
      // Raising the limit beyond the listener's initial cap lets the extra clients in.
      const many = await Promise.all(Array.from({ length: 39 }, () => RawClient.connect(st.port)));
      for (const m of many) assert.equal(await m.str('PING'), '+PONG\r\n');
      for (const m of many) m.close();
    } finally {
      a.close();
      await st.stop();
    }
  });

  it('requirepass applies to new connections; clearing it frees unauthenticated ones', async () => {
    const st = await startStore();
    const a = await RawClient.connect(st.port);
    try {
      await a.send('CONFIG', 'SET', 'requirepass', 'secret');
      assert.equal(await a.str('PING'), '+PONG\r\n');
      const b = await RawClient.connect(st.port);
      assert.equal(await b.str('GET', 'x'), '-NOAUTH Authentication required.\r\n');
      assert.equal(await b.str('AUTH', 'wrong'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      const b2 = await RawClient.connect(st.port);
      await a.send('CONFIG', 'SET', 'requirepass', '');
      assert.equal(await b2.str('PING'), '+PONG\r\n');
      b.close();
      b2.close();
    } finally {
      a.close();
      await st.stop();
    }
  });

  it('proto-max-bulk-len changes the parser limit of connected clients', async () => {
    const st = await startStore();
    const a = await RawClient.connect(st.port);
    try {
      assert.equal(await a.str('CONFIG', 'SET', 'proto-max-bulk-len', '1048576'), '+OK\r\n');
      a.write('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
      assert.deepEqual((await a.read(1)).map(String), ['-ERR Protocol error: invalid bulk length\r\n']);
      await a.waitClose();
    } finally {
      a.close();
      await st.stop();
    }
  });

  it('client-output-buffer-limit disconnects a client over the hard limit', async () => {
    const st = await startStore({ 'client-output-buffer-limit': 'normal 1mb 0 0' });
    const a = await RawClient.connect(st.port);
    try {
      await a.send('SET', 'big', 'x'.repeat(512 * 1024));
      a.sock.pause();
      // Keep asking without reading: the unsent output grows past 1 MB.
      for (let i = 0; i < 64; i++) a.write('GET big\r\n');
      const deadline = Date.now() + 5000;
      while (st.server.stats.clientOutbufLimitDisconnections === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(st.server.stats.clientOutbufLimitDisconnections, 1);
      assert.equal(st.server.clients.size, 0);
    } finally {
      a.close();
      await st.stop();
    }
  });
});

describe('the standalone process', function () {
  this.timeout(20000);

  it('starts from config/master.conf, creates and enters dir, writes its pidfile, exits on SHUTDOWN', async () => {
    const cwd = tmpDir();
    const port = await freePort();
    const pidfile = path.join(cwd, 'test.pid');
    const child = await startStoreProcess([path.join(ROOT, 'config', 'master.conf'), '--port', String(port), '--pidfile', pidfile, '--save', ''], { port, cwd });
    const c = await RawClient.connect(port);
    try {
      assert.ok(fs.statSync(path.join(cwd, 'data')).isDirectory());
      assert.ok(fs.existsSync(pidfile));
      const v = (await c.value('CONFIG', 'GET', 'dir')) as Buffer[];
      assert.equal(String(v[1]), fs.realpathSync(path.join(cwd, 'data')));
      const info = String(await c.value('INFO', 'server'));
      assert.match(info, new RegExp(`config_file:${path.join(ROOT, 'config', 'master.conf').replace(/[/\\.]/g, '\\$&')}\r\n`));
      c.write('SHUTDOWN NOSAVE\r\n');
      await c.waitClose(5000);
      const code = await new Promise<number | null>((resolve) => (child.proc.exitCode !== null ? resolve(child.proc.exitCode) : child.proc.once('exit', (x) => resolve(x))));
      assert.equal(code, 0);
      assert.ok(!fs.existsSync(pidfile));
    } finally {
      c.close();
      await child.stop();
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  // Redis's unixsocket: it listened on TCP only and warned, so redis-cli -s / redis-benchmark -s (and
  // Redis's own psync2-reg test) could not connect.
  it('listens on unixsocket too: a stale file is replaced, clients show addr=<path>:0 and flag U, the file goes at shutdown', async () => {
    const d = tmpDir();
    const sock = path.join(d, 'socket');
    fs.writeFileSync(sock, 'stale');
    const child = await startStoreProcess(['--unixsocket', sock, '--save', '']);
    try {
      assert.ok(fs.statSync(sock).isSocket());
      const c = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(sock, () => resolve(s));
        s.once('error', reject);
      });
      const got: Buffer[] = [];
      c.on('data', (b) => got.push(b));
      c.write('SET k v\r\nCLIENT INFO\r\n');
      const deadline = Date.now() + 5000;
      while (!/\r\n\$\d+\r\n.*\r\n$/s.test(Buffer.concat(got).toString()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const text = Buffer.concat(got).toString();
      assert.match(text, /^\+OK\r\n/);
      assert.ok(text.includes(` addr=${sock}:0 laddr=${sock}:0 `), text);
      assert.match(text, / flags=U /);
      c.destroy();
      const tcp = await RawClient.connect(child.port);
      assert.equal(await tcp.str('GET', 'k'), '$1\r\nv\r\n');
      tcp.close();
    } finally {
      await child.stop();
    }
    assert.ok(!fs.existsSync(sock), 'the socket file was left behind');
  });

  it('SHUTDOWN of an in-process server stops it without exiting the process', async () => {
    const st = await startStore();
    const c = await RawClient.connect(st.port);
    c.write('SHUTDOWN NOSAVE\r\n');
    await c.waitClose();
    assert.ok(st.server.isClosing);
    await assert.rejects(RawClient.connect(st.port));
    await st.stop();
  });

  it('a malformed config file is a start-up error naming the file and line', async () => {
    const dir = tmpDir();
    const f = write(dir, 'broken.conf', 'port 7000\nmaxclients lots\n');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'resplit-server'), f], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /broken\.conf:2: argument couldn't be parsed into an integer/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('CONFIG SET port and bind', function () {
  this.timeout(15000);
  it('rebinds to a new port, keeps existing connections, refuses a busy port', async () => {
    const st = await startStore();
    const a = await RawClient.connect(st.port);
    const blocker = await startStore();
    try {
      const oldPort = st.port;
      const np = await freePort();
      a.write(`CONFIG SET port ${np}\r\nPING\r\n`);
      assert.deepEqual((await a.read(2)).map(String), ['+OK\r\n', '+PONG\r\n']);
      assert.equal(st.server.port, np);
      const b = await RawClient.connect(np);
      assert.equal(await b.str('PING'), '+PONG\r\n');
      b.close();
      await assert.rejects(RawClient.connect(oldPort));
      assert.equal(await a.str('CONFIG', 'SET', 'port', String(blocker.port)), "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n");
      assert.equal(String(((await a.value('CONFIG', 'GET', 'port')) as Buffer[])[1]), String(np));
      assert.equal(await a.str('CONFIG', 'SET', 'bind', '192.0.2.1'), "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n");
      const c2 = await RawClient.connect(np);
      assert.equal(await c2.str('PING'), '+PONG\r\n');
      c2.close();
    } finally {
      a.close();
      await st.stop();
      await blocker.stop();
    }
  });

  it('rebinds to a set of addresses that shares one with the current set (old listeners closed first)', async () => {
    const st = await startStore();
    const a = await RawClient.connect(st.port);
    try {
      const host = (await a.value('CONFIG', 'GET', 'bind')) as Buffer[];
      assert.equal(String(host[1]), '127.0.0.1');
      assert.equal(await a.str('CONFIG', 'SET', 'bind', '127.0.0.1 127.0.0.2'), '+OK\r\n');
      for (const h of ['127.0.0.1', '127.0.0.2']) {
        const b = await RawClient.connect(st.port, h);
        assert.equal(await b.str('PING'), '+PONG\r\n');
        b.close();
      }
      assert.equal(await a.str('CONFIG', 'SET', 'bind', '127.0.0.1'), '+OK\r\n');
      await assert.rejects(RawClient.connect(st.port, '127.0.0.2'));
      assert.equal(await a.str('PING'), '+PONG\r\n');
    } finally {
      a.close();
      await st.stop();
    }
  });

  // Redis's networking suite 'Default bind address configuration handling': bind "" listens nowhere
  // on TCP (it listened on 0.0.0.0), and CONFIG REWRITE writes it as bind "" (it wrote a bare 'bind',
  // which the restart refused).
  it('an empty bind listens on no TCP address; CONFIG REWRITE writes bind ""', async () => {
    const dir = tmpDir();
    const f = write(dir, 'bind.conf', 'save ""\n');
    const child = await startStoreProcess([f, '--dir', dir]);
    const a = await RawClient.connect(child.port);
    try {
      assert.equal(await a.str('CONFIG', 'SET', 'bind', ''), '+OK\r\n');
      await assert.rejects(RawClient.connect(child.port));
      assert.equal(await a.str('PING'), '+PONG\r\n');
      assert.equal(await a.str('CONFIG', 'REWRITE'), '+OK\r\n');
      assert.match(fs.readFileSync(f, 'latin1'), /^bind ""$/m);
    } finally {
      a.close();
      await child.stop();
    }
  });

  it('rename-command disables or renames a command; appendonly yes is refused; a distribution redis.conf loads', async () => {
    const dir = tmpDir();
    const f = write(dir, 'rename.conf', 'rename-command FLUSHALL ""\nrename-command config myconfig\nrename-command set myset\n');
    const child = await startStoreProcess([f, '--dir', dir]);
    const c = await RawClient.connect(child.port);
    try {
      assert.equal(await c.str('FLUSHALL'), "-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");
      assert.equal(await c.str('CONFIG', 'GET', 'hz'), "-ERR unknown command 'CONFIG', with args beginning with: 'GET' 'hz' \r\n");
      assert.equal(await c.str('MYCONFIG', 'GET', 'hz'), '*2\r\n$2\r\nhz\r\n$2\r\n10\r\n');
      assert.equal(
        await c.str('MYCONFIG', 'SET', 'appendonly', 'yes'),
        "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - the append-only file is not supported by resplit-server (RDB snapshots only)\r\n",
      );
      assert.equal(await c.str('MYSET', 'k', 'v'), '+OK\r\n');
      // A renamed write is still a write for CLIENT PAUSE WRITE.
      assert.equal(await c.str('CLIENT', 'PAUSE', '400', 'WRITE'), '+OK\r\n');
      const t0 = Date.now();
      assert.equal(await c.str('MYSET', 'k', 'w'), '+OK\r\n');
      assert.ok(Date.now() - t0 >= 300, 'the renamed write was not held by the pause');
    } finally {
      c.close();
      await child.stop();
    }
    if (fs.existsSync('/etc/redis/redis.conf')) {
      const r = loadConfigArgs(new Config(), ['/etc/redis/redis.conf']);
      assert.ok(r.warnings.every((w) => /has no effect|daemonize yes is not supported/.test(w)), r.warnings.join('\n'));
    }
  });
});
