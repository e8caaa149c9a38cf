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

/** The next key of the db's walk after skipping 0..RANDOM_STEP-1 keys; null when the db is empty. */
export function nextRandomKey(db: Db): string | null {
  const size = db.data.size;
  if (size === 0) return null;
  let w = db.randomWalk;
  if (w === null || w.map !== db.data) db.randomWalk = w = { map: db.data, it: db.data.keys() };
  const skip = Math.floor(Math.random() * Math.min(RANDOM_STEP, size));
  let key: string | null = null;
  for (let i = 0; i <= skip; i++) {
    let r = w.it.next();
    if (r.done) {
      w.it = db.data.keys();
      r = w.it.next();
      if (r.done) return null;
    }
    key = r.value;
  }
  return key;
}
