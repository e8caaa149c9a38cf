// OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT / HELP, and the one piece of string metadata Redis
// exposes: a string's encoding. Values are plain JS strings, so "int"/"embstr"/"raw" is derived from
// the content, except where Redis's answer depends on how the value was made: APPEND, SETRANGE,
// SETBIT, BITFIELD and BITOP leave a "raw" string even when short, INCRBYFLOAT an "embstr" even when
// the text is an integer. Those keys are remembered in a small per-keyspace map, dropped whenever
// the key changes (a key-change hook), and carried along by RENAME, MOVE and COPY.

import { register, SERVER_INIT_HOOKS } from '../registry';
import type { Db, Value } from '../db';
import type { Server } from '../server';
import type { Client } from '../client';
import { parseInteger } from './args';
import { keyFreqIn } from '../lfu';

/**
 * An encoding that differs from what the string's content alone would give. 'grown' is "raw" too,
 * for a string APPEND/SETRANGE/SETBIT/BITFIELD extended in place: Redis grew its buffer greedily,
 * which MEMORY USAGE counts. 'int' is an integer in an object of its own (COPY's dupStringObject),
 * never one of the shared integers 0..9999 (OBJECT REFCOUNT 1, not INT_MAX).
 */
export type StringEncoding = 'raw' | 'embstr' | 'grown' | 'int';

/** Per data map (so FLUSHDB's fresh map and SWAPDB's exchange need no bookkeeping). */
const overrides = new WeakMap<Map<string, Value>, Map<string, StringEncoding>>();

/** Drops a key's override when its value changes (a Server key-change hook; not for an expiry change). */
function forget(db: Db, key: string, valueChanges: boolean): void {
  if (!valueChanges) return;
  const m = overrides.get(db.data);
  if (m !== undefined && m.size !== 0) m.delete(key);
}

/**
 * Servers not yet given the hook: it is attached on the first override, so the GET/SET hot path pays
 * nothing for this bookkeeping until APPEND/SETRANGE/SETBIT/INCRBYFLOAT/BITOP/BITFIELD are used.
 */
let unhooked: Server[] = [];
SERVER_INIT_HOOKS.push((s: Server) => {
  unhooked.push(s);
});

/** Records that the string just stored at key has this encoding (call after the write). */
export function markStringEncoding(db: Db, key: string, enc: StringEncoding): void {
  if (unhooked.length !== 0) {
    for (const s of unhooked) s.keyChangeHooks.add(forget);
    unhooked = [];
  }
  let m = overrides.get(db.data);
  if (!m) overrides.set(db.data, (m = new Map()));
  m.set(key, enc);
}

/** The recorded encoding override of a key, if any (for RENAME/MOVE/COPY to carry it). */
export function stringEncodingOverride(db: Db, key: string): StringEncoding | undefined {
  return overrides.get(db.data)?.get(key);
}

/**
 * The override for a string a bit or range command is about to store (read it before the write, which
 * drops the old override): 'grown' once extended in place, since Redis's buffer never shrinks back.
 */
export function rawOverride(db: Db, key: string, extended: boolean): StringEncoding {
  return extended || stringEncodingOverride(db, key) === 'grown' ? 'grown' : 'raw';
}

/** Whether a string is what Redis's tryObjectEncoding stores as a long ("int"). */
export function isIntEncodable(v: string): boolean {
  return v.length <= 20 && parseInteger(v) !== null;
}

/** OBJECT ENCODING of a string value stored at key. */
export function stringEncoding(db: Db, key: string, v: string): string {
  const o = stringEncodingOverride(db, key);
  if (o === 'raw' || o === 'grown') return 'raw';
  if (o !== 'embstr' && isIntEncodable(v)) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

/** Redis's shared integer objects (0..9999) report refcount INT_MAX unless an LRU/LFU policy is set. */
function sharedInt(s: Server, db: Db, key: string, v: string): boolean {
  if (stringEncoding(db, key, v) !== 'int' || stringEncodingOverride(db, key) === 'int') return false;
  const n = Number(v);
  if (n < 0 || n >= 10000) return false;
  const policy = s.config.get('maxmemory-policy');
  return s.config.getInt('maxmemory') === 0 || !(policy.includes('lru') || policy.includes('lfu'));
}

/**
 * The LFU counter OBJECT FREQ answers and an RDB file's FREQ opcode holds: one given by RESTORE ... FREQ
 * or a loaded file (lfu.ts), else 0 for a shared integer and LFU_INIT_VAL (5) for any other value.
 */
export function objectFreq(s: Server, db: Db, data: Map<string, Value>, key: string, v: Value): number {
  const given = keyFreqIn(s, data, key);
  if (given !== undefined) return given;
  return typeof v === 'string' && sharedInt(s, db, key, v) ? 0 : 5;
}

/** OBJECT REFCOUNT of a value: Redis's shared integers report INT_MAX, everything else 1. */
export function refcountOf(s: Server, db: Db, key: string, v: Value): number {
  return typeof v === 'string' && sharedInt(s, db, key, v) ? 2147483647 : 1;
}

/** OBJECT ENCODING of a value stored at key. */
export function encodingOf(s: Server, db: Db, key: string, v: Value): string {
  return typeof v === 'string' ? stringEncoding(db, key, v) : v.encoding(s.encodingLimits);
}

/** Looks a key up without touching its access time (OBJECT must not change what it reports). */
function lookupNoTouch(c: Client, key: string): Value | undefined {
  return c.db.get(key, true);
}

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

register({
  'object|help'(c) {
    c.reply.arrayLen(HELP.length);
    for (const l of HELP) c.reply.simple(l);
  },
  'object|encoding'(c, argv, s) {
    const v = lookupNoTouch(c, argv[2]);
    if (v === undefined) return c.reply.nil();
    c.reply.bulk(encodingOf(s, c.db, argv[2], v));
  },
  'object|refcount'(c, argv, s) {
    const v = lookupNoTouch(c, argv[2]);
    if (v === undefined) return c.reply.nil();
    c.reply.int(refcountOf(s, c.db, argv[2], v));
  },
  'object|idletime'(c, argv, s) {
    const v = lookupNoTouch(c, argv[2]);
    if (v === undefined) return c.reply.nil();
    if (s.config.get('maxmemory-policy').includes('lfu')) return c.reply.error(LFU_SELECTED);
    const at = c.db.lru.get(argv[2]);
    c.reply.int(at === undefined ? 0 : Math.max(0, Math.floor(s.cmdTime / 1000) - at));
  },
  'object|freq'(c, argv, s) {
    const v = lookupNoTouch(c, argv[2]);
    if (v === undefined) return c.reply.nil();
    if (!s.config.get('maxmemory-policy').includes('lfu')) return c.reply.error(LFU_NOT_SELECTED);
    // Access counts are not tracked: a counter given by RESTORE ... FREQ or an RDB file (see lfu.ts),
    // else 0 for shared integers and LFU_INIT_VAL for other values, as a freshly created object has.
    c.reply.int(objectFreq(s, c.db, c.db.data, argv[2], v));
  },
});
