// maxmemory: while used memory is over the limit, keys are evicted as maxmemory-policy says before
// any command runs, and commands that add data (denyoom in the command table, EXEC of a transaction
// holding one, anything queued in MULTI) get Redis's OOM error when nothing more can go
// (noeviction, or no candidate left). A replica never evicts: its master decides what exists
// (Redis's replica-ignore-maxmemory default); nothing is evicted or refused during CLIENT PAUSE.
//
// What counts: V8's heap holds garbage until a collection, so a reading of it right after a write
// or a deletion says little (forcing collections instead stalled the server for hundreds of ms).
// The limit is compared with an estimate that follows the dataset at once: the heap as measured
// after V8's last full (mark-compact) collection, its per-key average applied to the number of keys
// now. Evicting a key lowers it by that average, a new key raises it; values that grow in place are
// counted at the next full collection. A running snapshot's copy-on-write records and replica
// buffers are not counted, as Redis leaves out its fork's pages and its replica buffers.
//
// Candidates are sampled as Redis does (maxmemory-samples keys per database, the best one goes):
// allkeys-lru/volatile-lru by OBJECT IDLETIME's access time, volatile-ttl by the nearest expiry,
// *-random at random. Access frequencies are not tracked here, so the LFU policies pick by
// recency like LRU.

import v8 from 'node:v8';
import vm from 'node:vm';
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import type { Server } from './server';
import type { Client } from './client';
import type { Command } from '../resp/commands';
import type { Db } from './db';
import { F } from '../resp/commands';
import { SERVER_INIT_HOOKS } from './registry';
import { metricsOf } from './info/metrics';
import { nextRandomKey, nextRandomVolatileKey } from './commands/random-key';

/** Redis's error for a command that adds data when nothing more can be evicted. */
export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/**
 * Time one call may spend evicting (ms; Redis bounds it by maxmemory-eviction-tenacity, which is
 * fixed here): a write far over the limit goes ahead once some keys went, and the rest is evicted
 * in later passes of the event loop, so the server keeps answering meanwhile.
 */
const EVICTION_SLICE_MS = 2;

/** Per server: the heap measured after the last full collection, and the number of keys then. */
interface Measure {
  calibrated: boolean;
  heapAtGc: number;
  keysAtGc: number;
  observer: PerformanceObserver | null;
}

const measures = new WeakMap<Server, Measure>();

function measureOf(s: Server): Measure {
  let m = measures.get(s);
  if (!m) measures.set(s, (m = { calibrated: false, heapAtGc: 0, keysAtGc: 0, observer: null }));
  return m;
}

function totalKeys(s: Server): number {
  let n = 0;
  for (const db of s.dbs) n += db.data.size;
  return n;
}

function heapNow(): number {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** Takes the heap's measure as the new reference (after a full collection, or the first time). */
function calibrate(s: Server): void {
  const m = measureOf(s);
  m.heapAtGc = heapNow();
  m.keysAtGc = totalKeys(s);
  m.calibrated = true;
}

/** Watches V8's full collections while a limit is set (and stops when it is removed). */
function watchFullGcs(s: Server, on: boolean): void {
  const m = measureOf(s);
  if (!on) {
    m.observer?.disconnect();
    m.observer = null;
    m.calibrated = false;
    return;
  }
  if (m.observer) return;
  m.observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) calibrate(s);
    }
  });
  m.observer.observe({ entryTypes: ['gc'] });
}

/**
 * Used memory as the limit sees it (see the top of this file): the server's start-up heap plus the
 * keys now, each at the average the last full collection found.
 */
export function usedForLimit(s: Server): number {
  const m = measureOf(s);
  if (!m.calibrated) calibrate(s);
  const startup = metricsOf(s).startupMemory;
  if (m.keysAtGc === 0) return m.heapAtGc;
  const perKey = Math.max(1, (m.heapAtGc - startup) / m.keysAtGc);
  return Math.round(startup + totalKeys(s) * perKey);
}

/** The key of `db` to evict under `policy` and its score (lower goes first), the best of a sample. */
function candidate(s: Server, db: Db, policy: string): { key: string; score: number } | null {
  const volatile = policy.startsWith('volatile');
  const pool = volatile ? db.expires : db.data;
  if (pool.size === 0) return null;
  if (policy.endsWith('random')) {
    const key = volatile ? nextRandomVolatileKey(db) : nextRandomKey(db);
    return key === null ? null : { key, score: Math.random() };
  }
  const samples = Math.max(1, s.config.getInt('maxmemory-samples'));
  const keys = sample(db, samples, volatile);
  let best: { key: string; score: number } | null = null;
  for (const k of keys) {
    // The last access second (LRU; LFU too, frequencies are not kept) or the expiry time (TTL).
    const score = policy === 'volatile-ttl' ? db.expires.get(k) ?? Infinity : db.lru.get(k) ?? 0;
    if (best === null || score < best.score) best = { key: k, score };
  }
  return best;
}

/** Up to n keys of a walk (all keys, or those with a TTL). */
function sample(db: Db, n: number, volatile: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = volatile ? nextRandomVolatileKey(db) : nextRandomKey(db);
    if (k === null) break;
    out.push(k);
  }
  return out;
}

/** Evicts one key (expired or not): deleted, propagated as DEL, counted in evicted_keys only. */
function evict(s: Server, db: Db, key: string): void {
  db.evict(key);
  s.stats.evictedKeys++;
  s.propagate(db.id, ['DEL', key]);
}

/** A full collection on demand, for MEMORY PURGE (V8's gc(), reached without --expose-gc). */
let gcFn: (() => void) | null | undefined;
let lastPurge = -Infinity;

/**
 * Redis's performEvictions: true when memory is within the limit, or was brought back under it (or
 * some keys went and more can go on the next call); false when the command must get the OOM error.
 */
export function makeRoom(s: Server): boolean {
  const max = s.config.getInt('maxmemory');
  // During CLIENT PAUSE the dataset stays as it is: nothing is evicted and nothing refused for memory
  // (Redis's isSafeToPerformEvictions).
  if (max === 0 || s.isReplica || s.pauseState !== null) return true;
  let used = usedForLimit(s);
  if (used <= max) return true;
  const policy = s.config.get('maxmemory-policy');
  if (policy === 'noeviction') return false;
  const keys = totalKeys(s);
  if (keys === 0) return false;
  const perKey = Math.max(1, (used - metricsOf(s).startupMemory) / keys);
  let evicted = 0;
  let outOfTime = false;
  let exhausted = false;
  const deadline = performance.now() + EVICTION_SLICE_MS;
  while (used > max) {
    if ((evicted & 15) === 15 && performance.now() >= deadline) {
      outOfTime = true;
      break;
    }
    // Sample every database and evict the best candidate found, as Redis's eviction pool does.
    let pick: { db: Db; key: string; score: number } | null = null;
    for (const db of s.dbs) {
      const c = candidate(s, db, policy);
      if (c !== null && (pick === null || c.score < pick.score)) pick = { db, key: c.key, score: c.score };
    }
    if (pick === null) {
      exhausted = true;
      break;
    }
    evict(s, pick.db, pick.key);
    used -= perKey;
    evicted++;
  }
  // The DELs go out now, ahead of the command and never wrapped with it in MULTI/EXEC.
  if (evicted) s.flushPropagation(true);
  if (outOfTime) evictLater(s);
  // Over the limit only because time ran out: the command goes ahead and eviction goes on (Redis's
  // EVICT_RUNNING); with no candidate left it is refused (EVICT_FAIL).
  return !exhausted;
}

/** Servers with eviction still to do, continued one slice per event-loop pass (Redis's evictionTimeProc). */
const behind = new Set<Server>();

function evictLater(s: Server): void {
  if (behind.has(s)) return;
  behind.add(s);
  setImmediate(() => {
    behind.delete(s);
    if (!s.isClosing) makeRoom(s);
  });
}

/** Commands a client in MULTI may send while over the limit (Redis never refuses them). */
const MULTI_ALWAYS = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * Redis's OOM check in processCommand: the OOM error for a command that adds data (denyoom, or EXEC
 * of a transaction that queued one), and, inside MULTI, for any command being queued (queueing
 * itself takes memory); null to go on. Keys are evicted first if the policy allows.
 */
function oomRefusal(s: Server, c: Client, cmd: Command): string | null {
  if (c.isMaster) return null;
  const deny =
    (cmd.bits & F.denyoom) !== 0 ||
    (cmd.name === 'exec' && c.multi !== null && (c.multiFlags & F.denyoom) !== 0) ||
    (c.multi !== null && !MULTI_ALWAYS.has(cmd.name));
  // Eviction runs before every command (Redis's processCommand); only commands that add data are refused.
  const ok = makeRoom(s);
  return ok || !deny ? null : OOM_ERROR;
}

/**
 * MEMORY PURGE: a full collection now (at most once a second: it stops the server for as long as it
 * takes), which also re-measures the dataset for the limit.
 */
export function purgeNow(s: Server): void {
  const now = performance.now();
  if (now - lastPurge < 1000) return;
  lastPurge = now;
  if (gcFn === undefined) {
    try {
      // Deliberate: gc() for this command only, without starting Node with --expose-gc.
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  if (gcFn) gcFn();
  if (s.config.getInt('maxmemory') > 0) calibrate(s);
}

SERVER_INIT_HOOKS.push((s: Server) => {
  // The dispatcher asks only while a limit is set (no call per command otherwise).
  const gate = (c: Client, cmd: Command): string | null => oomRefusal(s, c, cmd);
  const apply = (max: number): void => {
    s.oomGate = max === 0 ? null : gate;
    watchFullGcs(s, max > 0);
  };
  apply(s.config.getInt('maxmemory'));
  s.config.onChange((name, value) => {
    if (name !== 'maxmemory') return;
    const max = Number(value);
    apply(max);
    // A new limit takes effect at once (Redis's updateMaxmemory), not at the next command.
    if (max > 0) makeRoom(s);
  });
});
