// Process helpers for benchmarks: start a real redis-server or a resplit-server child process on a
// free loopback port, wait until it answers, and stop it. Benchmarks never touch fixed ports.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/common/ports';
import { startChild } from '../../src/common/child';

export { freePort };

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Proc {
  name: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a server that will listen on `port` and waits (up to 20 s) until it answers +PONG. */
export async function startProc(name: string, cmd: string, args: string[], port: number): Promise<Proc> {
  try {
    const child = await startChild(cmd, args, port, { wait: { timeoutMs: 20000, intervalMs: 100 } });
    return { name, port, proc: child.proc, stop: child.stop };
  } catch (e) {
    throw new Error(`${name} did not start: ${(e as Error).message}`);
  }
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'resplit-bench-'));
}

/** A real redis-server with persistence off. */
export async function startRedis(extra: string[] = []): Promise<Proc> {
  const port = await freePort();
  return startProc('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpDir(), ...extra], port);
}

/** bin/resplit-server with persistence off. */
export async function startResplitServer(extra: string[] = []): Promise<Proc> {
  const port = await freePort();
  return startProc('resplit-server', process.execPath, [path.join(ROOT, 'bin', 'resplit-server'), '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', tmpDir(), ...extra], port);
}

/** CPU time (user+system, seconds) consumed so far by a process, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(parts[11]) + Number(parts[12]);
    return ticks / 100;
  } catch {
    return NaN;
  }
}
