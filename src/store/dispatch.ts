// The dispatcher: Redis's processCommand as a ladder of flag-driven checks, each ending in one reply
// (unknown command, arity, auth, no_multi, maxmemory, read-only replica, subscriber context, stale
// data, loading, write gates, CLIENT PAUSE, MULTI queueing), then call(): the handler, with timing, command stats, slow log, MONITOR feed and
// propagation of what changed (the dirty counter, not the write flag, decides).

import type { Client } from './client';
import type { Server } from './server';
import { F, resolveCommand, arityOk, type Command } from '../resp/commands';
import { E, errArity, errUnknownCommand, errUnknownSubcommand, errSubscribeContext } from '../resp/errors';
import { handlerFor, type Handler } from './registry';
import { R_QUEUED } from '../resp/encode';
import { holdForPause } from './client-pause';

/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** Commands allowed in RESP2 subscriber mode. */
const SUBSCRIBE_ALLOWED = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

/** Replies with a rejection, counts it, and poisons an open transaction (Redis's rejectCommand). */
function reject(s: Server, c: Client, msg: string, cmd?: Command): void {
  if (c.multi) c.multiError = true;
  if (cmd?.name === 'exec') {
    // A rejected EXEC ends the transaction, even outside MULTI (Redis's execCommandAbort); "ERR "
    // texts lose their code.
    c.multi = null;
    c.multiError = false;
    s.unwatchAll(c);
    msg = `EXECABORT Transaction discarded because of: ${msg.startsWith('ERR ') ? msg.slice(4) : msg}`;
  }
  c.reply.error(msg);
  countError(s, msg);
  if (cmd) s.stats.cmd(cmd.fullName).rejected++;
}

/** Counts an error reply in errorstats by its code (first word). */
export function countError(s: Server, msg: string): void {
  s.stats.totalErrorReplies++;
  const sp = msg.indexOf(' ');
  const code = sp > 0 ? msg.slice(0, sp) : msg;
  s.stats.errors.set(code, (s.stats.errors.get(code) ?? 0) + 1);
}

/** Whether a key the client WATCHes was changed since (Redis's CLIENT_DIRTY_CAS). */
function watchTouched(c: Client): boolean {
  if (!c.watching.size) return false;
  for (const w of c.watching.values()) if (w.rec.dirty) return true;
  return false;
}

/** Whether a command would write, for the read-only replica check (EXEC with queued writes counts). */
function isWrite(cmd: Command, c: Client): boolean {
  if (cmd.bits & F.write) return true;
  if (cmd.name === 'exec' && c.multi) return (c.multiFlags & F.write) !== 0;
  return false;
}

/**
 * Whether a stale replica refuses the command: one without the `stale` flag, or EXEC of a queue
 * holding one (Redis 7.0's cmd_inv_flags), since the link may have gone down after queueing.
 */
function denyStale(cmd: Command, c: Client): boolean {
  if (!(cmd.bits & F.stale)) return true;
  if (cmd.name === 'exec' && c.multi) return (c.multiInvFlags & F.stale) !== 0;
  return false;
}

/**
 * rename-command: a renamed command answers to its new name only (argv[0] becomes the original
 * name, which is also what replicas receive); false for a disabled or renamed-away name (unknown).
 * The master's stream is not renamed: it carries original names.
 */
function renameArgv(s: Server, argv: string[]): boolean {
  const to = renamedName(s, argv[0]);
  if (to === null) return false;
  argv[0] = to;
  return true;
}

/** The original name a client's command name stands for under rename-command; null if unknown. */
function renamedName(s: Server, name0: string): string | null {
  const name = name0.toLowerCase();
  const from = s.config.renamedFrom?.get(name);
  if (from !== undefined) return from;
  return s.config.renamed!.has(name) ? null : name0;
}

/** Processes one request from a client. */
export function dispatch(s: Server, c: Client, argv: string[]): void {
  const name0 = argv[0];
  const cmd = s.config.renamed !== null && !c.isMaster && !renameArgv(s, argv) ? undefined : resolveCommand(argv);
  // CLIENT LIST's cmd=: the last command looked up at top level, set before it runs (NULL when
  // unknown), as processCommand sets c->lastcmd; commands inside EXEC leave it at exec.
  if (!cmd) {
    c.lastCmd = 'NULL';
    reject(s, c, errUnknownCommand(argv[0], argv.slice(1)));
    return;
  }
  c.lastCmd = cmd.subs && argv.length >= 2 ? 'NULL' : cmd.fullName;
  // A container whose subcommand is unknown, or missing where the container has no use alone
  // (COMMAND, arity -1, answers by itself as in Redis; CONFIG, arity -2, does not).
  if (cmd.subs && (argv.length >= 2 || !arityOk(cmd, 1) || !handlerFor(cmd))) {
    if (argv.length >= 2) reject(s, c, errUnknownSubcommand(cmd.name, argv[1]));
    else reject(s, c, errArity(cmd.fullName), cmd);
    return;
  }
  const handler = handlerFor(cmd);
  if (!handler) {
    reject(s, c, errUnknownCommand(argv[0], argv.slice(1)));
    return;
  }
  if (!arityOk(cmd, argv.length)) {
    reject(s, c, errArity(cmd.fullName), cmd);
    return;
  }
  const bits = cmd.bits;
  if (!c.authenticated && !(bits & F.no_auth)) {
    reject(s, c, E.NOAUTH, cmd);
    return;
  }
  if (c.multi && bits & F.no_multi) {
    reject(s, c, 'ERR Command not allowed inside a transaction', cmd);
    return;
  }
  if (s.oomGate !== null) {
    const oom = s.oomGate(c, cmd);
    if (oom !== null) {
      reject(s, c, oom, cmd);
      return;
    }
  }
  if (s.isReplica && !c.isMaster && s.config.getBool('replica-read-only') && isWrite(cmd, c)) {
    reject(s, c, E.READONLY, cmd);
    return;
  }
  if (c.inSubscriberMode && !SUBSCRIBE_ALLOWED.has(cmd.name)) {
    reject(s, c, errSubscribeContext(cmd.name), cmd);
    return;
  }
  if (s.isReplica && !c.isMaster && denyStale(cmd, c) && s.ext.staleRefusal && (s.ext.staleRefusal as () => boolean)()) {
    reject(s, c, E.MASTERDOWN, cmd);
    return;
  }
  if (s.loading && !(bits & F.loading)) {
    reject(s, c, E.LOADING, cmd);
    return;
  }
  for (const gate of s.writeGates) {
    if (bits & (F.write | F.may_replicate) || cmd.name === 'exec') {
      const err = gate(c, cmd);
      if (err) {
        reject(s, c, err, cmd);
        return;
      }
    }
  }
  // CLIENT PAUSE: held only now that every rejection above had its chance (Redis's order); the
  // request is kept as the client sent it, since it goes through the dispatcher again.
  if (s.pauseState !== null && holdForPause(s, c, cmd, argv)) {
    argv[0] = name0;
    return;
  }
  if (c.multi && !MULTI_IMMEDIATE.has(cmd.name)) {
    // Once the transaction is doomed (a queueing error, a touched WATCHed key) nothing more is kept,
    // as in Redis's queueMultiCommand: EXEC's checks look at what was queued before.
    if (!c.multiError && !watchTouched(c)) {
      c.multi.push({ cmd, argv });
      c.multiFlags |= cmd.bits;
      c.multiInvFlags |= ~cmd.bits;
    }
    c.reply.raw(R_QUEUED);
    return;
  }
  call(s, c, cmd, argv, handler);
  // SCAN and RANDOMKEY (Redis's CMD_TOUCHES_ARBITRARY_KEYS) run directly: the keys they expire
  // propagate as plain DELs, not as one MULTI/EXEC, as Redis does.
  s.flushPropagation(cmd.name === 'scan' || cmd.name === 'randomkey');
  if (s.afterCommandHooks.length) for (const h of s.afterCommandHooks) h();
}

/**
 * A handler threw (a bug, or a limit of the runtime nobody checked for): the server stays up for
 * every other client and keeps its data (Redis would abort, losing what was not saved). The client
 * gets an error and is closed after it, since part of a reply may already be in its output.
 */
function handlerFailed(s: Server, c: Client, cmd: Command, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  s.log.error({ command: cmd.fullName, client: c.id, err: err instanceof Error ? err.stack : message }, 'command failed with an exception; closing the client');
  c.reply.error(`ERR internal error in '${cmd.fullName}': ${message.replace(/[\r\n]+/g, ' ')}`);
  c.closeAfterReply = true;
}

/**
 * Error replies already counted by the call()s nested in the one running (EXEC's queued commands):
 * the outer call must not count them again (Redis's incrCommandStatsOnError keeps the error count of
 * the last call, nested or not, so EXEC fails only by an error of its own).
 */
let nestedErrors = 0;

/**
 * Runs a command's handler: timing, stats, slow log, MONITOR, propagation. Used for top-level commands
 * and for each command inside EXEC; the dispatcher passes the handler it already looked up.
 */
export function call(s: Server, c: Client, cmd: Command, argv: string[], handler: Handler = handlerFor(cmd)!): void {
  const dirtyBefore = s.dirty;
  const errorsBefore = c.reply.errors;
  const outerNested = nestedErrors;
  nestedErrors = 0;
  const prev = s.current;
  s.current = c;
  s.cmdTime = s.clock();
  s.lruClock = c.noTouch ? -1 : Math.floor(s.cmdTime / 1000);
  s.rewrittenArgv = null;
  const t0 = performance.now();
  try {
    handler(c, argv, s, cmd);
  } catch (err) {
    handlerFailed(s, c, cmd, err);
  }
  const usec = (performance.now() - t0) * 1000;
  const st = s.stats.cmd(cmd.fullName);
  st.calls++;
  st.usec += usec;
  s.stats.totalCommands++;
  if (c.reply.errors - errorsBefore > nestedErrors) {
    st.failed++;
    countError(s, c.reply.lastError);
  }
  nestedErrors = outerNested + (c.reply.errors - errorsBefore);
  if (s.dirty !== dirtyBefore && !s.preventPropagation) {
    const rw = s.rewrittenArgv as string[] | null;
    if (rw !== null) {
      if (rw.length) s.propagate(c.db.id, rw);
    } else s.propagate(c.db.id, argv);
  }
  // Restored after propagation: WAIT notes the offset of the client whose command is propagated.
  s.current = prev;
  s.preventPropagation = false;
  const slower = s.slowlogSlower;
  if (slower >= 0 && usec >= slower && !(cmd.bits & F.skip_slowlog)) s.slowlogPush(c, argv, usec);
  if (s.monitors.size && !(cmd.bits & (F.skip_monitor | F.admin))) s.feedMonitors(c, argv);
}
