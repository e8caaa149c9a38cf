// maxmemory: while used memory is over the limit, commands that add data (denyoom in the command
// table, and EXEC of a transaction holding one) first make room by evicting keys as
// maxmemory-policy says, and get Redis's OOM error when nothing more can go (noeviction, or no
// candidate left). Reads and deletions always run. A replica never evicts: its master decides what
// exists (Redis's replica-ignore-maxmemory default).
//
// Used memory is the V8 heap plus external buffers (INFO's used_memory). A deleted key's memory
// comes back only when V8 collects it, so over the limit a full GC runs first (at most once a
// second), and the bytes evicted since the last full GC (each key taken as the dataset's average)
// are subtracted meanwhile; otherwise one write over the limit would evict key after key while the
// garbage waits for the collector.
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
import { nextRandomKey } from './commands/random-key';

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/**
 * Time one call may spend evicting (ms), as Redis's maxmemory-eviction-tenacity bounds it: a write
 * far over the limit goes ahead once some keys went, and the rest is evicted in later passes of the
 * event loop, so the server keeps answering meanwhile.
 */
const EVICTION_SLICE_MS = 2;

/** Bytes evicted since the last full GC: still counted by the heap, no longer by us. */
let freedSinceFullGc = 0;
let gcObserver: PerformanceObserver | null = null;

function watchFullGcs(): void {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) freedSinceFullGc = 0;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** The last reading of the heap and when it was taken (ms): read at most once a millisecond. */
let reading = 0;
let readAt = -1;

/**
 * Used memory as the limit sees it: INFO's used_memory (V8's heap statistics, which cost no system
 * call, unlike process.memoryUsage) less what was evicted since the last full GC.
 */
export function usedForLimit(): number {
  const now = performance.now();
  if (now - readAt >= 1) {
    const h = v8.getHeapStatistics();
    reading = h.used_heap_size + h.external_memory;
    readAt = now;
  }
  return Math.max(0, reading - freedSinceFullGc);
}

/** A key of `db` to evict under `policy`, the best of a sample; null if the db has no candidate. */
function candidate(s: Server, db: Db, policy: string): string | null {
  const volatile = policy.startsWith('volatile');
  const pool = volatile ? db.expires : db.data;
  if (pool.size === 0) return null;
  const samples = Math.max(1, s.config.getInt('maxmemory-samples'));
  if (policy.endsWith('random')) return volatile ? sampleVolatile(db, 1)[0] ?? null : nextRandomKey(db);
  const keys = volatile ? sampleVolatile(db, samples) : sampleKeys(db, samples);
  let best: string | null = null;
  let bestScore = Infinity;
  for (const k of keys) {
    // Lower is evicted first: the last access second (LRU, LFU) or the expiry time (TTL).
    const score = policy === 'volatile-ttl' ? db.expires.get(k) ?? Infinity : db.lru.get(k) ?? 0;
    if (score < bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best;
}

function sampleKeys(db: Db, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = nextRandomKey(db);
    if (k === null) break;
    out.push(k);
  }
  return out;
}

/** Keys with a TTL, from a walk over the expires map (its order is insertion order, as the keyspace's). */
function sampleVolatile(db: Db, n: number): string[] {
  const out: string[] = [];
  const size = db.expires.size;
  if (size === 0) return out;
  let w = db.expireWalk;
  if (w === null || w.map !== db.expires) db.expireWalk = w = { map: db.expires, it: db.expires.keys() };
  for (let i = 0; i < n && i < size; i++) {
    const skip = Math.floor(Math.random() * Math.min(16, size));
    let key: string | null = null;
    for (let j = 0; j <= skip; j++) {
      let r = w.it.next();
      if (r.done) {
        w.it = db.expires.keys();
        r = w.it.next();
        if (r.done) return out;
      }
      key = r.value;
    }
    if (key !== null) out.push(key);
  }
  return out;
}

/** Evicts one key: deleted, propagated as DEL, counted in evicted_keys. */
function evict(s: Server, db: Db, key: string): void {
  db.delete(key);
  s.stats.evictedKeys++;
  s.propagate(db.id, ['DEL', key]);
}

/** A full collection on demand (V8's gc(), reached without --expose-gc on the command line). */
let gcFn: (() => void) | null | undefined;
let lastForcedGc = -Infinity;

/** Runs a full GC unless one was forced in the last second; true if it ran. */
function collectNow(): boolean {
  const now = performance.now();
  if (now - lastForcedGc < 1000) return false;
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  if (!gcFn) return false;
  lastForcedGc = now;
  gcFn();
  freedSinceFullGc = 0;
  readAt = -1;
  return true;
}

/**
 * Redis's performEvictions: true when memory is within the limit, or was brought back under it (or
 * some keys went and more can go on the next call); false when the command must get the OOM error.
 */
export function makeRoom(s: Server): boolean {
  const max = s.config.getInt('maxmemory');
  // During CLIENT PAUSE the dataset stays as it is: nothing is evicted and nothing refused for memory
  // (Redis's isSafeToPerformEvictions).
  if (max === 0 || s.isReplica || s.pauseState !== null) return true;
  watchFullGcs();
  let used = usedForLimit();
  if (used <= max) return true;
  // Over the limit, perhaps only with garbage: collect it (at most once a second) and look again.
  if (collectNow()) used = usedForLimit();
  if (used <= max) return true;
  const policy = s.config.get('maxmemory-policy');
  if (policy === 'noeviction') return false;
  // The heap cannot say what one key holds; each evicted key is taken to hold the dataset's
  // average (which includes garbage, so this errs towards evicting too little, not too much).
  let keys = 0;
  for (const db of s.dbs) keys += db.data.size;
  if (keys === 0) return false;
  const perKey = Math.max(1, (used - metricsOf(s).startupMemory) / keys);
  let evicted = 0;
  const deadline = performance.now() + EVICTION_SLICE_MS;
  while (used > max && ((evicted & 63) !== 63 || performance.now() < deadline)) {
    // Sample every database and evict the best candidate found, as Redis's eviction pool does.
    let pick: { db: Db; key: string; score: number } | null = null;
    for (const db of s.dbs) {
      const k = candidate(s, db, policy);
      if (k === null) continue;
      const score = policy.endsWith('random') ? Math.random() : policy === 'volatile-ttl' ? db.expires.get(k) ?? Infinity : db.lru.get(k) ?? 0;
      if (pick === null || score < pick.score) pick = { db, key: k, score };
    }
    if (pick === null) break;
    evict(s, pick.db, pick.key);
    freedSinceFullGc += perKey;
    used -= perKey;
    evicted++;
  }
  // The DELs go out now, ahead of the command and never wrapped with it in MULTI/EXEC.
  if (evicted) s.flushPropagation(true);
  if (used > max && evicted > 0) evictLater(s);
  return used <= max || evicted > 0;
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
    (cmd.name === 'exec' && c.multi !== null && c.multi.some((q) => (q.cmd.bits & F.denyoom) !== 0)) ||
    (c.multi !== null && !MULTI_ALWAYS.has(cmd.name));
  if (!deny) return null;
  return makeRoom(s) ? null : OOM_ERROR;
}

/** Purges garbage for MEMORY PURGE: a full GC now (not rate-limited: the user asked for it). */
export function purgeNow(): void {
  lastForcedGc = -Infinity;
  collectNow();
}

SERVER_INIT_HOOKS.push((s: Server) => {
  let max = s.config.getInt('maxmemory');
  s.config.onChange((name, value) => {
    if (name === 'maxmemory') max = Number(value);
  });
  s.oomGate = (c, cmd) => (max === 0 ? null : oomRefusal(s, c, cmd));
});
