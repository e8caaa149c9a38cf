// List commands (t_list.c, Redis 7.0): pushes, pops (with COUNT), ranges, LSET/LREM/LTRIM/LINSERT,
// LPOS, LMOVE/RPOPLPUSH and LMPOP. Argument checks run in Redis's order (some before the key lookup,
// some after) so that the same request gets the same error. The blocking variants live in
// blocking-lists.ts and reuse the helpers exported here.

import { register } from '../registry';
import { E, errArity } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import type { Db } from '../db';
import { ListValue } from '../types/list';
import { parseInteger } from './args';

/** List ends (Redis's LIST_HEAD/LIST_TAIL), shared with the blocking list commands. */
export const HEAD = 0;
/** The right end (RPUSH, RPOP). */
export const TAIL = 1;

const E_POSITIVE = 'ERR value is out of range, must be positive';

/** The list at key for reading: null when missing, undefined after replying WRONGTYPE. */
export function readList(c: Client, key: string): ListValue | null | undefined {
  const v = c.db.get(key);
  if (v === undefined) return null;
  if (!(v instanceof ListValue)) {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v;
}

/** The list at key for in-place change (snapshot copy-on-write): null when missing, undefined after WRONGTYPE. */
export function writeList(c: Client, key: string): ListValue | null | undefined {
  const v = c.db.getForWrite(key);
  if (v === undefined) return null;
  if (!(v instanceof ListValue)) {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v;
}

/** LEFT/RIGHT (getListPositionFromObjectOrReply); null for a syntax error. */
export function parseWhere(arg: string): number | null {
  const l = arg.toLowerCase();
  return l === 'left' ? HEAD : l === 'right' ? TAIL : null;
}

/** Parses a non-negative long as getPositiveLongFromObjectOrReply (one message for both failures). */
function parsePositive(arg: string): number | null {
  const n = parseInteger(arg);
  return n === null || n < 0 ? null : n;
}

/** After removing elements: deletes an emptied list, else records the change. */
export function listChanged(db: Db, key: string, l: ListValue, dirty = 1): void {
  if (l.size() === 0) db.delete(key);
  else db.modified(key, dirty);
}

/** Pushes onto key (creating it), for pushes and the destination of LMOVE (lmoveHandlePush). */
export function pushTo(db: Db, key: string, existing: ListValue | null, v: string, where: number): void {
  if (existing) {
    db.getForWrite(key);
    if (where === HEAD) existing.pushFront(v);
    else existing.pushBack(v);
    db.modified(key);
  } else {
    const l = new ListValue();
    l.pushBack(v);
    db.set(key, l);
  }
}

/** Pops up to count elements and replies with them as an array (in pop order). */
export function popRangeReply(c: Client, l: ListValue, where: number, count: number): number {
  const n = Math.min(count, l.size());
  c.reply.arrayLen(n);
  for (let i = 0; i < n; i++) c.reply.bulk((where === HEAD ? l.popFront() : l.popBack()) as string);
  return n;
}

/** LMPOP/BLMPOP reply [key, [elements]]; returns the propagation vector ([LR]POP key n). */
export function mpopReply(c: Client, db: Db, key: string, l: ListValue, where: number, count: number): string[] {
  db.getForWrite(key);
  c.reply.arrayLen(2);
  c.reply.bulk(key);
  const n = popRangeReply(c, l, where, count);
  listChanged(db, key, l);
  return [where === HEAD ? 'LPOP' : 'RPOP', key, String(n)];
}

/**
 * LMOVE's work once the source is known to be a non-empty list: checks the destination type, pops,
 * pushes, replies with the element. Returns false after replying WRONGTYPE for the destination.
 */
export function moveElement(c: Client, db: Db, src: string, l: ListValue, dst: string, from: number, to: number): boolean {
  const d = db.get(dst);
  if (d !== undefined && !(d instanceof ListValue)) {
    c.reply.error(E.WRONGTYPE);
    return false;
  }
  db.getForWrite(src);
  const v = (from === HEAD ? l.popFront() : l.popBack()) as string;
  // Same key: push onto the same object before the emptiness check, as Redis does.
  pushTo(db, dst, (d as ListValue | undefined) ?? (dst === src ? l : null), v, to);
  if (l.size() === 0 && db.peek(src) === l) db.delete(src);
  else db.modified(src);
  c.reply.bulk(v);
  return true;
}

function pushGeneric(c: Client, argv: string[], where: number, xx: boolean): void {
  const key = argv[1];
  const l = writeList(c, key);
  if (l === undefined) return;
  if (l === null) {
    if (xx) return c.reply.int(0);
    const nl = new ListValue(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      if (where === HEAD) nl.pushFront(argv[i]);
      else nl.pushBack(argv[i]);
    }
    c.db.set(key, nl);
    if (argv.length > 3) c.db.modified(key, argv.length - 3);
    return c.reply.int(nl.size());
  }
  for (let i = 2; i < argv.length; i++) {
    if (where === HEAD) l.pushFront(argv[i]);
    else l.pushBack(argv[i]);
  }
  c.db.modified(key, argv.length - 2);
  c.reply.int(l.size());
}

function popGeneric(c: Client, argv: string[], where: number): void {
  if (argv.length > 3) return c.reply.error(errArity(argv[0].toLowerCase()));
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = parsePositive(argv[2]);
    if (n === null) return c.reply.error(E_POSITIVE);
    count = n;
  }
  const key = argv[1];
  const l = writeList(c, key);
  if (l === undefined) return;
  if (l === null) return hasCount ? c.reply.nilArray() : c.reply.nil();
  if (hasCount && count === 0) return c.reply.arrayLen(0);
  if (!hasCount) c.reply.bulk((where === HEAD ? l.popFront() : l.popBack()) as string);
  else popRangeReply(c, l, where, count);
  listChanged(c.db, key, l);
}

/** LRANGE/LINDEX-style index normalisation shared by the range commands. */
function rangeReply(c: Client, l: ListValue, start: number, end: number): void {
  const len = l.size();
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return c.reply.arrayLen(0);
  if (end >= len) end = len - 1;
  c.reply.arrayLen(end - start + 1);
  for (let i = start; i <= end; i++) c.reply.bulk(l.at(i) as string);
}

/** LPOS options. */
function lpos(c: Client, argv: string[]): void {
  let rank = 1;
  let llongMin = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more) {
      const n = parseInteger(argv[++j]);
      if (n === null) return c.reply.error(E.NOT_INTEGER);
      if (n === 0)
        return c.reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      rank = n;
      llongMin = argv[j] === '-9223372036854775808';
    } else if (opt === 'count' && more) {
      const n = parsePositive(argv[++j]);
      if (n === null) return c.reply.error("ERR COUNT can't be negative");
      count = n;
    } else if (opt === 'maxlen' && more) {
      const n = parsePositive(argv[++j]);
      if (n === null) return c.reply.error("ERR MAXLEN can't be negative");
      maxlen = n;
    } else return c.reply.error(E.SYNTAX);
  }
  const l = readList(c, argv[1]);
  if (l === undefined) return;
  if (l === null) return count !== -1 ? c.reply.arrayLen(0) : c.reply.nil();
  const ele = argv[2];
  const len = l.size();
  const fromTail = rank < 0;
  // RANK LLONG_MIN negates to itself in Redis: every match qualifies and COUNT never stops it.
  let skip = llongMin ? 0 : Math.abs(rank) - 1;
  const want = count === -1 ? 1 : count === 0 || llongMin ? Infinity : count;
  const found: number[] = [];
  for (let k = 0; k < len && (maxlen === 0 || k < maxlen) && found.length < want; k++) {
    const i = fromTail ? len - 1 - k : k;
    if (l.at(i) === ele) {
      if (skip > 0) skip--;
      else found.push(i);
    }
  }
  if (count === -1) return found.length ? c.reply.int(found[0]) : c.reply.nil();
  c.reply.arrayLen(found.length);
  for (const i of found) c.reply.int(i);
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT n]: parsed as lmpopGenericCommand; null after an error reply. */
export function parseMpop(c: Client, argv: string[], numkeysIdx: number): { keys: string[]; where: number; count: number } | null {
  const numkeys = parseInteger(argv[numkeysIdx]);
  if (numkeys === null || numkeys < 1) {
    c.reply.error('ERR numkeys should be greater than 0');
    return null;
  }
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.reply.error(E.SYNTAX);
    return null;
  }
  const where = parseWhere(argv[whereIdx]);
  if (where === null) {
    c.reply.error(E.SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j < argv.length - 1) {
      const n = parseInteger(argv[++j]);
      if (n === null || n < 1) {
        c.reply.error('ERR count should be greater than 0');
        return null;
      }
      count = n;
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where, count: count === -1 ? 1 : count };
}

/**
 * The first non-empty list among keys, or null when none; undefined after replying WRONGTYPE (a
 * wrong-typed key before the first non-empty list stops the scan, as Redis does).
 */
export function firstNonEmpty(c: Client, keys: readonly string[]): { key: string; l: ListValue } | null | undefined {
  for (const key of keys) {
    const v = c.db.get(key);
    if (v === undefined) continue;
    if (!(v instanceof ListValue)) {
      c.reply.error(E.WRONGTYPE);
      return undefined;
    }
    if (v.size() === 0) continue;
    return { key, l: v };
  }
  return null;
}

register({
  lpush: (c, argv) => pushGeneric(c, argv, HEAD, false),
  rpush: (c, argv) => pushGeneric(c, argv, TAIL, false),
  lpushx: (c, argv) => pushGeneric(c, argv, HEAD, true),
  rpushx: (c, argv) => pushGeneric(c, argv, TAIL, true),
  lpop: (c, argv) => popGeneric(c, argv, HEAD),
  rpop: (c, argv) => popGeneric(c, argv, TAIL),
  llen(c, argv) {
    const l = readList(c, argv[1]);
    if (l !== undefined) c.reply.int(l ? l.size() : 0);
  },
  lrange(c, argv) {
    const start = parseInteger(argv[2]);
    const end = parseInteger(argv[3]);
    if (start === null || end === null) return c.reply.error(E.NOT_INTEGER);
    const l = readList(c, argv[1]);
    if (l === undefined) return;
    if (l === null) return c.reply.arrayLen(0);
    rangeReply(c, l, start, end);
  },
  lindex(c, argv) {
    const l = readList(c, argv[1]);
    if (l === undefined) return;
    if (l === null) return c.reply.nil();
    let i = parseInteger(argv[2]);
    if (i === null) return c.reply.error(E.NOT_INTEGER);
    if (i < 0) i += l.size();
    const v = l.at(i);
    if (v === undefined) c.reply.nil();
    else c.reply.bulk(v);
  },
  lset(c, argv) {
    const key = argv[1];
    const l = readList(c, key);
    if (l === undefined) return;
    if (l === null) return c.reply.error(E.NO_SUCH_KEY);
    let i = parseInteger(argv[2]);
    if (i === null) return c.reply.error(E.NOT_INTEGER);
    if (i < 0) i += l.size();
    if (i < 0 || i >= l.size()) return c.reply.error(E.INDEX_RANGE);
    c.db.getForWrite(key);
    l.setAt(i, argv[3]);
    c.db.modified(key);
    c.reply.ok();
  },
  linsert(c, argv) {
    const w = argv[2].toLowerCase();
    if (w !== 'before' && w !== 'after') return c.reply.error(E.SYNTAX);
    const key = argv[1];
    const l = readList(c, key);
    if (l === undefined) return;
    if (l === null) return c.reply.int(0);
    const pivot = argv[3];
    const len = l.size();
    let i = 0;
    while (i < len && l.at(i) !== pivot) i++;
    if (i === len) return c.reply.int(-1);
    c.db.getForWrite(key);
    l.insertAt(w === 'before' ? i : i + 1, argv[4]);
    c.db.modified(key);
    c.reply.int(l.size());
  },
  lrem(c, argv) {
    const count = parseInteger(argv[2]);
    if (count === null) return c.reply.error(E.NOT_INTEGER);
    const key = argv[1];
    const l = readList(c, key);
    if (l === undefined) return;
    if (l === null) return c.reply.int(0);
    const ele = argv[3];
    let removed: number;
    if (count >= 0) {
      let left = count === 0 ? Infinity : count;
      let any = false;
      for (const v of l) if (v === ele) { any = true; break; }
      if (!any) return c.reply.int(0);
      c.db.getForWrite(key);
      removed = l.filter((v) => (v === ele && left > 0 ? (left--, false) : true));
    } else {
      const drop = new Set<number>();
      for (let i = l.size() - 1; i >= 0 && drop.size < -count; i--) if (l.at(i) === ele) drop.add(i);
      if (!drop.size) return c.reply.int(0);
      c.db.getForWrite(key);
      removed = l.filter((_v, i) => !drop.has(i));
    }
    listChanged(c.db, key, l, removed);
    c.reply.int(removed);
  },
  ltrim(c, argv) {
    let start = parseInteger(argv[2]);
    let end = parseInteger(argv[3]);
    if (start === null || end === null) return c.reply.error(E.NOT_INTEGER);
    const key = argv[1];
    const l = readList(c, key);
    if (l === undefined) return;
    if (l === null) return c.reply.ok();
    const len = l.size();
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    c.db.getForWrite(key);
    let trimmed: number;
    if (start > end || start >= len) {
      trimmed = len;
      while (l.size()) l.popBack();
    } else {
      if (end >= len) end = len - 1;
      trimmed = start + (len - end - 1);
      l.trim(start, end);
    }
    if (l.size() === 0) c.db.delete(key);
    else c.db.modified(key, trimmed);
    c.reply.ok();
  },
  lpos: (c, argv) => lpos(c, argv),
  lmove(c, argv) {
    const from = parseWhere(argv[3]);
    const to = parseWhere(argv[4]);
    if (from === null || to === null) return c.reply.error(E.SYNTAX);
    lmove(c, argv[1], argv[2], from, to);
  },
  rpoplpush: (c, argv) => lmove(c, argv[1], argv[2], TAIL, HEAD),
  lmpop(c, argv, s) {
    const p = parseMpop(c, argv, 1);
    if (!p) return;
    lmpop(c, s, p.keys, p.where, p.count);
  },
});

function lmove(c: Client, src: string, dst: string, from: number, to: number): void {
  const l = readList(c, src);
  if (l === undefined) return;
  if (l === null) return c.reply.nil();
  moveElement(c, c.db, src, l, dst, from, to);
}

/** LMPOP without blocking: pops from the first non-empty list, propagated as [LR]POP key n. */
export function lmpop(c: Client, s: Server, keys: readonly string[], where: number, count: number): void {
  const hit = firstNonEmpty(c, keys);
  if (hit === undefined) return;
  if (hit === null) return c.reply.nilArray();
  s.rewrittenArgv = mpopReply(c, c.db, hit.key, hit.l, where, count);
}
