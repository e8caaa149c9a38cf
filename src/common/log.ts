// The one pino logger factory: every component logs structured lines through a child of it.
import pino from 'pino';

let root: pino.Logger | null = null;

/**
 * Log bytes held for a destination that does not keep up (a stopped terminal, a full pipe): past
 * it lines are dropped and counted rather than held without bound (clients can cause log lines).
 */
export const LOG_BUFFER_MAX = 16 * 1024 * 1024;
let dropped = 0;

/** Log lines dropped because the destination did not take them (LOG_BUFFER_MAX). */
export function droppedLogLines(): number {
  return dropped;
}

/** The asynchronous, bounded destination of the root logger: a file, or stdout. */
export function logDestination(file?: string): ReturnType<typeof pino.destination> {
  const opts = { sync: false, maxLength: LOG_BUFFER_MAX };
  const dest = file ? pino.destination({ ...opts, dest: file, mkdir: true }) : pino.destination({ ...opts, fd: 1 });
  dest.on('drop', () => dropped++);
  return dest;
}

/** Options for the root logger; set once by the process entry point before anything logs. */
export function configureLogging(opts: { level?: string; file?: string; name?: string }): pino.Logger {
  root = pino({ level: opts.level ?? 'info', name: opts.name, base: { pid: process.pid } }, logDestination(opts.file));
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
