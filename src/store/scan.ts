// Cursor-based iteration for SCAN, HSCAN, SSCAN and ZSCAN, and the one implementation of the three
// collection scans (collectionScan).
//
// Redis's guarantee: an element present for the whole iteration is returned at least once. Redis gets
// it from reverse-binary cursors over its hash table; we get it from JS Map/Set iterators, which are
// live: they stay valid across inserts, deletes and rehashing, and visit every entry not deleted. So a
// cursor is a number naming a live iterator kept in a bounded LRU table (per server). Each call takes
// its cursor out of the table and, when more remains, stores the iterator under a fresh id: a client
// that repeats an old cursor (a retried request) or whose cursor was evicted restarts from the
// beginning, which may return duplicates (SCAN allows them) but never misses an element.
//
// Termination: new entries are appended to a Map's iteration order, so a live iterator could chase
// inserts forever. An iteration therefore stops after visiting as many entries as the collection had
// when it started: surviving original entries all come before any newer one, so by then every entry
// present for the whole iteration has been visited.

import { LRUCache } from 'lru-cache';
import type { Server } from './server';
import type { Client } from './client';
import { stringMatch } from './glob';
import { parseInteger } from './commands/args';
import { E } from '../resp/errors';

/** How many live cursors a server keeps; older ones are evicted (their iteration restarts). */
export const MAX_CURSORS = 10000;

/** A live iteration: the collection it walks (so a cursor is not used on another one) and where it is. */
interface CursorEntry {
  owner: object;
  it: Iterator<unknown>;
  /** Entries still to visit before the iteration is complete (its size when it started, counted down). */
  left: number;
}

interface CursorTable {
  next: number;
  lru: LRUCache<number, CursorEntry>;
}

/** One table per server, so cursor ids are unique per server and vanish with it. */
const tables = new WeakMap<Server, CursorTable>();

function table(s: Server): CursorTable {
  let t = tables.get(s);
  if (!t) tables.set(s, (t = { next: 1, lru: new LRUCache<number, CursorEntry>({ max: MAX_CURSORS }) }));
  return t;
}

/**
 * Parses a cursor argument as Redis's parseScanCursorOrReply (strtoul: base 10, no leading space,
 * nothing after the digits; "" and "-1" are accepted). Returns null for "ERR invalid cursor".
 */
export function parseScanCursor(text: string): number | null {
  if (text.length === 0) return 0;
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  if (text[0] === '+' || text[0] === '-') i = 1;
  if (i === text.length) return null;
  for (let j = i; j < text.length; j++) {
    const ch = text.charCodeAt(j);
    if (ch < 48 || ch > 57) return null;
  }
  const digits = text.slice(i).replace(/^0+(?=.)/, '');
  if (digits.length > 20 || (digits.length === 20 && digits > '18446744073709551615')) return null;
  // Negative cursors wrap in strtoul; any non-zero value we did not hand out simply restarts.
  const n = Number(digits);
  return n === 0 ? 0 : text[0] === '-' ? -1 : n;
}

/** Element count of a Map/Set (size property) or a collection value (size() method). */
function sizeOf(owner: object): number {
  const sz = (owner as { size?: unknown }).size;
  if (typeof sz === 'number') return sz;
  if (typeof sz === 'function') return Number((sz as () => number).call(owner));
  return Infinity;
}

/** The page a scan call returns: the next cursor ("0" when done) and the entries visited. */
export interface ScanPage<T> {
  cursor: string;
  items: T[];
}

/**
 * Visits up to `count` entries of a collection, continuing the iteration named by `cursor`.
 * `owner` identifies the collection (the Map or Set itself, or the db's data map); `iterate` starts a
 * fresh iterator over it. A cursor that is 0, unknown, evicted or belonging to another owner starts
 * from the beginning.
 */
export function scanIterable<T>(s: Server, owner: object, cursor: number, iterate: () => Iterator<T>, count: number): ScanPage<T> {
  const t = table(s);
  let it: Iterator<T> | undefined;
  let left = 0;
  if (cursor > 0) {
    const e = t.lru.get(cursor);
    if (e !== undefined) {
      t.lru.delete(cursor);
      if (e.owner === owner) {
        it = e.it as Iterator<T>;
        left = e.left;
      }
    }
  }
  if (it === undefined) {
    it = iterate();
    left = sizeOf(owner);
  }
  const items: T[] = [];
  for (let n = 0; n < count; n++) {
    if (left <= 0) return { cursor: '0', items };
    const r = it.next();
    if (r.done) return { cursor: '0', items };
    items.push(r.value);
    left--;
  }
  if (left <= 0) return { cursor: '0', items };
  const id = t.next++;
  t.lru.set(id, { owner, it, left });
  return { cursor: String(id), items };
}

/** MATCH / COUNT / TYPE options of the SCAN family. */
export interface ScanOptions {
  count: number;
  /** null when absent or "*" (matches everything). */
  pattern: string | null;
  /** TYPE filter (SCAN only), null when absent. */
  type: string | null;
}

/**
 * Parses the options after the cursor as scanGenericCommand does; `allowType` only for SCAN.
 * Returns the options or an error text to reply.
 */
export function parseScanOptions(argv: string[], start: number, allowType: boolean): ScanOptions | string {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = start; i < argv.length; ) {
    const opt = argv[i].toLowerCase();
    const more = argv.length - i;
    if (opt === 'count' && more >= 2) {
      const n = parseInteger(argv[i + 1]);
      if (n === null) return E.NOT_INTEGER;
      if (n < 1) return E.SYNTAX;
      o.count = n;
      i += 2;
    } else if (opt === 'match' && more >= 2) {
      o.pattern = argv[i + 1] === '*' ? null : argv[i + 1];
      i += 2;
    } else if (opt === 'type' && allowType && more >= 2) {
      o.type = argv[i + 1];
      i += 2;
    } else return E.SYNTAX;
  }
  return o;
}

/** Whether a scanned name passes MATCH (latin1 strings, Redis glob rules). */
export function scanMatches(pattern: string | null, name: string): boolean {
  return pattern === null || stringMatch(pattern, name, false);
}

/** How HSCAN, SSCAN and ZSCAN see one collection; T is one entry as its iterator yields it. */
export interface ScanView<T> {
  /** Small and compactly encoded (listpack, intset): returned whole in one call, as Redis does. */
  compact: boolean;
  /** Every entry in reply order (used when compact). */
  all(): Iterable<T>;
  /** What a cursor iterates (an iteration continues only on the same object) and its size. */
  owner: object;
  /** A fresh iterator over owner. */
  iterate(): Iterator<T>;
  /** The name MATCH tests (field or member). */
  name(entry: T): string;
  /** Appends an entry's reply strings (member; field and value; member and score). */
  push(entry: T, out: string[]): void;
}

/**
 * HSCAN/SSCAN/ZSCAN key cursor [MATCH p] [COUNT n], in Redis's order of checks: the cursor, the key
 * (`read` replies WRONGTYPE and returns undefined; null: no such key, an empty page), the options.
 * Replies [next cursor, flattened entries].
 */
export function collectionScan<V, T>(c: Client, argv: string[], s: Server, read: (c: Client, key: string) => V | null | undefined, view: (v: V) => ScanView<T>): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.reply.error(E.INVALID_CURSOR);
  const v = read(c, argv[1]);
  if (v === undefined) return;
  if (v === null) {
    c.reply.arrayLen(2);
    c.reply.bulk('0');
    c.reply.arrayLen(0);
    return;
  }
  const o = parseScanOptions(argv, 3, false);
  if (typeof o === 'string') return c.reply.error(o);
  const vw = view(v);
  let entries: Iterable<T>;
  let next = '0';
  if (vw.compact) entries = vw.all();
  else {
    const page = scanIterable(s, vw.owner, cursor, vw.iterate, o.count);
    entries = page.items;
    next = page.cursor;
  }
  const out: string[] = [];
  for (const e of entries) if (scanMatches(o.pattern, vw.name(e))) vw.push(e, out);
  c.reply.arrayLen(2);
  c.reply.bulk(next);
  c.reply.bulks(out);
}
