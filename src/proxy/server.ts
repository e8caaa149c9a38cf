// The listener: accepts clients (capped at maxclients), creates a Session for each, and owns the pool
// and the health checker. start() waits for one round of health checks so the first requests are
// routed by real backend state.

import net from 'node:net';
import { lazyLogger } from './log';
import type { ProxyConfig, Addr } from './config';
import { Pool } from './pool';
import { HealthChecker } from './health';
import { Session } from './session';
import type { ProxyContext } from './context';
import { stats } from './stats';
import { PE, errorReply } from './replies';
import { backendGuard, configFilter, configOwn, infoPost, scanPost } from './local';
import { ScriptCache } from './scripts';
import { Noted } from './noted';

const log = lazyLogger('proxy');

/** The proxy: its listener, pool, health checker and the context its sessions share; start() and stop(). */
export class ProxyServer {
  readonly pool: Pool;
  readonly health: HealthChecker;
  readonly ctx: ProxyContext;
  private readonly server: net.Server;
  port = 0;

  constructor(readonly cfg: ProxyConfig, master: Addr, replicas: Addr[]) {
    const conn = {
      username: cfg.backendUsername || undefined,
      password: cfg.backendPassword || undefined,
      connectTimeoutMs: cfg.connectTimeoutMs,
      keepaliveMs: cfg.tcpKeepaliveMs,
      keepaliveProbes: cfg.tcpKeepaliveProbes,
      userTimeoutMs: cfg.tcpUserTimeoutMs,
    };
    this.pool = new Pool(master, replicas, { conn, rise: cfg.rise, maxReplicaLag: cfg.maxReplicaLag, requestTimeoutMs: cfg.requestTimeoutMs });
    this.health = new HealthChecker(this.pool, {
      intervalMs: cfg.healthCheckIntervalMs,
      timeoutMs: cfg.healthCheckTimeoutMs,
      rise: cfg.rise,
      fall: cfg.fall,
      requestTimeoutMs: cfg.requestTimeoutMs,
      conn,
      databases: cfg.databases,
    });
    const startedAt = Date.now();
    const own = configOwn(cfg.requirepass, cfg.bind, () => this.port);
    const filter = configFilter(own);
    const scripts = new ScriptCache();
    this.ctx = {
      cfg,
      pool: this.pool,
      sessions: new Map(),
      scripts,
      noted: new Noted(scripts, this.pool),
      startedAt,
      masterDown: errorReply(PE.MASTER_DOWN(master.name)),
      scanPost: scanPost(this.pool.all.length),
      infoPost: infoPost(this.pool, startedAt, () => this.port, () => {
        let n = 0;
        for (const s of this.ctx.sessions.values()) if (s.blocked) n++;
        return n;
      }),
      configFilter: filter,
      backendGuard: backendGuard(own, cfg.backendUsername || 'default'),
      configPost: (_slot, reply) => filter(reply),
    };
    // Half-open: a client that sends its requests and shuts down its side (`nc -N`, a script's
    // end()) still gets their replies; the session ends its side once they are written.
    this.server = net.createServer({ allowHalfOpen: true }, (sock) => this.accept(sock));
    this.server.on('error', (err) => log().error({ err: err.message }, 'listener error'));
  }

  private accept(sock: net.Socket): void {
    if (this.ctx.sessions.size >= this.cfg.maxclients) {
      stats.connectionsRejected++;
      sock.on('error', () => undefined);
      sock.end(errorReply(PE.TOO_MANY_CLIENTS));
      return;
    }
    stats.connectionsTotal++;
    stats.connectionsCurrent++;
    const s = new Session(sock, this.ctx);
    this.ctx.sessions.set(s.id, s);
  }

  /** Checks the backends once, then listens; resolves with the port. */
  async start(): Promise<number> {
    this.health.start();
    await this.health.firstRound(this.cfg.connectTimeoutMs + this.cfg.healthCheckTimeoutMs);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.cfg.port, this.cfg.bind, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    log().info({ port: this.port, master: this.pool.master.name, replicas: this.pool.replicas.map((r) => r.name) }, 'resplit proxy listening');
    return this.port;
  }

  /** Stops accepting, closes clients and backend connections. */
  async stop(): Promise<void> {
    this.health.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.ctx.sessions.values()) s.destroy();
    this.pool.close();
    await closed;
  }
}
