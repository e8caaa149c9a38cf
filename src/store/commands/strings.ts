// String commands (t_string.c). Values are latin1 strings: one char per byte, binary safe.

import { register } from '../registry';
import { E } from '../../resp/errors';
import type { Client } from '../client';

/** The string at key, null if missing, or undefined after replying WRONGTYPE. */
export function getString(c: Client, key: string): string | null | undefined {
  const v = c.db.get(key);
  if (v === undefined) return null;
  if (typeof v !== 'string') {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v;
}

register({
  get(c, argv) {
    const v = getString(c, argv[1]);
    if (v === null) c.reply.nil();
    else if (v !== undefined) c.reply.bulk(v);
  },
  set(c, argv) {
    if (argv.length !== 3) return c.reply.error(E.SYNTAX);
    c.db.set(argv[1], argv[2]);
    c.reply.ok();
  },
});
