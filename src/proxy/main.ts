// Entry point of bin/resplit: configuration (YAML file + flags), embedded backends when no master is
// configured, the proxy, and a clean stop on SIGTERM/SIGINT (the embedded servers are stopped too).

import dns from 'node:dns/promises';
import { configFromArgs, ConfigError } from './config';
import { configureLogging, logger } from '../common/log';
import { ProxyServer } from './server';
import { startEmbedded, type Embedded } from './embedded';
import { listenError } from '../common/ports';

/**
 * Two configured backends that resolve to one address and port ([name, name, address:port]), or
 * null. A name that does not resolve now is left out (the health checks report it).
 */
async function sameServer(addrs: Array<{ host: string; port: number; name: string }>): Promise<[string, string, string] | null> {
  const seen = new Map<string, string>();
  for (const a of addrs) {
    const ips = await dns.lookup(a.host, { all: true }).catch(() => []);
    for (const ip of ips) {
      const key = `${ip.address}:${a.port}`;
      const first = seen.get(key);
      if (first !== undefined && first !== a.name) return [first, a.name, key];
      seen.set(key, a.name);
    }
  }
  return null;
}

/** Runs the proxy with these command-line arguments until SIGTERM/SIGINT; a bad configuration exits with status 2. */
export async function main(argv: string[]): Promise<void> {
  let cfg;
  try {
    cfg = configFromArgs(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`resplit: bad configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (cfg.master) {
    // Names the configuration check cannot compare: localhost:6380 and 127.0.0.1:6380 are one server.
    const same = await sameServer([cfg.master, ...cfg.replicas]);
    if (same !== null) {
      process.stderr.write(`resplit: bad configuration: replicas: ${same[0]} and ${same[1]} are the same server (${same[2]})\n`);
      process.exit(2);
    }
  }
  configureLogging({ level: cfg.logLevel, file: cfg.logFile || undefined, name: 'resplit' });
  const log = logger('proxy-main');
  let embedded: Embedded | null = null;
  let master = cfg.master;
  let replicas = cfg.replicas;
  if (!master) {
    // The proxy's own port first: taken, nothing is started (the stack would start, sync and stop for nothing).
    const why = cfg.port === 0 ? null : await listenError(cfg.port, cfg.bind);
    if (why !== null) throw new Error(`port: cannot listen on ${cfg.bind}:${cfg.port}: ${why === 'EADDRINUSE' ? 'already in use' : why === 'EADDRNOTAVAIL' ? 'bind is not an address of this machine' : why}`);
    embedded = await startEmbedded({ dir: cfg.embeddedDir, basePort: cfg.embeddedPort, replicas: cfg.embeddedReplicas, logLevel: cfg.logLevel });
    master = embedded.master;
    replicas = embedded.replicas;
  }
  const proxy = new ProxyServer(cfg, master, replicas);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig }, 'stopping');
    await proxy.stop().catch(() => undefined);
    if (embedded) await embedded.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    await proxy.start();
  } catch (err) {
    log.error({ err: (err as Error).message }, 'cannot start');
    if (embedded) await embedded.stop();
    throw err;
  }
}
