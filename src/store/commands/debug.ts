// DEBUG: refused unless enable-debug-command allows it (as Redis 7.0); SLEEP and SET-ACTIVE-EXPIRE
// are implemented here, other features add theirs to DEBUG_SUBCOMMANDS, and the rest answer Redis's
// unknown-subcommand error.

import { register } from '../registry';
import type { Client } from '../client';
import type { Server } from '../server';
import { HELP } from './help-texts';
import { helpReply } from './help';
import { parseMemory } from '../config';
import { rewriteConfigFile } from '../config-rewrite';
import { configValue, liveMaster } from './config';

const NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

/** Whether this client may run DEBUG (enable-debug-command yes, or local and connected over loopback). */
function debugAllowed(c: Client, s: Server): boolean {
  const v = s.config.get('enable-debug-command');
  if (v === 'yes') return true;
  if (v !== 'local') return false;
  const a = c.addr;
  return a === '' || a.startsWith('127.') || a.startsWith('::1') || a.startsWith('::ffff:127.');
}

/** C's atof/atoi: the longest numeric prefix, 0 when there is none. */
function cNumber(s: string, int: boolean): number {
  const m = (int ? /^\s*[+-]?\d+/ : /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/).exec(s);
  return m ? Number(m[0]) : 0;
}

/**
 * DEBUG subcommands contributed by other features (persistence: RELOAD, replication:
 * CHANGE-REPL-ID, ...), by lower-case name. A handler gets the full argv and must reply.
 */
export const DEBUG_SUBCOMMANDS = new Map<string, (c: Client, argv: string[], s: Server) => void>();

register({
  debug(c, argv, s) {
    if (!debugAllowed(c, s)) return c.reply.error(NOT_ALLOWED);
    const sub = argv[1].toLowerCase();
    if (sub === 'help' && argv.length === 2) return helpReply(c, HELP.debug);
    if (sub === 'sleep' && argv.length === 3) {
      // A blocking sleep, as Redis's: the whole server stops for that long.
      const ms = Math.max(0, cNumber(argv[2], false) * 1000);
      const until = Date.now() + ms;
      const sab = new Int32Array(new SharedArrayBuffer(4));
      while (Date.now() < until) Atomics.wait(sab, 0, 0, Math.min(50, until - Date.now()));
      return c.reply.ok();
    }
    if (sub === 'replicate' && argv.length >= 3) {
      // Feeds a command to the replicas as it is, in the stream's current database (no SELECT), as
      // Redis's replicationFeedSlaves(server.slaves, server.slaveseldb, ...): Redis's tests use it to
      // make a replica fail a command from its master.
      const repl = s.ext.replication as { selDb: number } | undefined;
      if (s.replicationFeed && repl) s.replicationFeed(repl.selDb, argv.slice(2));
      return c.reply.ok();
    }
    if (sub === 'set-active-expire' && argv.length === 3) {
      s.activeExpire = cNumber(argv[2], true) !== 0;
      return c.reply.ok();
    }
    if (sub === 'set-skip-checksum-validation' && argv.length === 3) {
      // RESTORE then takes payloads whose CRC-64 is wrong (Redis's corrupt-payload fuzzing relies on it).
      s.ext.skipChecksumValidation = cNumber(argv[2], true) !== 0;
      return c.reply.ok();
    }
    if (sub === 'pause-cron' && argv.length === 3) {
      // Holds what Redis does in serverCron, here a signal's shutdown (src/store/main.ts).
      s.ext.cronPaused = cNumber(argv[2], true) !== 0;
      if (!s.ext.cronPaused && s.pendingSignalShutdown) {
        const run = s.pendingSignalShutdown;
        s.pendingSignalShutdown = null;
        setImmediate(run);
      }
      return c.reply.ok();
    }
    if (sub === 'config-rewrite-force-all' && argv.length === 2) {
      // CONFIG REWRITE writing every directive, defaults included (Redis's rewriteConfig(path, 1)).
      if (!s.configFile) return c.reply.error('ERR CONFIG-REWRITE-FORCE-ALL failed: The server is running without a config file');
      const err = rewriteConfigFile(s.config, s.configFile, configValue(s, 'dir'), { master: liveMaster(s), forceAll: true });
      if (err) return c.reply.error(`ERR CONFIG-REWRITE-FORCE-ALL failed: ${err}`);
      return c.reply.ok();
    }
    if (sub === 'quicklist-packed-threshold' && argv.length === 3) {
      // Redis stores list elements at least this big in nodes of their own; lists here are not split
      // into nodes, so only the argument check is observable (Redis's own list tests set it).
      const sz = parseMemory(argv[2]);
      if (sz === null || sz > 2 ** 32 - 2 ** 20) return c.reply.error('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
      return c.reply.ok();
    }
    const ext = DEBUG_SUBCOMMANDS.get(sub);
    if (ext) return ext(c, argv, s);
    c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  },
});
