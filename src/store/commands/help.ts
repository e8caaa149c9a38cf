// The HELP reply shape shared by the admin containers: an array of status lines (addReplyHelp).

import type { Client } from '../client';

/** Replies a HELP text: one status reply per line, as Redis does. */
export function helpReply(c: Client, lines: readonly string[]): void {
  c.reply.arrayLen(lines.length);
  for (const l of lines) c.reply.simple(l);
}
