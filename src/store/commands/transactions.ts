// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. Queueing itself is a rung of the dispatcher's
// ladder; here EXEC runs the queue through call() so stats and propagation work per command, and the
// whole batch is propagated wrapped in MULTI/EXEC.

import { register } from '../registry';
import { call } from '../dispatch';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';

/** Whether any watched key changed (or expired) since WATCH. */
function watchBroken(c: Client, s: Server): boolean {
  for (const w of c.watching.values()) {
    if (w.rec.dirty) return true;
    const at = w.db.expires.get(w.key);
    if (at !== undefined && at <= s.cmdTime && !(w as { expiredAtWatch?: boolean }).expiredAtWatch) return true;
  }
  return false;
}

register({
  multi(c) {
    if (c.multi) return c.reply.error(E.NESTED_MULTI);
    c.multi = [];
    c.multiError = false;
    c.reply.ok();
  },
  discard(c, _argv, s) {
    if (!c.multi) return c.reply.error(E.DISCARD_NO_MULTI);
    c.multi = null;
    c.multiError = false;
    s.unwatchAll(c);
    c.reply.ok();
  },
  exec(c, _argv, s) {
    if (!c.multi) return c.reply.error(E.EXEC_NO_MULTI);
    const queue = c.multi;
    const aborted = c.multiError;
    const broken = watchBroken(c, s);
    c.multi = null;
    c.multiError = false;
    s.unwatchAll(c);
    if (aborted) return c.reply.error(E.EXECABORT);
    if (broken) return c.reply.nilArray();
    c.reply.arrayLen(queue.length);
    s.inExec = true;
    try {
      for (const q of queue) {
        // Redis re-checks the read-only replica rule at EXEC time.
        call(s, c, q.cmd, q.argv);
      }
    } finally {
      s.inExec = false;
    }
    // EXEC itself is not propagated; the queued writes are, wrapped by flushPropagation.
    s.preventPropagation = true;
  },
  watch(c, argv, s) {
    if (c.multi) return c.reply.error(E.WATCH_IN_MULTI);
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i];
      const id = `${c.db.id}\0${key}`;
      if (c.watching.has(id)) continue;
      const rec = { dirty: false };
      let set = c.db.watched.get(key);
      if (!set) c.db.watched.set(key, (set = new Set()));
      set.add(rec);
      const at = c.db.expires.get(key);
      c.watching.set(id, Object.assign({ db: c.db, key, rec }, { expiredAtWatch: at !== undefined && at <= s.cmdTime }));
    }
    c.reply.ok();
  },
  unwatch(c, _argv, s) {
    s.unwatchAll(c);
    c.reply.ok();
  },
});
