// String commands (t_string.c). Values are latin1 strings: one char per byte, binary safe.
// Propagation follows Redis 7.0: any SET with an expiry goes out as "SET key value PXAT <abs-ms>",
// GETEX as PEXPIREAT/PERSIST/DEL, GETDEL as DEL, GETSET as SET, INCRBYFLOAT as "SET key value KEEPTTL".

import { constants as bufferConstants } from 'node:buffer';
import { register, HANDLERS } from '../registry';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import { parseInteger, LLONG_MAX, LLONG_MIN } from './args';
import { markStringEncoding, rawOverride } from './object';
import { parseLongDouble, addLongDouble, formatLongDoubleHuman } from '../longdouble';
import './lcs';
import { recordExactExpire } from './ttl-exact';

/** The string at key, null if missing, or undefined after replying WRONGTYPE. */
export function getString(c: Client, key: string): string | null | undefined {
  const v = c.db.get(key);
  if (v === undefined) return null;
  if (typeof v !== 'string') {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v;
}

/** Like getString but for in-place writers (snapshot copy-on-write, touches). */
export function getStringForWrite(c: Client, key: string): string | null | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return null;
  if (typeof v !== 'string') {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v;
}

/** The longest string value the store can hold: V8's string limit (just under 512 MB, 0x1fffffe8 on 64-bit). */
export const MAX_STRING_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** Redis's checkStringLength: the resulting size must stay within proto-max-bulk-len. */
export function checkStringLength(c: Client, s: Server, size: number): boolean {
  if (c.isMaster) return true;
  if (size > s.config.getInt('proto-max-bulk-len')) {
    c.reply.error(E.STRING_TOO_LONG);
    return false;
  }
  return true;
}

/** "ERR invalid expire time in '<cmd>' command". */
export function errExpireTime(fullName: string): string {
  return `ERR invalid expire time in '${fullName}' command`;
}

// SET / GETEX option flags (parseExtendedStringArgumentsOrReply).
const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/** Parsed SET/GETEX options; flags 0 with expire null when there were none. */
interface ExtOpts {
  flags: number;
  expire: string | null;
}

/** Parses SET (from argv[3]) or GETEX (from argv[2]) options; replies syntax error and returns null. */
function parseExtended(c: Client, argv: string[], isSet: boolean): ExtOpts | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = isSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !(flags & XX) && isSet) flags |= NX;
    else if (opt === 'xx' && !(flags & NX) && isSet) flags |= XX;
    else if (opt === 'get' && isSet) flags |= GET;
    else if (opt === 'keepttl' && !(flags & (PERSIST | ANY_EXPIRE)) && isSet) flags |= KEEPTTL;
    else if (opt === 'persist' && !isSet && !(flags & (ANY_EXPIRE | KEEPTTL))) flags |= PERSIST;
    else if (opt === 'ex' && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (opt === 'px' && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (opt === 'exat' && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (opt === 'pxat' && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  return { flags, expire };
}

/**
 * The absolute expiry (ms) for an EX/PX/EXAT/PXAT argument, as getExpireMillisecondsOrReply;
 * replies the error and returns null.
 */
function expireMs(c: Client, s: Server, text: string, flags: number, fullName: string): bigint | null {
  const n = parseInteger(text);
  if (n === null) {
    c.reply.error(E.NOT_INTEGER);
    return null;
  }
  let ms = BigInt(text);
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) {
    c.reply.error(errExpireTime(fullName));
    return null;
  }
  if (seconds) ms *= 1000n;
  if (flags & (EX | PX)) ms += BigInt(s.cmdTime);
  if (ms <= 0n || ms > LLONG_MAX) {
    c.reply.error(errExpireTime(fullName));
    return null;
  }
  return ms;
}

/** Redis's checkAlreadyExpired: a past absolute time deletes instead (not on a replica). */
export function alreadyExpired(s: Server, when: number): boolean {
  return when <= s.cmdTime && !s.loading && !s.isReplica;
}

/**
 * setGenericCommand: SET, SETNX, SETEX, PSETEX. `okReply`/`abortReply` are the integer replies of
 * SETNX (1/0); null means +OK and a null reply.
 */
function setGeneric(c: Client, s: Server, flags: number, key: string, val: string, expire: string | null, fullName: string, nxStyle: boolean): void {
  let when = 0n;
  if (expire !== null) {
    const ms = expireMs(c, s, expire, flags, fullName);
    if (ms === null) return;
    when = ms;
  }
  const db = c.db;
  if (flags & GET) {
    const old = getString(c, key);
    if (old === undefined) return;
    if (old === null) c.reply.nil();
    else c.reply.bulk(old);
  }
  if (flags & (NX | XX)) {
    const found = db.get(key) !== undefined;
    if ((flags & NX && found) || (flags & XX && !found)) {
      if (!(flags & GET)) {
        if (nxStyle) c.reply.int(0);
        else c.reply.nil();
      }
      return;
    }
  }
  db.set(key, val, (flags & KEEPTTL) !== 0);
  if (expire !== null) {
    db.putExpire(key, Number(when));
    recordExactExpire(db, key, when);
    s.rewrittenArgv = ['SET', key, val, 'PXAT', String(when)];
  }
  if (!(flags & GET)) {
    if (nxStyle) c.reply.int(1);
    else c.reply.ok();
  }
}

/** incrDecrCommand: adds to the integer at key (missing = 0). */
function incrDecr(c: Client, key: string, incr: bigint): void {
  const cur = getStringForWrite(c, key);
  if (cur === undefined) return;
  let value = 0n;
  if (cur !== null) {
    if (cur.length > 20 || parseInteger(cur) === null) return c.reply.error(E.NOT_INTEGER);
    value = BigInt(cur);
  }
  const next = value + incr;
  if (next > LLONG_MAX || next < LLONG_MIN) return c.reply.error(E.OVERFLOW);
  const text = next.toString();
  c.db.set(key, text, true);
  c.reply.int(next);
}

/** Fast path for INCR/DECR: plain numbers while far from the int64 limits. */
function incrSmall(c: Client, key: string, by: number): void {
  const cur = getStringForWrite(c, key);
  if (cur === undefined) return;
  let value = 0;
  if (cur !== null) {
    const n = cur.length <= 20 ? parseInteger(cur) : null;
    if (n === null) return c.reply.error(E.NOT_INTEGER);
    if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 52) return incrDecr(c, key, BigInt(by));
    value = n;
  }
  const next = value + by;
  c.db.set(key, String(next), true);
  c.reply.int(next);
}

register({
  get(c, argv) {
    const v = c.db.get(argv[1]);
    if (v === undefined) c.reply.nil();
    else if (typeof v === 'string') c.reply.bulk(v);
    else c.reply.error(E.WRONGTYPE);
  },
  set(c, argv, s, cmd) {
    if (argv.length === 3) {
      c.db.set(argv[1], argv[2]);
      c.reply.ok();
      return;
    }
    const o = parseExtended(c, argv, true);
    if (o === null) return;
    setGeneric(c, s, o.flags, argv[1], argv[2], o.expire, cmd.fullName, false);
  },
  setnx(c, argv, s, cmd) {
    setGeneric(c, s, NX, argv[1], argv[2], null, cmd.fullName, true);
  },
  setex(c, argv, s, cmd) {
    setGeneric(c, s, EX, argv[1], argv[3], argv[2], cmd.fullName, false);
  },
  psetex(c, argv, s, cmd) {
    setGeneric(c, s, PX, argv[1], argv[3], argv[2], cmd.fullName, false);
  },
  getex(c, argv, s, cmd) {
    const o = parseExtended(c, argv, false);
    if (o === null) return;
    const key = argv[1];
    const v = getString(c, key);
    if (v === undefined) return;
    if (v === null) return c.reply.nil();
    let when = 0n;
    if (o.expire !== null) {
      const ms = expireMs(c, s, o.expire, o.flags, cmd.fullName);
      if (ms === null) return;
      when = ms;
    }
    c.reply.bulk(v);
    if (o.flags & (EXAT | PXAT) && alreadyExpired(s, Number(when))) {
      c.db.delete(key);
      s.rewrittenArgv = [s.config.getBool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
    } else if (o.expire !== null) {
      c.db.setExpire(key, Number(when));
      recordExactExpire(c.db, key, when);
      s.rewrittenArgv = ['PEXPIREAT', key, String(when)];
    } else if (o.flags & PERSIST) {
      if (c.db.persist(key)) s.rewrittenArgv = ['PERSIST', key];
    }
  },
  getdel(c, argv, s) {
    const v = getString(c, argv[1]);
    if (v === undefined) return;
    if (v === null) return c.reply.nil();
    c.reply.bulk(v);
    c.db.delete(argv[1]);
    s.rewrittenArgv = [s.config.getBool('lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', argv[1]];
  },
  getset(c, argv, s) {
    const v = getString(c, argv[1]);
    if (v === undefined) return;
    if (v === null) c.reply.nil();
    else c.reply.bulk(v);
    c.db.set(argv[1], argv[2]);
    s.rewrittenArgv = ['SET', argv[1], argv[2]];
  },
  mget(c, argv) {
    c.reply.arrayLen(argv.length - 1);
    for (let i = 1; i < argv.length; i++) {
      const v = c.db.get(argv[i]);
      if (typeof v === 'string') c.reply.bulk(v);
      else c.reply.nil();
    }
  },
  mset(c, argv, _s, cmd) {
    if (argv.length % 2 === 0) return c.reply.error(`ERR wrong number of arguments for '${cmd.fullName}' command`);
    for (let i = 1; i < argv.length; i += 2) c.db.set(argv[i], argv[i + 1]);
    c.reply.ok();
  },
  msetnx(c, argv, _s, cmd) {
    if (argv.length % 2 === 0) return c.reply.error(`ERR wrong number of arguments for '${cmd.fullName}' command`);
    for (let i = 1; i < argv.length; i += 2) if (c.db.get(argv[i]) !== undefined) return c.reply.int(0);
    for (let i = 1; i < argv.length; i += 2) c.db.set(argv[i], argv[i + 1]);
    c.reply.int(1);
  },
  append(c, argv, s) {
    const key = argv[1];
    const cur = getStringForWrite(c, key);
    if (cur === undefined) return;
    if (cur === null) {
      c.db.set(key, argv[2]);
      return c.reply.int(argv[2].length);
    }
    if (!checkStringLength(c, s, cur.length + argv[2].length)) return;
    const next = cur + argv[2];
    const enc = rawOverride(c.db, key, argv[2].length > 0);
    c.db.set(key, next, true);
    markStringEncoding(c.db, key, enc);
    c.reply.int(next.length);
  },
  strlen(c, argv) {
    const v = getString(c, argv[1]);
    if (v === undefined) return;
    c.reply.int(v === null ? 0 : v.length);
  },
  incr(c, argv) {
    incrSmall(c, argv[1], 1);
  },
  decr(c, argv) {
    incrSmall(c, argv[1], -1);
  },
  incrby(c, argv) {
    const by = parseInteger(argv[2]);
    if (by === null) return c.reply.error(E.NOT_INTEGER);
    incrDecr(c, argv[1], BigInt(argv[2]));
  },
  decrby(c, argv) {
    const by = parseInteger(argv[2]);
    if (by === null) return c.reply.error(E.NOT_INTEGER);
    const b = BigInt(argv[2]);
    if (b === LLONG_MIN) return c.reply.error('ERR decrement would overflow');
    incrDecr(c, argv[1], -b);
  },
  incrbyfloat(c, argv, s) {
    const key = argv[1];
    const cur = getStringForWrite(c, key);
    if (cur === undefined) return;
    const value = cur === null ? parseLongDouble('0') : parseLongDouble(cur);
    if (value === null) return c.reply.error(E.NOT_FLOAT);
    const incr = parseLongDouble(argv[2]);
    if (incr === null) return c.reply.error(E.NOT_FLOAT);
    if (typeof value === 'number' || typeof incr === 'number') return c.reply.error(E.INCR_NAN_INF);
    const sum = addLongDouble(value, incr);
    if (typeof sum === 'number') return c.reply.error(E.INCR_NAN_INF);
    const text = formatLongDoubleHuman(sum);
    c.db.set(key, text, true);
    if (text.length <= 20 && parseInteger(text) !== null) markStringEncoding(c.db, key, 'embstr');
    c.reply.bulk(text);
    s.rewrittenArgv = ['SET', key, text, 'KEEPTTL'];
  },
  getrange(c, argv) {
    const start0 = parseInteger(argv[2]);
    const end0 = parseInteger(argv[3]);
    if (start0 === null || end0 === null) return c.reply.error(E.NOT_INTEGER);
    const v = getString(c, argv[1]);
    if (v === undefined) return;
    if (v === null) return c.reply.bulk('');
    const len = v.length;
    let start = start0;
    let end = end0;
    if (start < 0 && end < 0 && start > end) return c.reply.bulk('');
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len === 0) return c.reply.bulk('');
    c.reply.bulk(v.slice(start, end + 1));
  },
  setrange(c, argv, s) {
    const key = argv[1];
    const offset = parseInteger(argv[2]);
    if (offset === null) return c.reply.error(E.NOT_INTEGER);
    if (offset < 0) return c.reply.error('ERR offset is out of range');
    const value = argv[3];
    const cur = getStringForWrite(c, key);
    if (cur === undefined) return;
    if (cur === null && value.length === 0) return c.reply.int(0);
    if (cur !== null && value.length === 0) return c.reply.int(cur.length);
    if (!checkStringLength(c, s, offset + value.length)) return;
    const old = cur ?? '';
    let next: string;
    try {
      const head = old.length >= offset ? old.slice(0, offset) : old + '\0'.repeat(offset - old.length);
      next = head + value + old.slice(offset + value.length);
    } catch {
      // V8 strings stop just short of 512MB; Redis would have grown the string.
      return c.reply.error(E.STRING_TOO_LONG);
    }
    const enc = rawOverride(c.db, key, cur !== null && next.length > old.length);
    c.db.set(key, next, true);
    markStringEncoding(c.db, key, enc);
    c.reply.int(next.length);
  },
});

// SUBSTR: GETRANGE's old name, still in Redis 7.0's command table with the same arguments.
register({ substr: HANDLERS.get('getrange')! });
