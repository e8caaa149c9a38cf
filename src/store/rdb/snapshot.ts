// A point-in-time RDB snapshot of a live server, produced in slices between event-loop turns (Node has
// no fork). Consistency comes from key-level copy-on-write through Server.keyChangeHooks, which run
// BEFORE any key changes:
//
// - At the start we keep a reference to every database's key map (and expiry map). FLUSHDB/FLUSHALL
//   and full-sync loads install new maps and SWAPDB exchanges map references, so a captured map is
//   only ever changed key by key, through Db methods that call the hook first. The hook finds the
//   captured map by identity (`db.data`), which stays right across SWAPDB.
// - Per captured map: `emitted` (keys the iterator wrote while they were untouched) and `pre`, one
//   entry per key touched by the hook: the serialised record of the key as it was at the start (taken
//   the first time a not-yet-written key changes), null when the key did not exist at the start, or
//   DONE when the key is already in the file.
// - The live Map iterator visits keys present at the start that were not deleted (their current value
//   when untouched, else `pre`), and keys added later (skipped: `pre` says null or DONE). Afterwards the
//   `pre` records of keys deleted before the iterator reached them are written. Each key is written
//   once, with its value at the start.
// - `emitted` is only looked up by the hook, for a key changed for the first time (the iterator needs
//   `pre` only), so it is a ChunkedSet: a plain Set of a million keys rehashes for ~40 ms at once.
//
// Memory cost while a snapshot runs: one set entry per key written so far in the current database
// (released when that database is done), plus the serialised bytes of every key changed before it was
// written and a marker per other key changed meanwhile.
//
// rdb-key-save-delay (a Redis debug setting its tests use to make BGSAVE and full syncs slow): after
// each key written, that many microseconds of delay (negative -N: 1 µs per N keys), read when the
// snapshot starts as a forked child would. Owed delay is handed to the consumer as a number of
// milliseconds to wait once it reaches 1 ms (the event loop keeps running); a synchronous snapshot
// (SAVE) blocks for it instead, as Redis's SAVE sleeps in the main process.
//
// Pause cost: the hook serialises a not-yet-written key's value when it first changes, synchronously;
// that is short for small values but proportional to the size of a big collection (one SADD to a
// million-member set mid-BGSAVE pauses the loop for its serialisation, as Redis's fork copies pages).

import { performance } from 'node:perf_hooks';
import type { Server } from '../server';
import type { Db, Value } from '../db';
import { OP, RDB_VERSION, REDIS_VERSION } from './constants';
import { Crc64 } from './crc64';
import { OutBuf, writeValue } from './writer';
import { ChunkedSet } from './chunked-set';
import { objectFreq } from '../commands/object';

/** `pre` marker: the key is already in the file (later occurrences in the iteration are skipped). */
const DONE = 0;

/** What a snapshot writes besides the data (replication aux fields) and how it runs (slice and chunk sizes). */
export interface SnapshotOptions {
  replId?: string;
  replOffset?: number;
  replStreamDb?: number;
  /** Work per slice before yielding to the event loop (ms). */
  sliceMs?: number;
  /** Chunk size handed to the sink. */
  chunkBytes?: number;
  /**
   * The caller reads every chunk within one synchronous stretch (SAVE, DEBUG RELOAD), so nothing can
   * change meanwhile: no copy-on-write hook and no bookkeeping of written keys.
   */
  synchronous?: boolean;
  /** No keys, only the header, aux fields and EOF (REPLCONF rdb-filter-only: redis-cli --replica). */
  excludeData?: boolean;
}

interface DbState {
  id: number;
  data: Map<string, Value>;
  expires: Map<string, number>;
  size: number;
  expiresSize: number;
  emitted: ChunkedSet;
  pre: Map<string, Buffer | null | typeof DONE>;
  /** The database, for the IDLE and FREQ opcodes' access times and counters. */
  db: Db;
  /** Its access-time map at the start (FLUSHDB replaces it, as it replaces `data`). */
  lru: Map<string, number>;
}

/** Blocks the thread (a synchronous snapshot's rdb-key-save-delay). */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One running snapshot: created at the instant it represents; `chunks()` yields its bytes. */
export class Snapshot {
  private readonly states: DbState[] = [];
  private readonly byMap = new Map<Map<string, Value>, DbState>();
  private readonly compress: boolean;
  private readonly checksum: boolean;
  private readonly scratch = new OutBuf(4096);
  private readonly hook = (db: Db, key: string): void => this.beforeChange(db, key);
  private hooked = false;
  /** Keys written so far (INFO current_save_keys_processed). */
  keysProcessed = 0;
  readonly keysTotal: number;
  /** maxmemory-policy at the start: an LRU one writes IDLE opcodes, an LFU one FREQ opcodes. */
  private readonly saveIdle: boolean;
  private readonly saveFreq: boolean;
  /** The LRU clock (seconds) at the start, the reference for IDLE (Redis's fork time). */
  private readonly nowSec: number;
  /** rdb-key-save-delay when the snapshot started, as microseconds owed per key written (0: none). */
  private readonly keyDelayUs: number;

  constructor(private readonly server: Server, private readonly opts: SnapshotOptions = {}) {
    this.compress = server.config.getBool('rdbcompression');
    this.checksum = server.config.getBool('rdbchecksum');
    const policy = server.config.get('maxmemory-policy');
    this.saveIdle = policy.includes('lru');
    this.saveFreq = policy.includes('lfu');
    this.nowSec = Math.floor(server.now() / 1000);
    let total = 0;
    for (const db of opts.excludeData ? [] : server.dbs) {
      const st: DbState = { id: db.id, data: db.data, expires: db.expires, size: db.data.size, expiresSize: db.expires.size, emitted: new ChunkedSet(), pre: new Map(), db, lru: db.lru };
      total += st.size;
      this.states.push(st);
      if (st.size) this.byMap.set(st.data, st);
    }
    this.keysTotal = total;
    const delay = server.config.getInt('rdb-key-save-delay');
    this.keyDelayUs = delay >= 0 ? delay : 1 / -delay;
    if (this.byMap.size && !opts.synchronous) {
      server.keyChangeHooks.add(this.hook);
      this.hooked = true;
    }
  }

  /** Copy-on-write: keep the start-time record of a key about to change, unless already written. */
  private beforeChange(db: Db, key: string): void {
    const st = this.byMap.get(db.data);
    if (!st || st.pre.has(key)) return;
    if (st.emitted.has(key)) {
      st.pre.set(key, DONE);
      return;
    }
    const v = st.data.get(key);
    st.pre.set(key, v === undefined ? null : this.record(st, key, v, st.expires.get(key)));
  }

  /** One key's record: [EXPIRETIME_MS] [IDLE | FREQ] type key value. */
  private record(st: DbState, key: string, v: Value, exp: number | undefined): Buffer {
    const o = this.scratch;
    this.encodeInto(o, st, key, v, exp);
    return o.takeCopy();
  }

  private encodeInto(o: OutBuf, st: DbState, key: string, v: Value, exp: number | undefined): void {
    if (exp !== undefined) {
      o.u8(OP.EXPIRETIME_MS);
      o.i64le(exp);
    }
    // As rdbSaveKeyValuePair: the idle time in seconds under an LRU policy, the LFU counter under an
    // LFU one (what OBJECT IDLETIME / OBJECT FREQ would answer), so a restart or a replica keeps them.
    if (this.saveIdle) {
      const at = st.lru.get(key);
      o.u8(OP.IDLE);
      o.len(at === undefined ? 0 : Math.max(0, this.nowSec - at));
    } else if (this.saveFreq) {
      o.u8(OP.FREQ);
      o.u8(objectFreq(this.server, st.db, st.data, key, v));
    }
    writeValue(o, v, this.server.encodingLimits, this.compress, key);
  }

  /** Stops capturing (called when done or abandoned). */
  close(): void {
    if (this.hooked) this.server.keyChangeHooks.delete(this.hook);
    this.hooked = false;
    this.byMap.clear();
  }

  /**
   * The file's bytes: Buffers to write, null where the producer wants the event loop to run (end of a
   * time slice), or a number of milliseconds to wait before asking for more (rdb-key-save-delay; never
   * from a synchronous snapshot, which blocks instead). The last chunk ends with the CRC-64 trailer.
   */
  *chunks(): Generator<Buffer | null | number, void, void> {
    const sliceMs = this.opts.sliceMs ?? 4;
    const chunkBytes = this.opts.chunkBytes ?? 64 * 1024;
    const crc = new Crc64();
    const out = new OutBuf(chunkBytes + 4096);
    const emit = (): Buffer => {
      const b = out.take();
      if (this.checksum) crc.update(b);
      return b;
    };
    try {
      out.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
      this.aux(out);
      let deadline = performance.now() + sliceMs;
      let n = 0;
      // Checked after every key visited, written or skipped (a stretch of skipped keys must not run
      // unchecked: 83 K of them took 21 ms): a full chunk to hand out, or the slice used up.
      const due = (): boolean => out.length >= chunkBytes || ((++n & 31) === 0 && performance.now() >= deadline);
      const pause = function* (): Generator<Buffer | null, void, void> {
        if (out.length >= chunkBytes) yield emit();
        if (performance.now() >= deadline) {
          if (out.length) yield emit();
          yield null;
          deadline = performance.now() + sliceMs;
        }
      };
      // rdb-key-save-delay: microseconds owed; waited for (or blocked on) in whole milliseconds.
      const delayUs = this.keyDelayUs;
      let owed = 0;
      const sync = this.opts.synchronous === true;
      const delay = function* (final: boolean): Generator<Buffer | null | number, void, void> {
        const ms = final ? Math.ceil(owed / 1000) : Math.floor(owed / 1000);
        if (ms <= 0) return;
        owed = Math.max(0, owed - ms * 1000);
        if (sync) return blockFor(ms);
        // What is written so far goes out first (a replica sees the transfer progress).
        if (out.length) yield emit();
        yield ms;
        deadline = performance.now() + sliceMs;
      };
      for (const st of this.states) {
        if (!st.size) continue;
        out.u8(OP.SELECTDB);
        out.len(st.id);
        out.u8(OP.RESIZEDB);
        out.len(st.size);
        out.len(st.expiresSize);
        const pre = st.pre;
        if (this.opts.synchronous) {
          for (const [k, v] of st.data) {
            this.encodeInto(out, st, k, v, st.expires.size ? st.expires.get(k) : undefined);
            this.keysProcessed++;
            if (delayUs !== 0 && (owed += delayUs) >= 1000) yield* delay(false);
            if (out.length >= chunkBytes) yield emit();
          }
        } else for (const [k, v] of st.data) {
          const p = pre.size ? pre.get(k) : undefined;
          if (p === undefined) {
            st.emitted.addNew(k);
            this.encodeInto(out, st, k, v, st.expires.size ? st.expires.get(k) : undefined);
            this.keysProcessed++;
            if (delayUs !== 0 && (owed += delayUs) >= 1000) yield* delay(false);
          } else if (p !== null && p !== DONE) {
            // Changed meanwhile: its start-time record. (null: created meanwhile; DONE: already written.)
            pre.set(k, DONE);
            out.bytes(p);
            this.keysProcessed++;
            if (delayUs !== 0 && (owed += delayUs) >= 1000) yield* delay(false);
          }
          if (due()) yield* pause();
        }
        // Keys deleted before the iterator reached them.
        for (const [k, p] of pre) {
          if (p !== null && p !== DONE) {
            pre.set(k, DONE);
            out.bytes(p);
            this.keysProcessed++;
            if (delayUs !== 0 && (owed += delayUs) >= 1000) yield* delay(false);
          }
          if (due()) yield* pause();
        }
        this.byMap.delete(st.data);
        st.emitted = new ChunkedSet();
        st.pre = new Map();
      }
      // The last keys' delay (less than a millisecond owed), before the file ends.
      if (owed > 0) yield* delay(true);
      this.close();
      out.u8(OP.EOF);
      const last = emit();
      yield Buffer.concat([last, this.checksum ? crc.digest() : Buffer.alloc(8)]);
    } finally {
      this.close();
    }
  }

  /** Aux fields as Redis 7.0 writes them (rdbSaveInfoAuxFields). */
  private aux(out: OutBuf): void {
    const field = (k: string, v: string): void => {
      out.u8(OP.AUX);
      out.str(k, false);
      out.str(v, this.compress);
    };
    field('redis-ver', REDIS_VERSION);
    field('redis-bits', '64');
    field('ctime', String(Math.floor(Date.now() / 1000)));
    field('used-mem', String(process.memoryUsage().rss));
    if (this.opts.replId !== undefined) {
      field('repl-stream-db', String(this.opts.replStreamDb ?? 0));
      field('repl-id', this.opts.replId);
      field('repl-offset', String(this.opts.replOffset ?? 0));
    }
    field('aof-base', '0');
  }
}
