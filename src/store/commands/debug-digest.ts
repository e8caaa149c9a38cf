// DEBUG DIGEST, DIGEST-VALUE and POPULATE, computed as Redis 7.0 computes them (debug.c), so a
// digest taken on resplit-server equals one taken on redis-server holding the same data: Redis's
// own test suite and operators compare masters and replicas this way. Unordered collections (sets,
// hashes, sorted sets, the keyspace) xor their elements' digests, ordered ones (lists) chain them.

import { createHash } from 'node:crypto';
import type { Client } from '../client';
import type { Server } from '../server';
import type { Value } from '../db';
import { ListValue } from '../types/list';
import { SetValue } from '../types/set';
import { ZSetValue } from '../types/zset';
import { HashValue } from '../types/hash';
import { formatDouble } from '../../resp/numfmt';
import { parseInteger } from './args';
import { DEBUG_SUBCOMMANDS } from './debug';

const EXPIRE_MARK = Buffer.from('!!expire!!');
const NOT_POSITIVE = 'ERR value is out of range, must be positive';

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

/** digest ^= SHA1(data): order-independent "addition". */
function xorDigest(digest: Buffer, data: Buffer): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i] ^= h[i];
}

/** digest = SHA1(digest ^ SHA1(data)): order-dependent chaining. */
function mixDigest(digest: Buffer, data: Buffer): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Redis's OBJ_* type numbers, hashed into each value's digest. */
function typeNumber(v: Value): number {
  if (typeof v === 'string') return 0;
  if (v instanceof ListValue) return 1;
  if (v instanceof SetValue) return 2;
  if (v instanceof ZSetValue) return 3;
  return 4;
}

/** xorObjectDigest: a value's digest mixed into `digest` (its type, its contents, whether it expires). */
function valueDigest(digest: Buffer, v: Value, expires: boolean): void {
  const aux = Buffer.alloc(4);
  aux.writeUInt32BE(typeNumber(v));
  mixDigest(digest, aux);
  if (typeof v === 'string') mixDigest(digest, latin1(v));
  else if (v instanceof ListValue) for (const e of v) mixDigest(digest, latin1(e));
  else if (v instanceof SetValue) for (const m of v.set) xorDigest(digest, latin1(m));
  else if (v instanceof ZSetValue) {
    for (const [m, score] of v.unordered()) {
      const e = Buffer.alloc(20);
      mixDigest(e, latin1(m));
      mixDigest(e, latin1(formatDouble(score)));
      xorDigest(digest, e);
    }
  } else if (v instanceof HashValue) {
    for (const [f, x] of v.map) {
      const e = Buffer.alloc(20);
      mixDigest(e, latin1(f));
      mixDigest(e, latin1(x));
      xorDigest(digest, e);
    }
  }
  if (expires) xorDigest(digest, EXPIRE_MARK);
}

/** computeDatasetDigest: every db's id and every key/value pair (logically expired ones too, as Redis). */
export function datasetDigest(s: Server): string {
  const final = Buffer.alloc(20);
  for (const db of s.dbs) {
    if (db.data.size === 0) continue;
    const aux = Buffer.alloc(4);
    aux.writeUInt32BE(db.id);
    mixDigest(final, aux);
    for (const [key, v] of db.data) {
      const d = Buffer.alloc(20);
      mixDigest(d, latin1(key));
      valueDigest(d, v, db.expires.has(key));
      xorDigest(final, d);
    }
  }
  return final.toString('hex');
}

function digestCmd(c: Client, argv: string[], s: Server): void {
  if (argv.length !== 2) return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  c.reply.simple(datasetDigest(s));
}

function digestValue(c: Client, argv: string[]): void {
  c.reply.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const d = Buffer.alloc(20);
    const v = c.db.peek(argv[i]);
    if (v !== undefined) valueDigest(d, v, c.db.expires.has(argv[i]));
    c.reply.simple(d.toString('hex'));
  }
}

/** POPULATE count [prefix] [size]: string keys prefix:N = "value:N" (cut or zero-padded to size); not propagated. */
function populate(c: Client, argv: string[], s: Server): void {
  if (argv.length < 3 || argv.length > 5) return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  // Redis answers the same error for a negative count and for one that is not a number.
  const count = parseInteger(argv[2]);
  if (count === null || count < 0) return c.reply.error(NOT_POSITIVE);
  let size = 0;
  if (argv.length === 5) {
    const n = parseInteger(argv[4]);
    if (n === null || n < 0) return c.reply.error(NOT_POSITIVE);
    size = n;
  }
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (c.db.getForWrite(key) !== undefined) continue;
    let val = `value:${j}`;
    if (size > 0) val = size <= val.length ? val.slice(0, size) : val + '\0'.repeat(size - val.length);
    c.db.set(key, val);
  }
  // Redis adds these keys without propagating them (DEBUG is not replicated).
  s.preventPropagation = true;
  c.reply.ok();
}

DEBUG_SUBCOMMANDS.set('digest', digestCmd);
DEBUG_SUBCOMMANDS.set('digest-value', (c, argv) => digestValue(c, argv));
DEBUG_SUBCOMMANDS.set('populate', populate);
