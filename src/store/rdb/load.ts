// Parsing a whole RDB file into fresh per-database maps, validating everything (structure, types,
// checksum) before anything is installed, then swapping the maps in: a bad file never leaves half a
// dataset behind. Used at start-up, by DEBUG RELOAD and by a replica's full sync.

import type { Server } from '../server';
import type { Value } from '../db';
import { OP, RDB_MAX_READ_VERSION, RdbError } from './constants';
import { Crc64 } from './crc64';
import { RdbReader, readValue } from './reader';
import { ZSetValue } from '../types/zset';
import { lfuPolicy, setKeyFreq } from '../lfu';

/** A parsed, validated RDB file, ready to install. */
export interface ParsedRdb {
  version: number;
  /** Aux fields (redis-ver, repl-id, ...), latin1. */
  aux: Map<string, string>;
  /** Per database index present in the file: the key -> value and key -> expiry maps. */
  dbs: Map<number, { data: Map<string, Value>; expires: Map<string, number> }>;
  keysLoaded: number;
  keysExpired: number;
  /** The keys dropped as already expired (dropExpired), in file order: [db, key]. */
  expiredKeys: Array<[number, string]>;
  emptyKeysSkipped: number;
  /** The first 10 empty keys skipped (Redis logs each: 'rdbLoadObject skipping empty key: <key>'). */
  emptyKeys?: string[];
  /** LFU counters of the FREQ opcodes (written by Redis under an LFU policy): db -> key -> counter. */
  freqs?: Map<number, Map<string, number>>;
  /** Idle times in seconds of the IDLE opcodes (written by Redis under an LRU policy): db -> key -> idle. */
  idles?: Map<number, Map<string, number>>;
}

/** How parseRdb validates a file and which keys it keeps. */
export interface ParseOptions {
  /** Number of databases configured; a SELECTDB at or beyond it is refused. */
  databases: number;
  /** Drop keys whose expiry is already past (a master does; a replica keeps them). */
  dropExpired: boolean;
  /** Current time (ms) for dropExpired. */
  now: number;
  /** Verify the CRC-64 trailer (config rdbchecksum). */
  checksum: boolean;
}

/** Parses and fully validates an RDB file. Throws RdbError naming what is wrong. */
export function parseRdb(data: Buffer, opts: ParseOptions): ParsedRdb {
  if (data.length < 9 || data.latin1Slice(0, 5) !== 'REDIS') throw new RdbError('Wrong signature trying to load DB from file');
  const vs = data.latin1Slice(5, 9);
  if (!/^\d{4}$/.test(vs)) throw new RdbError('Wrong signature trying to load DB from file');
  const version = Number(vs);
  if (version < 1 || version > RDB_MAX_READ_VERSION) throw new RdbError(`Can't handle RDB format version ${version}`);
  const r = new RdbReader(data, 9);
  const out: ParsedRdb = { version, aux: new Map(), dbs: new Map(), keysLoaded: 0, keysExpired: 0, expiredKeys: [], emptyKeysSkipped: 0 };
  let db = selectDb(out, 0);
  let dbid = 0;
  let expire = -1;
  let freq = -1;
  let idle = -1;
  for (;;) {
    const type = r.u8();
    switch (type) {
      case OP.EXPIRETIME:
        expire = r.i32le() * 1000;
        continue;
      case OP.EXPIRETIME_MS:
        expire = r.i64le();
        continue;
      case OP.FREQ:
        freq = r.u8();
        continue;
      case OP.IDLE:
        idle = r.len();
        continue;
      case OP.SELECTDB:
        dbid = r.len();
        if (dbid >= opts.databases) throw new RdbError(`Data file was created with a Redis server configured to handle more than ${opts.databases} databases (SELECTDB ${dbid})`);
        db = selectDb(out, dbid);
        continue;
      case OP.RESIZEDB:
        r.len();
        r.len();
        continue;
      case OP.SLOT_INFO:
        r.len();
        r.len();
        r.len();
        continue;
      case OP.AUX: {
        const k = r.str();
        const v = r.str();
        // Unknown aux fields (lua scripts of old versions, aof-preamble, ...) are informational.
        out.aux.set(k, v);
        continue;
      }
      case OP.MODULE_AUX:
        throw new RdbError('RDB file contains module auxiliary data, which resplit does not support');
      case OP.FUNCTION2:
      case OP.FUNCTION_PRE_GA:
        throw new RdbError('RDB file contains function libraries, which resplit does not support');
      case OP.EOF:
        break;
      default: {
        const key = r.str();
        const v = readValue(r, type, key);
        const at = expire;
        const lfu = freq;
        const lru = idle;
        expire = -1;
        freq = -1;
        idle = -1;
        if (v === null) {
          if (out.emptyKeysSkipped < 10) (out.emptyKeys ??= []).push(key);
          out.emptyKeysSkipped++;
          continue;
        }
        if (at !== -1 && opts.dropExpired && at < opts.now) {
          if (db.data.has(key)) throw new RdbError(`RDB has duplicated key '${key}' in DB ${dbid}`);
          out.keysExpired++;
          out.expiredKeys.push([dbid, key]);
          continue;
        }
        // One hash operation per key: a duplicate shows as an unchanged size (the parse fails anyway).
        const size = db.data.size;
        db.data.set(key, v);
        if (db.data.size === size) throw new RdbError(`RDB has duplicated key '${key}' in DB ${dbid}`);
        if (at !== -1) db.expires.set(key, at);
        if (lfu !== -1) {
          out.freqs ??= new Map();
          let f = out.freqs.get(dbid);
          if (!f) out.freqs.set(dbid, (f = new Map()));
          f.set(key, lfu);
        }
        if (lru !== -1) {
          out.idles ??= new Map();
          let f = out.idles.get(dbid);
          if (!f) out.idles.set(dbid, (f = new Map()));
          f.set(key, lru);
        }
        out.keysLoaded++;
        continue;
      }
    }
    break;
  }
  if (version >= 5) {
    const body = r.pos;
    const trailer = r.bytes(8);
    if (opts.checksum && !trailer.equals(Buffer.alloc(8))) {
      const expected = new Crc64().update(data, 0, body).digest();
      if (!expected.equals(trailer)) {
        throw new RdbError(`Wrong RDB checksum expected: (${hex(expected)}) got (${hex(trailer)}). Aborting now.`, 'RDB CRC error');
      }
    }
  }
  return out;
}

function hex(b: Buffer): string {
  return b.readBigUInt64LE(0).toString(16);
}

function selectDb(out: ParsedRdb, id: number): { data: Map<string, Value>; expires: Map<string, number> } {
  let d = out.dbs.get(id);
  if (!d) out.dbs.set(id, (d = { data: new Map(), expires: new Map() }));
  return d;
}

/**
 * Gives a loaded value its encoding now, as Redis decides it while loading: a sorted set's listpack
 * drops the sign of a -0 score, which reads must see; a set or hash decided later, after a removal
 * (SREM of the only non-integer), would be an intset/listpack where Redis keeps a hashtable.
 */
export function decideEncoding(s: Server, v: Value): void {
  if (v instanceof ZSetValue) v.recomputeEncoding(s.encodingLimits);
  else if (typeof v !== 'string') v.encoding(s.encodingLimits);
}

/**
 * Replaces every database with the parsed contents: each database is flushed first (watchers are
 * signalled, flush hooks see the old maps), then the new maps are installed as they are. The dirty
 * counter is left as it was (loading is not a change to replicate or to save).
 */
export function installRdb(s: Server, parsed: ParsedRdb): void {
  const dirty = s.dirty;
  s.flushSlaveKeysWithExpire();
  for (const db of s.dbs) {
    db.flush();
    const d = parsed.dbs.get(db.id);
    if (d) {
      for (const v of d.data.values()) decideEncoding(s, v);
      db.data = d.data;
      db.expires = d.expires;
      const freqs = parsed.freqs?.get(db.id);
      if (freqs) for (const [k, f] of freqs) setKeyFreq(s, db, k, f);
      // An idle time is taken unless an LFU policy is set (objectSetLRUOrLFU), as a last access then.
      const idles = parsed.idles?.get(db.id);
      if (idles && !lfuPolicy(s)) {
        const now = Math.floor(s.now() / 1000);
        for (const [k, idle] of idles) db.lru.set(k, now - idle);
      }
      // Watchers of keys the load brought back are signalled too (touchAllWatchedKeysInDb).
      for (const k of db.watched.keys()) if (d.data.has(k)) db.signal(k);
    }
  }
  s.dirty = dirty;
}

/** Redis's rdbLoad log lines about skipped empty keys (a key per line, the first 10, then the totals). */
export function logEmptyKeys(log: { warn(msg: string): void }, parsed: ParsedRdb): void {
  if (!parsed.emptyKeysSkipped) return;
  for (const k of parsed.emptyKeys ?? []) log.warn(`rdbLoadObject skipping empty key: ${k}`);
  log.warn(`Done loading RDB, keys loaded: ${parsed.keysLoaded}, keys expired: ${parsed.keysExpired}, empty keys skipped: ${parsed.emptyKeysSkipped}.`);
}
