// Expiry commands (expire.c): EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX/XX/GT/LT, TTL PTTL
// EXPIRETIME PEXPIRETIME PERSIST. A relative expiry is propagated as PEXPIREAT with the absolute time
// (so replicas and AOF agree on the instant); an expiry already in the past deletes the key and is
// propagated as DEL (UNLINK with lazyfree-lazy-expire), as Redis 7.0 does.

import { register } from '../registry';
import { E, cstr } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import { parseInteger, LLONG_MAX, LLONG_MIN } from './args';
import { alreadyExpired, errExpireTime } from './strings';
import { recordExactExpire, exactExpire } from './ttl-exact';

const EXP_NX = 1;
const EXP_XX = 2;
const EXP_GT = 4;
const EXP_LT = 8;

/** expireGenericCommand: basetime is now (relative forms) or 0 (absolute), unit seconds or ms. */
function expireGeneric(c: Client, argv: string[], s: Server, fullName: string, relative: boolean, seconds: boolean): void {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'nx') flags |= EXP_NX;
    else if (opt === 'xx') flags |= EXP_XX;
    else if (opt === 'gt') flags |= EXP_GT;
    else if (opt === 'lt') flags |= EXP_LT;
    else return c.reply.error(`ERR Unsupported option ${cstr(argv[j])}`);
  }
  if (flags & EXP_NX && flags & (EXP_XX | EXP_GT | EXP_LT)) return c.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
  if (flags & EXP_GT && flags & EXP_LT) return c.reply.error('ERR GT and LT options at the same time are not compatible');
  if (parseInteger(argv[2]) === null) return c.reply.error(E.NOT_INTEGER);
  let when = BigInt(argv[2]);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return c.reply.error(errExpireTime(fullName));
    when *= 1000n;
  }
  const base = relative ? BigInt(s.cmdTime) : 0n;
  if (when > LLONG_MAX - base) return c.reply.error(errExpireTime(fullName));
  when += base;
  const key = argv[1];
  const db = c.db;
  if (db.get(key) === undefined) return c.reply.int(0);
  const w = Number(when);
  if (flags) {
    const cur = db.getExpire(key);
    if (flags & EXP_NX && cur !== -1) return c.reply.int(0);
    if (flags & EXP_XX && cur === -1) return c.reply.int(0);
    if (flags & EXP_GT && (cur === -1 || w <= cur)) return c.reply.int(0);
    if (flags & EXP_LT && cur !== -1 && w >= cur) return c.reply.int(0);
  }
  if (alreadyExpired(s, w)) {
    db.delete(key);
    s.rewrittenArgv = [s.config.getBool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
    return c.reply.int(1);
  }
  db.setExpire(key, w);
  recordExactExpire(db, key, when);
  c.reply.int(1);
  const rw = argv.slice();
  rw[0] = 'PEXPIREAT';
  rw[2] = String(when);
  s.rewrittenArgv = rw;
}

/** ttlGenericCommand: -2 missing, -1 no expiry, else remaining (or absolute) time. */
function ttlGeneric(c: Client, key: string, s: Server, ms: boolean, abs: boolean): void {
  if (c.db.get(key, true) === undefined) return c.reply.int(-2);
  const at = c.db.getExpire(key);
  if (at === -1) return c.reply.int(-1);
  if (at > Number.MAX_SAFE_INTEGER) {
    const e = exactExpire(c.db, key, at);
    const t = abs ? e : e - BigInt(s.cmdTime);
    return c.reply.int(ms ? t : (t + 500n) / 1000n);
  }
  let ttl = abs ? at : at - s.cmdTime;
  if (ttl < 0) ttl = 0;
  c.reply.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

register({
  expire(c, argv, s, cmd) {
    expireGeneric(c, argv, s, cmd.fullName, true, true);
  },
  pexpire(c, argv, s, cmd) {
    expireGeneric(c, argv, s, cmd.fullName, true, false);
  },
  expireat(c, argv, s, cmd) {
    expireGeneric(c, argv, s, cmd.fullName, false, true);
  },
  pexpireat(c, argv, s, cmd) {
    expireGeneric(c, argv, s, cmd.fullName, false, false);
  },
  ttl(c, argv, s) {
    ttlGeneric(c, argv[1], s, false, false);
  },
  pttl(c, argv, s) {
    ttlGeneric(c, argv[1], s, true, false);
  },
  expiretime(c, argv, s) {
    ttlGeneric(c, argv[1], s, false, true);
  },
  pexpiretime(c, argv, s) {
    ttlGeneric(c, argv[1], s, true, true);
  },
  persist(c, argv) {
    if (c.db.get(argv[1]) === undefined) return c.reply.int(0);
    c.reply.int(c.db.persist(argv[1]) ? 1 : 0);
  },
});
