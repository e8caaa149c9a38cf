// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. Queueing itself is a rung of the dispatcher's
// ladder; here EXEC runs the queue through call() so stats and propagation work per command, and the
// whole batch is propagated wrapped in MULTI/EXEC.

import { register } from '../registry';
import { call } from '../dispatch';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { WatchRec } from '../db';

/**
 * Whether any watched key changed since WATCH, or expired since then without being deleted yet
 * (Redis 7.0's isWatchedKeyExpired: a key already expired at WATCH time does not count).
 */
function watchBroken(c: Client): boolean {
  for (const w of c.watching.values()) {
    if (w.rec.dirty) return true;
    if (!w.rec.expired && w.db.isExpired(w.key)) return true;
  }
  return false;
}

register({
  multi(c) {
    if (c.multi) return c.reply.error(E.NESTED_MULTI);
    c.multi = [];
    c.multiFlags = 0;
    c.multiInvFlags = 0;
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
    const broken = watchBroken(c);
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
  watch(c, argv) {
    if (c.multi) return c.reply.error(E.WATCH_IN_MULTI);
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i];
      const id = `${c.db.id}\0${key}`;
      if (c.watching.has(id)) continue;
      const rec: WatchRec = { dirty: false, expired: c.db.isExpired(key) };
      let set = c.db.watched.get(key);
      if (!set) c.db.watched.set(key, (set = new Set()));
      set.add(rec);
      c.watching.set(id, { db: c.db, key, rec });
    }
    c.reply.ok();
  },
  unwatch(c, _argv, s) {
    s.unwatchAll(c);
    c.reply.ok();
  },
});
