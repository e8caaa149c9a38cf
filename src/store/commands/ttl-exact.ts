// Expiry times beyond 2^53 ms (PEXPIREAT 9223372036854775807 and the like) do not fit a double, and
// Db keeps expiries as numbers. Such keys never expire in practice, but TTL/PTTL/EXPIRETIME must still
// print the exact int64, so the exact value is remembered on the side for these rare keys.

import type { Db } from '../db';

/** Per expires map (so FLUSHDB/SWAPDB need no bookkeeping): key -> exact absolute expiry. */
const exact = new WeakMap<Map<string, number>, Map<string, bigint>>();

/** Sets a key's absolute expiry, keeping the exact value when a double cannot hold it. */
export function recordExactExpire(db: Db, key: string, when: bigint): void {
  if (when <= BigInt(Number.MAX_SAFE_INTEGER)) return;
  let m = exact.get(db.expires);
  if (!m) exact.set(db.expires, (m = new Map()));
  m.set(key, when);
}

/** The key's expiry as an exact bigint (at is what Db holds). */
export function exactExpire(db: Db, key: string, at: number): bigint {
  if (at <= Number.MAX_SAFE_INTEGER) return BigInt(at);
  const e = exact.get(db.expires)?.get(key);
  return e !== undefined && Number(e) === at ? e : BigInt(at);
}
