// The one pino logger factory: every component logs structured lines through a child of it.
import fs from 'node:fs';
import pino from 'pino';
import { boundExitFlush } from './exit-flush';

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
  // A regular file (logfile, or stdout redirected to one) is written synchronously, as Redis writes
  // its log: a line is on disk before the reply that follows it, so a reader of the log who saw the
  // reply finds the line (Redis's own test suite does exactly that). Pipes and terminals, which can
  // stall the process, stay asynchronous and bounded.
  const opts = { sync: file !== undefined ? isRegularPath(file) : isRegularFile(1), maxLength: LOG_BUFFER_MAX };
  const dest = file ? pino.destination({ ...opts, dest: file, mkdir: true }) : pino.destination({ ...opts, fd: 1 });
  dest.on('drop', () => dropped++);
  if (!opts.sync) boundExitFlush(dest);
  return dest;
}

function isRegularFile(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** A regular file, or none yet (it will be created as one); not a FIFO or a device. */
function isRegularPath(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return true;
  }
}

/** Options for the root logger; set once by the process entry point before anything logs. */
export interface LoggingOptions {
  level?: string;
  file?: string;
  name?: string;
  /** 'json' (pino's lines, the default) or 'legacy' (Redis's own line format, see legacyLine). */
  format?: string;
  /** The role letter of legacy lines (Redis: M master, S replica); 'M' when not given. */
  role?: () => string;
}

let rawDest: ReturnType<typeof pino.destination> | null = null;
let currentFormat = 'json';

/** Switches the format of a root logger configured with one ('json' or 'legacy'; CONFIG SET log-format). */
export function setLogFormat(format: string): void {
  currentFormat = format;
}

/** Sets up the root logger; called once by the process entry point before anything logs. */
export function configureLogging(opts: LoggingOptions): pino.Logger {
  const dest = logDestination(opts.file);
  rawDest = dest;
  const base = { level: opts.level ?? 'info', name: opts.name, base: { pid: process.pid } };
  if (opts.format !== undefined) {
    // A format that can change at run time (resplit-server's CONFIG SET log-format): pino still
    // builds every record (levels, children, bindings); only the bytes written differ.
    const role = opts.role ?? (() => 'M');
    currentFormat = opts.format;
    const stream = { write: (line: string) => dest.write(currentFormat === 'legacy' ? legacyLine(line, role()) : line) };
    root = pino(base, stream);
  } else {
    root = pino(base, dest);
  }
  return root;
}

/**
 * Writes lines as they are, outside the record format (Redis's LL_RAW: the start-up banner that
 * tools and Redis's own test harness read the PID from). A no-op before configureLogging.
 */
export function logRaw(text: string): void {
  rawDest?.write(text.endsWith('\n') ? text : `${text}\n`);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Fields of a record that the legacy line shows in its own places (or leaves out). */
const FIXED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'component', 'msg']);

/**
 * One pino record as Redis writes a log line ("pid:role dd Mon yyyy hh:mm:ss.mmm c message", the
 * level letter c being . debug, - verbose, * notice, # warning): log scrapers and Redis's test
 * suite match on it. A record's extra fields follow the message as key=value.
 */
export function legacyLine(json: string, role: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const t = new Date(typeof rec.time === 'number' ? rec.time : Date.now());
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp = `${p2(t.getDate())} ${MONTHS[t.getMonth()]} ${t.getFullYear()} ${p2(t.getHours())}:${p2(t.getMinutes())}:${p2(t.getSeconds())}.${String(t.getMilliseconds()).padStart(3, '0')}`;
  const lvl = typeof rec.level === 'number' ? rec.level : 30;
  const mark = lvl < 30 ? '.' : lvl < 40 ? '*' : '#';
  let extra = '';
  for (const [k, v] of Object.entries(rec)) {
    if (FIXED.has(k)) continue;
    extra += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return `${rec.pid ?? process.pid}:${role} ${stamp} ${mark} ${String(rec.msg ?? '')}${extra}\n`;
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
