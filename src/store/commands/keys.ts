// Generic key commands (db.c): existence, deletion, type, renaming, copying between databases,
// listing (KEYS, SCAN, RANDOMKEY) and TOUCH. Expiry commands live in expire.ts.

import { register } from '../registry';
import { E } from '../../resp/errors';
import { typeName, type Db, type Value } from '../db';
import type { Client } from '../client';
import type { Server } from '../server';
import { parseInteger } from './args';
import { stringMatch } from '../glob';
import { parseScanCursor, parseScanOptions, scanIterable } from '../scan';
import { markStringEncoding, stringEncoding, stringEncodingOverride } from './object';
import { nextRandomKey } from './random-key';
import { takeKeyFreq, putKeyFreq } from '../lfu';
import './expire';

/** Stores a value under key in db with the expiry, encoding and access time it had elsewhere. */
function place(dst: Db, key: string, v: Value, expire: number, enc: ReturnType<typeof stringEncodingOverride>): void {
  dst.set(key, v);
  if (expire !== -1) dst.putExpire(key, expire);
  if (enc !== undefined) markStringEncoding(dst, key, enc);
}

/** Parses a database index argument (getIntFromObjectOrReply + selectDb); replies and returns null. */
function dbArg(c: Client, s: Server, text: string): Db | null {
  const id = parseInteger(text);
  if (id === null || id > 2147483647 || id < -2147483648) {
    c.reply.error(E.NOT_INTEGER);
    return null;
  }
  if (id < 0 || id >= s.dbs.length) {
    c.reply.error(E.DB_INDEX);
    return null;
  }
  return s.dbs[id];
}

function renameGeneric(c: Client, argv: string[], nx: boolean, s: Server): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const v = db.get(src);
  if (v === undefined) return c.reply.error(E.NO_SUCH_KEY);
  if (src === dst) return nx ? c.reply.int(0) : c.reply.ok();
  const expire = db.getExpire(src);
  const enc = stringEncodingOverride(db, src);
  const lru = db.lru.get(src);
  const freq = takeKeyFreq(db, src);
  if (db.get(dst) !== undefined) {
    if (nx) return c.reply.int(0);
    db.delete(dst);
  }
  db.delete(src);
  place(db, dst, v, expire, enc);
  if (lru !== undefined) db.lru.set(dst, lru);
  putKeyFreq(s, db, dst, freq);
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

/**
 * A random live key, or null (dbRandomKey); expired keys met on the way are reclaimed, so on a master
 * every retry removes a key. Approximately uniform: see random-key.ts.
 */
function randomKey(db: Db, s: Server): string | null {
  for (let tries = 0; ; tries++) {
    const key = nextRandomKey(db);
    if (key === null) return null;
    if (!db.expires.has(key)) return key;
    // On a replica expired keys stay (the master deletes them): after 100 tries of an all-volatile
    // keyspace return one anyway, as Redis does, rather than loop forever.
    if (s.isReplica && tries >= 100 && db.expires.size === db.data.size) return key;
    if (db.get(key, true) !== undefined) return key;
  }
}

register({
  del(c, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.delete(argv[i])) n++;
    c.reply.int(n);
  },
  // Values are freed by the garbage collector either way: UNLINK is DEL.
  unlink(c, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.delete(argv[i])) n++;
    c.reply.int(n);
  },
  exists(c, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.get(argv[i], true) !== undefined) n++;
    c.reply.int(n);
  },
  type(c, argv) {
    const v = c.db.get(argv[1], true);
    c.reply.simple(v === undefined ? 'none' : typeName(v));
  },
  rename(c, argv, s) {
    renameGeneric(c, argv, false, s);
  },
  renamenx(c, argv, s) {
    renameGeneric(c, argv, true, s);
  },
  move(c, argv, s) {
    const dst = dbArg(c, s, argv[2]);
    if (dst === null) return;
    const src = c.db;
    if (src === dst) return c.reply.error(E.SAME_OBJECT);
    const key = argv[1];
    const v = src.get(key);
    if (v === undefined) return c.reply.int(0);
    const expire = src.getExpire(key);
    if (dst.get(key) !== undefined) return c.reply.int(0);
    const enc = stringEncodingOverride(src, key);
    const lru = src.lru.get(key);
    const freq = takeKeyFreq(src, key);
    src.delete(key);
    place(dst, key, v, expire, enc);
    if (lru !== undefined) dst.lru.set(key, lru);
    putKeyFreq(s, dst, key, freq);
    c.reply.int(1);
  },
  copy(c, argv, s) {
    let dst: Db = c.db;
    let replace = false;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      if (opt === 'replace') replace = true;
      else if (opt === 'db' && argv.length - j - 1 >= 1) {
        const d = dbArg(c, s, argv[j + 1]);
        if (d === null) return;
        dst = d;
        j++;
      } else return c.reply.error(E.SYNTAX);
    }
    const src = c.db;
    const key = argv[1];
    const newkey = argv[2];
    if (src === dst && key === newkey) return c.reply.error(E.SAME_OBJECT);
    const v = src.get(key);
    if (v === undefined) return c.reply.int(0);
    const expire = src.getExpire(key);
    if (dst.get(newkey) !== undefined) {
      if (!replace) return c.reply.int(0);
      dst.delete(newkey);
    }
    // The copy of a string is allocated to fit (dupStringObject), whatever the original grew to; an
    // integer gets an object of its own, even a shared one (0..9999).
    const enc = stringEncodingOverride(src, key);
    const own = typeof v === 'string' && enc === undefined && stringEncoding(src, key, v) === 'int' ? 'int' : enc;
    place(dst, newkey, typeof v === 'string' ? v : v.clone(), expire, own === 'grown' ? 'raw' : own);
    c.reply.int(1);
  },
  keys(c, argv) {
    const pattern = argv[1];
    const all = pattern === '*';
    const db = c.db;
    const out: string[] = [];
    const checkTtl = db.expires.size !== 0;
    for (const k of db.data.keys()) {
      if (!all && !stringMatch(pattern, k, false)) continue;
      // Only filtered, not deleted: KEYS uses keyIsExpired, as Redis does.
      if (checkTtl && db.isExpired(k)) continue;
      out.push(k);
    }
    c.reply.bulks(out);
  },
  randomkey(c, _argv, s) {
    const k = randomKey(c.db, s);
    if (k === null) c.reply.nil();
    else c.reply.bulk(k);
  },
  touch(c, argv, s) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) {
      if (c.db.get(argv[i], true) !== undefined) {
        c.db.lru.set(argv[i], Math.floor(s.cmdTime / 1000));
        n++;
      }
    }
    c.reply.int(n);
  },
  scan(c, argv, s) {
    const cursor = parseScanCursor(argv[1]);
    if (cursor === null) return c.reply.error(E.INVALID_CURSOR);
    const o = parseScanOptions(argv, 2, true);
    if (typeof o === 'string') return c.reply.error(o);
    const db = c.db;
    const data = db.data;
    const page = scanIterable(s, data, cursor, () => data.keys(), o.count);
    const out: string[] = [];
    for (const k of page.items) {
      if (o.pattern !== null && !stringMatch(o.pattern, k, false)) continue;
      // Expired keys are reclaimed (and skipped) as Redis's scan does.
      const v = db.get(k, true);
      if (v === undefined) continue;
      if (o.type !== null && typeName(v) !== o.type.toLowerCase()) continue;
      out.push(k);
    }
    c.reply.arrayLen(2);
    c.reply.bulk(page.cursor);
    c.reply.bulks(out);
  },
});
