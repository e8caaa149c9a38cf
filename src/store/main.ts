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
import { configureLogging, pinoLevel, logger } from '../common/log';

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
  configureLogging({ level: pinoLevel(config.get('loglevel')), file: config.get('logfile') || undefined, name: 'resplit-server' });
  const log = logger('server');
  for (const w of warnings) log.warn(w);
  const server = new Server({ config, configFile: file, log });
  // SHUTDOWN exits the process only when the server is the process (not in-process test servers).
  server.ext.mainProcess = true;
  await server.start();
  const stop = (sig: string) => {
    log.info({ signal: sig }, 'received signal, scheduling shutdown');
    server.shutdown({ save: null }).then(
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
  return server;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
