// Process helpers for benchmarks: start a real redis-server or a resplit-server child process on a
// free loopback port, wait until it answers, and stop it. Benchmarks never touch fixed ports.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

export async function waitPort(port: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => s.write('PING\r\n'));
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      s.once('error', () => resolve(false));
      setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 500);
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} never answered PING`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Proc {
  name: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export async function startProc(name: string, cmd: string, args: string[], port: number): Promise<Proc> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    await waitPort(port);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${name} did not start: ${(e as Error).message}\n${err}`);
  }
  return {
    name,
    port,
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
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
