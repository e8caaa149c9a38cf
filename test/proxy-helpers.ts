// Test stack for the proxy: a real redis-server master, real redis-server replicas (--replicaof), and
// the proxy in this process on an ephemeral port, with fast health checks. stop() stops everything.

import { ProxyServer } from '../src/proxy/server';
import { buildConfig } from '../src/proxy/config';
import { startRedis, type ChildServer } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { waitFor } from './helpers/wait';

export { waitFor };

export interface Stack {
  proxy: ProxyServer;
  port: number;
  master: ChildServer;
  replicas: ChildServer[];
  /** Extra config applied to the proxy. */
  stop(): Promise<void>;
}

/** Sends one command to a port and returns the reply as a string. */
export async function ask(port: number, ...args: string[]): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    return await c.str(...args);
  } finally {
    c.close();
  }
}

/** A field of a backend's INFO. */
export async function infoField(port: number, section: string, field: string): Promise<string | undefined> {
  const text = await ask(port, 'INFO', section);
  const m = new RegExp(`^${field}:(.*)\r$`, 'm').exec(text);
  return m ? m[1] : undefined;
}


/** Waits until every replica has the master's replication offset. */
export async function replicasCaughtUp(s: { master: ChildServer; replicas: ChildServer[] }): Promise<void> {
  await waitFor('replicas to catch up', async () => {
    const m = await infoField(s.master.port, 'replication', 'master_repl_offset');
    for (const r of s.replicas) {
      if ((await infoField(r.port, 'replication', 'master_link_status')) !== 'up') return false;
      if ((await infoField(r.port, 'replication', 'slave_repl_offset')) !== m) return false;
    }
    return true;
  });
}

/**
 * A proxy in this process, on an ephemeral port, in front of loopback backends, with fast health
 * checks; resolves once every backend serves.
 */
export async function startProxy(masterPort: number, replicaPorts: number[], extra: Record<string, unknown> = {}): Promise<ProxyServer> {
  const cfg = buildConfig({
    port: 0,
    master: `127.0.0.1:${masterPort}`,
    replicas: replicaPorts.map((p) => `127.0.0.1:${p}`),
    'health-check-interval-ms': 50,
    'health-check-timeout-ms': 400,
    rise: 1,
    fall: 1,
    'connect-timeout-ms': 500,
    ...extra,
  });
  const proxy = new ProxyServer(cfg, cfg.master!, cfg.replicas);
  try {
    await proxy.start();
    await waitFor('backends serving', () => proxy.pool.all.every((b) => b.eligible));
  } catch (err) {
    await proxy.stop();
    throw err;
  }
  return proxy;
}

/** Starts master + replicas + proxy; null when redis-server is missing. */
export async function startStack(opts: { replicas?: number; proxy?: Record<string, unknown> } = {}): Promise<Stack | null> {
  const master = await startRedis([]);
  if (!master) return null;
  const replicas: ChildServer[] = [];
  let proxy: ProxyServer | null = null;
  const stop = async () => {
    await proxy?.stop();
    await Promise.all([master, ...replicas].map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < (opts.replicas ?? 2); i++) replicas.push((await startRedis(['--replicaof', '127.0.0.1', String(master.port)]))!);
    await replicasCaughtUp({ master, replicas });
    proxy = await startProxy(master.port, replicas.map((r) => r.port), opts.proxy);
    return { proxy, port: proxy.port, master, replicas, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `calls` of one command in a backend's INFO commandstats (0 when never called). */
export async function calls(port: number, cmd: string): Promise<number> {
  const v = await infoField(port, 'commandstats', `cmdstat_${cmd}`);
  const m = v ? /calls=(\d+)/.exec(v) : null;
  return m ? Number(m[1]) : 0;
}

/**
 * Mocha hooks shared by the proxy suites: one stack (real redis-server backends) per suite, a fresh
 * client connection per test with every backend flushed and its command stats reset. Returns the
 * live state; `ctx.stack` and `ctx.client` are set by the hooks.
 */
export function useProxyStack(): { stack: Stack; client: RawClient } {
  const ctx = {} as { stack: Stack; client: RawClient };
  before(async function () {
    const s = await startStack();
    if (!s) this.skip();
    ctx.stack = s!;
  });
  after(async () => {
    await ctx.stack?.stop();
  });
  beforeEach(async () => {
    ctx.client = await RawClient.connect(ctx.stack.port);
    await ctx.client.str('FLUSHALL');
    for (const b of [ctx.stack.master, ...ctx.stack.replicas]) await ask(b.port, 'CONFIG', 'RESETSTAT');
  });
  afterEach(() => ctx.client?.close());
  return ctx;
}
