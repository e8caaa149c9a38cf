// SAVE, BGSAVE [SCHEDULE], LASTSAVE: thin wrappers over ../persistence.ts with Redis 7.0's replies.
// DEBUG RELOAD lives in ../persistence.ts (debugReload) and is plugged into DEBUG here.

import { register } from '../registry';
import { E } from '../../resp/errors';
import { saveSync, startBgsave, debugReload } from '../persistence';
import { DEBUG_SUBCOMMANDS } from './debug';
import { persistenceState } from '../rdb/state';

const IN_PROGRESS = 'ERR Background save already in progress';

DEBUG_SUBCOMMANDS.set('reload', debugReload);

register({
  save(c, _argv, s) {
    if (persistenceState(s).bgsave) return c.reply.error(IN_PROGRESS);
    if (!saveSync(s)) return c.reply.error('ERR');
    persistenceState(s).saves++;
    c.reply.ok();
  },
  bgsave(c, argv, s) {
    let schedule = false;
    if (argv.length > 1) {
      if (argv.length === 2 && argv[1].toLowerCase() === 'schedule') schedule = true;
      else return c.reply.error(E.SYNTAX);
    }
    void schedule; // Only an AOF rewrite (not implemented) could make SCHEDULE matter outside EXEC.
    const st = persistenceState(s);
    if (st.bgsave) return c.reply.error(IN_PROGRESS);
    if (s.inExec) {
      st.bgsaveScheduled = true;
      return c.reply.simple('Background saving scheduled');
    }
    if (startBgsave(s)) c.reply.simple('Background saving started');
    else c.reply.error('ERR');
  },
  lastsave(c, _argv, s) {
    c.reply.int(persistenceState(s).lastSave);
  },
});
