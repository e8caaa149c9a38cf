// Server configuration: one table of directives (name, type, default, whether CONFIG SET may change
// it), shared by the redis.conf reader, the command line, CONFIG GET/SET/REWRITE and INFO. Values are
// kept in Redis's canonical string form (what CONFIG GET prints) plus typed accessors for hot paths.

import { stringMatch } from './glob';

export type DirectiveType = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'save' | 'multi';

export interface Directive {
  name: string;
  type: DirectiveType;
  /** Default in canonical form. */
  def: string;
  /** False for directives that only the config file may set (CONFIG SET refuses them). */
  mutable: boolean;
  aliases?: string[];
  enumValues?: string[];
  min?: number;
  max?: number;
  /** Accepted and stored, but the store does not act on it (printed by CONFIG GET all the same). */
  inert?: boolean;
}

const MAXINT = 2147483647;
const d = (name: string, type: DirectiveType, def: string, mutable = true, more: Partial<Directive> = {}): Directive => ({
  name,
  type,
  def,
  mutable,
  ...more,
});

/** Every directive the store knows, with Redis 7.0's defaults. */
export const DIRECTIVES: Directive[] = [
  d('port', 'int', '6379', true, { min: 0, max: 65535 }),
  d('bind', 'string', '* -::*', true),
  d('unixsocket', 'string', '', false, { inert: true }),
  d('protected-mode', 'bool', 'yes', true, { inert: true }),
  d('tcp-backlog', 'int', '511', false, { min: 0 }),
  d('tcp-keepalive', 'int', '300', true, { min: 0 }),
  d('timeout', 'int', '0', true, { min: 0 }),
  d('daemonize', 'bool', 'no', false, { inert: true }),
  d('supervised', 'enum', 'no', false, { enumValues: ['upstart', 'systemd', 'auto', 'no'], inert: true }),
  d('pidfile', 'string', '', false),
  d('loglevel', 'enum', 'notice', true, { enumValues: ['debug', 'verbose', 'notice', 'warning', 'nothing'] }),
  d('logfile', 'string', '', false),
  d('syslog-enabled', 'bool', 'no', false, { inert: true }),
  d('databases', 'int', '16', false, { min: 1, max: MAXINT }),
  d('always-show-logo', 'bool', 'no', false, { inert: true }),
  d('set-proc-title', 'bool', 'yes', false, { inert: true }),
  d('save', 'save', '3600 1 300 100 60 10000', true),
  d('stop-writes-on-bgsave-error', 'bool', 'yes', true),
  d('rdbcompression', 'bool', 'yes', true),
  d('rdbchecksum', 'bool', 'yes', false),
  d('sanitize-dump-payload', 'enum', 'no', true, { enumValues: ['no', 'yes', 'clients'] }),
  d('dbfilename', 'string', 'dump.rdb', true),
  d('rdb-del-sync-files', 'bool', 'no', true, { inert: true }),
  d('dir', 'string', '', true),
  d('replicaof', 'multi', '', false, { aliases: ['slaveof'] }),
  d('masterauth', 'string', '', true),
  d('masteruser', 'string', '', true),
  d('replica-serve-stale-data', 'bool', 'yes', true, { aliases: ['slave-serve-stale-data'] }),
  d('replica-read-only', 'bool', 'yes', true, { aliases: ['slave-read-only'] }),
  d('repl-diskless-sync', 'bool', 'yes', true),
  d('repl-diskless-sync-delay', 'int', '5', true, { min: 0 }),
  d('repl-diskless-sync-max-replicas', 'int', '0', true, { min: 0 }),
  d('repl-diskless-load', 'enum', 'disabled', true, { enumValues: ['disabled', 'on-empty-db', 'swapdb'] }),
  d('repl-ping-replica-period', 'int', '10', true, { min: 1, aliases: ['repl-ping-slave-period'] }),
  d('repl-timeout', 'int', '60', true, { min: 1 }),
  d('repl-disable-tcp-nodelay', 'bool', 'no', true),
  d('repl-backlog-size', 'memory', '1048576', true, { min: 1 }),
  d('repl-backlog-ttl', 'int', '3600', true, { min: 0 }),
  d('replica-priority', 'int', '100', true, { min: 0, aliases: ['slave-priority'] }),
  d('replica-announced', 'bool', 'yes', true),
  d('replica-announce-ip', 'string', '', true, { aliases: ['slave-announce-ip'] }),
  d('replica-announce-port', 'int', '0', true, { min: 0, max: 65535, aliases: ['slave-announce-port'] }),
  d('min-replicas-to-write', 'int', '0', true, { min: 0, aliases: ['min-slaves-to-write'] }),
  d('min-replicas-max-lag', 'int', '10', true, { min: 0, aliases: ['min-slaves-max-lag'] }),
  d('replica-lazy-flush', 'bool', 'no', true, { aliases: ['slave-lazy-flush'], inert: true }),
  d('requirepass', 'string', '', true),
  d('maxclients', 'int', '10000', true, { min: 1 }),
  d('maxmemory', 'memory', '0', true, { min: 0 }),
  d('maxmemory-policy', 'enum', 'noeviction', true, {
    enumValues: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
    inert: true,
  }),
  d('maxmemory-samples', 'int', '5', true, { min: 1, inert: true }),
  d('lazyfree-lazy-eviction', 'bool', 'no', true, { inert: true }),
  d('lazyfree-lazy-expire', 'bool', 'no', true, { inert: true }),
  d('lazyfree-lazy-server-del', 'bool', 'no', true, { inert: true }),
  d('lazyfree-lazy-user-del', 'bool', 'no', true, { inert: true }),
  d('lazyfree-lazy-user-flush', 'bool', 'no', true, { inert: true }),
  d('appendonly', 'bool', 'no', true, { inert: true }),
  d('appendfilename', 'string', 'appendonly.aof', false, { inert: true }),
  d('appenddirname', 'string', 'appendonlydir', false, { inert: true }),
  d('appendfsync', 'enum', 'everysec', true, { enumValues: ['always', 'everysec', 'no'], inert: true }),
  d('lua-time-limit', 'int', '5000', true, { aliases: ['busy-reply-threshold'], inert: true }),
  d('slowlog-log-slower-than', 'int', '10000', true, { min: -1 }),
  d('slowlog-max-len', 'int', '128', true, { min: 0 }),
  d('latency-monitor-threshold', 'int', '0', true, { min: 0, inert: true }),
  d('notify-keyspace-events', 'string', '', true, { inert: true }),
  d('hash-max-listpack-entries', 'int', '128', true, { min: 0, aliases: ['hash-max-ziplist-entries'] }),
  d('hash-max-listpack-value', 'int', '64', true, { min: 0, aliases: ['hash-max-ziplist-value'] }),
  d('list-max-listpack-size', 'int', '-2', true, { min: -5, aliases: ['list-max-ziplist-size'] }),
  d('list-compress-depth', 'int', '0', true, { min: 0 }),
  d('set-max-intset-entries', 'int', '512', true, { min: 0 }),
  d('set-max-listpack-entries', 'int', '128', true, { min: 0 }),
  d('set-max-listpack-value', 'int', '64', true, { min: 0 }),
  d('zset-max-listpack-entries', 'int', '128', true, { min: 0, aliases: ['zset-max-ziplist-entries'] }),
  d('zset-max-listpack-value', 'int', '64', true, { min: 0, aliases: ['zset-max-ziplist-value'] }),
  d('hll-sparse-max-bytes', 'memory', '3000', true, { inert: true }),
  d('stream-node-max-bytes', 'memory', '4096', true, { inert: true }),
  d('stream-node-max-entries', 'int', '100', true, { inert: true }),
  d('activerehashing', 'bool', 'yes', true, { inert: true }),
  d('client-output-buffer-limit', 'multi', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', true),
  d('client-query-buffer-limit', 'memory', '1073741824', true, { min: 1024 * 1024 }),
  d('proto-max-bulk-len', 'memory', '536870912', true, { min: 1024 * 1024 }),
  d('hz', 'int', '10', true, { min: 1, max: 500 }),
  d('dynamic-hz', 'bool', 'yes', true),
  d('active-expire-enabled', 'bool', 'yes', true),
  d('lfu-log-factor', 'int', '10', true, { min: 0, inert: true }),
  d('lfu-decay-time', 'int', '1', true, { min: 0, inert: true }),
  d('io-threads', 'int', '1', false, { min: 1, inert: true }),
  d('enable-debug-command', 'enum', 'no', false, { enumValues: ['no', 'yes', 'local'], inert: true }),
  d('enable-protected-configs', 'enum', 'no', false, { enumValues: ['no', 'yes', 'local'], inert: true }),
  d('acllog-max-len', 'int', '128', true, { min: 0, inert: true }),
  d('latency-tracking', 'bool', 'yes', true, { inert: true }),
];

const BY_NAME = new Map<string, Directive>();
for (const dir of DIRECTIVES) {
  BY_NAME.set(dir.name, dir);
  for (const a of dir.aliases ?? []) BY_NAME.set(a, dir);
}

/** Looks up a directive by name or alias (case-insensitive). */
export function findDirective(name: string): Directive | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Parses "1gb", "64mb", "100k" as Redis's memtoull does; null if invalid. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const mul: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  return n * (m[2] ? mul[m[2].toLowerCase()] : 1);
}

/** The live configuration of one server. */
export class Config {
  private readonly values = new Map<string, string>();
  /** Listeners run after a directive changes (the server applies ports, limits, ...). */
  private readonly listeners: Array<(name: string, value: string) => void> = [];

  constructor() {
    for (const dir of DIRECTIVES) this.values.set(dir.name, dir.def);
  }

  onChange(fn: (name: string, value: string) => void): void {
    this.listeners.push(fn);
  }

  /** Canonical value of a directive. */
  get(name: string): string {
    const dir = findDirective(name);
    return dir ? this.values.get(dir.name)! : '';
  }

  getInt(name: string): number {
    return Number(this.get(name));
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Directive names and values whose names match a glob (CONFIG GET), aliases included as Redis does. */
  match(pattern: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const lp = pattern.toLowerCase();
    for (const [name, dir] of BY_NAME) {
      if (stringMatch(lp, name, false)) out.push([name, this.values.get(dir.name)!]);
    }
    return out;
  }

  /**
   * Validates and sets a directive from its arguments (a config file line or CONFIG SET value).
   * Returns null on success or an error message (without "ERR ") naming the problem.
   */
  set(name: string, args: string[], fromFile = false): string | null {
    const dir = findDirective(name);
    if (!dir) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
    if (!fromFile && !dir.mutable) return `CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
    const v = normalize(dir, args, this.values.get(dir.name)!);
    if (typeof v !== 'string') return `CONFIG SET failed (possibly related to argument '${name}') - ${v.error}`;
    this.values.set(dir.name, v);
    for (const l of this.listeners) l(dir.name, v);
    return null;
  }

  /** Resets a directive to its default (used by tests and RESET-like paths). */
  reset(name: string): void {
    const dir = findDirective(name);
    if (dir) this.values.set(dir.name, dir.def);
  }

  /** All directives that differ from their defaults, for CONFIG REWRITE. */
  changed(): Array<[string, string]> {
    return DIRECTIVES.filter((dd) => this.values.get(dd.name) !== dd.def).map((dd) => [dd.name, this.values.get(dd.name)!]);
  }
}

/** Canonical form of a directive's value, or an error. */
function normalize(dir: Directive, args: string[], current: string): string | { error: string } {
  const joined = args.join(' ');
  switch (dir.type) {
    case 'bool': {
      const v = joined.toLowerCase();
      if (v !== 'yes' && v !== 'no') return { error: 'argument must be \'yes\' or \'no\'' };
      return v;
    }
    case 'int': {
      if (!/^-?\d+$/.test(joined)) return { error: 'argument couldn\'t be parsed into an integer' };
      const n = Number(joined);
      if ((dir.min !== undefined && n < dir.min) || (dir.max !== undefined && n > dir.max)) {
        return { error: `argument must be between ${dir.min ?? -MAXINT} and ${dir.max ?? MAXINT} inclusive` };
      }
      return String(n);
    }
    case 'memory': {
      const n = parseMemory(joined);
      if (n === null) return { error: 'argument must be a memory value' };
      if (dir.min !== undefined && n < dir.min) return { error: `argument must be between ${dir.min} and ${Number.MAX_SAFE_INTEGER} inclusive` };
      return String(n);
    }
    case 'enum': {
      const v = joined.toLowerCase();
      if (!dir.enumValues!.includes(v)) return { error: `argument(s) must be one of the following: ${dir.enumValues!.join(', ')}` };
      return v;
    }
    case 'save': {
      const parts = joined.trim() === '' ? [] : joined.trim().split(/\s+/);
      if (parts.length % 2 !== 0 || parts.some((p) => !/^\d+$/.test(p))) return { error: 'Invalid save parameters' };
      return parts.join(' ');
    }
    case 'multi':
      if (dir.name === 'client-output-buffer-limit') return normalizeCobl(joined, current);
      return joined;
    default:
      return joined;
  }
}

/** client-output-buffer-limit <class> <hard> <soft> <seconds> [...]: merged into the current value. */
function normalizeCobl(v: string, current: string): string | { error: string } {
  const parts = v.trim().split(/\s+/);
  if (parts.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const coblState = new Map<string, string>();
  const cur = current.split(' ');
  for (let i = 0; i + 3 < cur.length; i += 4) coblState.set(cur[i], cur.slice(i + 1, i + 4).join(' '));
  for (let i = 0; i < parts.length; i += 4) {
    let cls = parts[i].toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (!coblState.has(cls)) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = parseMemory(parts[i + 1]);
    const soft = parseMemory(parts[i + 2]);
    const secs = Number(parts[i + 3]);
    if (hard === null || soft === null || !Number.isInteger(secs) || secs < 0) return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    coblState.set(cls, `${hard} ${soft} ${secs}`);
  }
  return ['normal', 'slave', 'pubsub'].map((c) => `${c} ${coblState.get(c)}`).join(' ');
}
