// The real redis-cli against the store: one-shot commands (output compared with the same commands
// against redis-server), `redis-cli --pipe` with 10k commands, and a session driven through stdin.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startStore, startRedis, tmpDir, type InProcessStore, type ChildServer } from './helpers/servers';
import { loadRdb } from '../src/store/rdb';

function cliPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs redis-cli with arguments (and optional stdin) asynchronously; the in-process server keeps serving. */
function cli(port: number, args: string[], input?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cliPath()!, ['-p', String(port), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d.toString('latin1')));
    p.stderr.on('data', (d) => (err += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 20000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

describe('redis-cli against the store', function () {
  this.timeout(30000);
  let store: InProcessStore;
  let redis: ChildServer | null;

  before(async function () {
    if (!cliPath()) this.skip();
    store = await startStore();
    redis = await startRedis();
  });
  after(async () => {
    await store?.stop();
    await redis?.stop();
  });

  it('one-shot commands print the same output as against redis-server', async function () {
    if (!redis) this.skip();
    const cmds = [
      ['SET', 'k', 'hello world'],
      ['GET', 'k'],
      ['GET', 'missing'],
      ['EXISTS', 'k', 'nope'],
      ['SADD', 's', 'b'],
      ['SMEMBERS', 's'],
      ['NOSUCH', 'x'],
      ['CONFIG', 'GET', 'maxclients'],
      ['COMMAND', 'INFO', 'get'],
      ['SELECT', '99'],
      ['ECHO', 'a\nb'],
    ];
    for (const mode of [[], ['--no-raw'], ['--raw'], ['--csv']]) {
      for (const c of cmds) {
        const args = [...mode, ...c];
        const [a, b]: CliResult[] = await Promise.all([cli(store.port, args), cli(redis!.port, args)]);
        assert.equal(a.out, b.out, `redis-cli ${[...mode, ...c].join(' ')}`);
      }
    }
    const [a, b] = await Promise.all([cli(store.port, ['DEL', 'k', 's']), cli(redis!.port, ['DEL', 'k', 's'])]);
    assert.equal(a.out, b.out);
  });

  it('INFO, CLIENT LIST and PING work through redis-cli', async () => {
    assert.equal((await cli(store.port, ['PING'])).out, 'PONG\n');
    assert.match((await cli(store.port, ['INFO', 'server'])).out, /# Server\r?\nredis_version:7\.0\.15/);
    assert.match((await cli(store.port, ['CLIENT', 'LIST'])).out, /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=.* cmd=client\|list user=default redir=-1 resp=2\n$/);
  });

  it('redis-cli --pipe loads 10k commands', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const k = `pipe:${i}`;
      const v = `v${i}`;
      parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
    }
    const r = await cli(store.port, ['--pipe'], Buffer.from(parts.join('')));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /errors: 0, replies: 10000/);
    assert.equal((await cli(store.port, ['DBSIZE'])).out, '10000\n');
    assert.equal((await cli(store.port, ['GET', 'pipe:9999'])).out, 'v9999\n');
    await cli(store.port, ['FLUSHALL']);
  });

  it('redis-cli --rdb saves the dataset; the store closes the rdb-only link after the snapshot', async () => {
    await cli(store.port, ['MSET', 'r1', 'a', 'r2', 'b']);
    const file = path.join(tmpDir(), 'cli.rdb');
    const r = await cli(store.port, ['--rdb', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out + r.err, /Transfer finished with success/);
    const copy = await startStore();
    try {
      loadRdb(copy.server, fs.readFileSync(file));
      assert.equal(copy.server.dbs[0].data.size, 2);
    } finally {
      await copy.stop();
    }
    await cli(store.port, ['DEL', 'r1', 'r2']);
  });

  it('redis-cli --replica: an empty filtered snapshot, then the command stream', async () => {
    await cli(store.port, ['CONFIG', 'SET', 'repl-diskless-sync-delay', '0']);
    await cli(store.port, ['SET', 'before', 'x']);
    const p = spawn(cliPath()!, ['-p', String(store.port), '--replica'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d.toString('latin1')));
    p.stderr.on('data', (d) => (out += d.toString('latin1')));
    const closed = new Promise((r) => p.on('close', r));
    try {
      const deadline = Date.now() + 10000;
      while (!out.includes('Logging commands') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await cli(store.port, ['SET', 'after', 'y']);
      while (!out.includes('"after"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      p.kill();
      await closed;
      await cli(store.port, ['CONFIG', 'SET', 'repl-diskless-sync-delay', '5']);
      await cli(store.port, ['DEL', 'before', 'after']);
    }
    // As against redis-server: REPLCONF rdb-filter-only accepted, a snapshot without keys by EOF mark.
    assert.doesNotMatch(out, /error/i, out);
    assert.match(out, /until EOF marker/, out);
    assert.match(out, /"set","after","y"/i, out);
    assert.doesNotMatch(out, /"before"/, out);
  });

  it('a session of commands read from stdin, one per line', async () => {
    const r = await cli(store.port, [], 'SET a 1\nINCR a\nGET a\nSELECT 2\nGET a\nSELECT 0\nCLIENT SETNAME cli-session\nCLIENT GETNAME\nDEL a\n');
    assert.equal(r.out, 'OK\n2\n2\nOK\n\nOK\nOK\ncli-session\n1\n');
  });
});
