// CLIENT PAUSE / UNPAUSE: while a pause is in effect, commands from ordinary clients (all of them,
// or only writes in WRITE mode) are held unexecuted and run, in arrival order, when the pause ends.
// Replica links and the master link are never held. The read loop asks holdForPause() before
// dispatching each request.

import type { Client } from './client';
import type { Server } from './server';
import { dispatch, commandOf } from './dispatch';
import { F } from '../resp/commands';

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
    dispatch(s, c, argv);
    s.processInput(c);
  }
}

/** Whether this request must wait for the pause to end (then the client is held with it). */
export function holdForPause(s: Server, c: Client, argv: string[]): boolean {
  const st = s.pauseState;
  if (!st || c.isMaster || c.isReplica) return false;
  if (st.mode === 'write') {
    const cmd = commandOf(s, c, argv);
    if (!cmd) return false;
    const writes = cmd.bits & (F.write | F.may_replicate) || (cmd.name === 'exec' && c.multi?.some((q) => q.cmd.bits & F.write));
    if (!writes || (c.multi && cmd.name !== 'exec')) return false;
  }
  c.ext.pausedArgv = argv;
  c.blocked = true;
  st.held.push(c);
  return true;
}
