// LFU counters given to keys from outside: RESTORE ... FREQ and an RDB file's FREQ opcode, taken (as
// Redis's objectSetLRUOrLFU does) only while an LFU maxmemory-policy is set. Accesses are not counted
// here, so OBJECT FREQ otherwise answers a new object's LFU_INIT_VAL; a given counter is answered,
// decayed by lfu-decay-time as LFUDecrAndReturn does, for as long as Redis keeps it: while the key
// exists (an overwrite keeps it too, as dbOverwrite copies the old object's lru field; RENAME and MOVE
// carry it), until the key is deleted or expires. Kept in a small per-keyspace map, as the string
// encoding overrides in commands/object.ts are: the key-change hook is attached on first use, so
// servers that never see a FREQ pay nothing.

import type { Db, Value } from './db';
import type { Server } from './server';

/** A counter and the minute it was set (Redis keeps both in the object's 24 lru bits). */
interface Lfu {
  counter: number;
  minutes: number;
}

/** Per data map (FLUSHDB's fresh map and SWAPDB's exchange need no bookkeeping). */
const counters = new WeakMap<Map<string, Value>, Map<string, Lfu>>();
const hooked = new WeakSet<Server>();

/** Drops a key's counter when the key is deleted (a key-change hook). */
function forget(db: Db, key: string, _valueChanges: boolean, deleted: boolean): void {
  if (!deleted) return;
  const m = counters.get(db.data);
  if (m !== undefined && m.size !== 0) m.delete(key);
}

/** LFUGetTimeInMinutes: the current minute, on 16 bits. */
function minutesNow(s: Server): number {
  return Math.floor(s.now() / 60000) & 65535;
}

/** Whether a maxmemory-policy that keeps LFU counters is set. */
export function lfuPolicy(s: Server): boolean {
  return s.config.get('maxmemory-policy').includes('lfu');
}

/** Gives the key just stored a counter (0..255), when an LFU policy is set; call after the write. */
export function setKeyFreq(s: Server, db: Db, key: string, counter: number): void {
  if (lfuPolicy(s)) record(s, db, key, { counter, minutes: minutesNow(s) });
}

function record(s: Server, db: Db, key: string, e: Lfu): void {
  if (!hooked.has(s)) {
    s.keyChangeHooks.add(forget);
    hooked.add(s);
  }
  let m = counters.get(db.data);
  if (!m) counters.set(db.data, (m = new Map()));
  m.set(key, e);
}

/**
 * The key's counter as OBJECT FREQ reports it (LFUDecrAndReturn), or undefined if none was given; by
 * data map, since a snapshot holds one that FLUSHDB may have replaced since.
 */
export function keyFreqIn(s: Server, data: Map<string, Value>, key: string): number | undefined {
  const e = counters.get(data)?.get(key);
  if (e === undefined) return undefined;
  const decay = s.config.getInt('lfu-decay-time');
  if (!decay) return e.counter;
  const now = minutesNow(s);
  const elapsed = now >= e.minutes ? now - e.minutes : 65535 - e.minutes + now;
  const periods = Math.floor(elapsed / decay);
  return periods > e.counter ? 0 : e.counter - periods;
}

/** The key's counter record, for RENAME and MOVE to carry along (the object moves in Redis). */
export function takeKeyFreq(db: Db, key: string): Lfu | undefined {
  return counters.get(db.data)?.get(key);
}

/** Puts a carried counter record on the key just stored (after the write). */
export function putKeyFreq(s: Server, db: Db, key: string, e: Lfu | undefined): void {
  if (e !== undefined) record(s, db, key, e);
}
