// Sorted set commands (t_zset.c): ZADD and friends, the range family (one generic ZRANGE as Redis's
// zrangeGenericCommand, with the legacy commands as thin wrappers), removals, pops, ZRANDMEMBER, the
// algebra (ZUNION/ZINTER/ZDIFF, their STORE forms, ZINTERCARD) and ZSCAN. Scores reply as RESP3
// doubles (RESP2 bulks in %.17g); WITHSCORES pairs nest in RESP3 as 7.0 does.

import { register } from '../registry';
import { stopReplyOverLimit } from '../output-limits';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import type { Command } from '../../resp/commands';
import { ZSetValue } from '../types/zset';
import { SetValue } from '../types/set';
import { parseInteger } from './args';
import { formatDouble } from '../../resp/numfmt';
import { scoreText } from '../rdb/writer';
import { blockForKeys, parseBlockTimeout } from '../blocking';
import { collectionScan } from '../scan';
import {
  parseScore,
  parseScoreRange,
  parseLexRange,
  lexGteMin,
  lexLteMax,
  lexRangeEmpty,
  scoreGteMin,
  scoreLteMax,
  scoreRangeEmpty,
  type ScoreRange,
  type LexRange,
} from './zset-args';

const ERR_NAN = 'ERR resulting score is not a number (NaN)';
const ERR_NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const ERR_NOT_LEX_RANGE = 'ERR min or max not valid string range item';
const ERR_POSITIVE = 'ERR value is out of range, must be positive';

/** The sorted set at key: null if missing, undefined after replying WRONGTYPE. */
export function readZset(c: Client, key: string, write = false): ZSetValue | null | undefined {
  const v = write ? c.db.getForWrite(key) : c.db.get(key);
  if (v === undefined) return null;
  if (typeof v === 'string' || v.type !== 'zset') {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return v as ZSetValue;
}

/** Deletes the key if the set emptied, else records the change. */
function afterRemoval(c: Client, key: string, z: ZSetValue, removed: number): void {
  if (!removed) return;
  if (z.size() === 0) c.db.delete(key);
  else c.db.modified(key, removed);
}

/** Replies entries as Redis does: members only, or with scores (flat in RESP2, pairs in RESP3). */
function replyEntries(c: Client, members: string[], scores: number[], withScores: boolean): void {
  const n = members.length;
  if (!withScores) {
    c.reply.arrayLen(n);
    for (let i = 0; i < n; i++) c.reply.bulk(members[i]);
    return;
  }
  const nested = c.reply.resp === 3;
  c.reply.arrayLen(nested ? n : n * 2);
  for (let i = 0; i < n; i++) {
    if (nested) c.reply.arrayLen(2);
    c.reply.bulk(members[i]);
    c.reply.double(scores[i]);
  }
}

// ---- ZADD / ZINCRBY ----

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;
const INCR = 16;

function zaddGeneric(c: Client, argv: string[], s: Server, incrOnly: boolean): void {
  const key = argv[1];
  let flags = incrOnly ? INCR : 0;
  let ch = false;
  let i = 2;
  if (!incrOnly) {
    for (; i < argv.length; i++) {
      const o = argv[i].toLowerCase();
      if (o === 'nx') flags |= NX;
      else if (o === 'xx') flags |= XX;
      else if (o === 'ch') ch = true;
      else if (o === 'incr') flags |= INCR;
      else if (o === 'gt') flags |= GT;
      else if (o === 'lt') flags |= LT;
      else break;
    }
  }
  const elements = argv.length - i;
  if (elements % 2 || !elements) return c.reply.error(E.SYNTAX);
  const pairs = elements / 2;
  if (flags & NX && flags & XX) return c.reply.error('ERR XX and NX options at the same time are not compatible');
  if ((flags & GT && flags & NX) || (flags & LT && flags & NX) || (flags & GT && flags & LT)) {
    return c.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  const incr = (flags & INCR) !== 0;
  if (incr && pairs > 1) return c.reply.error('ERR INCR option supports a single increment-element pair');
  const scores = new Array<number>(pairs);
  for (let j = 0; j < pairs; j++) {
    const sc = parseScore(argv[i + j * 2]);
    if (sc === null) return c.reply.error(E.NOT_FLOAT);
    scores[j] = sc;
  }
  const existing = readZset(c, key, true);
  if (existing === undefined) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let nanError = false;
  if (existing !== null || !(flags & XX)) {
    const z = existing ?? ZSetValue.empty();
    const lim = s.encodingLimits;
    for (let j = 0; j < pairs; j++) {
      const member = argv[i + 1 + j * 2];
      let sc = scores[j];
      const cur = z.score(member);
      if (cur !== undefined) {
        if (flags & NX) continue;
        if (incr) {
          sc += cur;
          if (Number.isNaN(sc)) {
            nanError = true;
            break;
          }
        }
        if ((flags & LT && sc >= cur) || (flags & GT && sc <= cur)) continue;
        processed++;
        score = sc;
        if (sc !== cur) {
          z.add(member, sc, lim);
          updated++;
        }
      } else if (!(flags & XX)) {
        z.add(member, sc, lim);
        added++;
        processed++;
        score = sc;
      }
    }
    if (existing === null) {
      if (z.size()) c.db.set(key, z);
    } else if (added + updated) c.db.modified(key, added + updated);
  }
  if (nanError) return c.reply.error(ERR_NAN);
  if (incr) {
    if (processed) c.reply.double(score);
    else c.reply.nil();
  } else c.reply.int(ch ? added + updated : added);
}

// ---- ranges ----

/** What a range call selects: by rank, by score or by lex, in either direction, with LIMIT. */
interface RangeQuery {
  kind: 'rank' | 'score' | 'lex';
  reverse: boolean;
  start: number;
  stop: number;
  score: ScoreRange | null;
  lex: LexRange | null;
  offset: number;
  limit: number;
  withScores: boolean;
}

/** Collects the selected entries (members and scores in reply order). */
function collectRange(z: ZSetValue, q: RangeQuery): { members: string[]; scores: number[] } {
  const members: string[] = [];
  const scores: number[] = [];
  const n = z.size();
  if (q.kind === 'rank') {
    let start = q.start;
    let end = q.stop;
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    if (start > end || start >= n) return { members, scores };
    if (end >= n) end = n - 1;
    for (const [m, sc] of z.range(start, end, q.reverse)) {
      members.push(m);
      scores.push(sc);
    }
    return { members, scores };
  }
  if (q.offset > 0 && q.offset >= n) return { members, scores };
  let inMin: (m: string, s: number) => boolean;
  let inMax: (m: string, s: number) => boolean;
  if (q.kind === 'score') {
    const r = q.score!;
    if (scoreRangeEmpty(r)) return { members, scores };
    inMin = (_m, sc) => scoreGteMin(sc, r);
    inMax = (_m, sc) => scoreLteMax(sc, r);
  } else {
    const r = q.lex!;
    if (!lexInRange(z, r)) return { members, scores };
    inMin = (m) => lexGteMin(m, r);
    inMax = (m) => lexLteMax(m, r);
  }
  if (q.offset < 0) return { members, scores };
  let limit = q.limit;
  if (!q.reverse) {
    const first = z.firstWhere(inMin);
    if (first >= n) return { members, scores };
    const [m0, s0] = z.at(first);
    if (!inMax(m0, s0)) return { members, scores };
    for (const [m, sc] of z.walk(first + q.offset, n, false)) {
      if (limit === 0) break;
      if (!inMax(m, sc)) break;
      members.push(m);
      scores.push(sc);
      limit--;
    }
  } else {
    const last = z.lastWhere(inMax);
    if (last < 0) return { members, scores };
    const [m0, s0] = z.at(last);
    if (!inMin(m0, s0)) return { members, scores };
    for (const [m, sc] of z.walk(last - q.offset, n, true)) {
      if (limit === 0) break;
      if (!inMin(m, sc)) break;
      members.push(m);
      scores.push(sc);
      limit--;
    }
  }
  return { members, scores };
}

/**
 * zrangeGenericCommand: `argStart` is the index of the source key; `kind`/`reverse` are preset by the
 * legacy commands (null = chosen by BYSCORE/BYLEX/REV); `dst` set for ZRANGESTORE.
 */
function zrangeGeneric(c: Client, argv: string[], s: Server, argStart: number, kind: RangeQuery['kind'] | null, reverse: boolean | null, dst: string | null): void {
  const key = argv[argStart];
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  let limitGiven = false;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j].toLowerCase();
    if (dst === null && o === 'withscores') withScores = true;
    else if (o === 'limit' && left >= 2) {
      const a = parseInteger(argv[j + 1]);
      if (a === null) return c.reply.error(E.NOT_INTEGER);
      const b = parseInteger(argv[j + 2]);
      if (b === null) return c.reply.error(E.NOT_INTEGER);
      offset = a;
      limit = b;
      limitGiven = true;
      j += 2;
    } else if (reverse === null && o === 'rev') reverse = true;
    else if (kind === null && o === 'bylex') kind = 'lex';
    else if (kind === null && o === 'byscore') kind = 'score';
    else return c.reply.error(E.SYNTAX);
  }
  reverse ??= false;
  kind ??= 'rank';
  if (limitGiven && kind === 'rank') return c.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && kind === 'lex') return c.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  if (reverse && kind !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];
  const q: RangeQuery = { kind, reverse, start: 0, stop: 0, score: null, lex: null, offset, limit, withScores };
  if (kind === 'rank') {
    const a = parseInteger(argv[minIdx]);
    const b = a === null ? null : parseInteger(argv[maxIdx]);
    if (a === null || b === null) return c.reply.error(E.NOT_INTEGER);
    q.start = a;
    q.stop = b;
  } else if (kind === 'score') {
    q.score = parseScoreRange(argv[minIdx], argv[maxIdx]);
    if (!q.score) return c.reply.error(ERR_NOT_FLOAT_RANGE);
  } else {
    q.lex = parseLexRange(argv[minIdx], argv[maxIdx]);
    if (!q.lex) return c.reply.error(ERR_NOT_LEX_RANGE);
  }
  const z = readZset(c, key);
  if (z === undefined) return;
  const r = z === null ? { members: [], scores: [] } : collectRange(z, q);
  if (dst === null) return replyEntries(c, r.members, r.scores, withScores);
  storeZset(c, s, dst, r.members, r.scores);
}

/** Stores a result as a new sorted set at dst (deleting dst when empty) and replies its size. */
function storeZset(c: Client, s: Server, dst: string, members: string[], scores: number[]): void {
  if (members.length === 0) {
    c.db.delete(dst);
    c.reply.int(0);
    return;
  }
  const z = new ZSetValue();
  for (let i = 0; i < members.length; i++) z.add(members[i], scores[i]);
  z.recomputeEncoding(s.encodingLimits);
  c.db.set(dst, z);
  c.reply.int(z.size());
}

// ---- counting and removing ranges ----

/**
 * zslIsInLexRange / zzlIsInLexRange: the range is not empty, the last member is at or above its
 * minimum and the first at or below its maximum. Only these two ends are looked at, so a set whose
 * scores differ (lex order undefined) can answer "nothing in range" as Redis does.
 */
function lexInRange(z: ZSetValue, r: LexRange): boolean {
  const n = z.size();
  return !lexRangeEmpty(r) && n > 0 && lexGteMin(z.at(n - 1)[0], r) && lexLteMax(z.at(0)[0], r);
}

function countInRange(z: ZSetValue, inMin: (m: string, s: number) => boolean, inMax: (m: string, s: number) => boolean): [number, number] {
  const first = z.firstWhere(inMin);
  const n = z.size();
  if (first >= n) return [first, 0];
  let count = 0;
  for (const [m, sc] of z.walk(first, n, false)) {
    if (!inMax(m, sc)) break;
    count++;
  }
  return [first, count];
}

function zremrange(c: Client, argv: string[], kind: 'rank' | 'score' | 'lex'): void {
  const key = argv[1];
  let startRank = 0;
  let endRank = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (kind === 'rank') {
    const a = parseInteger(argv[2]);
    const b = a === null ? null : parseInteger(argv[3]);
    if (a === null || b === null) return c.reply.error(E.NOT_INTEGER);
    startRank = a;
    endRank = b;
  } else if (kind === 'score') {
    score = parseScoreRange(argv[2], argv[3]);
    if (!score) return c.reply.error(ERR_NOT_FLOAT_RANGE);
  } else {
    lex = parseLexRange(argv[2], argv[3]);
    if (!lex) return c.reply.error(ERR_NOT_LEX_RANGE);
  }
  const z = readZset(c, key, true);
  if (z === undefined) return;
  if (z === null) return c.reply.int(0);
  const n = z.size();
  let first = 0;
  let count = 0;
  if (kind === 'rank') {
    if (startRank < 0) startRank += n;
    if (endRank < 0) endRank += n;
    if (startRank < 0) startRank = 0;
    if (startRank > endRank || startRank >= n) return c.reply.int(0);
    if (endRank >= n) endRank = n - 1;
    first = startRank;
    count = endRank - startRank + 1;
  } else if (kind === 'score') {
    const r = score!;
    if (!scoreRangeEmpty(r)) [first, count] = countInRange(z, (_m, sc) => scoreGteMin(sc, r), (_m, sc) => scoreLteMax(sc, r));
  } else {
    const r = lex!;
    if (lexInRange(z, r)) [first, count] = countInRange(z, (m) => lexGteMin(m, r), (m) => lexLteMax(m, r));
  }
  if (count) {
    const doomed: string[] = [];
    for (const [m] of z.walk(first, count, false)) doomed.push(m);
    for (const m of doomed) z.remove(m);
    afterRemoval(c, key, z, count);
  }
  c.reply.int(count);
}

// ---- pops ----

/**
 * genericZpopCommand for ZPOPMIN/ZPOPMAX/ZMPOP (and the blocking forms once served): pops from the
 * first non-empty key. `emitKey` selects the ZMPOP reply shape [key, [[m, s], ...]].
 */
export function zpopFrom(c: Client, s: Server, key: string, z: ZSetValue, max: boolean, count: number, nested: boolean, emitKey: boolean): void {
  const n = Math.min(count, z.size());
  if (emitKey) {
    c.reply.arrayLen(2);
    c.reply.bulk(key);
    c.reply.arrayLen(n);
  } else c.reply.arrayLen(nested ? n : n * 2);
  for (let i = 0; i < n; i++) {
    const [m, sc] = z.at(max ? z.size() - 1 : 0);
    z.remove(m);
    if (nested) c.reply.arrayLen(2);
    c.reply.bulk(m);
    c.reply.double(sc);
  }
  if (z.size() === 0) c.db.delete(key);
  else c.db.modified(key, n);
  void s;
}

function zpopCommand(c: Client, argv: string[], s: Server, max: boolean): void {
  if (argv.length > 3) return c.reply.error(E.SYNTAX);
  let count = 1;
  if (argv.length === 3) {
    const n = parseInteger(argv[2]);
    if (n === null || n < 0) return c.reply.error(ERR_POSITIVE);
    count = n;
  }
  const z = readZset(c, argv[1], true);
  if (z === undefined) return;
  if (z === null || count === 0) return c.reply.arrayLen(0);
  zpopFrom(c, s, argv[1], z, max, count, c.reply.resp === 3 && argv.length === 3, false);
}

/** Parses `numkeys key... MIN|MAX [COUNT n]` from index `at`; replies the error and returns null on failure. */
export function parseMpop(c: Client, argv: string[], at: number): { keys: string[]; max: boolean; count: number } | null {
  const numkeys = parseInteger(argv[at]);
  if (numkeys === null || numkeys < 1) {
    c.reply.error('ERR numkeys should be greater than 0');
    return null;
  }
  const whereIdx = at + 1 + numkeys;
  if (whereIdx >= argv.length) {
    c.reply.error(E.SYNTAX);
    return null;
  }
  const where = argv[whereIdx].toLowerCase();
  if (where !== 'min' && where !== 'max') {
    c.reply.error(E.SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'count' && j + 1 < argv.length && count === -1) {
      const n = parseInteger(argv[j + 1]);
      if (n === null || n < 1) {
        c.reply.error('ERR count should be greater than 0');
        return null;
      }
      count = n;
      j++;
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(at + 1, whereIdx), max: where === 'max', count: count === -1 ? 1 : count };
}

/** The first key holding a non-empty sorted set; undefined after replying WRONGTYPE. */
export function firstZset(c: Client, keys: string[]): { key: string; z: ZSetValue } | null | undefined {
  for (const key of keys) {
    const z = readZset(c, key, true);
    if (z === undefined) return undefined;
    if (z !== null) return { key, z };
  }
  return null;
}

function zmpop(c: Client, argv: string[], s: Server): void {
  const p = parseMpop(c, argv, 1);
  if (!p) return;
  const found = firstZset(c, p.keys);
  if (found === undefined) return;
  if (found === null) return c.reply.nilArray();
  // Propagated with the number actually popped, as Redis does.
  const n = Math.min(p.count, found.z.size());
  zpopFrom(c, s, found.key, found.z, p.max, p.count, true, true);
  s.rewrittenArgv = [p.max ? 'ZPOPMAX' : 'ZPOPMIN', found.key, String(n)];
}

// ---- blocking pops ----

/**
 * BZPOPMIN/BZPOPMAX/BZMPOP: pop now if a key has elements, else block (inside EXEC: reply a null
 * array at once). Served pops propagate as ZPOPMIN/ZPOPMAX, as Redis rewrites them.
 */
function blockingPop(c: Client, s: Server, keys: string[], timeoutArg: string, max: boolean, count: number, mpop: boolean): void {
  const popName = max ? 'ZPOPMAX' : 'ZPOPMIN';
  /** Pops, and returns the command to propagate (BZMPOP: with the number actually popped). */
  const pop = (key: string, z: ZSetValue): string[] => {
    if (mpop) {
      const n = Math.min(count, z.size());
      zpopFrom(c, s, key, z, max, count, true, true);
      return [popName, key, String(n)];
    }
    c.reply.arrayLen(3);
    c.reply.bulk(key);
    const [m, sc] = z.at(max ? z.size() - 1 : 0);
    z.remove(m);
    c.reply.bulk(m);
    c.reply.double(sc);
    if (z.size() === 0) c.db.delete(key);
    else c.db.modified(key);
    return [popName, key];
  };
  const found = firstZset(c, keys);
  if (found === undefined) return;
  if (found !== null) {
    s.rewrittenArgv = pop(found.key, found.z);
    return;
  }
  if (s.inExec) return c.reply.nilArray();
  const t = parseBlockTimeout(timeoutArg);
  if (typeof t === 'string') return c.reply.error(t);
  const db = c.db;
  blockForKeys(
    c,
    s,
    db,
    keys,
    t,
    (key) => {
      const v = db.get(key);
      if (v === undefined || typeof v === 'string' || v.type !== 'zset' || v.size() === 0) return false;
      db.getForWrite(key);
      s.propagate(db.id, pop(key, v as ZSetValue));
      return true;
    },
    () => c.reply.nilArray(),
  );
}

function bzpop(c: Client, argv: string[], s: Server, max: boolean): void {
  const timeoutArg = argv[argv.length - 1];
  const t = parseBlockTimeout(timeoutArg);
  if (typeof t === 'string') return c.reply.error(t);
  blockingPop(c, s, argv.slice(1, -1), timeoutArg, max, 1, false);
}

function bzmpop(c: Client, argv: string[], s: Server): void {
  // zmpopGenericCommand parses numkeys, MIN|MAX and COUNT first; the timeout only after them.
  const p = parseMpop(c, argv, 2);
  if (!p) return;
  const t = parseBlockTimeout(argv[1]);
  if (typeof t === 'string') return c.reply.error(t);
  blockingPop(c, s, p.keys, argv[1], p.max, p.count, true);
}

// ---- ZRANDMEMBER ----

function zrandmember(c: Client, argv: string[], s: Server): void {
  if (argv.length >= 3) {
    const l = parseInteger(argv[2]);
    if (l === null) return c.reply.error(E.NOT_INTEGER);
    if (l < -Number.MAX_SAFE_INTEGER && BigInt(argv[2]) < -9223372036854775807n) {
      return c.reply.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    }
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withscores')) return c.reply.error(E.SYNTAX);
    if (argv.length === 4) {
      withScores = true;
      if (l < -4611686018427387903 || l > 4611686018427387903) return c.reply.error('ERR value is out of range');
    }
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    if (z === null || l === 0) return c.reply.arrayLen(0);
    const size = z.size();
    const members: string[] = [];
    const scores: number[] = [];
    if (l < 0) {
      const count = -l;
      if (count > 0x7fffffff) return c.reply.error('ERR value is out of range');
      // Written as picked, and stopped once the client is over its output limit (as SRANDMEMBER):
      // a count near 2^31 must not be built in memory first.
      const nested = c.reply.resp === 3;
      c.reply.arrayLen(withScores && !nested ? count * 2 : count);
      for (let i = 0; i < count; i++) {
        const [m, sc] = z.at(Math.floor(Math.random() * size));
        if (withScores && nested) c.reply.arrayLen(2);
        c.reply.bulk(m);
        if (withScores) c.reply.double(sc);
        if ((i & 1023) === 1023 && stopReplyOverLimit(s, c)) return;
      }
      return;
    } else if (l >= size) {
      // The whole set, highest score first (Redis walks it from the tail).
      for (const [m, sc] of z.walk(size - 1, size, true)) {
        members.push(m);
        scores.push(sc);
      }
    } else {
      const ranks = new Set<number>();
      while (ranks.size < l) ranks.add(Math.floor(Math.random() * size));
      for (const r of ranks) {
        const [m, sc] = z.at(r);
        members.push(m);
        scores.push(sc);
      }
    }
    return replyEntries(c, members, scores, withScores);
  }
  const z = readZset(c, argv[1]);
  if (z === undefined) return;
  if (z === null) return c.reply.nil();
  c.reply.bulk(z.at(Math.floor(Math.random() * z.size()))[0]);
}

// ---- ZUNION / ZINTER / ZDIFF ----

type Aggregate = 'sum' | 'min' | 'max';

/** An input of the set algebra: a sorted set, a plain set (scores 1), or nothing. */
interface Source {
  z: ZSetValue | null;
  set: SetValue | null;
  weight: number;
}

function srcSize(x: Source): number {
  return x.z ? x.z.size() : x.set ? x.set.size() : 0;
}

function srcScore(x: Source, m: string): number | undefined {
  if (x.z) return x.z.score(m);
  if (x.set) return x.set.has(m) ? 1 : undefined;
  return undefined;
}

function* srcEntries(x: Source): Generator<[string, number]> {
  if (x.z) yield* x.z.ascending();
  else if (x.set) for (const m of x.set.set) yield [m, 1];
}

function aggregate(a: number, b: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = a + b;
    return Number.isNaN(r) ? 0 : r;
  }
  if (how === 'min') return b < a ? b : a;
  return b > a ? b : a;
}

function weighted(w: number, sc: number): number {
  const r = w * sc;
  return Number.isNaN(r) ? 0 : r;
}

type SetOp = 'union' | 'inter' | 'diff';

/**
 * zunionInterDiffGenericCommand. `numkeysIdx` is where numkeys is; `dst` for the STORE forms;
 * `cardOnly` for ZINTERCARD.
 */
function zsetOp(c: Client, argv: string[], s: Server, cmd: Command, numkeysIdx: number, op: SetOp, dst: string | null, cardOnly: boolean): void {
  const setnum = parseInteger(argv[numkeysIdx]);
  if (setnum === null) return c.reply.error(E.NOT_INTEGER);
  if (setnum < 1) return c.reply.error(`ERR at least 1 input key is needed for '${cmd.fullName}' command`);
  if (setnum > argv.length - (numkeysIdx + 1)) return c.reply.error(E.SYNTAX);
  const src: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.get(argv[j]);
    if (v === undefined) src.push({ z: null, set: null, weight: 1 });
    else if (typeof v !== 'string' && v.type === 'zset') src.push({ z: v as ZSetValue, set: null, weight: 1 });
    else if (typeof v !== 'string' && v.type === 'set') src.push({ z: null, set: v as SetValue, weight: 1 });
    else return c.reply.error(E.WRONGTYPE);
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const o = argv[j].toLowerCase();
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && o === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseScore(argv[j]);
        if (w === null) return c.reply.error('ERR weight value is not a float');
        src[i].weight = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && o === 'aggregate') {
      const a = argv[j + 1].toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') return c.reply.error(E.SYNTAX);
      how = a;
      j += 2;
    } else if (remaining >= 1 && dst === null && !cardOnly && o === 'withscores') {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && o === 'limit') {
      const l = parseInteger(argv[j + 1]);
      if (l === null || l < 0) return c.reply.error("ERR LIMIT can't be negative");
      limit = l;
      j += 2;
    } else return c.reply.error(E.SYNTAX);
  }
  const result = new Map<string, number>();
  if (op === 'inter') {
    const sorted = src.slice().sort((a, b) => srcSize(a) - srcSize(b));
    if (srcSize(sorted[0]) > 0) {
      outer: for (const [m, sc0] of srcEntries(sorted[0])) {
        let score = weighted(sorted[0].weight, sc0);
        for (let k = 1; k < sorted.length; k++) {
          const sc = srcScore(sorted[k], m);
          if (sc === undefined) continue outer;
          // Only the first set's weighted score is cleared of NaN (inf * 0): a later NaN goes into
          // the aggregate as is (SUM turns it to 0, MIN and MAX keep the score so far).
          score = aggregate(score, sorted[k].weight * sc, how);
        }
        result.set(m, score);
        if (cardOnly && limit && result.size >= limit) break;
      }
    }
  } else if (op === 'union') {
    const sorted = src.slice().sort((a, b) => srcSize(a) - srcSize(b));
    for (const x of sorted) {
      for (const [m, sc] of srcEntries(x)) {
        const v = weighted(x.weight, sc);
        const cur = result.get(m);
        result.set(m, cur === undefined ? v : aggregate(cur, v, how));
      }
    }
  } else {
    outer: for (const [m, sc] of srcEntries(src[0])) {
      for (let k = 1; k < src.length; k++) if (srcScore(src[k], m) !== undefined) continue outer;
      result.set(m, sc);
    }
  }
  if (cardOnly) return c.reply.int(result.size);
  const z = ZSetValue.from(result);
  if (dst !== null) {
    if (z.size() === 0) {
      c.db.delete(dst);
      return c.reply.int(0);
    }
    z.recomputeEncoding(s.encodingLimits);
    c.db.set(dst, z);
    return c.reply.int(z.size());
  }
  const members: string[] = [];
  const scores: number[] = [];
  for (const [m, sc] of z.ascending()) {
    members.push(m);
    scores.push(sc);
  }
  replyEntries(c, members, scores, withScores);
}

// ---- ZSCAN ----

/** ZSCAN key cursor [MATCH p] [COUNT n] */
function zscan(c: Client, argv: string[], s: Server): void {
  collectionScan(c, argv, s, readZset, (z) => {
    // A listpack answers its scores as it stores them (an integral score within +-2^62 as an
    // integer: -720000000000000000, not -7.2e+17); a skiplist formats them (%.17Lg).
    const compact = z.encoding(s.encodingLimits) === 'listpack';
    const text = compact ? scoreText : formatDouble;
    return {
      compact,
      all: () => z.ascending(),
      owner: z,
      iterate: () => z.unordered(),
      name: (e: [string, number]) => e[0],
      push: (e: [string, number], out: string[]) => out.push(e[0], text(e[1])),
    };
  });
}

register({
  zadd(c, argv, s) {
    zaddGeneric(c, argv, s, false);
  },
  zincrby(c, argv, s) {
    zaddGeneric(c, argv, s, true);
  },
  zrem(c, argv) {
    const z = readZset(c, argv[1], true);
    if (z === undefined) return;
    let removed = 0;
    if (z !== null) {
      for (let i = 2; i < argv.length; i++) {
        if (z.remove(argv[i])) {
          removed++;
          if (z.size() === 0) break;
        }
      }
      afterRemoval(c, argv[1], z, removed);
    }
    c.reply.int(removed);
  },
  zscore(c, argv) {
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    const sc = z === null ? undefined : z.score(argv[2]);
    if (sc === undefined) c.reply.nil();
    else c.reply.double(sc);
  },
  zmscore(c, argv) {
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    c.reply.arrayLen(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      const sc = z === null ? undefined : z.score(argv[i]);
      if (sc === undefined) c.reply.nil();
      else c.reply.double(sc);
    }
  },
  zcard(c, argv) {
    const z = readZset(c, argv[1]);
    if (z !== undefined) c.reply.int(z === null ? 0 : z.size());
  },
  zcount(c, argv) {
    const r = parseScoreRange(argv[2], argv[3]);
    if (!r) return c.reply.error(ERR_NOT_FLOAT_RANGE);
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    if (z === null || scoreRangeEmpty(r)) return c.reply.int(0);
    c.reply.int(countInRange(z, (_m, sc) => scoreGteMin(sc, r), (_m, sc) => scoreLteMax(sc, r))[1]);
  },
  zlexcount(c, argv) {
    const r = parseLexRange(argv[2], argv[3]);
    if (!r) return c.reply.error(ERR_NOT_LEX_RANGE);
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    if (z === null || !lexInRange(z, r)) return c.reply.int(0);
    c.reply.int(countInRange(z, (m) => lexGteMin(m, r), (m) => lexLteMax(m, r))[1]);
  },
  zrank(c, argv) {
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    const r = z === null ? undefined : z.rank(argv[2]);
    if (r === undefined) c.reply.nil();
    else c.reply.int(r);
  },
  zrevrank(c, argv) {
    const z = readZset(c, argv[1]);
    if (z === undefined) return;
    const r = z === null ? undefined : z.rank(argv[2], true);
    if (r === undefined) c.reply.nil();
    else c.reply.int(r);
  },
  zrange: (c, argv, s) => zrangeGeneric(c, argv, s, 1, null, null, null),
  zrangestore: (c, argv, s) => zrangeGeneric(c, argv, s, 2, null, null, argv[1]),
  zrevrange: (c, argv, s) => zrangeGeneric(c, argv, s, 1, 'rank', true, null),
  zrangebyscore: (c, argv, s) => zrangeGeneric(c, argv, s, 1, 'score', false, null),
  zrevrangebyscore: (c, argv, s) => zrangeGeneric(c, argv, s, 1, 'score', true, null),
  zrangebylex: (c, argv, s) => zrangeGeneric(c, argv, s, 1, 'lex', false, null),
  zrevrangebylex: (c, argv, s) => zrangeGeneric(c, argv, s, 1, 'lex', true, null),
  zremrangebyrank: (c, argv) => zremrange(c, argv, 'rank'),
  zremrangebyscore: (c, argv) => zremrange(c, argv, 'score'),
  zremrangebylex: (c, argv) => zremrange(c, argv, 'lex'),
  zpopmin: (c, argv, s) => zpopCommand(c, argv, s, false),
  zpopmax: (c, argv, s) => zpopCommand(c, argv, s, true),
  zmpop,
  bzpopmin: (c, argv, s) => bzpop(c, argv, s, false),
  bzpopmax: (c, argv, s) => bzpop(c, argv, s, true),
  bzmpop,
  zrandmember,
  zunion: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 1, 'union', null, false),
  zinter: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 1, 'inter', null, false),
  zdiff: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 1, 'diff', null, false),
  zunionstore: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 2, 'union', argv[1], false),
  zinterstore: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 2, 'inter', argv[1], false),
  zdiffstore: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 2, 'diff', argv[1], false),
  zintercard: (c, argv, s, cmd) => zsetOp(c, argv, s, cmd, 1, 'inter', null, true),
  zscan,
});
