// Embedded backends: with no master configured, bin/resplit runs a master and replicas as separate
// bin/resplit-server processes (separate processes so that the proxy and the master do not share a
// core), waits until they answer, and stops them when the proxy stops.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { lazyLogger } from './log';
import type { Addr } from './config';

const log = lazyLogger('proxy-embedded');

export interface Embedded {
  master: Addr;
  replicas: Addr[];
  stop(): Promise<void>;
}

function addr(port: number): Addr {
  return { host: '127.0.0.1', port, name: `127.0.0.1:${port}` };
}

/** Resolves when the port answers PING (any reply), rejects after timeoutMs. */
function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`embedded server on port ${port} exited with code ${child.exitCode}`));
      const s = net.connect(port, '127.0.0.1');
      const retry = () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`embedded server on port ${port} did not answer within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      };
      s.once('connect', () => s.write('PING\r\n'));
      s.once('data', () => {
        s.destroy();
        resolve();
      });
      s.once('error', retry);
      s.setTimeout(1000, retry);
    };
    attempt();
  });
}

/** Starts the embedded master and replicas (ports basePort, basePort+1, ...; data under dir/<name>). */
export async function startEmbedded(opts: { dir: string; basePort: number; replicas: number; serverBin?: string }): Promise<Embedded> {
  const bin = opts.serverBin ?? path.resolve(__dirname, '..', '..', '..', 'bin', 'resplit-server');
  const children: ChildProcess[] = [];
  const start = (name: string, port: number, extra: string[]) => {
    const dir = path.resolve(opts.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    const args = [bin, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...extra];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, sig) => log().warn({ name, port, code, signal: sig }, 'embedded server exited'));
    children.push(child);
    log().info({ name, port, dir, pid: child.pid }, 'embedded server started');
    return child;
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    const m = start('master', opts.basePort, []);
    await waitForPort(opts.basePort, 15000, m);
    const reps: Addr[] = [];
    for (let i = 1; i <= opts.replicas; i++) {
      const port = opts.basePort + i;
      const c = start(`replica${i}`, port, ['--replicaof', '127.0.0.1', String(opts.basePort)]);
      await waitForPort(port, 15000, c);
      reps.push(addr(port));
    }
    return { master: addr(opts.basePort), replicas: reps, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
