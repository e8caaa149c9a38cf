// Whole-database commands: FLUSHDB FLUSHALL (SYNC/ASYNC) DBSIZE SWAPDB.

import { register } from '../registry';
import { E } from '../../resp/errors';
import { parseInteger } from './args';

/** Parses the optional SYNC|ASYNC flag of FLUSHDB/FLUSHALL; false after replying an error. */
function flushMode(argv: string[]): boolean {
  if (argv.length > 2) return false;
  if (argv.length === 2) {
    const m = argv[1].toLowerCase();
    return m === 'sync' || m === 'async';
  }
  return true;
}

register({
  flushdb(c, argv, s) {
    if (!flushMode(argv)) return c.reply.error(E.SYNTAX);
    c.db.flush();
    s.addDirty(1);
    c.reply.ok();
  },
  flushall(c, argv, s) {
    if (!flushMode(argv)) return c.reply.error(E.SYNTAX);
    for (const db of s.dbs) db.flush();
    s.flushSlaveKeysWithExpire();
    // FLUSHALL always propagates and counts as a change, even on an empty dataset.
    s.addDirty(1);
    for (const h of s.flushAllHooks) h();
    c.reply.ok();
  },
  dbsize(c) {
    c.reply.int(c.db.size);
  },
  swapdb(c, argv, s) {
    const a = parseInteger(argv[1]);
    const b = parseInteger(argv[2]);
    if (a === null) return c.reply.error('ERR invalid first DB index');
    if (b === null) return c.reply.error('ERR invalid second DB index');
    if (a < 0 || a >= s.dbs.length || b < 0 || b >= s.dbs.length) return c.reply.error(E.DB_INDEX);
    if (a !== b) s.dbs[a].swapWith(s.dbs[b]);
    else s.addDirty(1);
    c.reply.ok();
  },
});
