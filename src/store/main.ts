// Entry point of resplit-server: reads the redis.conf-style configuration, starts the server, and
// shuts down cleanly on SIGTERM/SIGINT (saving when save points are set, removing the pidfile).

import { Server } from './server';
import { Config } from './config';
import { loadConfigArgs } from './config-file';
import { configureLogging, pinoLevel, logger } from '../common/log';

export async function main(argv: string[]): Promise<Server> {
  const config = new Config();
  const { file, warnings } = loadConfigArgs(config, argv);
  configureLogging({ level: pinoLevel(config.get('loglevel')), file: config.get('logfile') || undefined, name: 'resplit-server' });
  const log = logger('server');
  for (const w of warnings) log.warn(w);
  const server = new Server({ config, configFile: file, log });
  await server.start();
  const stop = (sig: string) => {
    log.info({ signal: sig }, 'received signal, scheduling shutdown');
    server.shutdown({ save: null }).then(() => process.exit(0), (err) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    });
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
