// Set commands (t_set.c): membership, random pops, the algebra (SINTER/SUNION/SDIFF and their STORE
// forms, SINTERCARD) and SSCAN. Reply order follows Redis where it is defined: results built as a
// new set are listed in that set's order (ascending integers while it is an intset).

import { register } from '../registry';
import { E } from '../../resp/errors';
import { stopReplyOverLimit } from '../output-limits';
import type { Client } from '../client';
import type { Server } from '../server';
import { SetValue } from '../types/set';
import { parseInteger } from './args';
import { collectionScan } from '../scan';

/** The set at key: null if missing, undefined after replying WRONGTYPE. */
export function readSet(c: Client, key: string, write = false): SetValue | null | undefined {
  const v = write ? c.db.getForWrite(key) : c.db.get(key);
  if (v === undefined) return null;
  if (typeof v === 'string' || v.type !== 'set') {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v as SetValue;
}

/** The sets at keys (null for missing ones), or undefined after replying WRONGTYPE for any of them. */
function readSets(c: Client, keys: string[]): Array<SetValue | null> | undefined {
  const out: Array<SetValue | null> = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const v = c.db.get(keys[i]);
    if (v === undefined) out[i] = null;
    else if (typeof v === 'string' || v.type !== 'set') {
      c.reply.error(E.WRONGTYPE);
      return undefined;
    } else out[i] = v as SetValue;
  }
  return out;
}

/** Replies the members of a set as a RESP3 set (RESP2 array), in the set's own order. */
function replyMembers(c: Client, s: Server, set: SetValue, asArray = false): void {
  const m = set.members(s.encodingLimits);
  if (asArray) c.reply.arrayLen(m.length);
  else c.reply.setLen(m.length);
  for (let i = 0; i < m.length; i++) c.reply.bulk(m[i]);
}

/** Intersection of sets (null = empty input), members in the smallest set's order. */
function intersect(s: Server, sets: Array<SetValue | null>, limit = 0): string[] {
  if (sets.some((x) => x === null || x.size() === 0)) return [];
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size() - b.size());
  const out: string[] = [];
  const first = sorted[0];
  const candidates = first.isIntset(s.encodingLimits) ? first.members(s.encodingLimits) : first.set;
  outer: for (const m of candidates) {
    for (let j = 1; j < sorted.length; j++) if (!sorted[j].set.has(m)) continue outer;
    out.push(m);
    if (limit && out.length >= limit) break;
  }
  return out;
}

/** A new set (as Redis builds a result: an intset first) holding these members. */
function build(s: Server, members: Iterable<string>): SetValue {
  const r = SetValue.empty();
  for (const m of members) r.add(m, s.encodingLimits);
  return r;
}

/** Union or difference of the inputs as a new set. */
function unionDiff(s: Server, sets: Array<SetValue | null>, diff: boolean): SetValue {
  const r = SetValue.empty();
  const lim = s.encodingLimits;
  if (!diff) {
    for (const x of sets) if (x) for (const m of x.set) r.add(m, lim);
    return r;
  }
  const first = sets[0];
  if (!first) return r;
  outer: for (const m of first.set) {
    for (let j = 1; j < sets.length; j++) if (sets[j]?.set.has(m)) continue outer;
    r.add(m, lim);
  }
  return r;
}

/** Stores a result set at dst (deleting dst when empty) and replies its size. */
function storeResult(c: Client, dst: string, r: SetValue): void {
  if (r.size() === 0) c.db.delete(dst);
  else c.db.set(dst, r);
  c.reply.int(r.size());
}

/** Parses SPOP's count: a non-negative integer. */
function parsePositive(c: Client, arg: string): number | null {
  const n = parseInteger(arg);
  if (n === null || n < 0) {
    c.reply.error('ERR value is out of range, must be positive');
    return null;
  }
  return n;
}

/** SREM batch size used when propagating SPOP with a count (as 7.0 does). */
const SPOP_PROPAGATE_BATCH = 1024;
/**
 * SPOP_MOVE_STRATEGY_MUL in t_set.c: when the members that stay, times this, are at most the count,
 * Redis builds a new set from them rather than popping one by one (its encoding is decided afresh).
 */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spopWithCount(c: Client, argv: string[], s: Server): void {
  const count = parsePositive(c, argv[2]);
  if (count === null) return;
  const key = argv[1];
  const set = readSet(c, key, true);
  if (set === undefined) return;
  if (set === null || count === 0) {
    c.reply.setLen(0);
    return;
  }
  if (count >= set.size()) {
    // The whole set goes: reply it in its order and propagate the deletion.
    replyMembers(c, s, set);
    c.db.delete(key);
    s.rewrittenArgv = [s.config.getBool('lazyfree-lazy-server-del') ? 'UNLINK' : 'DEL', key];
    return;
  }
  const popped: string[] = new Array(count);
  for (let i = 0; i < count; i++) popped[i] = set.pop();
  if (set.size() * SPOP_MOVE_STRATEGY_MUL <= count) set.reencode(s.encodingLimits);
  c.db.modified(key, count);
  c.reply.setLen(count);
  for (let i = 0; i < count; i++) c.reply.bulk(popped[i]);
  for (let i = 0; i < count; i += SPOP_PROPAGATE_BATCH) {
    s.propagate(c.db.id, ['SREM', key, ...popped.slice(i, i + SPOP_PROPAGATE_BATCH)]);
  }
  s.preventPropagation = true;
}

function srandmemberWithCount(c: Client, argv: string[], s: Server): void {
  const n = parseInteger(argv[2]);
  if (n === null) return c.reply.error(E.NOT_INTEGER);
  if (n < -Number.MAX_SAFE_INTEGER && BigInt(argv[2]) < -9223372036854775807n) {
    return c.reply.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  }
  const set = readSet(c, argv[1]);
  if (set === undefined) return;
  if (set === null || n === 0) return c.reply.arrayLen(0);
  const size = set.size();
  if (n < 0) {
    // Repetitions allowed: n independent picks.
    const count = -n;
    if (count > 0x7fffffff) return c.reply.error('ERR value is out of range');
    c.reply.arrayLen(count);
    for (let i = 0; i < count; i++) {
      c.reply.bulk(set.random());
      if ((i & 1023) === 1023 && stopReplyOverLimit(s, c)) return;
    }
    return;
  }
  if (n >= size) {
    // The whole set, in its order.
    replyMembers(c, s, set, true);
    return;
  }
  // Distinct picks: sample without replacement.
  const picked = new Set<string>();
  if (n * 3 > size) {
    const all = Array.from(set.set);
    for (let i = all.length - 1; i > 0 && all.length - i <= n; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    for (let i = 0; i < n; i++) picked.add(all[all.length - 1 - i]);
  } else {
    while (picked.size < n) picked.add(set.random());
  }
  c.reply.arrayLen(n);
  for (const m of picked) c.reply.bulk(m);
}

/** SINTERCARD numkeys key... [LIMIT n] */
function sintercard(c: Client, argv: string[], s: Server): void {
  const numkeys = parseInteger(argv[1]);
  if (numkeys === null || numkeys < 1) return c.reply.error('ERR numkeys should be greater than 0');
  if (numkeys > argv.length - 2) return c.reply.error("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (argv[i].toLowerCase() === 'limit' && i + 1 < argv.length) {
      const l = parseInteger(argv[++i]);
      if (l === null || l < 0) return c.reply.error("ERR LIMIT can't be negative");
      limit = l;
    } else return c.reply.error(E.SYNTAX);
  }
  const sets = readSets(c, argv.slice(2, 2 + numkeys));
  if (!sets) return;
  c.reply.int(intersect(s, sets, limit).length);
}

/** SSCAN key cursor [MATCH p] [COUNT n] */
function sscan(c: Client, argv: string[], s: Server): void {
  const lim = s.encodingLimits;
  collectionScan(c, argv, s, readSet, (set) => ({
    compact: set.isIntset(lim),
    all: () => set.members(lim),
    owner: set.set,
    iterate: () => set.set.values(),
    name: (m: string) => m,
    push: (m: string, out: string[]) => out.push(m),
  }));
}

register({
  sadd(c, argv, s) {
    const key = argv[1];
    const existing = readSet(c, key, true);
    if (existing === undefined) return;
    const set = existing ?? SetValue.empty();
    const lim = s.encodingLimits;
    let added = 0;
    for (let i = 2; i < argv.length; i++) if (set.add(argv[i], lim)) added++;
    if (existing === null) c.db.set(key, set);
    else if (added) c.db.modified(key, added);
    c.reply.int(added);
  },
  srem(c, argv) {
    const key = argv[1];
    const set = readSet(c, key, true);
    if (set === undefined) return;
    let removed = 0;
    if (set !== null) {
      for (let i = 2; i < argv.length; i++) {
        if (set.remove(argv[i])) {
          removed++;
          if (set.size() === 0) break;
        }
      }
      if (removed) {
        if (set.size() === 0) c.db.delete(key);
        else c.db.modified(key, removed);
      }
    }
    c.reply.int(removed);
  },
  smove(c, argv, s) {
    const [, src, dst, member] = argv;
    const from = readSet(c, src, true);
    if (from === undefined) return;
    if (from === null) return c.reply.int(0);
    const to = readSet(c, dst, true);
    if (to === undefined) return;
    if (from === to) return c.reply.int(from.has(member) ? 1 : 0);
    if (!from.remove(member)) return c.reply.int(0);
    if (from.size() === 0) c.db.delete(src);
    else c.db.modified(src);
    if (to === null) {
      const n = SetValue.empty();
      n.add(member, s.encodingLimits);
      c.db.set(dst, n);
    } else if (to.add(member, s.encodingLimits)) c.db.modified(dst);
    c.reply.int(1);
  },
  sismember(c, argv) {
    const set = readSet(c, argv[1]);
    if (set !== undefined) c.reply.int(set !== null && set.has(argv[2]) ? 1 : 0);
  },
  smismember(c, argv) {
    const set = readSet(c, argv[1]);
    if (set === undefined) return;
    c.reply.arrayLen(argv.length - 2);
    for (let i = 2; i < argv.length; i++) c.reply.int(set !== null && set.has(argv[i]) ? 1 : 0);
  },
  scard(c, argv) {
    const set = readSet(c, argv[1]);
    if (set !== undefined) c.reply.int(set === null ? 0 : set.size());
  },
  smembers(c, argv, s) {
    const set = readSet(c, argv[1]);
    if (set === undefined) return;
    if (set === null) return c.reply.setLen(0);
    replyMembers(c, s, set);
  },
  spop(c, argv, s) {
    if (argv.length === 3) return spopWithCount(c, argv, s);
    if (argv.length > 3) return c.reply.error(E.SYNTAX);
    const key = argv[1];
    const set = readSet(c, key, true);
    if (set === undefined) return;
    if (set === null) return c.reply.nil();
    const m = set.pop();
    if (set.size() === 0) c.db.delete(key);
    else c.db.modified(key);
    s.rewrittenArgv = ['SREM', key, m];
    c.reply.bulk(m);
  },
  srandmember(c, argv, s) {
    if (argv.length === 3) return srandmemberWithCount(c, argv, s);
    if (argv.length > 3) return c.reply.error(E.SYNTAX);
    const set = readSet(c, argv[1]);
    if (set === undefined) return;
    if (set === null) return c.reply.nil();
    c.reply.bulk(set.random());
  },
  sinter(c, argv, s) {
    const sets = readSets(c, argv.slice(1));
    if (!sets) return;
    const m = intersect(s, sets);
    c.reply.setLen(m.length);
    for (let i = 0; i < m.length; i++) c.reply.bulk(m[i]);
  },
  sintercard,
  sinterstore(c, argv, s) {
    const sets = readSets(c, argv.slice(2));
    if (!sets) return;
    storeResult(c, argv[1], build(s, intersect(s, sets)));
  },
  sunion(c, argv, s) {
    const sets = readSets(c, argv.slice(1));
    if (sets) replyMembers(c, s, unionDiff(s, sets, false));
  },
  sunionstore(c, argv, s) {
    const sets = readSets(c, argv.slice(2));
    if (sets) storeResult(c, argv[1], unionDiff(s, sets, false));
  },
  sdiff(c, argv, s) {
    const sets = readSets(c, argv.slice(1));
    if (sets) replyMembers(c, s, unionDiff(s, sets, true));
  },
  sdiffstore(c, argv, s) {
    const sets = readSets(c, argv.slice(2));
    if (sets) storeResult(c, argv[1], unionDiff(s, sets, true));
  },
  sscan,
});
