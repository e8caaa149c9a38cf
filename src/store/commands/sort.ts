// SORT and SORT_RO (sort.c): sorts a list, set or sorted set numerically or bytewise, optionally by
// external keys (BY pattern, "->field" for hash fields, a pattern without '*' = no sorting), returns
// elements or looked-up values (GET # / GET pattern), with LIMIT, and may STORE the result as a list.

import { register } from '../registry';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { Db } from '../db';
import type { Server } from '../server';
import { ListValue } from '../types/list';
import type { SetValue } from '../types/set';
import type { ZSetValue } from '../types/zset';
import type { HashValue } from '../types/hash';
import { parseInteger } from './args';
import { strtod } from './zset-args';

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the element
 * and the key read as a string, or as a hash field after "->". Null when missing or of another type.
 */
function lookupByPattern(db: Db, pattern: string, elem: string): string | null {
  if (pattern === '#') return elem;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  let field: string | null = null;
  let keyPattern = pattern;
  const arrow = pattern.indexOf('->', star + 1);
  if (arrow >= 0 && arrow + 2 < pattern.length) {
    field = pattern.slice(arrow + 2);
    keyPattern = pattern.slice(0, arrow);
  }
  const key = keyPattern.slice(0, star) + elem + keyPattern.slice(star + 1);
  const v = db.get(key);
  if (v === undefined) return null;
  if (field !== null) {
    if (typeof v === 'string' || v.type !== 'hash') return null;
    return (v as HashValue).map.get(field) ?? null;
  }
  return typeof v === 'string' ? v : null;
}

interface Item {
  elem: string;
  score: number;
  /** BY value for ALPHA sorting by pattern (null when the key is missing). */
  cmp: string | null;
}

/** The smallest normal double: strtod reports ERANGE for anything nonzero below it. */
const DBL_MIN = 2.2250738585072014e-308;

function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll, which ALPHA uses when not storing: C strings, so the bytes after a NUL are not compared. */
function cmpColl(a: string, b: string): number {
  const na = a.indexOf('\0');
  const nb = b.indexOf('\0');
  return cmpBytes(na < 0 ? a : a.slice(0, na), nb < 0 ? b : b.slice(0, nb));
}

function sortGeneric(c: Client, argv: string[], s: Server, readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let store: string | null = null;
  let sortBy: string | null = null;
  let dontSort = false;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j].toLowerCase();
    if (o === 'asc') desc = false;
    else if (o === 'desc') desc = true;
    else if (o === 'alpha') alpha = true;
    else if (o === 'limit' && left >= 2) {
      const a = parseInteger(argv[j + 1]);
      const b = a === null ? null : parseInteger(argv[j + 2]);
      if (a === null || b === null) return c.reply.error(E.NOT_INTEGER);
      limitStart = a;
      limitCount = b;
      j += 2;
    } else if (!readonly && o === 'store' && left >= 1) {
      store = argv[++j];
    } else if (o === 'by' && left >= 1) {
      sortBy = argv[++j];
      if (sortBy.indexOf('*') < 0) dontSort = true;
    } else if (o === 'get' && left >= 1) {
      gets.push(argv[++j]);
    } else return c.reply.error(E.SYNTAX);
  }
  const v = c.db.get(argv[1]);
  if (v !== undefined && (typeof v === 'string' || (v.type !== 'list' && v.type !== 'set' && v.type !== 'zset'))) {
    return c.reply.error(E.WRONGTYPE);
  }
  const type = v === undefined ? 'list' : v.type;
  // Redis converts a listpack sorted set to a skiplist for SORT (and it stays one).
  if (type === 'zset') (v as ZSetValue).convertToSkiplist();
  // A set has no stable order: when storing, sort it anyway so replicas get the same result.
  if (dontSort && type === 'set' && store !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  const total = v === undefined ? 0 : v.size();
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? total - 1 : start + limitCount - 1;
  if (start >= total) {
    start = total - 1;
    end = total - 2;
  }
  if (end >= total) end = total - 1;

  let items: Item[] = [];
  const push = (elem: string): void => {
    items.push({ elem, score: 0, cmp: null });
  };
  if ((type === 'list' || type === 'zset') && dontSort && v !== undefined) {
    // Native order, LIMIT applied directly (from the tail when DESC).
    if (end >= start) {
      const count = end - start + 1;
      if (type === 'list') {
        const l = v as ListValue;
        for (let i = 0; i < count; i++) push(l.at(desc ? total - 1 - start - i : start + i)!);
      } else {
        const z = v as ZSetValue;
        for (const [m] of z.walk(desc ? total - 1 - start : start, count, desc)) push(m);
      }
      end -= start;
      start = 0;
    }
  } else if (v !== undefined) {
    if (type === 'list') for (const e of v as ListValue) push(e);
    else if (type === 'set') for (const e of (v as SetValue).members(s.encodingLimits)) push(e);
    else for (const [m] of (v as ZSetValue).ascending()) push(m);
  }

  let convError = false;
  if (!dontSort) {
    for (const it of items) {
      let by: string | null;
      if (sortBy !== null) {
        by = lookupByPattern(c.db, sortBy, it.elem);
        if (by === null) continue;
      } else by = it.elem;
      if (alpha) {
        if (sortBy !== null) it.cmp = by;
      } else {
        // strtod reads a C string: up to the first NUL byte (so "" and "\0x" are 0).
        const nul = by.indexOf('\0');
        const r = strtod(nul < 0 ? by : by.slice(0, nul));
        // SORT tests errno == ERANGE alone: a subnormal result (5e-324) underflows and is refused too.
        if (!r.complete || r.erange || Number.isNaN(r.value) || (r.value !== 0 && Math.abs(r.value) < DBL_MIN)) convError = true;
        else it.score = r.value;
      }
    }
    const sign = desc ? -1 : 1;
    // ALPHA compares with strcoll when replying but binary-safe when storing (sortCompare).
    const cmpAlpha = store === null ? cmpColl : cmpBytes;
    if (!alpha) items.sort((a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : cmpBytes(a.elem, b.elem)));
    else if (sortBy !== null) {
      items.sort((a, b) => {
        if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
        return sign * cmpAlpha(a.cmp, b.cmp);
      });
    } else items.sort((a, b) => sign * cmpAlpha(a.elem, b.elem));
  }
  if (convError) return c.reply.error("ERR One or more scores can't be converted into double");
  items = end >= start ? items.slice(start, end + 1) : [];
  const outLen = gets.length ? gets.length * items.length : items.length;
  if (store === null) {
    c.reply.arrayLen(outLen);
    for (const it of items) {
      if (!gets.length) c.reply.bulk(it.elem);
      for (const g of gets) {
        const val = lookupByPattern(c.db, g, it.elem);
        if (val === null) c.reply.nil();
        else c.reply.bulk(val);
      }
    }
    return;
  }
  const out = new ListValue(outLen);
  for (const it of items) {
    if (!gets.length) out.pushBack(it.elem);
    for (const g of gets) out.pushBack(lookupByPattern(c.db, g, it.elem) ?? '');
  }
  if (outLen) c.db.set(store, out);
  else c.db.delete(store);
  c.reply.int(outLen);
}

register({
  sort: (c, argv, s) => sortGeneric(c, argv, s, false),
  sort_ro: (c, argv, s) => sortGeneric(c, argv, s, true),
});
