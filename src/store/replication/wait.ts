// WAIT numreplicas timeout: blocks the client until enough replicas acknowledged the stream up to its
// last write (its "woff"), asking them with REPLCONF GETACK once per event-loop pass, as Redis does
// from beforeSleep. Replies with the number of replicas that acknowledged, on success or timeout.

import type { Client } from '../client';
import type { Server } from '../server';
import { E } from '../../resp/errors';
import { parseInteger } from '../commands/args';
import { replState, type ReplState, type Waiter } from './state';
import { sendGetAck } from './master';
import { deferredReplyWritten } from '../reply-mode';
import { ERR_UNBLOCKED_ROLE_CHANGE } from '../blocking';
import { countError } from '../dispatch';

/** Redis's refusal of WAIT on a replica, verbatim. */
export const ERR_WAIT_REPLICA =
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

/** The offset of the stream right after the client's last propagated write. */
export function clientWoff(c: Client): number {
  return (c.ext.replWoff as number | undefined) ?? 0;
}

/** Replicas whose acknowledged offset reached `offset`. */
export function ackedReplicas(st: ReplState, offset: number): number {
  let n = 0;
  for (const l of st.replicas.values()) if (l.state === 'online' && l.ackOff >= offset) n++;
  return n;
}

/** WAIT numreplicas timeout: blocks until enough replicas acknowledged the client's last write. */
export function waitCommand(c: Client, argv: string[], s: Server): void {
  const st = replState(s);
  if (st.isReplica) return c.reply.error(ERR_WAIT_REPLICA);
  const num = parseInteger(argv[1]);
  if (num === null) return c.reply.error(E.NOT_INTEGER);
  const t = parseInteger(argv[2]);
  if (t === null) return c.reply.error('ERR timeout is not an integer or out of range');
  if (t < 0) return c.reply.error(E.TIMEOUT_NEGATIVE);
  const offset = clientWoff(c);
  const acked = ackedReplicas(st, offset);
  if (acked >= num || s.inExec || c.multi) return c.reply.int(acked);
  const w: Waiter = { client: c, offset, numreplicas: num, deadline: t > 0 ? Date.now() + t : 0 };
  c.blocked = true;
  st.waiters.push(w);
  if (t > 0) w.timer = setTimeout(() => unblock(s, st, w, ackedReplicas(st, w.offset)), t);
  if (!st.getAckScheduled) {
    st.getAckScheduled = true;
    setImmediate(() => {
      st.getAckScheduled = false;
      sendGetAck(s, st);
    });
  }
}

/** Replies to a WAIT and lets the client's pipelined commands run. */
function unblock(s: Server, st: ReplState, w: Waiter, n: number): void {
  const i = st.waiters.indexOf(w);
  if (i < 0) return;
  st.waiters.splice(i, 1);
  if (w.timer) clearTimeout(w.timer);
  const c = w.client;
  if (c.closed) return;
  c.blocked = false;
  c.reply.int(n);
  deferredReplyWritten(c);
  setImmediate(() => s.processInput(c));
}

/** After an ACK: answers the WAITs now satisfied. */
export function processWaiters(s: Server, st: ReplState): void {
  for (const w of [...st.waiters]) {
    const n = ackedReplicas(st, w.offset);
    if (n >= w.numreplicas) unblock(s, st, w, n);
  }
}

/** A client went away: forget its WAIT. */
export function dropWaiter(st: ReplState, c: Client): void {
  const i = st.waiters.findIndex((w) => w.client === c);
  if (i < 0) return;
  const w = st.waiters[i];
  if (w.timer) clearTimeout(w.timer);
  st.waiters.splice(i, 1);
}

/** A master turning replica: WAITing clients get the UNBLOCKED error and are closed (disconnectAllBlockedClients). */
export function disconnectWaiters(s: Server, st: ReplState): void {
  for (const w of st.waiters.splice(0)) {
    if (w.timer) clearTimeout(w.timer);
    const c = w.client;
    if (c.closed) continue;
    c.blocked = false;
    c.reply.error(ERR_UNBLOCKED_ROLE_CHANGE);
    countError(s, ERR_UNBLOCKED_ROLE_CHANGE); // as Redis's addReplyError
    deferredReplyWritten(c);
    c.closeAfterReply = true;
    s.flush(c);
  }
}
