// Hash commands (t_hash.c, Redis 7.0): HSET/HMSET/HSETNX, reads, HDEL, HINCRBY/HINCRBYFLOAT (the
// float form in long double and replicated as HSET with the final text), HRANDFIELD and HSCAN. The
// listpack -> hashtable conversion is tracked by HashValue so OBJECT ENCODING matches.

import { register } from '../registry';
import { E, errArity } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import { HashValue } from '../types/hash';
import { parseInteger } from './args';
import { parseLongDouble, addLongDouble, formatLongDoubleHuman } from '../longdouble';
import { collectionScan } from '../scan';
import { stopReplyOverLimit } from '../output-limits';

/** The hash at key for reading: null when missing, undefined after replying WRONGTYPE. */
function readHash(c: Client, key: string): HashValue | null | undefined {
  const v = c.db.get(key);
  if (v === undefined) return null;
  if (!(v instanceof HashValue)) {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v;
}

/**
 * The hash at key for writing (hashTypeLookupWriteOrCreate): an existing hash (copy-on-write taken),
 * or a new empty one not yet stored (`fresh`); undefined after replying WRONGTYPE.
 */
function writeHash(c: Client, key: string): { h: HashValue; fresh: boolean } | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return { h: new HashValue(), fresh: true };
  if (!(v instanceof HashValue)) {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return { h: v, fresh: false };
}

/** Stores a new hash or records the change to an existing one. */
function saved(c: Client, key: string, w: { h: HashValue; fresh: boolean }, dirty = 1): void {
  if (w.fresh) {
    c.db.set(key, w.h);
    if (dirty > 1) c.db.modified(key, dirty - 1);
  } else c.db.modified(key, dirty);
}

function hset(c: Client, argv: string[], s: Server, isHmset: boolean): void {
  if (argv.length % 2 === 1) return c.reply.error(errArity(isHmset ? 'hmset' : 'hset'));
  const key = argv[1];
  const w = writeHash(c, key);
  if (!w) return;
  const lim = s.encodingLimits;
  w.h.tryConvert(lim, argv, 2, argv.length - 1);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (w.h.set(lim, argv[i], argv[i + 1])) created++;
  saved(c, key, w, (argv.length - 2) / 2);
  if (isHmset) c.reply.ok();
  else c.reply.int(created);
}

/** The pairs of a hash in reply order. */
function pairs(h: HashValue): IterableIterator<[string, string]> {
  return h.map.entries();
}

function getall(c: Client, key: string, keys: boolean, vals: boolean): void {
  const h = readHash(c, key);
  if (h === undefined) return;
  const both = keys && vals;
  if (h === null) return both ? c.reply.mapLen(0) : c.reply.arrayLen(0);
  const n = h.size();
  if (both) c.reply.mapLen(n);
  else c.reply.arrayLen(n);
  for (const [f, v] of pairs(h)) {
    if (keys) c.reply.bulk(f);
    if (vals) c.reply.bulk(v);
  }
}

/** A uniformly random element of a small array (HRANDFIELD). */
function pick<T>(arr: readonly T[]): T {
  return arr[Math.floor(Math.random() * arr.length)];
}

function hrandfield(c: Client, argv: string[], s: Server): void {
  if (argv.length >= 3) {
    const l = parseInteger(argv[2]);
    if (l === null) return c.reply.error(E.NOT_INTEGER);
    // Exact bounds need BigInt: near 2^63 neighbouring integers share one double.
    const big = BigInt(argv[2]);
    if (big < -9223372036854775807n) return c.reply.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    let withValues = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withvalues')) return c.reply.error(E.SYNTAX);
    if (argv.length === 4) {
      withValues = true;
      if (big < -4611686018427387903n || big > 4611686018427387903n) return c.reply.error('ERR value is out of range');
    }
    return randWithCount(c, argv[1], l, withValues, s);
  }
  const h = readHash(c, argv[1]);
  if (h === undefined) return;
  if (h === null) return c.reply.nil();
  const f = pick([...h.map.keys()]);
  c.reply.bulk(f);
}

function randWithCount(c: Client, key: string, l: number, withValues: boolean, s: Server): void {
  const h = readHash(c, key);
  if (h === undefined) return;
  if (h === null || l === 0) return c.reply.arrayLen(0);
  const resp3 = c.reply.resp === 3;
  const one = (f: string, v: string): void => {
    if (withValues && resp3) c.reply.arrayLen(2);
    c.reply.bulk(f);
    if (withValues) c.reply.bulk(v);
  };
  const entries = [...h.map.entries()];
  const size = entries.length;
  if (l < 0 || l === 1) {
    const count = Math.abs(l);
    c.reply.arrayLen(withValues && !resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      const [f, v] = pick(entries);
      one(f, v);
      if ((i & 1023) === 1023 && stopReplyOverLimit(s, c)) return;
    }
    return;
  }
  const count = Math.min(l, size);
  c.reply.arrayLen(withValues && !resp3 ? count * 2 : count);
  if (l >= size) {
    for (const [f, v] of entries) one(f, v);
    return;
  }
  // Distinct random fields: a partial Fisher-Yates shuffle.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    [entries[i], entries[j]] = [entries[j], entries[i]];
    one(entries[i][0], entries[i][1]);
  }
}

/** HSCAN key cursor [MATCH p] [COUNT n] */
function hscan(c: Client, argv: string[], s: Server): void {
  collectionScan(c, argv, s, readHash, (h) => ({
    compact: !h.isBig(s.encodingLimits),
    all: () => h.map.entries(),
    owner: h.map,
    iterate: () => h.map.entries(),
    name: (e: [string, string]) => e[0],
    push: (e: [string, string], out: string[]) => out.push(e[0], e[1]),
  }));
}

register({
  hset: (c, argv, s) => hset(c, argv, s, false),
  hmset: (c, argv, s) => hset(c, argv, s, true),
  hsetnx(c, argv, s) {
    const key = argv[1];
    const v = c.db.get(key);
    if (v !== undefined && !(v instanceof HashValue)) return c.reply.error(E.WRONGTYPE);
    if (v && v.map.has(argv[2])) return c.reply.int(0);
    const w = writeHash(c, key)!;
    const lim = s.encodingLimits;
    w.h.tryConvert(lim, argv, 2, 3);
    w.h.set(lim, argv[2], argv[3]);
    saved(c, key, w);
    c.reply.int(1);
  },
  hget(c, argv) {
    const h = readHash(c, argv[1]);
    if (h === undefined) return;
    const v = h?.map.get(argv[2]);
    if (v === undefined) c.reply.nil();
    else c.reply.bulk(v);
  },
  hmget(c, argv) {
    const h = readHash(c, argv[1]);
    if (h === undefined) return;
    c.reply.arrayLen(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      const v = h?.map.get(argv[i]);
      if (v === undefined) c.reply.nil();
      else c.reply.bulk(v);
    }
  },
  hdel(c, argv) {
    const key = argv[1];
    const h = readHash(c, key);
    if (h === undefined) return;
    if (h === null) return c.reply.int(0);
    let any = false;
    for (let i = 2; i < argv.length && !any; i++) any = h.map.has(argv[i]);
    if (!any) return c.reply.int(0);
    c.db.getForWrite(key);
    let n = 0;
    for (let i = 2; i < argv.length; i++) if (h.map.delete(argv[i])) n++;
    if (h.size() === 0) c.db.delete(key);
    else c.db.modified(key, n);
    c.reply.int(n);
  },
  hexists(c, argv) {
    const h = readHash(c, argv[1]);
    if (h !== undefined) c.reply.int(h?.map.has(argv[2]) ? 1 : 0);
  },
  hlen(c, argv) {
    const h = readHash(c, argv[1]);
    if (h !== undefined) c.reply.int(h ? h.size() : 0);
  },
  hstrlen(c, argv) {
    const h = readHash(c, argv[1]);
    if (h !== undefined) c.reply.int(h?.map.get(argv[2])?.length ?? 0);
  },
  hkeys: (c, argv) => getall(c, argv[1], true, false),
  hvals: (c, argv) => getall(c, argv[1], false, true),
  hgetall: (c, argv) => getall(c, argv[1], true, true),
  hincrby(c, argv, s) {
    const incr = parseInteger(argv[3]);
    if (incr === null) return c.reply.error(E.NOT_INTEGER);
    const key = argv[1];
    const w = writeHash(c, key);
    if (!w) return;
    const cur = w.h.map.get(argv[2]);
    let value = 0n;
    if (cur !== undefined) {
      const n = parseInteger(cur);
      if (n === null) return c.reply.error('ERR hash value is not an integer');
      value = BigInt(cur);
    }
    const sum = value + BigInt(argv[3]);
    if (sum > 9223372036854775807n || sum < -9223372036854775808n) return c.reply.error(E.OVERFLOW);
    const text = sum.toString();
    w.h.set(s.encodingLimits, argv[2], text);
    saved(c, key, w);
    c.reply.int(sum);
  },
  hincrbyfloat(c, argv, s) {
    const incr = parseLongDouble(argv[3]);
    if (incr === null) return c.reply.error(E.NOT_FLOAT);
    if (typeof incr === 'number') return c.reply.error('ERR value is NaN or Infinity');
    const key = argv[1];
    const w = writeHash(c, key);
    if (!w) return;
    const cur = w.h.map.get(argv[2]);
    let value = parseLongDouble('0');
    if (cur !== undefined) {
      value = parseLongDouble(cur);
      if (value === null) return c.reply.error('ERR hash value is not a float');
    }
    if (typeof value === 'number') return c.reply.error(E.INCR_NAN_INF);
    const sum = addLongDouble(value!, incr);
    if (typeof sum === 'number') return c.reply.error(E.INCR_NAN_INF);
    const text = formatLongDoubleHuman(sum);
    w.h.set(s.encodingLimits, argv[2], text);
    saved(c, key, w);
    c.reply.bulk(text);
    s.rewrittenArgv = ['HSET', key, argv[2], text];
  },
  hrandfield: (c, argv, s) => hrandfield(c, argv, s),
  hscan: (c, argv, s) => hscan(c, argv, s),
});
