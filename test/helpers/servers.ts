// Starting and stopping the servers tests talk to: the store in-process or as a child process, and a
// real redis-server. Ports are ephemeral; every process started here is stopped by the returned stop().
// A missing redis-server skips the real-Redis tests, unless RESPLIT_REQUIRE_REDIS=1 (CI), where it fails.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server } from '../../src/store/server';
import { Config } from '../../src/store/config';
import { freePort, waitForPing as waitForPingReply } from '../../src/common/ports';
import { startChild, type ChildHandle } from '../../src/common/child';

export { freePort };

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A fresh temporary directory, removed by the caller (or left in /tmp on failure for inspection). */
export function tmpDir(prefix = 'resplit-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A server that answers PING with +PONG or an error (-LOADING, -NOAUTH) is up. */
const upOrError = (reply: string): boolean => reply.startsWith('+PONG') || reply.startsWith('-');

/** Waits until a TCP port answers PING with +PONG or an error such as -LOADING (the server is up). */
export function waitForPing(port: number, timeoutMs = 10000): Promise<void> {
  return waitForPingReply(port, { timeoutMs, accept: upOrError });
}

export interface Running {
  port: number;
  stop(): Promise<void>;
}

export interface InProcessStore extends Running {
  server: Server;
}

/**
 * Starts the store in this process on an ephemeral loopback port. Unless `dir` is given, its files go
 * to a fresh temporary directory (removed by stop()), so a dump.rdb in the working directory is not
 * loaded.
 */
export async function startStore(directives: Record<string, string> = {}): Promise<InProcessStore> {
  const config = new Config();
  const ownDir = directives.dir === undefined ? tmpDir('resplit-store-') : null;
  const all: Record<string, string> = { port: '0', bind: '127.0.0.1', save: '', ...(ownDir ? { dir: ownDir } : {}), ...directives };
  for (const [k, v] of Object.entries(all)) {
    const err = config.set(k, v === '' ? [''] : v.split(' '), true);
    if (err) throw new Error(`bad test directive ${k}: ${err}`);
  }
  const server = new Server({ config });
  const port = await server.start();
  const stop = async () => {
    await server.shutdown({ save: false });
    if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
  };
  return { server, port, stop };
}

/** A server child process (resplit-server or redis-server); see src/common/child.ts. */
export type ChildServer = ChildHandle;

/** Spawns a server and waits until it answers PING (+PONG or an error such as -LOADING). */
function spawnServer(cmd: string, args: string[], port: number, cwd?: string): Promise<ChildServer> {
  return startChild(cmd, args, port, { cwd, wait: { accept: upOrError } });
}

/** Starts bin/resplit-server as a child process; `args` as redis-server takes them. */
export async function startStoreProcess(args: string[] = [], opts: { port?: number; cwd?: string } = {}): Promise<ChildServer> {
  const port = opts.port ?? (await freePort());
  const bin = path.join(ROOT, 'bin', 'resplit-server');
  const hasPort = args.includes('--port');
  return spawnServer(process.execPath, [bin, ...args, ...(hasPort ? [] : ['--port', String(port)]), '--bind', '127.0.0.1'], port, opts.cwd);
}

let redisPath: string | null | undefined;
/** Path of redis-server, or null when it is not installed. */
export function redisServerPath(): string | null {
  if (redisPath !== undefined) return redisPath;
  try {
    redisPath = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    redisPath = null;
  }
  return redisPath;
}

/** Whether real-Redis tests must run (CI sets RESPLIT_REQUIRE_REDIS=1). */
export const REQUIRE_REDIS = process.env.RESPLIT_REQUIRE_REDIS === '1';

/**
 * Starts a real redis-server on an ephemeral port with persistence off (unless args say otherwise).
 * Returns null when redis-server is missing (caller skips) and throws instead when REQUIRE_REDIS.
 */
export async function startRedis(args: string[] = [], opts: { port?: number } = {}): Promise<ChildServer | null> {
  const bin = redisServerPath();
  if (!bin) {
    if (REQUIRE_REDIS) throw new Error('redis-server is not installed but RESPLIT_REQUIRE_REDIS=1');
    return null;
  }
  const port = opts.port ?? (await freePort());
  const dir = args.includes('--dir') ? [] : ['--dir', tmpDir('resplit-redis-')];
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...dir];
  return spawnServer(bin, [...base, ...args], port);
}

/** For mocha: starts a real redis-server in before(), skipping the suite when it is missing. */
export function redisOrSkip(ctx: Mocha.Context, r: ChildServer | null): ChildServer {
  if (!r) ctx.skip();
  return r!;
}
