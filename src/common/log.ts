// The one pino logger factory: every component logs structured lines through a child of it.
import pino from 'pino';

let root: pino.Logger | null = null;

/** Options for the root logger; set once by the process entry point before anything logs. */
export function configureLogging(opts: { level?: string; file?: string; name?: string }): pino.Logger {
  const dest = opts.file ? pino.destination({ dest: opts.file, sync: false, mkdir: true }) : pino.destination({ fd: 1, sync: false });
  root = pino({ level: opts.level ?? 'info', name: opts.name, base: { pid: process.pid } }, dest);
  return root;
}

/** A child logger for one component (e.g. "server", "replication", "proxy"). */
export function logger(component: string): pino.Logger {
  if (!root) root = pino({ level: process.env.RESPLIT_LOG_LEVEL ?? 'silent' });
  return root.child({ component });
}

/** Redis's loglevel names mapped to pino's. */
export function pinoLevel(redisLevel: string): string {
  switch (redisLevel) {
    case 'debug':
      return 'debug';
    case 'verbose':
      return 'debug';
    case 'notice':
      return 'info';
    case 'warning':
      return 'warn';
    case 'nothing':
      return 'silent';
    default:
      return 'info';
  }
}
