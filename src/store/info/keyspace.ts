// INFO "# Keyspace": one line per non-empty database, "db0:keys=1,expires=0,avg_ttl=0".

import type { Server } from '../server';
import type { Fields } from './format';

/** One "dbN" field per database that holds keys. */
export function keyspaceSection(s: Server): Fields {
  const out: Fields = [];
  for (const db of s.dbs) {
    if (!db.size) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.floor(db.expires.size ? db.avgTtl : 0)}`]);
  }
  return out;
}
