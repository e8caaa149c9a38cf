// Differential tests of the administration commands against a real redis-server 7.0: connection
// commands, whole-database commands, CONFIG, CLIENT, SLOWLOG, COMMAND, DEBUG, TIME, SHUTDOWN errors.
// Replies must match byte for byte unless a relaxation is named (shape: time- or id-dependent values).

import assert from 'node:assert/strict';
import { useDiff, decode } from './helpers/diff';
import type { ReplyValue } from '../src/resp/decoder';
import { RawClient } from './helpers/raw';

describe('admin commands (differential)', function () {
  this.timeout(20000);
  const d = useDiff({ 'enable-debug-command': 'local' });

  it('connection commands and their errors', async () => {
    await d.seq([
      ['PING', 'a', 'b'],
      ['ECHO'],
      ['ECHO', 'a', 'b'],
      ['SELECT', '1', '2'],
      ['SELECT', '-1'],
      ['SELECT', '16'],
      ['SELECT', '3'],
      ['SELECT', '0'],
      ['AUTH', 'x'],
      ['AUTH', 'a', 'b'],
      ['AUTH', 'a', 'b', 'c'],
      ['AUTH', 'default', 'x'],
      ['HELLO', '4'],
      ['HELLO', 'x'],
      ['HELLO', '2', 'FOO'],
      ['HELLO', '2', 'SETNAME', 'a b'],
      ['HELLO', '2', 'AUTH', 'default'],
    ]);
    await d.check(['HELLO', '2'], { shape: true });
  });

  it('RESET restores the connection state', async () => {
    await d.seq([['SELECT', '2'], ['CLIENT', 'SETNAME', 'n1'], ['MULTI'], ['RESET'], ['CLIENT', 'GETNAME'], ['EXEC'], ['RESET', 'x']]);
  });

  it('DBSIZE, FLUSHDB, FLUSHALL, SWAPDB and their errors', async () => {
    await d.seq([
      ['SET', 'a', '1'],
      ['DBSIZE'],
      ['DBSIZE', 'x'],
      ['SWAPDB', '0', '1'],
      ['DBSIZE'],
      ['SELECT', '1'],
      ['DBSIZE'],
      ['SWAPDB', '0', 'x'],
      ['SWAPDB', 'x', '0'],
      ['SWAPDB', '0', '99'],
      ['SWAPDB', '-1', '0'],
      ['FLUSHDB', 'foo'],
      ['FLUSHDB', 'sync', 'x'],
      ['FLUSHDB', 'ASYNC'],
      ['DBSIZE'],
      ['FLUSHALL', 'foo'],
      ['FLUSHALL', 'SYNC'],
    ]);
  });

  it('CONFIG GET with exact names, aliases, several patterns and globs', async () => {
    await d.seq([
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'GET', 'MAXCLIENTS'],
      ['CONFIG', 'GET', 'slave-read-only'],
      ['CONFIG', 'GET', 'nosuch'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'GET', 'proto-max-bulk-len'],
      ['CONFIG', 'GET', 'hash-max-ziplist-entries'],
      ['CONFIG', 'GET'],
    ]);
    await d.check(['CONFIG', 'GET', 'hz', 'timeout', 'databases'], { unordered: 'pairs' });
    await d.check(['CONFIG', 'GET', '*slowlog*'], { unordered: 'pairs' });
    await d.check(['CONFIG', 'GET', 'repl-*-period', 'maxmemory*'], { unordered: 'pairs' });
    // 7.0 has no set-max-listpack-* (7.2 does): the glob must match nothing, the names be unknown.
    await d.check(['CONFIG', 'GET', 'set-max-*', '*-max-listpack-*', '*ziplist*'], { unordered: 'pairs' });
    await d.check(['CONFIG', 'SET', 'set-max-listpack-entries', '10']);
  });

  it('CONFIG SET: several pairs atomically and every error form', async () => {
    await d.seq([
      ['CONFIG', 'SET', 'hz'],
      ['CONFIG', 'SET', 'hz', '1', 'maxclients'],
      ['CONFIG', 'SET', 'nosuch', '1'],
      ['CONFIG', 'SET', 'databases', '3'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'HZ', 'abc'],
      ['CONFIG', 'SET', 'hz', '5', 'HZ', '6'],
      ['CONFIG', 'SET', 'maxclients', '0'],
      ['CONFIG', 'SET', 'timeout', '-1'],
      ['CONFIG', 'SET', 'maxmemory', '-1'],
      ['CONFIG', 'SET', 'maxmemory', '1x'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '10'],
      ['CONFIG', 'SET', 'save', '1 2 3'],
      ['CONFIG', 'SET', 'appendonly', 'maybe'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'foo'],
      ['CONFIG', 'SET', 'loglevel', 'foo'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'foo 1 2 3'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2 x'],
      ['CONFIG', 'SET', 'nosuch', '1', 'databases', '2'],
      ['CONFIG', 'SET', 'databases', '2', 'nosuch', '1'],
      // Atomic: the second pair fails, the first is rolled back.
      ['CONFIG', 'SET', 'hz', '20', 'maxclients', '0'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '501'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '0'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '10', 'slowlog-max-len', '64', 'maxmemory', '1gb'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 2mb 3 replica 10 20 30'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60'],
      ['CONFIG', 'SET', 'maxmemory', '0', 'slowlog-max-len', '128'],
      ['CONFIG', 'RESETSTAT'],
      ['CONFIG', 'REWRITE'],
      ['CONFIG', 'FOO'],
      ['CONFIG'],
      ['CONFIG', 'HELP'],
    ]);
  });

  it('CLIENT identity, list filters, kill errors, modes', async () => {
    await d.seq([
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'conn1'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'],
      ['CLIENT', 'ID', 'x'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'],
      ['CLIENT', 'LIST', 'ID', 'x'],
      ['CLIENT', 'LIST', 'ID', '0'],
      ['CLIENT', 'LIST', 'ID', '99999'],
      ['CLIENT', 'LIST', 'foo'],
      ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
      ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'LIST', 'TYPE', 'slave'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'ID', 'x'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', '999999'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'LADDR', '1:1'],
      ['CLIENT', 'KILL', 'foo', 'bar'],
      ['CLIENT', 'KILL', 'ID', '1', 'TYPE'],
      ['CLIENT', 'PAUSE', 'x'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'foo'],
      ['CLIENT', 'PAUSE', '0', 'write'],
      ['CLIENT', 'UNPAUSE'],
      ['CLIENT', 'REPLY', 'foo'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'NO-EVICT', 'off'],
      ['CLIENT', 'UNBLOCK', 'x'],
      ['CLIENT', 'UNBLOCK', '1', 'foo'],
      ['CLIENT', 'UNBLOCK', '999'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'HELP'],
      ['CLIENT', 'NOPE'],
    ]);
    await d.check(['CLIENT', 'ID'], { shape: true });
  });

  it('CLIENT INFO and CLIENT LIST print the same fields in the same order', async () => {
    const fields = (line: string) => line.trim().split(' ').map((f) => f.slice(0, f.indexOf('=')));
    const [a, b] = await d.both('CLIENT', 'INFO');
    assert.deepEqual(fields(a.toString().split('\r\n')[1]), fields(b.toString().split('\r\n')[1]));
    const [la, lb] = await d.both('CLIENT', 'LIST', 'ID', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10');
    const first = (x: Buffer) => x.toString().split('\r\n')[1].split('\n')[0];
    assert.deepEqual(fields(first(la)), fields(first(lb)));
    // Same values for the fields that do not depend on ids, ports or timing.
    const pick = (line: string) => line.split(' ').filter((f) => /^(name|flags|db|sub|psub|ssub|multi|argv-mem|cmd|user|redir|resp|events|obl|oll|omem)=/.test(f)).join(' ');
    assert.equal(pick(a.toString().split('\r\n')[1]), pick(b.toString().split('\r\n')[1]));
  });

  it("CLIENT LIST's cmd= is the last command looked up at top level (EXEC inside a transaction, NULL when unknown)", async () => {
    const cmdOf = async (port: number, requests: string[][]): Promise<string> => {
      const other = await RawClient.connect(port);
      const me = port === d.store.port ? d.ours : d.theirs;
      try {
        const id = String(await other.value('CLIENT', 'ID'));
        for (const r of requests) await other.send(...r);
        const line = String(await me.value('CLIENT', 'LIST', 'ID', id));
        return /cmd=(\S+)/.exec(line)![1];
      } finally {
        other.close();
      }
    };
    const cases: string[][][] = [
      [['GET', 'x']],
      [['GET', 'x'], ['NOSUCH']],
      [['GET', 'x'], ['CONFIG', 'NOSUB']],
      [['GET', 'x'], ['CONFIG']],
      [['GET', 'x'], ['GET']],
      [['MULTI'], ['SET', 'a', '1'], ['CLIENT', 'ID'], ['EXEC']],
      [['MULTI'], ['SET', 'a', '1']],
    ];
    for (const c of cases) {
      const [ours, theirs] = [await cmdOf(d.store.port, c), await cmdOf(d.redis.port, c)];
      assert.equal(ours, theirs, `after ${JSON.stringify(c)}`);
    }
    // Its own line, inside EXEC, says exec as well.
    for (const c of [d.ours, d.theirs]) c.write('MULTI\r\nCLIENT INFO\r\nEXEC\r\n');
    const [a, b] = await Promise.all([d.ours.read(3), d.theirs.read(3)]);
    assert.match(String(a[2]), / cmd=exec /);
    assert.equal(/ cmd=\S+/.exec(String(a[2]))![0], / cmd=\S+/.exec(String(b[2]))![0]);
  });

  it('CLIENT REPLY OFF/SKIP/ON drop exactly the right replies', async () => {
    for (const c of [d.ours, d.theirs]) c.write('CLIENT REPLY SKIP\r\nPING skipped\r\nPING one\r\nCLIENT REPLY OFF\r\nPING two\r\nCLIENT REPLY ON\r\nPING three\r\n');
    const [a, b] = await Promise.all([d.ours.read(3), d.theirs.read(3)]);
    assert.deepEqual(a.map(String), b.map(String));
    assert.deepEqual(a.map(String), ['$3\r\none\r\n', '+OK\r\n', '$5\r\nthree\r\n']);
  });

  it('CLIENT KILL closes the other connection, old and new forms', async () => {
    for (const port of [d.store.port, d.redis.port]) {
      const me = port === d.store.port ? d.ours : d.theirs;
      const victim = await RawClient.connect(port);
      const id = String(await victim.value('CLIENT', 'ID'));
      assert.equal(await me.str('CLIENT', 'KILL', 'ID', id), ':1\r\n');
      await victim.waitClose();
      const v2 = await RawClient.connect(port);
      const info = String(await v2.value('CLIENT', 'INFO'));
      const addr = /addr=(\S+)/.exec(info)![1];
      assert.equal(await me.str('CLIENT', 'KILL', addr), '+OK\r\n');
      await v2.waitClose();
      // SKIPME yes by default: killing by type does not kill the caller.
      const v3 = await RawClient.connect(port);
      await v3.send('PING');
      assert.equal(await me.str('CLIENT', 'KILL', 'TYPE', 'normal'), ':1\r\n');
      await v3.waitClose();
      assert.equal(await me.str('PING'), '+PONG\r\n');
    }
  });

  it('SLOWLOG entries have Redis shape and the errors match', async () => {
    await d.seq([
      ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'LEN', 'x'],
      ['SLOWLOG', 'foo'],
      ['SLOWLOG', 'HELP'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['SLOWLOG', 'RESET'],
      ['CLIENT', 'SETNAME', 'slowpoke'],
      ['SET', 'k', 'v'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
      ['SLOWLOG', 'LEN'],
    ]);
    const [a, b] = await d.both('SLOWLOG', 'GET', '2');
    const norm = (x: Buffer) => x.toString().replace(/:\d+\r\n/g, ':N\r\n').replace(/127\.0\.0\.1:\d+/g, 'ADDR');
    assert.equal(norm(a), norm(b));
    assert.match(a.toString(), /\$3\r\nSET\r\n\$1\r\nk\r\n\$1\r\nv\r\n/);
    await d.seq([['SLOWLOG', 'RESET'], ['CLIENT', 'SETNAME', '']]);
  });

  it('COMMAND alone lists the whole table as Redis does', async () => {
    // Redis lists commands and subcommands in dict order, so entries are compared by name, each
    // entry's fields exactly, its subcommands as a set (ours adds CLIENT SETINFO and NO-TOUCH, 7.2's).
    const [a, b] = await d.both('COMMAND');
    const byName = (r: Buffer, extra: string[]) => {
      const m = new Map<string, string>();
      for (const e of decode(r) as ReplyValue[][]) {
        const subs = ((e[9] as ReplyValue[][]) ?? []).map((s) => String(s[0])).filter((n) => !extra.includes(n));
        m.set(String(e[0]), JSON.stringify([e.slice(0, 9).map(String), subs.sort()]));
      }
      return m;
    };
    const ours = byName(a, ['client|setinfo', 'client|no-touch']);
    const theirs = byName(b, []);
    assert.equal(ours.size, theirs.size);
    assert.ok(ours.size > 200);
    for (const [name, v] of theirs) assert.equal(ours.get(name), v, name);
    await d.check(['COMMAND', 'nosuch']);
  });

  it('cluster commands on a standalone server: the same refusal as Redis (clients probe with them)', async () => {
    await d.seq([['CLUSTER', 'INFO'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'HELP'], ['CLUSTER', 'foo'], ['CLUSTER'], ['READONLY'], ['READWRITE'], ['ASKING'], ['READONLY', 'x']]);
  });

  it('COMMAND subcommands and their errors', async () => {
    await d.seq([
      ['COMMAND', 'COUNT'],
      ['COMMAND', 'INFO', 'get', 'set', 'nosuch', 'client|kill', 'zunionstore', 'xread', 'eval'],
      ['COMMAND', 'DOCS', 'get', 'nosuch', 'set'],
      ['COMMAND', 'DOCS', 'config|get', 'config|set', 'client|kill', 'zadd', 'georadius'],
      ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYS', 'zunionstore', 'dst', '2', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'zunionstore', 'a', 'x', 'b'],
      ['COMMAND', 'GETKEYS', 'set', 'a'],
      ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
      ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'get'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'GET'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'a', 'GET', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'a', 'SET', 'u8', '0', '1'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'a', 'STORE', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'd', '2', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'left', 'right'],
      ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'pattern'],
      ['COMMAND', 'LIST', 'foo'],
      ['COMMAND', 'LIST', 'FILTERBY', 'module', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nope'],
      ['COMMAND', 'HELP'],
      ['COMMAND', 'FOO'],
    ]);
    await d.check(['COMMAND', 'DOCS', 'config'], { shape: true });
    await d.check(['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'x*'], { unordered: 'elements' });
    await d.check(['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'hyperloglog'], { unordered: 'elements' });
    await d.check(['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CONFIG*'], { unordered: 'elements' });
  });

  it('COMMAND INFO in RESP3 matches (sets and maps)', async () => {
    await d.both('HELLO', '3');
    await d.seq([['COMMAND', 'INFO', 'set', 'get', 'sort'], ['CONFIG', 'GET', 'maxclients'], ['CLIENT', 'TRACKINGINFO'], ['COMMAND', 'DOCS', 'get']]);
    await d.both('HELLO', '2');
  });

  it('DEBUG, TIME, SHUTDOWN, MONITOR argument errors', async () => {
    await d.seq([
      ['DEBUG', 'foo'],
      ['DEBUG', 'jmap'],
      ['DEBUG', 'sleep', '0'],
      ['DEBUG', 'sleep', 'x'],
      ['DEBUG', 'set-active-expire', '1'],
      ['DEBUG', 'quicklist-packed-threshold', '1b'],
      ['DEBUG', 'quicklist-packed-threshold', '100'],
      ['DEBUG', 'quicklist-packed-threshold', '5gb'],
      ['DEBUG', 'quicklist-packed-threshold', 'x'],
      ['DEBUG', 'quicklist-packed-threshold', '0'],
      ['DEBUG', 'quicklist-packed-threshold', ''],
      ['DEBUG', 'quicklist-packed-threshold', ' 5'],
      ['DEBUG', 'HELP'],
      ['TIME', 'x'],
      ['SHUTDOWN', 'foo'],
      ['SHUTDOWN', 'abort'],
      ['SHUTDOWN', 'save', 'nosave'],
      ['MONITOR', 'x'],
      ['INFO', 'nosuchsection'],
    ]);
    await d.check(['TIME'], { shape: true });
  });
});

describe('MONITOR (differential)', function () {
  this.timeout(20000);
  const d = useDiff();

  it('streams commands in Redis format, secrets redacted, admin commands hidden', async () => {
    const lines: string[][] = [];
    for (const port of [d.store.port, d.redis.port]) {
      const mon = await RawClient.connect(port);
      assert.equal(await mon.str('MONITOR'), '+OK\r\n');
      const c = await RawClient.connect(port);
      c.write('SET a "x y\\n\\x01"\r\nAUTH foo\r\nAUTH u p\r\nHELLO 2 AUTH u p\r\nSELECT 3\r\nGET a\r\nCONFIG SET hz 10\r\nGET\r\nCLIENT SETNAME n\r\nPING\r\n');
      await c.read(10);
      const got = (await mon.read(8)).map((b) => b.toString('latin1'));
      const addr = /addr=(\S+)/.exec(String(await c.value('CLIENT', 'INFO')))![1];
      for (const l of got) assert.match(l, /^\+\d{10}\.\d{6} \[\d+ /);
      lines.push(got.map((l) => l.replace(/^\+\d+\.\d+ /, '+T ').replace(addr, 'ADDR')));
      mon.close();
      c.close();
    }
    assert.deepEqual(lines[0], lines[1]);
    assert.equal(lines[0][0], '+T [0 ADDR] "SET" "a" "x y\\n\\x01"\r\n');
  });
});

describe('RESET ends CLIENT REPLY OFF (differential)', function () {
  this.timeout(20000);
  const d = useDiff();
  it('RESET is answered and later replies flow again', async () => {
    await d.raw('CLIENT REPLY OFF\r\nPING\r\nRESET\r\nPING\r\n', 2);
  });
});

describe('authentication with requirepass (differential)', function () {
  this.timeout(20000);
  const d = useDiff({ requirepass: 'pw' });

  it('NOAUTH, AUTH forms, HELLO AUTH and the unauthenticated size limits', async () => {
    await d.seq([
      ['GET', 'a'],
      ['PING'],
      ['HELLO', '3'],
      ['HELLO', '2', 'AUTH', 'default', 'bad'],
      ['AUTH', 'bad'],
      ['AUTH', 'nouser', 'pw'],
      ['CLIENT', 'ID'],
      ['AUTH', 'pw'],
      ['GET', 'a'],
      ['RESET'],
      ['GET', 'a'],
      ['AUTH', 'default', 'pw'],
      ['GET', 'a'],
      ['RESET'],
    ]);
    await d.check(['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'x'], { shape: true });
    await d.seq([['CLIENT', 'GETNAME'], ['RESET']]);
    await d.raw(`*11\r\n${'$1\r\na\r\n'.repeat(11)}`, 1);
  });

  it('an unauthenticated big bulk is a protocol error', async () => {
    await d.raw(`*2\r\n$4\r\nECHO\r\n$20000\r\n`, 1);
  });
});

describe('DEBUG effects (store only)', function () {
  this.timeout(10000);
  it('DEBUG is refused by default, SLEEP blocks, SET-ACTIVE-EXPIRE switches active expiry', async () => {
    const { startStore } = await import('./helpers/servers');
    const off = await startStore();
    const c0 = await RawClient.connect(off.port);
    assert.match(await c0.str('DEBUG', 'SLEEP', '0'), /^-ERR DEBUG command not allowed\./);
    c0.close();
    await off.stop();
    const st = await startStore({ 'enable-debug-command': 'yes', hz: '100' });
    const c = await RawClient.connect(st.port);
    try {
      const t0 = Date.now();
      assert.equal(await c.str('DEBUG', 'SLEEP', '0.2'), '+OK\r\n');
      assert.ok(Date.now() - t0 >= 190);
      assert.equal(await c.str('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
      await c.send('SET', 'k', 'v', 'PX', '30');
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await c.str('DBSIZE'), ':1\r\n');
      assert.equal(await c.str('DEBUG', 'SET-ACTIVE-EXPIRE', '1'), '+OK\r\n');
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await c.str('DBSIZE'), ':0\r\n');
    } finally {
      c.close();
      await st.stop();
    }
  });
});

describe('CLIENT KILL MAXAGE (store only: a Redis 7.4 filter accepted here)', function () {
  this.timeout(10000);
  it('kills connections older than the given seconds, not newer ones', async () => {
    const { startStore } = await import('./helpers/servers');
    const st = await startStore();
    const old = await RawClient.connect(st.port);
    await old.send('PING');
    await new Promise((r) => setTimeout(r, 1100));
    const young = await RawClient.connect(st.port);
    const me = await RawClient.connect(st.port);
    try {
      assert.equal(await me.str('CLIENT', 'KILL', 'MAXAGE', '1'), ':1\r\n');
      await old.waitClose();
      assert.equal(await young.str('PING'), '+PONG\r\n');
      assert.equal(await me.str('CLIENT', 'KILL', 'MAXAGE', 'x'), '-ERR syntax error\r\n');
    } finally {
      young.close();
      me.close();
      await st.stop();
    }
  });
});

describe('CLIENT PAUSE holds commands (store only)', function () {
  this.timeout(10000);
  it('WRITE holds writes but not reads; ALL holds everything; held commands run in order', async () => {
    const { startStore } = await import('./helpers/servers');
    const st = await startStore();
    const a = await RawClient.connect(st.port);
    const b = await RawClient.connect(st.port);
    try {
      assert.equal(await a.str('CLIENT', 'PAUSE', '300', 'WRITE'), '+OK\r\n');
      let t0 = Date.now();
      assert.equal(await b.str('GET', 'k'), '$-1\r\n');
      assert.ok(Date.now() - t0 < 200);
      b.write('SET k 1\r\nGET k\r\n');
      assert.deepEqual((await b.read(2)).map(String), ['+OK\r\n', '$1\r\n1\r\n']);
      assert.ok(Date.now() - t0 >= 250, 'the write waited for the pause');
      assert.equal(await a.str('CLIENT', 'PAUSE', '300', 'ALL'), '+OK\r\n');
      t0 = Date.now();
      assert.equal(await b.str('PING'), '+PONG\r\n');
      assert.ok(Date.now() - t0 >= 250, 'PING waited for the pause');
      assert.equal(await a.str('CLIENT', 'UNPAUSE'), '+OK\r\n');
    } finally {
      a.close();
      b.close();
      await st.stop();
    }
  });
});

describe('HELLO replies (differential)', function () {
  this.timeout(20000);
  const d = useDiff();
  it('HELLO, HELLO 3 and HELLO 2 SETNAME print the same map (the id aside)', async () => {
    const norm = (b: Buffer) => b.toString().replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
    for (const args of [['HELLO'], ['HELLO', '3'], ['HELLO', '3', 'SETNAME', 'me'], ['HELLO', '2']]) {
      const [a, b] = await d.both(...args);
      assert.equal(norm(a), norm(b), args.join(' '));
    }
    await d.check(['CLIENT', 'GETNAME']);
  });
});
