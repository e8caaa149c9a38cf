// DEBUG OBJECT <key>: Redis's one-line description of a value, which tools and Redis's own tests
// parse (encoding, serializedlength, the quicklist fields of a list). There is no C object behind a
// value here, so "Value at:" is a stable pseudo-address derived from the db and key: the same while
// the key lives, as Redis's is across in-place changes (INCR on an unshared integer).

import type { Client } from '../client';
import type { Db, Value } from '../db';
import type { Server } from '../server';
import { DEBUG_SUBCOMMANDS } from './debug';
import { encodingOf, refcountOf } from './object';
import { dumpPayload } from '../rdb/dump-payload';
import { quicklistNodes } from '../rdb/writer';
import { buildListpack } from '../rdb/listpack';
import { ListValue } from '../types/list';

/** A %p-looking address for a key: FNV-1a of db and name, in a user-space-like range. */
function pseudoAddress(db: Db, key: string): string {
  let h = 0x811c9dc5 ^ db.id;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return `0x7f${(h >>> 0).toString(16).padStart(8, '0')}${(db.id & 0xff).toString(16).padStart(2, '0')}`;
}

/** rdbSavedObjectLen: the value's RDB encoding without its type byte (DUMP's payload minus type, version and CRC). */
function serializedLength(s: Server, v: Value): number {
  return dumpPayload(v, s.encodingLimits, s.config.getBool('rdbcompression')).length - 11;
}

/** The ql_ fields Redis appends for a quicklist. */
function quicklistExtra(s: Server, l: ListValue): string {
  const nodes = quicklistNodes(l);
  let bytes = 0;
  for (const n of nodes) bytes += buildListpack(n).length;
  const avg = nodes.length ? l.size() / nodes.length : 0;
  const compressed = s.config.getInt('list-compress-depth') !== 0 ? 1 : 0;
  return ` ql_nodes:${nodes.length} ql_avg_node:${avg.toFixed(2)} ql_listpack_max:${s.config.getInt('list-max-listpack-size')} ql_compressed:${compressed} ql_uncompressed_size:${bytes}`;
}

function debugObject(c: Client, argv: string[], s: Server): void {
  if (argv.length !== 3) return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  const key = argv[2];
  // The key as stored, logically expired or not (Redis looks in the dict without expiring).
  const v = c.db.peek(key);
  if (v === undefined) return c.reply.error('ERR no such key');
  const at = c.db.lru.get(key);
  const now = Math.floor(s.cmdTime / 1000);
  const lru = (at ?? now) & 0xffffff;
  const idle = at === undefined ? 0 : Math.max(0, now - at);
  const extra = v instanceof ListValue ? quicklistExtra(s, v) : '';
  c.reply.simple(
    `Value at:${pseudoAddress(c.db, key)} refcount:${refcountOf(s, c.db, key, v)} encoding:${encodingOf(s, c.db, key, v)} ` +
      `serializedlength:${serializedLength(s, v)} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

DEBUG_SUBCOMMANDS.set('object', debugObject);
