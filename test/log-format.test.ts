// resplit-server's `log-format legacy`: Redis's own log line format, the start-up banner's PID and the
// busy-port message, which supervisors, log scrapers and Redis's Tcl harness (managed mode) read.

import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { legacyLine, logDestination } from '../src/common/log';
import { tmpDir } from './helpers/servers';
import { startStoreProcess, freePort, ROOT, type ChildServer } from './helpers/servers';
import Redis from 'ioredis';
import { waitFor } from './helpers/wait';

const LINE = /^(\d+):([MS]) (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{3}) ([.*#]) (.*)$/;

describe('log-format legacy', function () {
  this.timeout(20000);

  it('formats a pino record as a Redis log line, extra fields after the message', () => {
    const t = new Date(2026, 10, 5, 7, 8, 9, 12).getTime();
    const line = legacyLine(JSON.stringify({ level: 40, time: t, pid: 42, name: 'x', component: 'y', msg: 'hello', port: 7, who: 'a b' }), 'S');
    assert.equal(line, '42:S 05 Nov 2026 07:08:09.012 # hello port=7 who=a b\n');
    assert.match(legacyLine(JSON.stringify({ level: 20, time: t, pid: 1, msg: 'dbg' }), 'M'), /^1:M .* \. dbg\n$/);
    assert.match(legacyLine(JSON.stringify({ level: 30, time: t, pid: 1, msg: 'note' }), 'M'), /^1:M .* \* note\n$/);
    // Not a record (cannot happen from pino, but never throws).
    assert.equal(legacyLine('not json', 'M'), 'not json');
  });

  describe('a resplit-server process', () => {
    let srv: ChildServer;
    after(async () => srv?.stop());

    it('prints the banner with its PID, Ready to accept connections, and S once a replica', async () => {
      srv = await startStoreProcess(['--log-format', 'legacy', '--always-show-logo', 'yes', '--save', '']);
      const pid = srv.proc.pid!;
      await waitFor('the ready line', () => srv.output().includes('Ready to accept connections'), 5000);
      const out = srv.output();
      assert.match(out, new RegExp(` PID: ${pid}\\n`));
      assert.match(out, new RegExp(`^${pid}:M .* \\* Ready to accept connections`, 'm'));
      assert.match(out, new RegExp(`pid=${pid}, just started`));
      for (const l of out.split('\n').filter((x) => x.startsWith(`${pid}:`))) assert.match(l, LINE, l);
      // A replica's lines carry S (the master it follows need not be up).
      const c = new Redis({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        const port = await freePort();
        assert.equal(await c.call('REPLICAOF', '127.0.0.1', String(port)), 'OK');
        await waitFor('a replica line', () => new RegExp(`^${pid}:S .*Connecting to MASTER`, 'm').test(srv.output()), 5000);
        assert.equal(await c.call('REPLICAOF', 'NO', 'ONE'), 'OK');
      } finally {
        c.disconnect();
      }
    });

    // sonic-boom 4's exit flush retried a write to a pipe without a reader (EPIPE) for ever: a server
    // whose log reader had gone (`resplit-server | head -2`, then SIGTERM) never exited. A child with
    // lines still queued at exit (the first write in flight, the second buffered) on a closed pipe.
    it('exits although its log pipe has no reader when lines are still queued at exit', async () => {
      const script = [
        `const { logDestination } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'common', 'log.js'))});`,
        'const dest = logDestination();',
        'setTimeout(() => { dest.write("first line\\n"); dest.write("second line\\n"); process.exit(0); }, 300);',
      ].join('\n');
      const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.stdout.destroy(); // the reader is gone before anything is written
      try {
        const ok = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 8000))]);
        assert.ok(ok, 'the process did not exit within 8 s');
      } finally {
        if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
        await exited;
      }
    });

    // Mutable, as Valkey's log-format (and Redis's CONFIG sanity test sets every config it reads).
    it('CONFIG SET log-format switches the format of the lines that follow', async () => {
      const p = await startStoreProcess(['--save', '']);
      const c = new Redis({ port: p.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        await waitFor('the ready line', () => p.output().includes('Ready to accept connections'), 5000);
        assert.match(p.output(), /"msg":"Ready to accept connections"/);
        assert.equal(await c.call('CONFIG', 'SET', 'log-format', 'legacy'), 'OK');
        assert.deepEqual(await c.call('CONFIG', 'GET', 'log-format'), ['log-format', 'legacy']);
        await c.call('CONFIG', 'SET', 'loglevel', 'verbose');
        await c.call('CONFIG', 'SET', 'loglevel', 'notice');
        assert.equal(await c.call('SHUTDOWN', 'NOSAVE').catch(() => 'closed'), 'closed');
        await waitFor('the last line', () => p.output().includes('ready to exit, bye bye'), 5000);
        assert.match(p.output(), new RegExp(`^${p.proc.pid}:M .* \\* Redis is now ready to exit, bye bye\\.\\.\\.`, 'm'));
      } finally {
        c.disconnect();
        await p.stop();
      }
    });

    it('says "Failed listening on port" and exits when its port is taken', async () => {
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'resplit-server'), '--port', String(port), '--bind', '127.0.0.1', '--log-format', 'legacy', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
        assert.notEqual(code, 0);
        assert.match(out, new RegExp(`# Failed listening on port ${port} \\(tcp\\), aborting\\.`));
      } finally {
        blocker.close();
      }
    });
  });

  it('writes a log that is a regular file synchronously: the line is there before the reply that follows it', () => {
    // Redis's own suite reads the log right after a reply (e.g. RESTORE of a corrupt payload, then
    // 'integrity check failed' in the log); an asynchronous write lost that race.
    const d = tmpDir();
    const file = path.join(d, 'server.log');
    const dest = logDestination(file);
    try {
      dest.write('one line\n');
      assert.equal(fs.readFileSync(file, 'utf8'), 'one line\n');
    } finally {
      dest.end();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
