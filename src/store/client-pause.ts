// CLIENT PAUSE / UNPAUSE: while a pause is in effect, commands from ordinary clients (all of them,
// or in WRITE mode those that may replicate) are held unexecuted and run, in arrival order, when the
// pause ends. Replica links are never held; the master link is (Redis 7.0 exempts only
// CLIENT_SLAVE), so a paused replica reads the stream but applies none of it until the pause ends. The dispatcher asks holdForPause()
// after its rejections (unknown command, arity, auth, ...), as Redis's processCommand calls
// blockPostponeClient only once those checks passed: a bad command is answered at once.

import type { Client } from './client';
import type { Server } from './server';
import { F, type Command } from '../resp/commands';
import { SERVER_INIT_HOOKS } from './registry';

/** A pause in effect (Server.pauseState). */
export interface PauseState {
  until: number;
  mode: 'all' | 'write';
  timer: NodeJS.Timeout;
  /** Held clients in the order they were held. */
  held: Client[];
}


/** Starts or extends a pause (a later end time wins; ALL wins over WRITE), as Redis's pauseClients. */
export function pauseClients(s: Server, ms: number, mode: 'all' | 'write'): void {
  const until = Date.now() + ms;
  const cur = s.pauseState;
  if (cur) {
    clearTimeout(cur.timer);
    cur.until = Math.max(cur.until, until);
    if (mode === 'all') cur.mode = 'all';
    cur.timer = setTimeout(() => unpauseClients(s), Math.max(0, cur.until - Date.now()));
    cur.timer.unref();
    return;
  }
  const timer = setTimeout(() => unpauseClients(s), ms);
  timer.unref();
  s.pauseState = { until, mode, timer, held: [] };
}

/**
 * Sets a pause back to what it was before a later pauseClients extended it (`prev`; null: there was
 * none, so it ends now), as Redis lifts only the shutdown's own pause when a shutdown is aborted.
 */
export function restorePause(s: Server, prev: { until: number; mode: 'all' | 'write' } | null): void {
  const cur = s.pauseState;
  if (!cur) return;
  if (prev === null || prev.until <= Date.now()) return unpauseClients(s);
  clearTimeout(cur.timer);
  cur.until = prev.until;
  cur.mode = prev.mode;
  cur.timer = setTimeout(() => unpauseClients(s), Math.max(0, prev.until - Date.now()));
  cur.timer.unref();
}

/** Ends the pause and runs the held commands. */
export function unpauseClients(s: Server): void {
  const st = s.pauseState;
  if (!st) return;
  clearTimeout(st.timer);
  s.pauseState = null;
  for (const c of st.held) {
    const argv = c.ext.pausedArgv as string[] | undefined;
    delete c.ext.pausedArgv;
    c.blocked = false;
    if (c.closed || !argv) continue;
    // The master link goes on applying its stream where it stopped (replica.ts).
    const resume = c.ext.resumeHeld as ((argv: string[]) => void) | undefined;
    if (resume) {
      delete c.ext.resumeHeld;
      resume(argv);
      continue;
    }
    // Through every check again, as Redis reprocesses a postponed command (a new pause may hold it).
    s.runCommand(c, argv);
    s.processInput(c);
  }
}

/**
 * Redis 7.0's rule for PAUSE WRITE: commands flagged write or may_replicate (PUBLISH, SPUBLISH), and
 * EXEC of a queue holding one; inside MULTI such commands are held rather than queued.
 */
function pausedByWrite(cmd: Command, c: Client): boolean {
  if (cmd.bits & (F.write | F.may_replicate)) return true;
  return cmd.name === 'exec' && c.multi !== null && (c.multiFlags & (F.write | F.may_replicate)) !== 0;
}

/** Whether this request must wait for the pause to end (then the client is held with it). */
export function holdForPause(s: Server, c: Client, cmd: Command, argv: string[]): boolean {
  const st = s.pauseState;
  if (!st || c.isReplica) return false;
  if (st.mode === 'write' && !pausedByWrite(cmd, c)) return false;
  c.ext.pausedArgv = argv;
  c.blocked = true;
  st.held.push(c);
  return true;
}

// A held client that disconnects is let go at once (clients coming and going during a long pause
// must not pile up until it ends).
SERVER_INIT_HOOKS.push((s: Server) => {
  s.freeHooks.push((c) => {
    const st = s.pauseState;
    if (!st || c.ext.pausedArgv === undefined) return;
    const i = st.held.indexOf(c);
    if (i >= 0) st.held.splice(i, 1);
  });
});
