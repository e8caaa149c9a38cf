// Embedded backends: with no master configured, bin/resplit runs a master and replicas as separate
// bin/resplit-server processes (separate processes so that the proxy and the master do not share a
// core), the replicas following the master over loopback with Redis's replication protocol. It waits
// until they answer, and they stop with the proxy: on stop(), on the proxy's exit, and (through the
// stdin pipe watched by parent-watch.ts) even when the proxy is killed with SIGKILL.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { lazyLogger } from './log';
import { encodeCommand } from '../resp/encode';
import { NEED_MORE, ReplyDecoder, ReplyError, type ReplyValue } from '../resp/decoder';
import { freePort } from '../common/ports';
import type { Addr } from './config';

const log = lazyLogger('proxy-embedded');

/** Running embedded backends: where to reach them, and how to stop them. */
export interface Embedded {
  master: Addr;
  replicas: Addr[];
  /** The child processes (master first), for tests and logs. */
  pids: number[];
  stop(): Promise<void>;
}

/** What startEmbedded runs: data directory, ports, number of replicas, log level. */
export interface EmbeddedOptions {
  /** Data directory; each server gets dir/<name> (master, replica1, ...). */
  dir: string;
  /** Master port, replicas on the next ports; 0: a free ephemeral port for each server. */
  basePort: number;
  replicas: number;
  /** The proxy's log level; the servers log at the nearest Redis loglevel. */
  logLevel?: string;
  serverBin?: string;
}

/** The proxy's pino level as a redis.conf loglevel. */
const SERVER_LOGLEVEL: Record<string, string> = { debug: 'debug', info: 'notice', warn: 'warning', error: 'warning', silent: 'warning' };

function addr(port: number): Addr {
  return { host: '127.0.0.1', port, name: `127.0.0.1:${port}` };
}


/** Resolves when the port answers PING (any reply), rejects after timeoutMs or if the child exits. */
function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`embedded server on port ${port} exited (${child.exitCode ?? child.signalCode})`));
      }
      const s = net.connect(port, '127.0.0.1');
      let done = false;
      const retry = () => {
        if (done) return;
        done = true;
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`embedded server on port ${port} did not answer within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      };
      s.once('connect', () => s.write('PING\r\n'));
      s.once('data', () => {
        done = true;
        s.destroy();
        resolve();
      });
      s.once('error', retry);
      s.setTimeout(1000, retry);
    };
    attempt();
  });
}

/** One command to a local server on a connection of its own; rejects on an error, a close or the timeout. */
function command(port: number, args: string[], timeoutMs: number): Promise<ReplyValue> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const dec = new ReplyDecoder(true);
    const fail = (err: Error) => {
      s.destroy();
      reject(err);
    };
    s.setTimeout(timeoutMs, () => fail(new Error(`no reply within ${timeoutMs} ms`)));
    s.once('error', fail);
    s.once('close', () => fail(new Error('connection closed')));
    s.on('data', (d: Buffer) => {
      dec.feed(d);
      const v = dec.next();
      if (v === NEED_MORE) return;
      s.removeAllListeners('close');
      s.destroy();
      if (v instanceof ReplyError) reject(new Error(v.message));
      else resolve(v);
    });
    s.write(encodeCommand(args));
  });
}

/**
 * A replica's replication offset from its INFO, or -1 when it holds no complete copy of the master's
 * data: a sync in progress, or none done yet (offset 0 or 1 before its first full sync ends).
 */
async function replicaOffset(port: number): Promise<number> {
  const v = await command(port, ['INFO', 'replication'], 2000);
  const text = Buffer.isBuffer(v) ? v.latin1Slice() : '';
  const m = /slave_repl_offset:(\d+)/.exec(text);
  if (!m || /master_sync_in_progress:1/.test(text) || Number(m[1]) <= 1) return -1;
  return Number(m[1]);
}

/** Starts the embedded master and replicas; rejects (with everything stopped) if one does not come up. */
export async function startEmbedded(opts: EmbeddedOptions): Promise<Embedded> {
  const bin = opts.serverBin ?? path.resolve(__dirname, '..', '..', '..', 'bin', 'resplit-server');
  const watch = path.resolve(__dirname, 'parent-watch.js');
  const children: ChildProcess[] = [];
  let stopping = false;
  const start = (name: string, port: number, extra: string[], respawn = false): ChildProcess => {
    const dir = path.resolve(opts.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    const args = ['-r', watch, bin, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
    const level = SERVER_LOGLEVEL[opts.logLevel ?? 'info'];
    if (level) args.push('--loglevel', level);
    args.push(...extra);
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { ...process.env, RESPLIT_EXIT_WITH_PARENT: '1' },
    });
    child.stdin!.on('error', () => undefined);
    const startedAt = Date.now();
    child.on('exit', (code, sig) => {
      if (stopping) return log().info({ name, port, code, signal: sig }, 'embedded server stopped');
      if (!respawn) {
        // The master is restarted with its data taken from the most advanced replica: restarted
        // from its own last snapshot it would make its replicas resync from that and drop every
        // write made since. Meanwhile the replicas serve reads and writes get the master-down error.
        const i = children.indexOf(child);
        if (i >= 0) children.splice(i, 1);
        const n = Date.now() - startedAt > 30_000 ? 0 : (restarts.get(name) ?? 0);
        restarts.set(name, n + 1);
        const delay = n === 0 ? 0 : Math.min(30_000, 1000 * 2 ** Math.min(5, n));
        log().error({ name, port, code, signal: sig, recoverInMs: delay }, 'embedded master exited; restarting it with the data of the most advanced replica');
        setTimeout(() => void recoverMaster(port, extra), delay).unref();
        return;
      }
      // A replica is restarted: it resyncs from the master (partially when it can), its reads move
      // to the others meanwhile. Backoff if it keeps dying right after starting.
      const quick = restarts.get(name) ?? 0;
      const n = Date.now() - startedAt > 30_000 ? 0 : quick;
      restarts.set(name, n + 1);
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(5, n));
      log().warn({ name, port, code, signal: sig, restartInMs: delay }, 'embedded replica exited; restarting it');
      setTimeout(() => {
        if (stopping) return;
        const i = children.indexOf(child);
        if (i >= 0) children.splice(i, 1);
        start(name, port, extra, true);
      }, delay).unref();
    });
    children.push(child);
    log().info({ name, port, dir, pid: child.pid }, 'embedded server started');
    return child;
  };
  /** Restarts per server name (for the backoff). */
  const restarts = new Map<string, number>();
  /** Replica names and ports, for the master's recovery. */
  const replicaPorts: Array<{ name: string; port: number }> = [];
  /**
   * Restarts the master from the snapshot of the replica with the highest replication offset (SAVE
   * there, the file copied into the master's directory), or from its own last snapshot when no
   * replica answers. The replicas, which keep reconnecting to the master's port, resync from it.
   */
  const recoverMaster = async (port: number, extra: string[]): Promise<void> => {
    if (stopping) return;
    const candidates: Array<{ name: string; port: number; offset: number }> = [];
    for (const r of replicaPorts) {
      try {
        const offset = await replicaOffset(r.port);
        if (offset > 0) candidates.push({ ...r, offset });
      } catch {
        // Down or busy: not a candidate.
      }
    }
    // The most advanced first; the next one if its snapshot cannot be taken.
    candidates.sort((a, b) => b.offset - a.offset);
    let recovered = false;
    for (const c of candidates) {
      if (stopping) return;
      try {
        await command(c.port, ['SAVE'], 120_000);
        const from = path.resolve(opts.dir, c.name, 'dump.rdb');
        const to = path.resolve(opts.dir, 'master', 'dump.rdb');
        fs.copyFileSync(from, `${to}.recover`);
        // The master's own last snapshot is kept beside it, never destroyed by a recovery.
        if (fs.existsSync(to)) fs.renameSync(to, `${to}.before-recovery`);
        fs.renameSync(`${to}.recover`, to);
        log().warn({ from: c.name, offset: c.offset }, 'embedded master: data recovered from a replica');
        recovered = true;
        break;
      } catch (err) {
        log().error({ err: (err as Error).message, replica: c.name }, 'embedded master: could not take a replica snapshot');
      }
    }
    if (!recovered) log().error('embedded master: no replica holds a complete copy; restarting it from its own last snapshot');
    if (stopping) return;
    start('master', port, extra);
  };
  // Last resort when the proxy exits without stop() (uncaught error, process.exit elsewhere).
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  process.once('exit', killAll);
  const stop = async () => {
    stopping = true;
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
    process.off('exit', killAll);
  };
  const portOf = async (i: number) => (opts.basePort === 0 ? freePort() : opts.basePort + i);
  try {
    const mport = await portOf(0);
    // No diskless-sync delay: the replicas start right after the master and should serve reads at once.
    const m = start('master', mport, ['--repl-diskless-sync-delay', '0']);
    await waitForPort(mport, 15000, m);
    const reps: Addr[] = [];
    const waits: Array<Promise<void>> = [];
    for (let i = 1; i <= opts.replicas; i++) {
      const port = await portOf(i);
      const c = start(`replica${i}`, port, ['--replicaof', '127.0.0.1', String(mport)], true);
      replicaPorts.push({ name: `replica${i}`, port });
      waits.push(waitForPort(port, 15000, c));
      reps.push(addr(port));
    }
    await Promise.all(waits);
    return { master: addr(mport), replicas: reps, pids: children.map((c) => c.pid!), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
