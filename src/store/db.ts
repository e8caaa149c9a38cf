// One logical database: the key -> value map and the key -> expiry map (as Redis keeps db->dict and
// db->expires), with lazy expiry on access. Every mutation goes through this class so that three
// cross-cutting duties happen in one place: WATCH invalidation, the dirty counter (which drives
// propagation and save points), and copy-on-write for point-in-time snapshots (BGSAVE, full sync).

import type { KeyWalk } from './commands/random-key';

/** A collection value (list, hash, set, sorted set); strings are stored as plain latin1 strings. */
export interface CollectionValue {
  /** The TYPE name. */
  readonly type: 'list' | 'hash' | 'set' | 'zset' | 'stream';
  /** A deep copy, for copy-on-write snapshots and COPY. */
  clone(): CollectionValue;
  /** OBJECT ENCODING answer under the current size thresholds. */
  encoding(cfg: EncodingLimits): string;
  /** Number of elements (0 means the key must be deleted). */
  size(): number;
}

/** The *-max-listpack-* / set-max-intset-entries settings that decide OBJECT ENCODING. */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  listMaxListpackSize: number;
}

/** A stored value: a string (one char per byte) or a collection. */
export type Value = string | CollectionValue;

/** What a database needs from its server. */
export interface DbHost {
  /** Current time in ms for expiry decisions (cached per command, as Redis does). */
  now(): number;
  /**
   * False on a replica (expired keys are hidden but only deleted when the master says so) and during
   * CLIENT PAUSE (hidden, deleted once the pause ends). `write`: the lookup is for a write, which on a
   * writable replica deletes the expired key (Redis's EXPIRE_FORCE_DELETE_EXPIRED).
   */
  activeExpiryAllowed(write?: boolean): boolean;
  /** Called when an expired key is deleted (propagates DEL, counts expired_keys). */
  onExpired(db: Db, key: string): void;
  /**
   * Called before a key changes or disappears (snapshots). `valueChanges` is false when only its
   * expiry changes (or a string is about to be replaced through set), which keeps the value's
   * recorded string encoding. `deleted`: the key is going away (DEL, expiry), not overwritten.
   */
  onKeyChange(db: Db, key: string, valueChanges?: boolean, deleted?: boolean): void;
  /** Called when a database's maps are replaced (FLUSHDB/FLUSHALL); snapshots keep the old maps. */
  onFlush?(db: Db, oldData: Map<string, Value>, oldExpires: Map<string, number>): void;
  /** Called before two databases exchange contents. */
  onSwap?(a: Db, b: Db): void;
  /** Adds to the dirty counter. */
  addDirty(n: number): void;
  /**
   * Called when a command gives a key an expiry (not on loads): a writable replica remembers the
   * keys its own clients gave a TTL, to expire them itself (Redis's rememberSlaveKeyWithExpire).
   */
  onExpireSet?(db: Db, key: string): void;
  /** Whether the client being served is the master link (replica applies without expiry checks). */
  servingMaster(): boolean;
  /**
   * Access time in whole seconds to record in Db.lru for OBJECT IDLETIME, or -1 when this command must
   * not touch. Seconds (as Redis's LRU clock) keep the values small integers: no heap number per access.
   */
  readonly lruClock: number;
}

/**
 * One client's WATCH of one key. `expired`: the key was already logically expired when WATCHed, so its
 * deletion is no change (Redis 7.0's watchedKey.expired).
 */
export interface WatchRec {
  dirty: boolean;
  expired?: boolean;
}

/** Redis type name of a value. */
export function typeName(v: Value): string {
  return typeof v === 'string' ? 'string' : v.type;
}

/** One database of a server (SELECT n): keys, expiries, access times and watchers. */
export class Db {
  /** Replaced wholesale by FLUSHDB and SWAPDB, so never cache these maps across calls. */
  data = new Map<string, Value>();
  expires = new Map<string, number>();
  /** Last access time per key in whole seconds (host.lruClock), for OBJECT IDLETIME; bounded by the keyspace. */
  lru = new Map<string, number>();
  /** Keys watched by clients (key -> their watch records), for WATCH. */
  readonly watched = new Map<string, Set<WatchRec>>();
  /** Iterator state for active expiry (resumes where the last cycle stopped). */
  expireCursor: Iterator<[string, number]> | null = null;
  /** RANDOMKEY's walk over `data` (commands/random-key.ts); it checks the map is still the current one. */
  randomWalk: KeyWalk | null = null;
  /** The same over the keys with a TTL (maxmemory's volatile-* sampling). */
  expireWalk: KeyWalk | null = null;
  avgTtl = 0;
  /** Set by blocking.ts while clients are blocked on keys of this db: a changed key may serve them. */
  readyHook: ((key: string) => void) | null = null;

  constructor(public id: number, private readonly host: DbHost) {}

  /** Keys stored, expired-but-unreclaimed ones included (DBSIZE). */
  get size(): number {
    return this.data.size;
  }

  /** Whether a key is logically expired; deletes it when this server may expire keys. */
  private expireIfNeeded(key: string, write = false): boolean {
    const at = this.expires.get(key);
    // Redis's keyIsExpired: expired only once now > when.
    if (at === undefined || at >= this.host.now()) return false;
    if (this.host.servingMaster()) return false;
    if (!this.host.activeExpiryAllowed(write)) return true;
    this.deleteExpired(key);
    return true;
  }

  /** Deletes a key because its time is up (lazy or active expiry). */
  deleteExpired(key: string): void {
    this.host.onKeyChange(this, key, true, true);
    this.data.delete(key);
    this.expires.delete(key);
    this.lru.delete(key);
    this.signal(key);
    this.host.onExpired(this, key);
  }

  /**
   * Deletes a key for maxmemory: whether or not its time is up (no expiry DEL, no expired_keys), and
   * without counting a change for save points, as Redis's eviction does.
   */
  evict(key: string): void {
    this.host.onKeyChange(this, key, true, true);
    this.data.delete(key);
    this.expires.delete(key);
    this.lru.delete(key);
    this.signal(key);
  }

  /** Value for reading, or undefined if missing or expired; noTouch keeps the access time (EXISTS, TYPE, TTL, OBJECT). */
  get(key: string, noTouch = false): Value | undefined {
    if (this.expires.size && this.expireIfNeeded(key)) return undefined;
    const v = this.data.get(key);
    if (v !== undefined && !noTouch) this.touch(key);
    return v;
  }

  /** Records an access for OBJECT IDLETIME (skipped for CLIENT NO-TOUCH clients). */
  touch(key: string): void {
    const t = this.host.lruClock;
    if (t >= 0) this.lru.set(key, t);
  }

  /** Value for reading without expiry side effects (RDB, DEBUG). */
  peek(key: string): Value | undefined {
    return this.data.get(key);
  }

  /**
   * Value for in-place modification. Call `modified(key)` after a real change; call this before
   * mutating so that a running snapshot keeps the old contents.
   */
  getForWrite(key: string): Value | undefined {
    if (this.expires.size && this.expireIfNeeded(key, true)) return undefined;
    const v = this.data.get(key);
    if (v !== undefined) {
      // A string is never changed in place: a new one is stored with set(), which reports that.
      this.host.onKeyChange(this, key, typeof v !== 'string');
      this.touch(key);
    }
    return v;
  }

  /** Whether a live key exists (reclaims it if expired, and counts as an access). */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Records an in-place change of a key's value (after getForWrite). */
  modified(key: string, dirty = 1): void {
    this.signal(key);
    this.host.addDirty(dirty);
  }

  /** Marks watchers of a key dirty (call after the change: a key expired at WATCH time that is now gone is no change). */
  signal(key: string): void {
    if (this.readyHook !== null) this.readyHook(key);
    if (this.watched.size) {
      const w = this.watched.get(key);
      if (!w) return;
      const gone = !this.data.has(key);
      for (const r of w) {
        if (r.expired && gone) r.expired = false;
        else r.dirty = true;
      }
    }
  }

  /** Whether a key is logically expired (Redis's keyIsExpired: now > when), without deleting it. */
  isExpired(key: string): boolean {
    const at = this.expires.get(key);
    return at !== undefined && at < this.host.now();
  }

  /**
   * FLUSHDB/SWAPDB: signals WATCHers of `key` whose value is replaced by the one in `next` (null:
   * emptied), as Redis's touchAllWatchedKeysInDb does, expired keys included. Call before the maps move.
   */
  private signalReplaced(key: string, next: Db | null): void {
    const w = this.watched.get(key);
    if (!w) return;
    const existed = this.data.has(key);
    const incoming = next !== null && next.data.has(key);
    if (!existed && !incoming) return;
    const incomingExpired = incoming && next!.isExpired(key);
    for (const r of w) {
      if (r.expired) {
        if (!incoming) {
          r.expired = false;
          continue;
        }
        if (incomingExpired) continue;
      } else if (!existed && incomingExpired) {
        r.expired = true;
        continue;
      }
      r.dirty = true;
    }
  }

  /** Sets a key; drops its TTL unless keepTtl (SET without KEEPTTL). */
  set(key: string, v: Value, keepTtl = false): void {
    // An expired key being overwritten is reclaimed first, as Redis's lookupKeyWrite does: replicas
    // get its DEL ahead of the write, and it counts in expired_keys.
    if (this.expires.size) this.expireIfNeeded(key, true);
    this.host.onKeyChange(this, key);
    this.data.set(key, v);
    this.touch(key);
    if (!keepTtl && this.expires.size) this.expires.delete(key);
    this.signal(key);
    this.host.addDirty(1);
  }

  /** Deletes a key; returns whether it existed (expired keys count as missing). */
  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    this.host.onKeyChange(this, key, true, true);
    this.data.delete(key);
    if (this.expires.size) this.expires.delete(key);
    this.lru.delete(key);
    this.signal(key);
    this.host.addDirty(1);
    return true;
  }

  /** Sets an absolute expiry time in ms (the key must exist). */
  setExpire(key: string, at: number): void {
    this.host.onKeyChange(this, key, false);
    this.putExpire(key, at);
    this.signal(key);
    this.host.addDirty(1);
  }

  /**
   * Records a key's expiry as part of a write that already reported the change (SET EX, COPY,
   * MOVE, RENAME): no watcher signal or dirty count of its own.
   */
  putExpire(key: string, at: number): void {
    this.expires.set(key, at);
    this.host.onExpireSet?.(this, key);
  }

  /** Expiry time in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  /** Removes a TTL; returns whether there was one. */
  persist(key: string): boolean {
    if (!this.expires.has(key)) return false;
    this.host.onKeyChange(this, key, false);
    this.expires.delete(key);
    this.signal(key);
    this.host.addDirty(1);
    return true;
  }

  /** Deletes every key (FLUSHDB); returns how many there were. */
  flush(): number {
    const n = this.data.size;
    for (const k of this.watched.keys()) this.signalReplaced(k, null);
    const old = { data: this.data, expires: this.expires };
    // New maps instead of clear(): O(1), and a running snapshot keeps iterating the old ones.
    this.data = new Map();
    this.expires = new Map();
    this.lru = new Map();
    this.expireCursor = null;
    this.randomWalk = null;
    this.host.onFlush?.(this, old.data, old.expires);
    if (n) this.host.addDirty(n);
    return n;
  }

  /** SWAPDB: exchanges contents with another database; watchers of keys on either side are signalled. */
  swapWith(other: Db): void {
    for (const k of this.watched.keys()) this.signalReplaced(k, other);
    for (const k of other.watched.keys()) other.signalReplaced(k, this);
    this.host.onSwap?.(this, other);
    [this.data, other.data] = [other.data, this.data];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.lru, other.lru] = [other.lru, this.lru];
    this.expireCursor = other.expireCursor = null;
    this.randomWalk = other.randomWalk = null;
    this.host.addDirty(1);
  }

  /** Loads a key without side effects (RDB load, full sync). */
  load(key: string, v: Value, expireAt: number): void {
    this.data.set(key, v);
    if (expireAt >= 0) this.expires.set(key, expireAt);
  }

  /** Number of keys with an expiry (INFO keyspace "expires="). */
  get expiresCount(): number {
    return this.expires.size;
  }
}
