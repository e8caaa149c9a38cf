// CLIENT REPLY OFF|SKIP: which replies are dropped. The read loop flushes what was written before a
// command, runs it, then asks here whether that command's output must be discarded.

import type { Client } from './client';

/** CLIENT REPLY state: OFF, SKIP just given (applies from the next command), SKIP for this command. */
export type ReplyMode = 'off' | 'skip-next' | 'skip';

/**
 * Called after a command ran; `before` is c.replyMode when it started. OFF drops every reply
 * until CLIENT REPLY ON; SKIP drops the reply of the command after CLIENT REPLY SKIP.
 */
export function applyReplyMode(c: Client, before: ReplyMode | null): void {
  const now = c.replyMode;
  if (before === 'skip') {
    c.reply.discard();
    if (now === 'skip') c.replyMode = null;
  } else if (before === 'off' && now === 'off') c.reply.discard();
  if (now === 'skip-next') c.replyMode = 'skip';
}
