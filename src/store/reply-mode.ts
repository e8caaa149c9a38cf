// CLIENT REPLY OFF|SKIP: which replies are dropped. Redis decides per write (prepareClientToWrite
// looks at the client's flags when a reply is added), so a command that lifts the mode (CLIENT REPLY
// ON after SKIP or OFF, RESET after OFF) has its own reply sent, and pushes (pub/sub confirmations and
// messages) are always sent. Here the read loop flushes what was written before a command, runs it,
// then applyReplyMode() drops what was written while silenced; mode changes and pushes in between
// settle the output written so far (setReplyFlags, pushing/pushWritten).

import type { Client } from './client';
import type { Server } from './server';

/** Client.replyFlags bits, as Redis's CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP, CLIENT_REPLY_SKIP_NEXT. */
export const REPLY_OFF = 1;
/** Set for the one command after CLIENT REPLY SKIP. */
export const REPLY_SKIP = 2;
/** Set by CLIENT REPLY SKIP; becomes REPLY_SKIP once the current command ends. */
export const REPLY_SKIP_NEXT = 4;
const SILENT = REPLY_OFF | REPLY_SKIP;

/** Sets the output written so far aside, to be sent whatever the rest of the command writes. */
function keep(c: Client): void {
  const b = c.reply.take();
  if (b !== null) (c.replyKept ??= []).push(b);
}

/**
 * Changes the flags from inside a command (CLIENT REPLY, RESET). What the command wrote so far was
 * written under the old flags: dropped now if they silenced it, set aside if not.
 */
export function setReplyFlags(c: Client, flags: number): void {
  const was = c.replyFlags & SILENT;
  const now = flags & SILENT;
  c.replyFlags = flags;
  if (was && !now) c.reply.discard();
  else if (!was && now) keep(c);
}

/**
 * Called before writing a push (pub/sub confirmation or message) to a client; when it returns true,
 * call pushWritten() after. Pushes bypass CLIENT REPLY OFF/SKIP (Redis's CLIENT_PUSHING), in RESP2 as
 * in RESP3: while the client's own silenced command runs, its output so far is dropped here and the
 * push is set aside after. Another client's buffer holds no silenced output (that was dropped when
 * its command ended), so a push to it is simply appended.
 */
export function pushing(s: Server, c: Client): boolean {
  if ((c.replyFlags & SILENT) === 0 || c !== s.current) return false;
  c.reply.discard();
  return true;
}

/** After a push for which pushing() returned true: the push is kept whatever follows. */
export function pushWritten(c: Client): void {
  keep(c);
}

/**
 * Called after a command ran: drops what it wrote while silenced, puts back what was set aside
 * ahead of the rest, and moves SKIP on (it covers one command, the one after CLIENT REPLY SKIP), as
 * Redis's resetClient.
 */
export function applyReplyMode(c: Client): void {
  if (c.replyFlags & SILENT) c.reply.discard();
  const kept = c.replyKept;
  if (kept !== null) {
    c.replyKept = null;
    const rest = c.reply.take();
    for (const b of kept) c.reply.raw(b);
    if (rest !== null) c.reply.raw(rest);
  }
  const f = c.replyFlags & ~REPLY_SKIP;
  c.replyFlags = f & REPLY_SKIP_NEXT ? (f & ~REPLY_SKIP_NEXT) | REPLY_SKIP : f;
}

/**
 * For a command whose reply comes after it returned (blocked on keys, WAIT, CONFIG SET port, a
 * request held by CLIENT PAUSE): the mode applies to that reply now and SKIP moves on, as Redis
 * resets a client once it is unblocked.
 */
export function deferredReplyWritten(c: Client): void {
  if (c.replyFlags !== 0 || c.replyKept !== null) applyReplyMode(c);
}
