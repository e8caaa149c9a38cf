// Server child processes for tests and benchmarks: spawn, wait until the port answers PING, stop
// with SIGTERM and then SIGKILL. One implementation, so every caller gets the same guarantees: a
// process that never comes up is killed and its output reported, stop() always waits for the exit.

import { spawn, type ChildProcess } from 'node:child_process';
import { waitForPing, type WaitOptions } from './ports';

/** Output kept per child for error messages: the last 64 KB. */
const OUTPUT_KEEP = 64 * 1024;

/** A running child server. */
export interface ChildHandle {
  port: number;
  proc: ChildProcess;
  /** The last 64 KB the process wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once (fault tests); resolves once it has exited. */
  kill9(): Promise<void>;
}

/** Whether a child process has exited already. */
export function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** SIGTERM (or `signal`), then SIGKILL after graceMs; resolves once the process has exited. */
export function stopChild(proc: ChildProcess, graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (hasExited(proc)) return Promise.resolve();
  return new Promise((resolve) => {
    const t = signal === 'SIGKILL' ? null : setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      if (t) clearTimeout(t);
      resolve();
    });
    proc.kill(signal);
  });
}

/** How startChild runs and checks a child. */
export interface StartChildOptions {
  cwd?: string;
  /** How readiness is checked (default: +PONG within 10 s); the wait ends early if the process exits. */
  wait?: WaitOptions;
  /** Grace period between SIGTERM and SIGKILL in stop(). Default 5000 ms. */
  graceMs?: number;
}

/**
 * Spawns `cmd args` (a server that will listen on `port`) and resolves once it answers PING. If it does
 * not, the process is stopped and the error carries its output.
 */
export async function startChild(cmd: string, args: string[], port: number, opts: StartChildOptions = {}): Promise<ChildHandle> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2 * OUTPUT_KEEP) out = out.slice(-OUTPUT_KEEP);
  };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  let spawnError: Error | null = null;
  proc.once('error', (err) => (spawnError = err));
  const child: ChildHandle = {
    port,
    proc,
    output: () => out.slice(-OUTPUT_KEEP),
    stop: () => stopChild(proc, opts.graceMs ?? 5000),
    kill9: () => stopChild(proc, 0, 'SIGKILL'),
  };
  const abort = () => {
    if (spawnError) return `${cmd} could not start: ${(spawnError as Error).message}`;
    return hasExited(proc) ? `${cmd} exited (${proc.exitCode ?? proc.signalCode}) before answering PING on port ${port}` : null;
  };
  try {
    await waitForPing(port, { ...opts.wait, abort });
  } catch (err) {
    if (!spawnError) await child.stop();
    throw new Error(`${(err as Error).message}\n${child.output()}`);
  }
  return child;
}
