// The proxy's configuration: one table of settings (name, type, default, meaning) from which the YAML
// file (config/resplit.yaml), the command-line flags and the validation are all derived. A bad value is
// refused at start with a message naming the setting.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { Command } from 'commander';

/** host:port of a backend. */
export interface Addr {
  host: string;
  port: number;
  name: string;
}

type Kind = 'int' | 'string' | 'addr' | 'addrs' | 'enum' | 'bool';

interface Setting {
  key: string;
  kind: Kind;
  def: unknown;
  doc: string;
  min?: number;
  max?: number;
  values?: string[];
  /** A string that may not be empty (an empty bind would listen on every interface). */
  nonEmpty?: boolean;
}

/** Every setting. config/resplit.yaml documents the same list. */
export const SETTINGS: Setting[] = [
  { key: 'port', kind: 'int', def: 6379, min: 0, max: 65535, doc: 'TCP port the proxy listens on (0: any free port)' },
  { key: 'bind', kind: 'string', def: '127.0.0.1', nonEmpty: true, doc: 'address the proxy listens on' },
  { key: 'requirepass', kind: 'string', def: '', doc: "password clients must AUTH with (the proxy's own; empty: none)" },
  { key: 'maxclients', kind: 'int', def: 10000, min: 1, max: 1000000, doc: 'client connections accepted at once' },
  { key: 'databases', kind: 'int', def: 16, min: 1, max: 1000000, doc: 'number of databases SELECT accepts (as the backends)' },
  { key: 'master', kind: 'addr', def: null, doc: 'external master host:port; unset: embedded backends' },
  { key: 'replicas', kind: 'addrs', def: [], doc: 'external replicas [host:port, ...]' },
  { key: 'backend-username', kind: 'string', def: '', doc: 'username the proxy uses with the backends' },
  { key: 'backend-password', kind: 'string', def: '', doc: 'password the proxy uses with the backends' },
  { key: 'embedded-dir', kind: 'string', def: './data', nonEmpty: true, doc: 'embedded mode: data directory (one subdirectory per server)' },
  { key: 'embedded-port', kind: 'int', def: 6380, min: 0, max: 65535, doc: 'embedded mode: master port; replicas use the next ports (0: a free port each)' },
  { key: 'embedded-replicas', kind: 'int', def: 2, min: 0, max: 16, doc: 'embedded mode: number of replicas' },
  { key: 'read-mode', kind: 'enum', def: 'replica', values: ['replica', 'master'], doc: "where reads go by default: 'replica' or 'master'" },
  {
    key: 'reads-after-writes',
    kind: 'enum',
    def: 'master',
    values: ['master', 'replica'],
    doc: "where a client's reads go while one of its writes is unanswered: 'master' (a pipelined read sees the write) or 'replica'",
  },
  { key: 'health-check-interval-ms', kind: 'int', def: 1000, min: 10, max: 3600000, doc: 'active health check period' },
  { key: 'health-check-timeout-ms', kind: 'int', def: 1000, min: 10, max: 3600000, doc: 'a health check unanswered this long fails' },
  { key: 'rise', kind: 'int', def: 2, min: 1, max: 100, doc: 'consecutive good checks before a down backend serves again' },
  { key: 'fall', kind: 'int', def: 2, min: 1, max: 100, doc: 'consecutive failed checks before a backend stops serving (a replica: also fall of its last 2 x fall checks, at most 8)' },
  { key: 'max-replica-lag', kind: 'int', def: 8388608, min: 0, max: Number.MAX_SAFE_INTEGER, doc: 'bytes of replication offset a replica may trail the master and still serve reads (0: no limit)' },
  { key: 'request-timeout-ms', kind: 'int', def: 5000, min: 0, max: 3600000, doc: 'a shared backend connection silent this long with requests pending is failed (0: never)' },
  { key: 'connect-timeout-ms', kind: 'int', def: 2000, min: 1, max: 3600000, doc: 'backend connect timeout' },
  { key: 'tcp-keepalive-ms', kind: 'int', def: 10000, min: 0, max: 3600000, doc: 'TCP keepalive idle time on backend sockets (0: off)' },
  { key: 'tcp-keepalive-probes', kind: 'int', def: 3, min: 1, max: 100, doc: 'TCP keepalive probes before the kernel drops a backend socket' },
  { key: 'tcp-user-timeout-ms', kind: 'int', def: 20000, min: 0, max: 3600000, doc: 'TCP_USER_TIMEOUT on backend sockets (0: off)' },
  { key: 'max-pending-per-client', kind: 'int', def: 1024, min: 1, max: 1000000, doc: 'requests in flight per client before the proxy stops reading from it' },
  {
    key: 'max-pending-bytes-per-client',
    kind: 'int',
    def: 67108864,
    min: 1024,
    max: Number.MAX_SAFE_INTEGER,
    doc: 'request bytes in flight per client before the proxy stops reading from it (one bigger request still goes)',
  },
  { key: 'client-output-pause-bytes', kind: 'int', def: 8388608, min: 1024, max: Number.MAX_SAFE_INTEGER, doc: "reply bytes held for a client (unsent, or waiting behind earlier replies) before the proxy stops reading that client's requests" },
  { key: 'client-output-limit-bytes', kind: 'int', def: 268435456, min: 1024, max: Number.MAX_SAFE_INTEGER, doc: 'reply bytes held for a client (unsent, or waiting behind earlier replies) before it is disconnected' },
  {
    key: 'client-query-buffer-limit',
    kind: 'int',
    def: 1073741824,
    min: 1048576,
    max: Number.MAX_SAFE_INTEGER,
    doc: "a request still being received that holds more than this (its bytes, plus 128 per argument) closes its client, as Redis's limit of the same name",
  },
  {
    key: 'client-output-limit-pubsub-bytes',
    kind: 'int',
    def: 33554432,
    min: 1024,
    max: Number.MAX_SAFE_INTEGER,
    doc: "client-output-limit-bytes for a subscribed client (Redis's pubsub class hard limit: 32 MB)",
  },
  { key: 'proto-max-bulk-len', kind: 'int', def: 536870912, min: 1024, max: 536870912, doc: 'largest bulk argument accepted from clients' },
  { key: 'log-level', kind: 'enum', def: 'info', values: ['debug', 'info', 'warn', 'error', 'silent'], doc: 'pino log level' },
  { key: 'log-file', kind: 'string', def: '', doc: 'log to this file instead of stdout' },
];

/** The settings as the proxy uses them: one camel-cased field per SETTINGS entry (buildConfig). */
export interface ProxyConfig {
  port: number;
  bind: string;
  requirepass: string;
  maxclients: number;
  databases: number;
  master: Addr | null;
  replicas: Addr[];
  backendUsername: string;
  backendPassword: string;
  embeddedDir: string;
  embeddedPort: number;
  embeddedReplicas: number;
  readMode: 'replica' | 'master';
  readsAfterWrites: 'master' | 'replica';
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  rise: number;
  fall: number;
  maxReplicaLag: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  tcpKeepaliveMs: number;
  tcpKeepaliveProbes: number;
  tcpUserTimeoutMs: number;
  maxPendingPerClient: number;
  maxPendingBytesPerClient: number;
  clientQueryBufferLimit: number;
  clientOutputLimitPubsubBytes: number;
  clientOutputPauseBytes: number;
  clientOutputLimitBytes: number;
  protoMaxBulkLen: number;
  logLevel: string;
  logFile: string;
}

/** A configuration error; the message names the setting. */
export class ConfigError extends Error {}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses "host:port" (IPv6 as [::1]:port). */
export function parseAddr(v: unknown, key: string): Addr {
  if (typeof v !== 'string') throw new ConfigError(`${key}: expected "host:port", got ${JSON.stringify(v)}`);
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(v.trim());
  if (!m) throw new ConfigError(`${key}: expected "host:port", got ${JSON.stringify(v)}`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new ConfigError(`${key}: port out of range in ${JSON.stringify(v)}`);
  const host = m[1] ?? m[2];
  return { host, port, name: `${host}:${port}` };
}

function convert(s: Setting, v: unknown): unknown {
  const key = s.key;
  switch (s.kind) {
    case 'int': {
      // Decimal only: Number() would take "0x1F90", "0b101", "1e3".
      const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigError(`${key}: expected an integer, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
      if (n < s.min! || n > s.max!) throw new ConfigError(`${key}: ${n} is out of range (${s.min}..${s.max})`);
      return n;
    }
    case 'string':
      if (s.nonEmpty && (v === null || v === undefined)) throw new ConfigError(`${key}: may not be empty`);
      if (v === null || v === undefined) return '';
      if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(`${key}: expected a string, got ${JSON.stringify(v)}`);
      if (s.nonEmpty && String(v).trim() === '') throw new ConfigError(`${key}: may not be empty`);
      return String(v);
    case 'enum': {
      if (typeof v !== 'string') throw new ConfigError(`${key}: expected one of ${s.values!.join(', ')}, got ${JSON.stringify(v)}`);
      const t = v.toLowerCase();
      if (!s.values!.includes(t)) throw new ConfigError(`${key}: expected one of ${s.values!.join(', ')}, got ${JSON.stringify(v)}`);
      return t;
    }
    case 'bool':
      if (v === true || v === 'true' || v === 'yes') return true;
      if (v === false || v === 'false' || v === 'no') return false;
      throw new ConfigError(`${key}: expected true or false, got ${JSON.stringify(v)}`);
    case 'addr':
      return v === null || v === undefined || v === '' ? null : parseAddr(v, key);
    case 'addrs': {
      const list = typeof v === 'string' ? (v.trim() === '' ? [] : v.split(',')) : v;
      if (!Array.isArray(list)) throw new ConfigError(`${key}: expected a list of "host:port", got ${JSON.stringify(v)}`);
      return list.map((x, i) => parseAddr(typeof x === 'string' ? x.trim() : x, `${key}[${i}]`));
    }
  }
}

/** Builds a configuration from layered plain objects (file, then flags); later layers win. */
export function buildConfig(...layers: Array<Record<string, unknown>>): ProxyConfig {
  const out: Record<string, unknown> = {};
  const byKey = new Map(SETTINGS.map((s) => [s.key, s]));
  for (const s of SETTINGS) out[camel(s.key)] = s.def;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const s = byKey.get(k);
      if (!s) throw new ConfigError(`${k}: unknown setting`);
      out[camel(k)] = convert(s, v);
    }
  }
  const cfg = out as unknown as ProxyConfig;
  if (!cfg.master && cfg.replicas.length) throw new ConfigError('replicas: external replicas need an external master (set master)');
  const names = [cfg.master, ...cfg.replicas].filter(Boolean).map((a) => a!.name);
  if (new Set(names).size !== names.length) throw new ConfigError('replicas: a backend is listed twice');
  if (cfg.healthCheckTimeoutMs > cfg.healthCheckIntervalMs * 10) {
    throw new ConfigError('health-check-timeout-ms: must not exceed ten health-check intervals');
  }
  // bind: an address the listener can take (Redis's bind takes addresses, not names).
  if (net.isIP(cfg.bind) === 0 && cfg.bind !== 'localhost') throw new ConfigError(`bind: expected an IP address, got ${JSON.stringify(cfg.bind)}`);
  if (!cfg.master && cfg.embeddedPort !== 0) {
    const last = cfg.embeddedPort + cfg.embeddedReplicas;
    if (last > 65535) throw new ConfigError(`embedded-port: ${cfg.embeddedPort} leaves no room for ${cfg.embeddedReplicas} replicas on the next ports (up to ${last})`);
    if (cfg.port >= cfg.embeddedPort && cfg.port <= last) throw new ConfigError(`embedded-port: the embedded servers' ports ${cfg.embeddedPort}-${last} include the proxy's port ${cfg.port}`);
  }
  if (cfg.backendUsername && !cfg.backendPassword) throw new ConfigError('backend-username: needs backend-password (the proxy logs in with both)');
  if (cfg.clientOutputLimitBytes < cfg.clientOutputPauseBytes) {
    throw new ConfigError('client-output-limit-bytes: must not be below client-output-pause-bytes (a client would be dropped before it is paused)');
  }
  if (cfg.logFile) {
    // Opened here (append; the file and its directories created if missing, as the logger would)
    // so that a path that cannot be written is refused at start rather than losing every log line.
    try {
      fs.mkdirSync(path.dirname(cfg.logFile), { recursive: true });
      fs.closeSync(fs.openSync(cfg.logFile, 'a'));
    } catch (err) {
      throw new ConfigError(`log-file: cannot open ${cfg.logFile}: ${(err as Error).message}`);
    }
  }
  return cfg;
}

/** Reads a YAML configuration file into a plain object (null document: empty). */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--config: cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`--config: ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`--config: ${file} must be a mapping of settings`);
  return doc as Record<string, unknown>;
}

/** The shipped configuration file (dist/src/proxy -> config/). */
export const DEFAULT_FILE = path.join(__dirname, '..', '..', '..', 'config', 'resplit.yaml');

/** Parses command-line arguments: --config FILE, then one --<setting> VALUE flag per setting. */
export function configFromArgs(argv: string[], defaultFile = DEFAULT_FILE): ProxyConfig {
  const program = new Command('resplit')
    .description('Redis read/write-splitting proxy')
    .option('-c, --config <file>', 'YAML configuration file (see config/resplit.yaml)')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  for (const s of SETTINGS) program.option(`--${s.key} <value>`, s.doc);
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; message: string };
    // Commander has printed the help itself by now.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') process.exit(0);
    throw new ConfigError(e.message.replace(/^error: /, ''));
  }
  const opts = program.opts<Record<string, string>>();
  // Without --config the shipped config/resplit.yaml applies when present, so editing it takes
  // effect as its header says; its values are the built-in defaults as shipped.
  const file = opts.config ? readConfigFile(opts.config) : fs.existsSync(defaultFile) ? readConfigFile(defaultFile) : {};
  const flags: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const v = opts[camel(s.key)];
    if (v !== undefined) flags[s.key] = v;
  }
  return buildConfig(file, flags);
}
