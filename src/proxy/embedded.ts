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
import { canListen, freePort } from '../common/ports';
import { takeDirLock, releaseDirLock } from './dir-lock';
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

/** Wait before the n-th quick restart of a server (1 s doubling to 30 s). */
function backoff(n: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(5, n));
}

/** How long a recovered master must run before its snapshot counts as its own (see masterServed). */
const SERVED_AFTER_MS = 30_000;

/** How long a server may take to answer after it starts: loading a big snapshot comes first. */
const START_WAIT_MS = 600_000;

/** The proxy's pino level as a redis.conf loglevel. */
const SERVER_LOGLEVEL: Record<string, string> = { debug: 'debug', info: 'notice', warn: 'warning', error: 'warning', silent: 'warning' };

function addr(port: number): Addr {
  return { host: '127.0.0.1', port, name: `127.0.0.1:${port}` };
}


/** The process id a local server reports (INFO server), or null when it does not answer. */
async function serverPid(port: number, timeoutMs = 1000): Promise<number | null> {
  try {
    const v = await command(port, ['INFO', 'server'], timeoutMs);
    const m = /process_id:(\d+)/.exec(Buffer.isBuffer(v) ? v.latin1Slice() : '');
    return m ? Number(m[1]) : -1;
  } catch {
    return null;
  }
}

/**
 * Resolves when `child` itself answers on the port (INFO's process_id is its pid); rejects if another
 * process answers there (it would be taken for the embedded server and its data for ours), if the
 * child exits, or after timeoutMs. A server loading a big snapshot listens only once loaded: the wait
 * is long, and ends at once if the child dies.
 */
function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`embedded server on port ${port} exited (${child.exitCode ?? child.signalCode})`));
      }
      const pid = await serverPid(port);
      if (pid === child.pid) return resolve();
      if (pid !== null && child.exitCode === null) {
        return reject(new Error(`port ${port} is answered by another server (pid ${pid}), not the embedded one; stop it or choose another embedded-port`));
      }
      if (Date.now() > deadline) reject(new Error(`embedded server on port ${port} did not answer within ${timeoutMs} ms`));
      else setTimeout(() => void attempt(), 50);
    };
    void attempt();
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
      if (stopping) return log().info({ server: name, port, code, signal: sig }, 'embedded server stopped');
      const i = children.indexOf(child);
      if (i >= 0) children.splice(i, 1);
      // Backoff if it keeps dying right after starting.
      const n = Date.now() - startedAt > 30_000 ? 0 : (restarts.get(name) ?? 0);
      restarts.set(name, n + 1);
      if (!respawn) {
        // The master is restarted with its data taken from the most advanced replica: restarted
        // from its own last snapshot it would make its replicas resync from that and drop every
        // write made since. Meanwhile the replicas serve reads and writes get the master-down error.
        const delay = n === 0 ? 0 : backoff(n);
        log().error({ server: name, port, code, signal: sig, recoverInMs: delay }, 'embedded master exited; restarting it with the data of the most advanced replica');
        // Its port is held until it restarts: the replicas keep dialling it, and whatever else
        // listened there meanwhile would be synced from (their data flushed) and taken for the master.
        void holdPort(port).then(() => setTimeout(() => void recoverMaster(port, extra), delay).unref());
        return;
      }
      // A replica is restarted: it resyncs from the master (partially when it can), its reads move
      // to the others meanwhile.
      log().warn({ server: name, port, code, signal: sig, restartInMs: backoff(n) }, 'embedded replica exited; restarting it');
      restartReplica(name, port, extra, n);
    });
    children.push(child);
    byName.set(name, child);
    log().info({ server: name, port, dir, serverPid: child.pid }, 'embedded server started');
    return child;
  };
  /**
   * While the master is down, a listener of the proxy's own holds its port (connections are closed
   * at once): released right before the master starts again.
   */
  let standIn: net.Server | null = null;
  /** Takes the port with the stand-in; false when another process has it. */
  const holdPort = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (standIn !== null) return resolve(true);
      const srv = net.createServer((sock) => sock.destroy());
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => {
        if (stopping) return srv.close(() => resolve(false));
        standIn = srv;
        resolve(true);
      });
    });
  const releasePort = (): Promise<void> =>
    new Promise((resolve) => {
      const srv = standIn;
      standIn = null;
      if (srv === null) return resolve();
      srv.close(() => resolve());
    });
  /** Each server's current process, by name (master, replica1, ...). */
  const byName = new Map<string, ChildProcess>();
  /**
   * Whether the master has served since its last recovery: only then is its snapshot its own work,
   * kept aside by the next recovery (a master that keeps failing to come back must not rotate the
   * original away with every attempt).
   */
  let masterServed = true;
  /** Starts a replica again after the backoff; while another process holds its port, waits on. */
  const restartReplica = (name: string, port: number, extra: string[], n: number): void => {
    setTimeout(async () => {
      if (stopping) return;
      if (!(await canListen(port))) {
        log().error({ server: name, port, retryInMs: backoff(n + 1) }, 'embedded replica cannot restart: its port is in use by another process');
        return restartReplica(name, port, extra, n + 1);
      }
      if (!stopping) start(name, port, extra, true);
    }, backoff(n)).unref();
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
  const recoverMaster = async (port: number, extra: string[], attempt = 0): Promise<void> => {
    if (stopping) return;
    // Another process on the master's port (it took it before the stand-in could): nothing is
    // restarted or copied until it is free (the restarted master could not listen, and a recovery
    // per attempt would rotate snapshots away).
    if (standIn === null && !(await holdPort(port))) {
      const delay = backoff(attempt);
      log().error({ port, retryInMs: delay }, 'embedded master cannot restart: its port is in use by another process');
      setTimeout(() => void recoverMaster(port, extra, attempt + 1), delay).unref();
      return;
    }
    const candidates: Array<{ name: string; port: number; offset: number }> = [];
    for (const r of replicaPorts) {
      try {
        // Only this stack's own replica: whatever else answers on its port is not our data.
        const own = byName.get(r.name);
        if (own === undefined || (await serverPid(r.port, 2000)) !== own.pid) continue;
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
        // The master's own last snapshot is kept beside it, never destroyed by a recovery (nor by
        // the next one, unless the master has served since).
        if (fs.existsSync(to) && masterServed) fs.renameSync(to, `${to}.before-recovery`);
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
    masterServed = false;
    await releasePort();
    const m = start('master', port, extra);
    waitForPort(port, START_WAIT_MS, m).then(
      // Served for a while, not just answered once: a crash loop must not set the original aside.
      () => setTimeout(() => (masterServed ||= m.exitCode === null && m.signalCode === null), SERVED_AFTER_MS).unref(),
      (err) => log().error({ err: (err as Error).message }, 'embedded master did not come back'),
    );
  };
  // Last resort when the proxy exits without stop() (uncaught error, process.exit elsewhere).
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  process.once('exit', killAll);
  const stop = async () => {
    stopping = true;
    await releasePort();
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
    releaseDirLock(opts.dir);
  };
  const portOf = async (i: number) => {
    const port = opts.basePort === 0 ? await freePort() : opts.basePort + i;
    if (!(await canListen(port))) throw new Error(`embedded-port: 127.0.0.1:${port} is already in use (another resplit, or a Redis?); stop it or set embedded-port to free ports`);
    return port;
  };
  // Before any server starts (a server started and stopped again saves its snapshot on the way out):
  // the data directory is this stack's alone, and every port is free.
  takeDirLock(opts.dir);
  try {
    const ports: number[] = [];
    for (let i = 0; i <= opts.replicas; i++) ports.push(await portOf(i));
    const mport = ports[0];
    // No diskless-sync delay: the replicas start right after the master and should serve reads at once.
    const m = start('master', mport, ['--repl-diskless-sync-delay', '0']);
    await waitForPort(mport, START_WAIT_MS, m);
    const reps: Addr[] = [];
    const waits: Array<Promise<void>> = [];
    for (let i = 1; i <= opts.replicas; i++) {
      const port = ports[i];
      const c = start(`replica${i}`, port, ['--replicaof', '127.0.0.1', String(mport)], true);
      replicaPorts.push({ name: `replica${i}`, port });
      waits.push(waitForPort(port, START_WAIT_MS, c));
      reps.push(addr(port));
    }
    await Promise.all(waits);
    return { master: addr(mport), replicas: reps, pids: children.map((c) => c.pid!), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
