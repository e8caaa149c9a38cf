// The commands a session answers itself (classify.ts's K.LOCAL): PING, ECHO, SELECT, AUTH, HELLO,
// QUIT, RESET, READONLY/READWRITE, ROLE, RESPLIT, CLIENT SETNAME/GETNAME/ID/INFO/LIST/SETINFO, and
// MULTI/WATCH/EXEC/DISCARD/UNWATCH outside a transaction, and the refusals. Kept apart from the session so that the
// session keeps routing, its FIFO and its connections; these read and set the per-client state
// through the narrow LocalSession view and answer with LocalSession.local.

import { E, errArity, errUnknownCommand, errUnknownSubcommand } from '../resp/errors';
import type { Route } from './classify';
import { arityOk, resolveCommand } from '../resp/commands';
import { clientLine, clientListFilter, clientType, helloReply, roleReply, textReply, validClientName, type ClientView } from './local';
import { PE, errorReply, refusal, bulkReply, intReply, R_OK, R_NIL, R_NULL3, R_PONG, R_RESET, R_EXEC_NO_MULTI, R_DISCARD_NO_MULTI } from './replies';
import type { ProxyContext } from './context';
import { string2ll } from '../resp/integers';

const R_MINUS_ONE = Buffer.from(':-1\r\n');
/** CLIENT TRACKINGINFO with tracking off, as Redis 7.0 shapes it (flags a set in RESP3). */
const TRACKINGINFO_REST = '$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n';
const R_TRACKINGINFO2 = Buffer.from(`*6\r\n$5\r\nflags\r\n*1\r\n${TRACKINGINFO_REST}`);
const R_TRACKINGINFO3 = Buffer.from(`%3\r\n$5\r\nflags\r\n~1\r\n${TRACKINGINFO_REST}`);

/** What these commands need of a session (Session implements it). */
export interface LocalSession extends ClientView {
  readonly ctx: ProxyContext;
  resp: 2 | 3;
  authed: boolean;
  readMaster: boolean;
  /** QUIT: reply, then close. */
  closing: boolean;
  /** A reply the proxy makes itself, in order with the forwarded ones. */
  local(reply: Buffer): void;
  /** Ordering barrier: true when nothing is in flight, else the request is kept for later. */
  drained(args: Buffer[], raw: Buffer | null): boolean;
  /** Moves the client to another protocol (nothing is in flight). */
  switchProto(proto: 2 | 3): void;
  /** RESET: the session as a new connection's. */
  reset(): void;
  /** Starts MULTI (multi) or WATCH on the client's own master connection. */
  pin(args: Buffer[], raw: Buffer | null, multi: boolean): void;
}

/** A command the proxy answers itself (the session is not pinned, or it is QUIT/RESET). */
export function handleLocal(ses: LocalSession, args: Buffer[], raw: Buffer | null, r: Route): void {
  if (!(r.arity > 0 ? args.length === r.arity : args.length >= -r.arity)) return ses.local(rejection(r.name, errArity(r.name)));
  switch (r.name) {
    case 'ping':
      if (args.length > 2) return ses.local(errorReply(errArity('ping')));
      return ses.local(args.length === 1 ? R_PONG : bulkReply(args[1]));
    case 'echo':
      return ses.local(bulkReply(args[1]));
    case 'select': {
      const db = parseDb(args[1], ses.ctx.cfg.databases);
      if (typeof db !== 'number') return ses.local(errorReply(db));
      ses.db = db;
      return ses.local(R_OK);
    }
    case 'auth':
      return auth(ses, args);
    case 'hello':
      return hello(ses, args, raw);
    case 'quit':
      ses.local(R_OK);
      ses.closing = true;
      return;
    case 'reset':
      if (!ses.drained(args, raw)) return;
      ses.reset();
      return ses.local(R_RESET);
    case 'readonly':
      ses.readMaster = false;
      return ses.local(R_OK);
    case 'readwrite':
      ses.readMaster = true;
      return ses.local(R_OK);
    case 'role':
      return ses.local(roleReply(ses.ctx.pool));
    case 'resplit':
      return resplit(ses, args);
    case 'multi':
      return ses.pin(args, raw, true);
    case 'watch':
      return ses.pin(args, raw, false);
    case 'exec':
      return ses.local(R_EXEC_NO_MULTI);
    case 'discard':
      return ses.local(R_DISCARD_NO_MULTI);
    case 'unwatch':
      return ses.local(R_OK);
    case 'client|setname': {
      const name = args[2].latin1Slice(0, args[2].length);
      if (!validClientName(name)) return ses.local(errorReply('ERR Client names cannot contain spaces, newlines or special characters.'));
      ses.name = name;
      return ses.local(R_OK);
    }
    case 'client|getname':
      return ses.local(ses.name ? bulkReply(ses.name) : ses.resp === 3 ? R_NULL3 : R_NIL);
    case 'client|id':
      return ses.local(intReply(ses.id));
    case 'acl|whoami':
      // Clients of the proxy are its default user (its requirepass); the backend user stays hidden.
      return ses.local(bulkReply('default'));
    case 'client|info':
      return ses.local(textReply(ses.resp, clientLine(ses, Date.now()) + '\n'));
    case 'client|list': {
      const f = clientListFilter(args.map((a) => a.latin1Slice(0, a.length)));
      if (typeof f === 'string') return ses.local(errorReply(f));
      const now = Date.now();
      let s = '';
      if (f.ids) {
        for (const id of f.ids) {
          const c = ses.ctx.sessions.get(id);
          if (c) s += clientLine(c, now) + '\n';
        }
      } else for (const c of ses.ctx.sessions.values()) if (!f.type || clientType(c) === f.type) s += clientLine(c, now) + '\n';
      return ses.local(textReply(ses.resp, s));
    }
    case 'client|getredir':
      return ses.local(R_MINUS_ONE);
    case 'client|trackinginfo':
      return ses.local(ses.resp === 3 ? R_TRACKINGINFO3 : R_TRACKINGINFO2);
    case 'client|no-evict': {
      const v = args[2].latin1Slice(0, args[2].length).toLowerCase();
      return ses.local(v === 'on' || v === 'off' ? R_OK : errorReply(E.SYNTAX));
    }
    case 'client|setinfo': {
      const attr = args[2].latin1Slice(0, args[2].length).toLowerCase();
      const v = args[3].latin1Slice(0, args[3].length);
      if (attr !== 'lib-name' && attr !== 'lib-ver') return ses.local(errorReply(`ERR Unrecognized option '${args[2].latin1Slice(0, args[2].length)}'`));
      if (!validClientName(v)) return ses.local(errorReply(`ERR ${attr} cannot contain spaces, newlines or special characters.`));
      if (attr === 'lib-name') ses.libName = v;
      else ses.libVer = v;
      return ses.local(R_OK);
    }
    default:
      return refuse(ses, r);
  }
}

/** Commands the proxy does not pass on; a wrong argument count still gets Redis's arity error first. */
export function refuse(ses: LocalSession, r: Route, args?: Buffer[]): void {
  if (args && !(r.arity > 0 ? args.length === r.arity : args.length >= -r.arity)) return ses.local(errorReply(errArity(r.name)));
  const answer = args ? asWithoutIt(r.name, args, (id) => ses.ctx.sessions.has(id)) : null;
  ses.local(answer ?? errorReply(refusal(r)));
}

/**
 * Redis's own reply where a refused command's outcome is known without carrying it out: turning off
 * what the proxy never turns on (client tracking, the Lua debugger) and Redis's errors for what would
 * fail anyway. null: refuse.
 */
function asWithoutIt(name: string, args: Buffer[], clientExists: (id: number) => boolean): Buffer | null {
  const a2 = args.length > 2 ? args[2].latin1Slice(0, args[2].length).toLowerCase() : '';
  switch (name) {
    case 'client|tracking': {
      // As Redis: the options are checked first (whatever ON/OFF says), then ON/OFF.
      const bad = trackingOptionsError(args, clientExists);
      if (bad !== null) return errorReply(bad);
      return a2 === 'off' ? R_OK : a2 === 'on' ? null : errorReply(E.SYNTAX);
    }
    case 'client|caching':
      return errorReply('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    case 'client|reply':
      // Replies are on (OFF and SKIP are refused): ON changes nothing; anything else is Redis's syntax error.
      return a2 === 'on' ? R_OK : a2 === 'off' || a2 === 'skip' ? null : errorReply(E.SYNTAX);
    case 'script|debug':
      // YES/SYNC would turn the shared master connection into one client's debugger session.
      return a2 === 'no' ? R_OK : a2 === 'yes' || a2 === 'sync' ? null : errorReply('ERR Use SCRIPT DEBUG YES/SYNC/NO');
    default:
      return null;
  }
}

/**
 * CLIENT TRACKING's option list as Redis parses it before looking at ON/OFF: the first error's text,
 * or null. A REDIRECT target must be a client of the proxy (the ids clients see are the proxy's).
 */
function trackingOptionsError(args: Buffer[], clientExists: (id: number) => boolean): string | null {
  let redirected = false;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j].latin1Slice(0, args[j].length).toLowerCase();
    const more = j < args.length - 1;
    if (opt === 'redirect' && more) {
      j++;
      if (redirected) return 'ERR A client can only redirect to a single other client';
      redirected = true;
      const v = args[j].latin1Slice(0, args[j].length);
      if (!/^(0|-?[1-9][0-9]{0,18})$/.test(v) || BigInt(v) > 9223372036854775807n || BigInt(v) < -9223372036854775808n) return E.NOT_INTEGER;
      if (!clientExists(Number(v))) return 'ERR The client ID you want redirect to does not exist';
    } else if (opt === 'prefix' && more) {
      j++;
    } else if (opt !== 'bcast' && opt !== 'optin' && opt !== 'optout' && opt !== 'noloop') {
      return E.SYNTAX;
    }
  }
  return null;
}

/**
 * The reply to a command from a client that has not authenticated, in Redis's order (processCommand):
 * an unknown command or subcommand, then a wrong argument count, then NOAUTH; EXEC's as the abort
 * of a transaction (Redis's rejectCommand).
 */
export function preAuthReply(args: Buffer[], r: Route): Buffer {
  const s = (b: Buffer) => b.latin1Slice(0, b.length);
  let err: string;
  const cmd = resolveCommand(args);
  if (cmd === undefined) err = errUnknownCommand(s(args[0]), args.slice(1).map(s));
  else if (cmd.subs && !cmd.parent && args.length >= 2) err = errUnknownSubcommand(cmd.fullName, s(args[1]));
  else if (!arityOk(cmd, args.length)) err = errArity(cmd.fullName);
  else err = E.NOAUTH;
  return rejection(r.name, err);
}

/**
 * A command refused before it runs, as Redis's rejectCommand answers it: EXEC's refusal is an
 * EXECABORT (in or out of a transaction), whose text carries Redis's own without its "ERR "
 * (NOAUTH keeps its code).
 */
function rejection(name: string, err: string): Buffer {
  return errorReply(name === 'exec' ? `EXECABORT Transaction discarded because of: ${err.replace(/^ERR /, '')}` : err);
}

/** A SELECT index, or Redis's error text. */
export function parseDb(a: Buffer, databases: number): number | string {
  // As getIntFromObjectOrReply: a strict long long (string2ll: no "-0", no sign on 0), then an int.
  const big = string2ll(a.latin1Slice(0, a.length));
  if (big === null) return PE.SELECT_NOT_INT;
  if (big > 2147483647n || big < -2147483648n) return PE.SELECT_INT_RANGE;
  const n = Number(big);
  if (n < 0 || n >= databases) return E.DB_INDEX;
  return n;
}

function checkAuth(requirepass: string, user: string, pass: string, oneArg: boolean): string | null {
  const want = requirepass;
  if (!want) {
    if (oneArg) return E.AUTH_NO_PASSWORD;
    return user === 'default' ? null : E.WRONGPASS;
  }
  if (user === 'default' && pass === want) return null;
  return E.WRONGPASS;
}

/** AUTH [user] password against the proxy's requirepass (its only user is default), with Redis's replies. */
export function auth(ses: LocalSession, args: Buffer[]): void {
  if (args.length > 3) return ses.local(errorReply(E.SYNTAX));
  const s = args.map((a) => a.latin1Slice(0, a.length));
  const oneArg = s.length === 2;
  const err = checkAuth(ses.ctx.cfg.requirepass, oneArg ? 'default' : s[1], oneArg ? s[1] : s[2], oneArg);
  if (err) return ses.local(errorReply(err));
  ses.authed = true;
  ses.local(R_OK);
}

/** HELLO [2|3 [AUTH user pass] [SETNAME name]]; 3 moves the client to RESP3 connections of its own. */
export function hello(ses: LocalSession, args: Buffer[], raw: Buffer | null): void {
  const s = args.map((a) => a.latin1Slice(0, a.length));
  let i = 1;
  let proto: 2 | 3 = ses.resp;
  if (s.length >= 2) {
    // As getLongLongFromObjectOrReply, then the range.
    const v = string2ll(s[1]);
    if (v === null) return ses.local(errorReply(PE.HELLO_NOT_INT));
    const ver = Number(v);
    if (ver < 2 || ver > 3) return ses.local(errorReply(E.NOPROTO));
    proto = ver as 2 | 3;
    i = 2;
  }
  let setname: string | null = null;
  for (; i < s.length; i++) {
    const opt = s[i].toLowerCase();
    const more = s.length - i - 1;
    if (opt === 'auth' && more >= 2) {
      const err = checkAuth(ses.ctx.cfg.requirepass, s[i + 1], s[i + 2], false);
      if (err) return ses.local(errorReply(err));
      ses.authed = true;
      i += 2;
    } else if (opt === 'setname' && more >= 1) {
      setname = s[++i];
      if (!validClientName(setname)) return ses.local(errorReply('ERR Client names cannot contain spaces, newlines or special characters.'));
    } else return ses.local(errorReply(`ERR Syntax error in HELLO option '${s[i]}'`));
  }
  if (!ses.authed) {
    return ses.local(
      errorReply('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'),
    );
  }
  if (proto !== ses.resp) {
    // Replies still in flight belong to the old connections: switch once they have all arrived.
    if (!ses.drained(args, raw)) return;
    ses.switchProto(proto);
  }
  if (setname !== null) ses.name = setname;
  ses.local(helloReply(ses.id, ses.resp));
}

/** RESPLIT READMODE MASTER|REPLICA, RESPLIT BACKENDS. */
export function resplit(ses: LocalSession, args: Buffer[]): void {
  const sub = args[1].latin1Slice(0, args[1].length).toLowerCase();
  if (sub === 'readmode') {
    const m = args.length === 3 ? args[2].latin1Slice(0, args[2].length).toLowerCase() : '';
    if (m === 'master') ses.readMaster = true;
    else if (m === 'replica') ses.readMaster = false;
    else return ses.local(errorReply(PE.READMODE));
    return ses.local(R_OK);
  }
  if (sub === 'backends' && args.length === 2) {
    const pool = ses.ctx.pool;
    const lines = pool.all.map(
      (b) => `${b.name} ${b.isMaster ? 'master' : 'replica'} ${b.eligible ? 'serving' : 'out'} offset=${b.offset}${b.isMaster ? '' : ` ack_offset=${b.ackOffset}`} lag=${b.isMaster ? 0 : pool.lag(b)} routed=${b.routed}${b.reason ? ` reason=${b.reason}` : ''}`,
    );
    return ses.local(Buffer.concat([Buffer.from(`*${lines.length}\r\n`), ...lines.map((l) => bulkReply(l))]));
  }
  ses.local(errorReply(PE.RESPLIT_HELP));
}
