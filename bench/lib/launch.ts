// Starts redis-server or resplit-server on a given data directory (RDB file kept across restarts) and
// times how long the process takes to answer PING: with an RDB file present that is the load time.
// Polls every 10 ms: redis-server listens at once and answers -LOADING until loaded, resplit-server
// listens only once loaded; both count as "not ready" until a +PONG.

import path from 'node:path';
import { freePort, ROOT, type Proc } from './procs';
import { startChild } from '../../src/common/child';

export type Kind = 'resplit' | 'redis';

export const KIND_LABEL: Record<Kind, string> = { resplit: 'resplit-server', redis: 'redis-server' };

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
  try {
    const child = await startChild(cmd, args, port, { graceMs: 10000, wait: { timeoutMs, intervalMs: 10, attemptMs: 1000 } });
    return { name: KIND_LABEL[kind], port, proc: child.proc, stop: child.stop, readyMs: performance.now() - t0 };
  } catch (e) {
    throw new Error(`${KIND_LABEL[kind]} did not answer PING on ${port}: ${(e as Error).message}`);
  }
}
