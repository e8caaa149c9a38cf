// Connection commands: PING ECHO SELECT QUIT AUTH HELLO RESET. They change per-connection state only.

import { register } from '../registry';
import type { Client } from '../client';
import type { Server } from '../server';
import { E, errArity } from '../../resp/errors';
import { REDIS_VERSION } from '../../resp/commands';
import { parseInteger } from './args';
import { setReplyFlags, REPLY_SKIP } from '../reply-mode';

/** Checks a password against requirepass (the default user); replies the error and returns false. */
export function checkAuth(c: Client, s: Server, user: string, pass: string, oneArg: boolean): boolean {
  const required = s.config.get('requirepass');
  if (!required) {
    if (oneArg) {
      c.reply.error(E.AUTH_NO_PASSWORD);
      return false;
    }
    if (user === 'default') return (c.authenticated = true);
    c.reply.error(E.WRONGPASS);
    return false;
  }
  if (user === 'default' && pass === required) return (c.authenticated = true);
  c.reply.error(E.WRONGPASS);
  return false;
}

/** Switches a client to database `id`; false if out of range. */
export function selectDb(c: Client, s: Server, id: number): boolean {
  if (id < 0 || id >= s.dbs.length) return false;
  c.db = s.dbs[id];
  return true;
}

/** Clears the per-connection modes, as RESET and the end of a session do. */
export type ResetHook = (c: Client, s: Server) => void;
/** Features with per-connection state (pub/sub subscriptions) register how RESET clears it here. */
export const resetHooks: ResetHook[] = [];

register({
  ping(c, argv) {
    if (argv.length > 2) return c.reply.error(errArity('ping'));
    if (c.inSubscriberMode) {
      c.reply.arrayLen(2);
      c.reply.bulk('pong');
      c.reply.bulk(argv.length === 2 ? argv[1] : '');
      return;
    }
    if (argv.length === 2) c.reply.bulk(argv[1]);
    else c.reply.simple('PONG');
  },
  echo(c, argv) {
    c.reply.bulk(argv[1]);
  },
  select(c, argv, s) {
    const id = parseInteger(argv[1]);
    if (id === null || id > 2147483647 || id < -2147483648) return c.reply.error(E.NOT_INTEGER);
    if (!selectDb(c, s, id)) return c.reply.error(E.DB_INDEX);
    c.reply.ok();
  },
  quit(c) {
    c.reply.ok();
    c.closeAfterReply = true;
  },
  auth(c, argv, s) {
    if (argv.length > 3) return c.reply.error(E.SYNTAX);
    const oneArg = argv.length === 2;
    if (checkAuth(c, s, oneArg ? 'default' : argv[1], oneArg ? argv[1] : argv[2], oneArg)) c.reply.ok();
  },
  hello(c, argv, s) {
    let ver = 0;
    let i = 1;
    if (argv.length >= 2) {
      const v = parseInteger(argv[1]);
      if (v === null) return c.reply.error('ERR Protocol version is not an integer or out of range');
      ver = v;
      i = 2;
      if (ver < 2 || ver > 3) return c.reply.error(E.NOPROTO);
    }
    let setname: string | null = null;
    for (; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      const more = argv.length - i - 1;
      if (opt === 'auth' && more >= 2) {
        if (!checkAuth(c, s, argv[i + 1], argv[i + 2], false)) return;
        i += 2;
      } else if (opt === 'setname' && more >= 1) {
        setname = argv[++i];
        if (!validClientName(setname)) return c.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
      } else return c.reply.error(`ERR Syntax error in HELLO option '${argv[i]}'`);
    }
    if (!c.authenticated) return c.reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    if (setname !== null) c.name = setname;
    if (ver) c.reply.resp = ver as 2 | 3;
    c.reply.mapLen(7);
    c.reply.bulk('server');
    c.reply.bulk('redis');
    c.reply.bulk('version');
    c.reply.bulk(REDIS_VERSION);
    c.reply.bulk('proto');
    c.reply.int(c.reply.resp);
    c.reply.bulk('id');
    c.reply.int(c.id);
    c.reply.bulk('mode');
    c.reply.bulk('standalone');
    c.reply.bulk('role');
    c.reply.bulk(s.isReplica ? 'replica' : 'master');
    c.reply.bulk('modules');
    c.reply.arrayLen(0);
  },
  reset(c, _argv, s) {
    for (const h of resetHooks) h(c, s);
    c.multi = null;
    c.multiError = false;
    s.unwatchAll(c);
    s.monitors.delete(c);
    c.monitor = false;
    c.db = s.dbs[0];
    c.reply.resp = 2;
    c.name = '';
    c.noEvict = false;
    c.noTouch = false;
    // RESET ends CLIENT REPLY OFF and a pending SKIP, but not a SKIP covering RESET itself (Redis's
    // clearClientConnectionState): after OFF +RESET is sent, right after SKIP it is not.
    setReplyFlags(c, c.replyFlags & REPLY_SKIP);
    c.authenticated = s.config.get('requirepass') === '';
    c.reply.simple('RESET');
  },
});

/** Client names may not contain spaces, newlines or other special characters (CLIENT SETNAME rules). */
export function validClientName(n: string): boolean {
  for (let i = 0; i < n.length; i++) {
    const ch = n.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}
