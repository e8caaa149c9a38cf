// Entry point of resplit-server: reads the redis.conf-style configuration, moves into `dir` (as Redis
// does, so dbfilename, pidfile and logfile paths resolve against it), starts the server, and shuts
// down cleanly on SIGTERM/SIGINT (saving when save points are set, removing the pidfile).
//
// Unlike Redis, a missing `dir` is created (mkdir -p) instead of being a fatal error, so that the
// shipped config/*.conf files work from a fresh checkout.

import fs from 'node:fs';
import path from 'node:path';
import { Server } from './server';
import { Config } from './config';
import { loadConfigArgs } from './config-file';
import { configureLogging, pinoLevel, logger, logRaw } from '../common/log';
import { REDIS_VERSION } from '../resp/commands';

/** Changes into the configured directory and records its absolute path as the config value. */
function enterDir(config: Config): void {
  const dir = config.get('dir');
  if (!dir) return;
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  process.chdir(abs);
  config.set('dir', [abs], true);
}

/** The resplit-server process: parses redis-server style arguments and a config file, starts the store. */
export async function main(argv: string[]): Promise<Server> {
  const config = new Config();
  const { file, warnings } = loadConfigArgs(config, argv);
  enterDir(config);
  let server: Server | null = null;
  const legacy = config.get('log-format') === 'legacy';
  configureLogging({
    level: pinoLevel(config.get('loglevel')),
    file: config.get('logfile') || undefined,
    name: 'resplit-server',
    format: config.get('log-format'),
    role: () => (server?.isReplica ? 'S' : 'M'),
  });
  const log = logger('server');
  if (legacy) startBanner(config, log);
  for (const w of warnings) log.warn(w);
  server = new Server({ config, configFile: file, log });
  // SHUTDOWN exits the process only when the server is the process (not in-process test servers).
  server.ext.mainProcess = true;
  try {
    await server.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Redis's words: supervisors and Redis's test harness read them to tell a busy port.
    if (e.code === 'EADDRINUSE' || e.code === 'EADDRNOTAVAIL' || e.code === 'EACCES') {
      log.warn(`Warning: Could not create server TCP listening socket ${config.get('bind') || '*'}:${config.get('port')}: ${e.message}`);
      log.warn(`Failed listening on port ${config.get('port')} (tcp), aborting.`);
    }
    throw err;
  }
  const srv = server;
  const stop = (sig: string) => {
    log.info({ signal: sig }, 'received signal, scheduling shutdown');
    // DEBUG PAUSE-CRON 1: held until the cron runs again (Redis's shutdown_asap is acted on in serverCron).
    if (srv.ext.cronPaused) {
      srv.pendingSignalShutdown = () => stop(sig);
      return;
    }
    // shutdown-on-sigint / shutdown-on-sigterm: SHUTDOWN's flags for that signal ('default': none).
    const flags = srv.config.get(sig === 'SIGINT' ? 'shutdown-on-sigint' : 'shutdown-on-sigterm').split(' ');
    const save = flags.includes('save') ? true : flags.includes('nosave') ? false : null;
    srv.shutdown({ save, now: flags.includes('now'), force: flags.includes('force') }).then(
      (done) => {
        // The final save failed: the server goes on, as Redis does on SIGTERM (a later signal tries again).
        if (done) process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return srv;
}

/**
 * Redis's start-up lines in the legacy log format: tools and Redis's own test harness read the
 * process id from the banner's "PID:" (always-show-logo) and wait for "Ready to accept connections".
 */
function startBanner(config: Config, log: ReturnType<typeof logger>): void {
  log.info('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  log.info(`Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`);
  if (config.getBool('always-show-logo')) {
    // Indented as in Redis's logo: the harness matches " PID: <pid>".
    logRaw(`    resplit-server (Redis ${REDIS_VERSION} compatible) 64 bit\n    Running in standalone mode\n    Port: ${config.get('port')}\n    PID: ${process.pid}\n`);
  } else {
    log.info(`Running mode=standalone, port=${config.get('port')}.`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
