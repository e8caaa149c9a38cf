// CLIENT subcommands: identity (ID, SETNAME, GETNAME, INFO, LIST, SETINFO), killing (KILL, old and
// new forms), per-connection modes (REPLY, NO-EVICT, NO-TOUCH), PAUSE/UNPAUSE, UNBLOCK and the
// tracking stubs (TRACKINGINFO, GETREDIR) a server without client-side caching answers.

import { register } from '../registry';
import type { Client } from '../client';
import type { Server } from '../server';
import type { Command } from '../../resp/commands';
import { E } from '../../resp/errors';
import { parseInteger } from './args';
import { validClientName } from './connection';
import { clientInfoLine, clientType } from './client-list';
import { HELP } from './help-texts';
import { helpReply } from './help';
import { pauseClients, unpauseClients } from '../client-pause';
import { setReplyFlags, REPLY_OFF, REPLY_SKIP, REPLY_SKIP_NEXT } from '../reply-mode';

const TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

function argvMem(argv: string[]): number {
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/** The caller's own line counts the running command's arguments (argv-mem), as Redis does. */
function lineFor(s: Server, who: Client, self: Client, argv: string[]): string {
  return clientInfoLine(s, who, who === self ? { argvMem: argvMem(argv) } : undefined);
}

/** Closes a client: itself after this reply, others now. */
function kill(s: Server, target: Client, self: Client): void {
  if (target === self) target.closeAfterReply = true;
  else {
    s.flush(target);
    s.freeClient(target);
  }
}

/** CLIENT KILL <option> <value> ... (new form): returns the matching clients or an error text. */
function killFilter(s: Server, c: Client, argv: string[]): Client[] | string {
  let id: number | null = null;
  let type: string | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let maxAge: number | null = null;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) return E.SYNTAX;
    const opt = argv[i].toLowerCase();
    const v = argv[i + 1];
    if (opt === 'id') {
      const n = parseInteger(v);
      if (n === null || n <= 0) return 'ERR client-id should be greater than 0';
      id = n;
    } else if (opt === 'type') {
      const t = v.toLowerCase();
      if (!TYPES.has(t)) return `ERR Unknown client type '${v}'`;
      type = t === 'slave' ? 'replica' : t;
    } else if (opt === 'addr') addr = v;
    else if (opt === 'laddr') laddr = v;
    else if (opt === 'user') {
      if (v !== 'default') return `ERR No such user '${v}'`;
      user = v;
    } else if (opt === 'skipme') {
      const y = v.toLowerCase();
      if (y === 'yes') skipMe = true;
      else if (y === 'no') skipMe = false;
      else return E.SYNTAX;
    } else if (opt === 'maxage') {
      // MAXAGE is a Redis 7.4 filter; accepted here because the issue asks for it.
      const n = parseInteger(v);
      if (n === null || n <= 0) return E.SYNTAX;
      maxAge = n;
    } else return E.SYNTAX;
  }
  const now = Date.now();
  const out: Client[] = [];
  for (const t of s.clients.values()) {
    if (!t.socket && !t.isMaster) continue;
    if (id !== null && t.id !== id) continue;
    if (type !== null && clientType(t) !== type) continue;
    if (addr !== null && t.addr !== addr) continue;
    if (laddr !== null && t.laddr !== laddr) continue;
    if (user !== null && t.user !== user) continue;
    if (maxAge !== null && (now - t.createdAt) / 1000 < maxAge) continue;
    if (skipMe && t === c) continue;
    out.push(t);
  }
  return out;
}

function onOff(v: string): boolean | null {
  const l = v.toLowerCase();
  return l === 'on' ? true : l === 'off' ? false : null;
}

register({
  'client|id'(c) {
    c.reply.int(c.id);
  },
  'client|getname'(c) {
    if (c.name) c.reply.bulk(c.name);
    else c.reply.nil();
  },
  'client|setname'(c, argv) {
    if (!validClientName(argv[2])) return c.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
    c.name = argv[2];
    c.reply.ok();
  },
  'client|setinfo'(c, argv) {
    const attr = argv[2].toLowerCase();
    if (attr !== 'lib-name' && attr !== 'lib-ver') return c.reply.error(`ERR Unrecognized option '${argv[2]}'`);
    if (!validClientName(argv[3])) return c.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    if (attr === 'lib-name') c.libName = argv[3];
    else c.libVer = argv[3];
    c.reply.ok();
  },
  'client|info'(c, argv, s, cmd) {
    c.reply.verbatim(`${lineFor(s, c, c, argv)}\n`);
  },
  'client|list'(c, argv, s, cmd) {
    let type: string | null = null;
    let ids: Set<number> | null = null;
    if (argv.length > 2) {
      const opt = argv[2].toLowerCase();
      if (opt === 'type' && argv.length === 4) {
        const t = argv[3].toLowerCase();
        if (!TYPES.has(t)) return c.reply.error(`ERR Unknown client type '${argv[3]}'`);
        type = t === 'slave' ? 'replica' : t;
      } else if (opt === 'id' && argv.length >= 4) {
        ids = new Set();
        for (let i = 3; i < argv.length; i++) {
          const n = parseInteger(argv[i]);
          if (n === null || n < 0) return c.reply.error('ERR Invalid client ID');
          ids.add(n);
        }
      } else return c.reply.error(E.SYNTAX);
    }
    let out = '';
    for (const t of s.clients.values()) {
      if (!t.socket && !t.isMaster) continue;
      if (type !== null && clientType(t) !== type) continue;
      if (ids !== null && !ids.has(t.id)) continue;
      out += `${lineFor(s, t, c, argv)}\n`;
    }
    c.reply.verbatim(out);
  },
  'client|kill'(c, argv, s) {
    if (argv.length === 3) {
      // Old form: CLIENT KILL <ip:port>.
      for (const t of s.clients.values()) {
        if (t.addr === argv[2] && (t.socket || t.isMaster)) {
          kill(s, t, c);
          return c.reply.ok();
        }
      }
      return c.reply.error('ERR No such client');
    }
    const targets = killFilter(s, c, argv);
    if (typeof targets === 'string') return c.reply.error(targets);
    c.reply.int(targets.length);
    for (const t of targets) kill(s, t, c);
  },
  'client|reply'(c, argv) {
    const m = argv[2].toLowerCase();
    // The flags change before the reply is written: ON's +OK is sent even right after SKIP or OFF.
    if (m === 'on') {
      setReplyFlags(c, c.replyFlags & ~(REPLY_OFF | REPLY_SKIP));
      c.reply.ok();
    } else if (m === 'off') setReplyFlags(c, c.replyFlags | REPLY_OFF);
    else if (m === 'skip') {
      if (!(c.replyFlags & REPLY_OFF)) setReplyFlags(c, c.replyFlags | REPLY_SKIP_NEXT);
    } else c.reply.error(E.SYNTAX);
  },
  'client|no-evict'(c, argv) {
    const v = onOff(argv[2]);
    if (v === null) return c.reply.error(E.SYNTAX);
    c.noEvict = v;
    c.reply.ok();
  },
  'client|no-touch'(c, argv) {
    const v = onOff(argv[2]);
    if (v === null) return c.reply.error(E.SYNTAX);
    c.noTouch = v;
    c.reply.ok();
  },
  'client|pause'(c, argv, s) {
    const t = parseInteger(argv[2]);
    if (t === null) return c.reply.error('ERR timeout is not an integer or out of range');
    if (t < 0) return c.reply.error('ERR timeout is negative');
    let mode = 'all';
    if (argv.length === 4) {
      mode = argv[3].toLowerCase();
      if (mode !== 'write' && mode !== 'all') return c.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
    } else if (argv.length > 4) return c.reply.error(E.SYNTAX);
    pauseClients(s, t, mode as 'all' | 'write');
    c.reply.ok();
  },
  'client|unpause'(c, _argv, s) {
    unpauseClients(s);
    c.reply.ok();
  },
  'client|unblock'(c, argv, s) {
    const id = parseInteger(argv[2]);
    if (id === null) return c.reply.error(E.NOT_INTEGER);
    let err = false;
    if (argv.length === 4) {
      const r = argv[3].toLowerCase();
      if (r === 'error') err = true;
      else if (r !== 'timeout') return c.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    } else if (argv.length > 4) return c.reply.error(E.SYNTAX);
    const t = s.clients.get(id);
    const unblock = s.ext.unblockClient as ((t: Client, err: boolean) => boolean) | undefined;
    c.reply.int(t && t.blocked && unblock && unblock(t, err) ? 1 : 0);
  },
  'client|trackinginfo'(c) {
    c.reply.mapLen(3);
    c.reply.bulk('flags');
    c.reply.setLen(1);
    c.reply.bulk('off');
    c.reply.bulk('redirect');
    c.reply.int(-1);
    c.reply.bulk('prefixes');
    c.reply.arrayLen(0);
  },
  'client|getredir'(c) {
    c.reply.int(-1);
  },
  'client|help'(c) {
    helpReply(c, HELP.client);
  },
});
