// RANDOMKEY without walking the keyspace. A JS Map cannot be indexed, so picking the n-th key is O(n);
// instead each db keeps one live iterator over its keys and a pick advances it by a small random step
// (wrapping at the end). The cost per pick is O(RANDOM_STEP), independent of the keyspace size.
//
// The distribution is approximate, as Redis's own is (a random bucket, then a random entry of its
// chain, favours keys in short chains): over many picks every key comes up about equally often, but
// successive picks are correlated (they move forward through insertion order).

import type { Db } from '../db';

/** Largest step between two picks; small keeps a pick cheap, larger makes successive picks less alike. */
export const RANDOM_STEP = 16;

/** A walk over a map's keys that resumes where the last pick stopped. */
export interface KeyWalk {
  map: Map<string, unknown>;
  it: Iterator<string>;
}

/**
 * The next key of `map` after skipping 0..RANDOM_STEP-1 keys, continuing `walk` (a new one is
 * returned when it belongs to another map); null when the map is empty (the walk is left as it was).
 */
export function stepWalk(map: Map<string, unknown>, walk: KeyWalk | null): { key: string | null; walk: KeyWalk | null } {
  const size = map.size;
  if (size === 0) return { key: null, walk };
  const w = walk !== null && walk.map === map ? walk : { map, it: map.keys() };
  const skip = Math.floor(Math.random() * Math.min(RANDOM_STEP, size));
  let key: string | null = null;
  for (let i = 0; i <= skip; i++) {
    let r = w.it.next();
    if (r.done) {
      w.it = map.keys();
      r = w.it.next();
      if (r.done) return { key: null, walk: w };
    }
    key = r.value;
  }
  return { key, walk: w };
}

/** The next key of the db's walk after skipping 0..RANDOM_STEP-1 keys; null when the db is empty. */
export function nextRandomKey(db: Db): string | null {
  const r = stepWalk(db.data, db.randomWalk);
  db.randomWalk = r.walk;
  return r.key;
}

/** The same over the keys with a TTL (maxmemory's volatile-* sampling). */
export function nextRandomVolatileKey(db: Db): string | null {
  const r = stepWalk(db.expires, db.expireWalk);
  db.expireWalk = r.walk;
  return r.key;
}
