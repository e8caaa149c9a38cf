// Blocking on keys (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP): the generic facility
// Redis implements in blocked.c. A command that finds nothing to pop registers the client on its keys
// with a callback that tries to serve it; when a key a client waits on changes (Db.signal ->
// readyHook), the key is queued as ready, and once the current command (or EXEC) has finished the
// waiting clients are served in the order they blocked (FIFO per key), as handleClientsBlockedOnKeys
// does. Serving one client may make another key ready (BLMOVE pushes): the loop runs until no key is
// ready. Clients leave on service, timeout, CLIENT UNBLOCK or disconnect.

import type { Client } from './client';
import type { Db } from './db';
import type { Server } from './server';
import { SERVER_INIT_HOOKS } from './registry';
import { E } from '../resp/errors';
import { parseLongDouble } from './longdouble';
import { deferredReplyWritten as replied } from './reply-mode';
import { countError } from './dispatch';

/** One blocked client's wait. */
interface BlockedOp {
  c: Client;
  db: Db;
  keys: string[];
  /** Tries to serve the client from the ready key; true when it wrote a reply (served or error). */
  tryServe: (readyKey: string) => boolean;
  onTimeout: () => void;
  timer: NodeJS.Timeout | null;
}

/** Per-server blocking state. */
class BlockingState {
  /** Per database: key -> clients waiting on it, in blocking order. */
  readonly waiting = new Map<Db, Map<string, BlockedOp[]>>();
  /** Keys signalled since the last serve pass ("dbid\0key" dedups). */
  ready: Array<{ db: Db; key: string }> = [];
  readySet = new Set<string>();
  /** A fallback pass is scheduled (for signals from outside a dispatched command). */
  scheduled = false;
  /** Clients unblocked in this pass whose pipelined input must be processed next. */
  readonly resumed = new Set<Client>();
  resumeScheduled = false;
  /** Guards against re-entering the serve loop from a served command. */
  serving = false;
  /** Number of blocked clients (INFO blocked_clients). */
  count = 0;

  constructor(readonly s: Server) {}
}

const OP = 'blockedOp';

function state(s: Server): BlockingState {
  let st = s.ext.blocking as BlockingState | undefined;
  if (!st) {
    st = new BlockingState(s);
    s.ext.blocking = st;
    s.freeHooks.push((c) => {
      const op = c.ext[OP] as BlockedOp | undefined;
      if (op) removeOp(st!, op);
    });
    // SWAPDB: the keys of both databases change at once; everyone blocked there gets a look.
    s.swapHooks.add((a, b) => {
      for (const db of [a, b]) {
        const w = st!.waiting.get(db);
        if (w) for (const k of w.keys()) markReady(st!, db, k);
      }
    });
    s.ext.unblockClient = (c: Client, withError: boolean) => unblockClient(s, c, withError);
    s.afterCommandHooks.push(() => {
      if (st!.ready.length) serveReady(st!);
    });
  }
  return st;
}

SERVER_INIT_HOOKS.push((s) => void state(s));

/** Number of clients blocked on keys (INFO clients blocked_clients). */
export function blockedClients(s: Server): number {
  return (s.ext.blocking as BlockingState | undefined)?.count ?? 0;
}

/**
 * Parses a blocking timeout in seconds as Redis's getTimeoutFromObjectOrReply: a long double,
 * truncated to whole milliseconds (so 0.0001 means "forever"). Returns ms (0 = forever) or an error.
 */
export function parseBlockTimeout(arg: string): number | string {
  const ld = parseLongDouble(arg);
  if (ld === null) return E.TIMEOUT_NOT_FLOAT;
  const v = typeof ld === 'number' ? ld : (ld.neg ? -1 : 1) * Number(ld.m) * 2 ** ld.e;
  const ms = Math.trunc(v * 1000);
  // A (long long) cast of an out-of-range long double yields LLONG_MIN on x86: "negative".
  if (!Number.isFinite(ms) || ms >= 9223372036854775807 || ms < 0) return E.TIMEOUT_NEGATIVE;
  if (ms > 0 && ms > 9223372036854775807 - Date.now()) return 'ERR timeout is out of range';
  return ms;
}

/**
 * Blocks a client on keys until `tryServe` succeeds for one of them, the timeout passes
 * (`onTimeout` replies), or the client goes away. The caller has already found nothing to serve and
 * must not block inside EXEC (s.inExec) — it replies as on timeout instead.
 */
export function blockForKeys(
  c: Client,
  s: Server,
  db: Db,
  keys: readonly string[],
  timeoutMs: number,
  tryServe: (readyKey: string) => boolean,
  onTimeout: () => void,
): void {
  const st = state(s);
  const op: BlockedOp = { c, db, keys: [...new Set(keys)], tryServe, onTimeout, timer: null };
  let w = st.waiting.get(db);
  if (!w) {
    st.waiting.set(db, (w = new Map()));
    db.readyHook = (key) => {
      if (w!.has(key)) markReady(st, db, key);
    };
  }
  for (const k of op.keys) {
    const list = w.get(k);
    if (list) list.push(op);
    else w.set(k, [op]);
  }
  c.blocked = true;
  c.ext[OP] = op;
  st.count++;
  if (timeoutMs > 0) {
    c.ext.blockTimeout = true;
    armTimer(st, op, Date.now() + timeoutMs);
  }
}

/** setTimeout takes at most 2^31-1 ms: long timeouts re-arm until the deadline. */
function armTimer(st: BlockingState, op: BlockedOp, deadline: number): void {
  const delay = Math.min(deadline - Date.now(), 0x7fffffff);
  op.timer = setTimeout(() => {
    if (Date.now() < deadline) return armTimer(st, op, deadline);
    op.timer = null;
    if (op.c.ext[OP] !== op) return;
    removeOp(st, op);
    runAs(st.s, op.c, () => op.onTimeout());
    replied(op.c);
    resume(st, op.c);
  }, Math.max(0, delay));
  op.timer.unref();
}

/** Reports that a key may now serve blocked clients (pushes, RENAME/RESTORE/COPY/MOVE into it). */
export function signalKeyReady(db: Db, key: string): void {
  db.readyHook?.(key);
}

function markReady(st: BlockingState, db: Db, key: string): void {
  const id = `${db.id}\0${key}`;
  if (st.readySet.has(id)) return;
  st.readySet.add(id);
  st.ready.push({ db, key });
  // Signals from outside a dispatched command (master link, cron, scripts) still get served.
  if (!st.scheduled) {
    st.scheduled = true;
    setImmediate(() => {
      st.scheduled = false;
      if (st.ready.length) serveReady(st);
    });
  }
}

/**
 * Runs a callback as client c's command context (expiry clock, current client). Under CLIENT REPLY
 * OFF/SKIP what the client had pending goes out first: only the blocked command's reply is judged.
 */
function runAs(s: Server, c: Client, fn: () => void): void {
  if (c.replyFlags !== 0) s.flush(c);
  const prev = s.current;
  s.current = c;
  s.cmdTime = s.clock();
  s.rewrittenArgv = null;
  try {
    fn();
  } finally {
    s.current = prev;
  }
  s.flushPropagation();
}

/** Serves blocked clients from the ready keys until none is left (handleClientsBlockedOnKeys). */
function serveReady(st: BlockingState): void {
  if (st.serving) return;
  st.serving = true;
  try {
    while (st.ready.length) {
      const batch = st.ready;
      st.ready = [];
      st.readySet.clear();
      for (const { db, key } of batch) {
        const w = st.waiting.get(db);
        const list = w?.get(key);
        if (!list) continue;
        // Only the clients blocked before this pass, in order; each may leave the list.
        for (const op of list.slice()) {
          if (op.c.ext[OP] !== op) continue;
          let served = false;
          runAs(st.s, op.c, () => {
            served = op.tryServe(key);
          });
          if (served) {
            removeOp(st, op);
            replied(op.c);
            resume(st, op.c);
          } else if (op.db.peek(key) === undefined) break;
        }
      }
    }
  } finally {
    st.serving = false;
  }
}

/** Forgets a blocked op: out of every key's queue, timer cleared, client unblocked. */
function removeOp(st: BlockingState, op: BlockedOp): void {
  if (op.c.ext[OP] !== op) return;
  delete op.c.ext[OP];
  delete op.c.ext.blockTimeout;
  op.c.blocked = false;
  st.count--;
  if (op.timer) clearTimeout(op.timer);
  op.timer = null;
  const w = st.waiting.get(op.db);
  if (!w) return;
  for (const k of op.keys) {
    const list = w.get(k);
    if (!list) continue;
    const i = list.indexOf(op);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) w.delete(k);
  }
  if (!w.size) {
    st.waiting.delete(op.db);
    op.db.readyHook = null;
  }
}

/** After unblocking: flush the reply and run the client's pipelined commands (deferred, as Redis). */
function resume(st: BlockingState, c: Client): void {
  st.resumed.add(c);
  if (st.resumeScheduled) return;
  st.resumeScheduled = true;
  setImmediate(() => {
    st.resumeScheduled = false;
    const list = [...st.resumed];
    st.resumed.clear();
    for (const cl of list) {
      if (cl.closed) continue;
      if (cl.blocked) st.s.wake(cl);
      else st.s.processInput(cl);
    }
  });
}

/**
 * CLIENT UNBLOCK: ends a client's wait as a timeout, or with the UNBLOCKED error. Returns false
 * when the client is not blocked on keys.
 */
export function unblockClient(s: Server, c: Client, withError: boolean): boolean {
  const op = c.ext[OP] as BlockedOp | undefined;
  if (!op) return false;
  const st = state(s);
  removeOp(st, op);
  runAs(s, c, () => {
    if (withError) c.reply.error(ERR_UNBLOCKED_CLIENT);
    else op.onTimeout();
  });
  if (withError) {
    // Counted as Redis's addReplyError (errorstats, total_error_replies) and updateStatsOnUnblock
    // (failed_calls of the blocked command): the error came after the command's call() returned.
    countError(s, ERR_UNBLOCKED_CLIENT);
    if (c.lastCmd !== 'NULL') s.stats.cmd(c.lastCmd).failed++;
  }
  replied(c);
  resume(st, c);
  return true;
}

const ERR_UNBLOCKED_CLIENT = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

/** Redis's reply to the clients a master turning replica unblocks (disconnectAllBlockedClients). */
export const ERR_UNBLOCKED_ROLE_CHANGE = 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)';

/**
 * Redis's disconnectAllBlockedClients, run when the server becomes a replica: every client blocked on
 * keys gets the UNBLOCKED error and is closed after it. Left blocked, a BLPOP would later be served by
 * a push replicated from the new master, popping on the replica alone (issue #2473: the datasets differ).
 */
export function disconnectAllBlockedClients(s: Server): void {
  const st = s.ext.blocking as BlockingState | undefined;
  if (!st || st.count === 0) return;
  const ops = new Set<BlockedOp>();
  for (const w of st.waiting.values()) for (const list of w.values()) for (const op of list) ops.add(op);
  for (const op of ops) {
    const c = op.c;
    removeOp(st, op);
    if (c.closed) continue;
    c.reply.error(ERR_UNBLOCKED_ROLE_CHANGE);
    countError(s, ERR_UNBLOCKED_ROLE_CHANGE); // as Redis's addReplyError
    replied(c);
    c.closeAfterReply = true;
    s.flush(c);
  }
}
