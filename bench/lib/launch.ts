// Starts redis-server or resplit-server on a given data directory (RDB file kept across restarts) and
// times how long the process takes to answer PING: with an RDB file present that is the load time.
// Polls every 10 ms: redis-server listens at once and answers -LOADING until loaded, resplit-server
// listens only once loaded; both count as "not ready" until a +PONG.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { freePort, ROOT, type Proc } from './procs';
import { sleep } from './resp-client';

export type Kind = 'resplit' | 'redis';

export const KIND_LABEL: Record<Kind, string> = { resplit: 'resplit-server', redis: 'redis-server' };

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), 1000);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
    s.once('error', () => done(false));
  });
}

/** Command line for a server with persistence off (no save points, no AOF) on `dir`/dump.rdb. */
function commandLine(kind: Kind, port: number, dir: string, extra: string[]): [string, string[]] {
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--dbfilename', 'dump.rdb', ...extra];
  if (kind === 'redis') return ['redis-server', ['--appendonly', 'no', ...common]];
  return [process.execPath, [path.join(ROOT, 'bin', 'resplit-server'), '--loglevel', 'warning', ...common]];
}

/** Starts a server and waits for +PONG; readyMs is the time from spawn to the first PONG. */
export async function launch(kind: Kind, dir: string, extra: string[] = [], timeoutMs = 180000): Promise<Proc & { readyMs: number }> {
  const port = await freePort();
  const [cmd, args] = commandLine(kind, port, dir, extra);
  const t0 = performance.now();
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
  };
  for (;;) {
    if (await pingOnce(port)) break;
    if (proc.exitCode !== null || proc.signalCode !== null || performance.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`${KIND_LABEL[kind]} did not answer PING on ${port}\n${err}`);
    }
    await sleep(10);
  }
  return { name: KIND_LABEL[kind], port, proc, stop, readyMs: performance.now() - t0 };
}
