// CLIENT REPLY OFF|SKIP: which replies are dropped. The read loop flushes what was written before a
// command, runs it, then asks here whether that command's output must be discarded.

import type { Client } from './client';

/**
 * Called after a command ran; `before` is c.ext.replyMode when it started. OFF drops every reply
 * until CLIENT REPLY ON; SKIP drops the reply of the command after CLIENT REPLY SKIP.
 */
export function applyReplyMode(c: Client, before: unknown): void {
  const now = c.ext.replyMode;
  if (before === 'skip') {
    c.reply.discard();
    if (now === 'skip') delete c.ext.replyMode;
  } else if (before === 'off' && now === 'off') c.reply.discard();
  if (now === 'skip-next') c.ext.replyMode = 'skip';
}
