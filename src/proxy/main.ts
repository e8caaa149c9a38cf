// Entry point of bin/resplit: configuration (YAML file + flags), embedded backends when no master is
// configured, the proxy, and a clean stop on SIGTERM/SIGINT (the embedded servers are stopped too).

import { configFromArgs, ConfigError } from './config';
import { configureLogging, logger } from '../common/log';
import { ProxyServer } from './server';
import { startEmbedded, type Embedded } from './embedded';
import { listenError } from '../common/ports';

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
