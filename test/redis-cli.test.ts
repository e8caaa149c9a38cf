// The real redis-cli against the store: one-shot commands (output compared with the same commands
// against redis-server), `redis-cli --pipe` with 10k commands, and a session driven through stdin.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { startStore, startRedis, type InProcessStore, type ChildServer } from './helpers/servers';

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

  it('a session of commands read from stdin, one per line', async () => {
    const r = await cli(store.port, [], 'SET a 1\nINCR a\nGET a\nSELECT 2\nGET a\nSELECT 0\nCLIENT SETNAME cli-session\nCLIENT GETNAME\nDEL a\n');
    assert.equal(r.out, 'OK\n2\n2\nOK\n\nOK\nOK\ncli-session\n1\n');
  });
});
