// TIME and SHUTDOWN. SHUTDOWN stops the server through Server.shutdown (save hooks, clients closed,
// pidfile removed); only the standalone process (s.ext.mainProcess, set by main.ts) then exits,
// so a server running inside a test process just stops.

import { register } from '../registry';
import { E } from '../../resp/errors';

register({
  time(c, _argv, s) {
    void s;
    const ms = Date.now();
    const usec = (ms % 1000) * 1000 + Number(process.hrtime.bigint() / 1000n) % 1000;
    c.reply.arrayLen(2);
    c.reply.bulk(String(Math.floor(ms / 1000)));
    c.reply.bulk(String(usec));
  },
  shutdown(c, argv, s) {
    let save: boolean | null = null;
    let abort = false;
    let now = false;
    let force = false;
    for (let i = 1; i < argv.length; i++) {
      const o = argv[i].toLowerCase();
      if (o === 'nosave' && save === null) save = false;
      else if (o === 'save' && save === null) save = true;
      else if (o === 'now') now = true;
      else if (o === 'force') force = true;
      else if (o === 'abort') abort = true;
      else return c.reply.error(E.SYNTAX);
    }
    if (abort) {
      if (argv.length !== 2) return c.reply.error(E.SYNTAX);
      // A signal's shutdown held by DEBUG PAUSE-CRON, or one waiting for lagging replicas.
      if (s.pendingSignalShutdown) {
        s.pendingSignalShutdown = null;
        s.log.warn('Shutdown manually aborted.');
        return c.reply.ok();
      }
      if (s.isClosing && s.shutdownDeadline !== null) {
        s.shutdownAbortRequested = true;
        return c.reply.ok();
      }
      return c.reply.error('ERR No shutdown in progress.');
    }
    s.log.warn({ client: c.addr, save, now, force }, 'User requested shutdown...');
    // No reply: the connection closes when the server goes away.
    c.blocked = true;
    // Only NOW skips waiting for lagging replicas (FORCE is about errors saving, as in Redis).
    s.shutdown({ save, now, force }).then(
      (done) => {
        if (done) {
          if (s.ext.mainProcess) process.exit(0);
          return;
        }
        // Not shut down (the final save failed): the client is answered, as Redis answers it.
        c.blocked = false;
        c.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
        s.flush(c);
      },
      (err) => {
        s.log.error({ err }, 'shutdown failed');
        if (s.ext.mainProcess) process.exit(1);
      },
    );
  },
});
