// CONFIG GET / SET / RESETSTAT / REWRITE / HELP, as Redis 7.0 answers them. Values live in
// src/store/config.ts; this file maps the command's arguments onto it and installs the appliers that
// make a CONFIG SET take effect on a running server (parser limits, auth, working directory, logging).

import fs from 'node:fs';
import path from 'node:path';
import { register, SERVER_INIT_HOOKS } from '../registry';
import type { Server } from '../server';
import type { Client } from '../client';
import { E } from '../../resp/errors';
import { stringMatch } from '../glob';
import { DIRECTIVES, findDirective } from '../config';
import { rewriteConfigFile } from '../config-rewrite';
import { HELP } from './help-texts';
import { pinoLevel, setLogFormat } from '../../common/log';
import { helpReply } from './help';
import { deferredReplyWritten } from '../reply-mode';

/** What CONFIG GET prints for a directive: the stored value, except dir (the absolute working dir). */
export function configValue(s: Server, name: string): string {
  // Redis prints getcwd(); only the standalone process changes directory, in-process servers resolve.
  if (name === 'dir') return s.ext.mainProcess ? process.cwd() : path.resolve(s.config.get('dir') || '.');
  return s.config.get(name);
}

/** Every name (canonical and alias) with the directive's canonical name; what a glob may match. */
const ALL_NAMES: Array<[string, string]> = [];
for (const d of DIRECTIVES) {
  if (d.internal || d.hidden) continue;
  ALL_NAMES.push([d.name, d.name]);
  for (const a of d.aliases ?? []) ALL_NAMES.push([a, d.name]);
}

/** Whether a client may change protected configs (enable-protected-configs yes, or local from loopback). */
export function allowProtected(s: Server, addr: string, setting: string): boolean {
  const v = s.config.get(setting);
  if (v === 'yes') return true;
  if (v === 'local') return addr === '' || addr.startsWith('127.') || addr.startsWith('::1') || addr.startsWith('[::1]') || addr.startsWith('::ffff:127.');
  return false;
}

/**
 * CONFIG SET port/bind: the new listeners are bound asynchronously, so the client waits (blocked)
 * for the outcome; on failure every value of that CONFIG SET goes back (`undo`, as Redis rolls back
 * when an apply fails) and Redis's error is replied.
 */
function rebindThenReply(c: Client, s: Server, undo: () => void, arg: string, prev: { port: string; bind: string }): void {
  const done = (error: string | null) => {
    if (error) c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${arg}') - ${error}`);
    else c.reply.ok();
    if (c.blocked) {
      c.blocked = false;
      deferredReplyWritten(c);
      s.processInput(c);
    }
  };
  const inline = s.inExec;
  if (!inline) c.blocked = true;
  s.rebind(prev).then(
    () => (inline ? undefined : done(null)),
    (e) => {
      s.log.warn({ err: e }, 'CONFIG SET port/bind: could not listen');
      undo();
      if (!inline) done(arg === 'port' ? 'Unable to listen on this port. Check server logs.' : 'Failed to bind to specified addresses.');
    },
  );
  // Inside EXEC the reply cannot wait: it is OK, and a failure is only logged.
  if (inline) c.reply.ok();
}

register({
  'config|get'(c, argv, s) {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (let i = 2; i < argv.length; i++) {
      const pat = argv[i];
      if (!/[[*?]/.test(pat)) {
        if (seen.has(pat)) continue;
        const d = findDirective(pat);
        if (d && !d.internal) {
          seen.add(pat);
          out.push([pat, configValue(s, d.name)]);
        }
        continue;
      }
      for (const [name, canon] of ALL_NAMES) {
        if (seen.has(name)) continue;
        if (stringMatch(pat, name, true)) {
          seen.add(name);
          out.push([name, configValue(s, canon)]);
        }
      }
    }
    c.reply.mapLen(out.length);
    for (const [k, v] of out) {
      c.reply.bulk(k);
      c.reply.bulk(v);
    }
  },
  'config|set'(c, argv, s) {
    if (argv.length % 2) return c.reply.error(E.SYNTAX);
    const pairs: Array<[string, string]> = [];
    for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
    const before = { port: s.config.get('port'), bind: s.config.get('bind') };
    const r = s.config.setManyUndoable(pairs, allowProtected(s, c.addr, 'enable-protected-configs'));
    if ('error' in r) return c.reply.error(r.error);
    const moved = pairs.map(([n]) => findDirective(n)!.name).filter((n) => n === 'port' || n === 'bind');
    if (!moved.length || (s.config.get('port') === before.port && s.config.get('bind') === before.bind)) return c.reply.ok();
    rebindThenReply(c, s, r.undo, moved[moved.length - 1], before);
  },
  'config|resetstat'(c, _argv, s) {
    s.stats.reset();
    c.reply.ok();
  },
  'config|rewrite'(c, _argv, s) {
    if (!s.configFile) return c.reply.error('ERR The server is running without a config file');
    const err = rewriteConfigFile(s.config, s.configFile, configValue(s, 'dir'), { master: liveMaster(s) });
    if (err) {
      s.log.warn({ err }, 'CONFIG REWRITE failed');
      return c.reply.error(`ERR ${err}`);
    }
    s.log.info('CONFIG REWRITE executed with success.');
    c.reply.ok();
  },
  'config|help'(c) {
    helpReply(c, HELP.config);
  },
});

/** Makes CONFIG SET changes take effect on a running server. */
SERVER_INIT_HOOKS.push((s) => {
  const cfg = s.config;
  cfg.addApplier('proto-max-bulk-len', (v) => {
    const n = Number(v);
    for (const cl of s.clients.values()) cl.parser.limits = { ...cl.parser.limits, maxBulkLen: n };
    return null;
  });
  cfg.addApplier('requirepass', (v) => {
    // Redis checks the default user's password on every command: without one, nobody needs AUTH.
    if (v === '') for (const cl of s.clients.values()) cl.authenticated = true;
    return null;
  });
  cfg.addApplier('dir', (v) => {
    const abs = path.resolve(v || '.');
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return 'No such file or directory';
    }
    if (!st.isDirectory()) return 'Not a directory';
    // Only the standalone process changes its working directory; in-process servers share one.
    if (s.ext.mainProcess) {
      try {
        process.chdir(abs);
      } catch (err) {
        return (err as Error).message;
      }
    }
    return null;
  });
  cfg.addApplier('log-format', (v) => {
    setLogFormat(v);
    return null;
  });
  cfg.addApplier('loglevel', (v) => {
    try {
      s.log.level = pinoLevel(v);
    } catch {
      /* a logger without levels (silent): nothing to change */
    }
    return null;
  });
});

/** The master a replica follows now ("host port"), '' on a master: what CONFIG REWRITE writes as replicaof. */
export function liveMaster(s: Server): string | undefined {
  const repl = s.ext.replication as { masterHost: string | null; masterPort: number } | undefined;
  return repl ? (repl.masterHost !== null ? `${repl.masterHost} ${repl.masterPort}` : '') : undefined;
}
