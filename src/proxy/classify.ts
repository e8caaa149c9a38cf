// The request classifier: which way each command goes, derived from the one command table and
// failing closed (node-redis's replica rule; Envoy's hand-kept write list drifted, this one cannot):
// only commands flagged `readonly` and none of write/may_replicate/blocking/pubsub/admin may go to a
// replica; everything else, unknown commands included, goes to the master. A few commands that
// change connection state are answered by the proxy or refused, since backend connections are shared.

import { lookupCommand, resolveCommand, F, type Command } from '../resp/commands';
import { NOTED } from './noted';

/** Route kinds. */
export const K = {
  /** Replica-eligible read. */
  READ: 1,
  /** Master, shared connection. */
  WRITE: 2,
  /** Answered (or specially handled) by the session itself, by name. */
  LOCAL: 3,
  /** Blocks the connection: dedicated master connection. */
  BLOCK: 4,
  /** Enters pub/sub: the session is tunneled to a dedicated master connection. */
  SUB: 5,
  /** XREAD/XREADGROUP: blocking only with BLOCK. */
  XREAD: 6,
  /** SCAN: cursor at argv[1], pinned to the backend that issued it. */
  SCAN: 7,
  /** SSCAN/HSCAN/ZSCAN: cursor at argv[2]. */
  KEYSCAN: 8,
  /** INFO: master (any backend when the master is down) plus the proxy section. */
  INFO: 9,
  /** Refused with an error (would break a shared backend connection). */
  REFUSE: 10,
  /** WAIT/WAITAOF: block the connection although the table does not flag them blocking. */
  WAIT: 11,
  /** CONFIG GET: the master, its reply filtered (the backends' credentials and port are not shown). */
  CONFIG_GET: 12,
  /** SCRIPT LOAD/FLUSH, CLIENT PAUSE/UNPAUSE: the master; the proxy takes note once it ran them (noted.ts). */
  NOTED: 13,
  /** EVALSHA_RO: a replica as EVAL_RO when the proxy knows the body, else the master (scripts.ts). */
  EVALSHA_RO: 14,
  /** EVAL_RO, FCALL_RO: a read, whose error for a script with the write flag is the master's (replies.ts roScriptPost). */
  SCRIPT_RO: 15,
} as const;

/** Where a command goes (a K kind) and what the session needs to handle it. */
export interface Route {
  kind: number;
  /** Lower-case full name ("get", "client|setname"); "" for unknown commands. */
  name: string;
  /** Set when the route depends on the subcommand. */
  container?: boolean;
  /** Redis arity (for commands the proxy answers itself). */
  arity: number;
}

const READ_MASK = F.write | F.may_replicate | F.blocking | F.pubsub | F.admin;
const SCRIPT_RO = new Set(['eval_ro', 'fcall_ro']);
const LOCAL = new Set([
  'ping', 'echo', 'select', 'auth', 'hello', 'quit', 'reset', 'readonly', 'readwrite', 'role', 'resplit',
  'multi', 'exec', 'discard', 'watch', 'unwatch',
  'client|setname', 'client|getname', 'client|id', 'client|info', 'client|setinfo', 'client|list', 'acl|whoami',
  // About the client's own connection, answered for it: tracking is never on through the proxy,
  // and the proxy's own clients are never evicted.
  'client|getredir', 'client|trackinginfo', 'client|no-evict',
]);
/** Would change or hijack a shared backend connection's state, or is meaningless through a proxy. */
const REFUSE = new Set([
  'monitor', 'sync', 'psync', 'replicaof', 'slaveof', 'replconf', 'failover',
  // Would stop the master for every client of the endpoint.
  'shutdown',
  'client|reply', 'client|tracking', 'client|caching',
  'client|kill', 'client|unblock', 'client|no-touch',
  // The Lua debugger takes over the connection it is turned on for (a shared one: every client's).
  'script|debug',
]);
/**
 * Commands that hold their connection until something happens elsewhere but are not flagged
 * `blocking` in Redis 7.0's table: on a shared connection they would stall every other client.
 */
const WAITS = new Set(['wait', 'waitaof']);
/**
 * Flagged readonly, but about the master's own state rather than the data: TOUCH exists to refresh
 * the master's access times (what eviction goes by), OBJECT IDLETIME/FREQ read them.
 */
const MASTER_STATE = new Set(['touch', 'object|idletime', 'object|freq']);
/**
 * SCRIPT KILL / FUNCTION KILL: the busy script runs on a shared master connection, which the master
 * does not read until the script ends; they need a connection of their own (as blocking commands).
 * CLIENT UNPAUSE likewise: on the shared connection it waits behind the paused writes.
 */
const OWN_CONNECTION = new Set(['script|kill', 'function|kill', 'client|unpause']);
const SUB = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

/** The route of a known command (or subcommand). */
export function classifyCommand(cmd: Command): Route {
  const name = cmd.fullName;
  if (cmd.subs && !cmd.parent) return { kind: K.WRITE, name, container: true, arity: cmd.arity };
  let kind: number;
  if (LOCAL.has(name)) kind = K.LOCAL;
  else if (REFUSE.has(name)) kind = K.REFUSE;
  else if (SUB.has(name)) kind = K.SUB;
  else if (WAITS.has(name)) kind = K.WAIT;
  else if (name === 'info') kind = K.INFO;
  else if (name === 'config|get') kind = K.CONFIG_GET;
  else if (NOTED.has(name)) kind = K.NOTED;
  else if (name === 'scan') kind = K.SCAN;
  else if (name === 'sscan' || name === 'hscan' || name === 'zscan') kind = K.KEYSCAN;
  else if (name === 'xread' || name === 'xreadgroup') kind = K.XREAD;
  else if (SCRIPT_RO.has(name)) kind = K.SCRIPT_RO;
  else if (name === 'evalsha_ro') kind = K.EVALSHA_RO;
  else if (MASTER_STATE.has(name)) kind = K.WRITE;
  else if (OWN_CONNECTION.has(name)) kind = K.BLOCK;
  else if (cmd.bits & F.blocking) kind = K.BLOCK;
  else if (cmd.bits & F.readonly && !(cmd.bits & READ_MASK)) kind = K.READ;
  else kind = K.WRITE;
  return { kind, name, arity: cmd.arity };
}

const UNKNOWN: Route = { kind: K.WRITE, name: '', arity: -1 };
/** The proxy's own command (not in Redis's table). */
const RESPLIT: Route = { kind: K.LOCAL, name: 'resplit', arity: -2 };
/** Routes by the exact spelling clients send ("GET", "get"); bounded so odd spellings can't grow it. */
const byName = new Map<string, Route>();
const byCommand = new Map<Command, Route>();
const MAX_NAMES = 4096;

function routeOf(cmd: Command): Route {
  let r = byCommand.get(cmd);
  if (!r) {
    r = classifyCommand(cmd);
    byCommand.set(cmd, r);
  }
  return r;
}

/** The route of a request's command name (argv[0] as a latin1 string); containers need `resolve`. */
export function routeByName(name: string): Route {
  let r = byName.get(name);
  if (r) return r;
  const cmd = lookupCommand(name);
  r = cmd ? routeOf(cmd) : name.toLowerCase() === 'resplit' ? RESPLIT : UNKNOWN;
  if (byName.size < MAX_NAMES) byName.set(name, r);
  return r;
}

/** The route of a container command's subcommand (CLIENT SETNAME, CONFIG GET, ...). */
export function resolveRoute(argv: Buffer[]): Route {
  const cmd = resolveCommand(argv);
  if (!cmd) return UNKNOWN;
  // An unknown subcommand resolves to the container: the master answers Redis's error.
  if (cmd.subs && !cmd.parent) return { kind: K.WRITE, name: cmd.fullName, arity: cmd.arity };
  return routeOf(cmd);
}

/**
 * Whether an XREAD/XREADGROUP request blocks: a BLOCK option before STREAMS, read as Redis's
 * xreadCommand reads options (COUNT and BLOCK take a value, GROUP two, so a group, consumer or count
 * spelled "streams" or "block" is not taken for the keyword).
 */
export function xreadBlocks(argv: Buffer[]): boolean {
  for (let i = 1; i < argv.length; i++) {
    const o = argv[i].latin1Slice(0, Math.min(argv[i].length, 8)).toLowerCase();
    if (o === 'block') return true;
    if (o === 'count') i++;
    else if (o === 'group') i += 2;
    else if (o !== 'noack') return false; // STREAMS, or a syntax error the master reports
  }
  return false;
}

/** A direct-mapped cache from a command name's bytes to its route, so the fast path makes no string. */
interface NameEntry {
  bytes: Buffer;
  name: string;
  route: Route;
}
const NAME_CACHE_SIZE = 256;
const nameCache: Array<NameEntry | undefined> = new Array(NAME_CACHE_SIZE);

/**
 * The route of the command name in d[start, end) (routeByName without building a string when the
 * spelling was seen before), and that name as a string in `routedName.name`.
 */
export function routeByBytes(d: Buffer, start: number, end: number): Route {
  const len = end - start;
  let h = 2166136261 ^ len;
  for (let i = start; i < end; i++) h = Math.imul(h ^ d[i], 16777619);
  const idx = (h >>> 0) & (NAME_CACHE_SIZE - 1);
  const e = nameCache[idx];
  if (e !== undefined && e.bytes.length === len) {
    const b = e.bytes;
    let i = 0;
    while (i < len && b[i] === d[start + i]) i++;
    if (i === len) {
      routedName.name = e.name;
      return e.route;
    }
  }
  const name = d.latin1Slice(start, end);
  const route = routeByName(name);
  if (len <= 64) nameCache[idx] = { bytes: Buffer.from(d.subarray(start, end)), name, route };
  routedName.name = name;
  return route;
}

/** The name routeByBytes last routed (a second return value, without an allocation). */
export const routedName = { name: '' };

/**
 * Commands the proxy answers itself that are refused between MULTI and EXEC (an error at queue time,
 * and EXEC answers -EXECABORT, as Redis does for a command rejected while queueing). Forwarded, they
 * ran on the master connection: CLIENT ID/GETNAME/INFO answered for the backend's connection, CLIENT
 * SETNAME named the backend connection and never the client, ROLE was the master's, HELLO/AUTH
 * acted on the backend connection. Emulating them would mean answering them locally at queue time
 * (+QUEUED), sending a placeholder to the backend and splicing the proxy's reply into EXEC's array,
 * with the side effect applied only if EXEC ran; refusing is exact and simple, and clients hardly
 * ever queue these. PING, ECHO and SELECT keep working inside MULTI (the backend answers the first
 * two; SELECT is tracked in multiDb and takes effect for the session at EXEC).
 */
export const LOCAL_NOT_IN_MULTI = new Set([
  'client|setname', 'client|getname', 'client|id', 'client|info', 'client|list', 'client|setinfo',
  'client|getredir', 'client|trackinginfo', 'client|no-evict',
  'auth', 'hello', 'readonly', 'readwrite', 'role', 'resplit', 'acl|whoami',
]);
/** Subscribing inside MULTI would leave the client subscribed after EXEC on a connection that is not a tunnel. */
export const SUB_NOT_IN_MULTI = new Set(['subscribe', 'psubscribe', 'ssubscribe']);
