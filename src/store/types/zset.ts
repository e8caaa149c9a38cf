// The sorted set value (t_zset.c). Ordered by (score, member bytewise), as Redis orders it.
// Two shapes, as in Redis: while listpack-encoded (and at most SMALL_MAX entries), ONE packed latin1
// string (packed-zset.ts: ~4x less memory per small set than arrays of separate strings, scanned linearly like a
// listpack, rebuilt on change); once Redis would convert it to a skiplist (zset-max-listpack-entries
// or -value crossed, checked where Redis checks), a skip list with spans (O(log n) ranks) plus a
// member -> score Map. The OBJECT ENCODING answer is the packed string's first byte or ZBig.enc.

import type { CollectionValue, EncodingLimits } from '../db';
import { SkipList, type SkipNode } from './skiplist';
import * as P from './packed-zset';

/** Above this many entries the packed string becomes a skip list whatever the encoding says. */
const SMALL_MAX = 128;

const enum Enc {
  Unknown = 0,
  Listpack = 1,
  Skiplist = 2,
}

/** The big shape: a skip list with spans (O(log n) ranks) plus member -> score, and the encoding. */
class ZBig {
  readonly zsl = new SkipList();
  readonly dict = new Map<string, number>();
  enc: Enc = Enc.Unknown;

  insert(member: string, score: number): void {
    this.zsl.insert(score, member);
    this.dict.set(member, score);
  }
}

/**
 * The score a listpack keeps: Redis stores an integral score there as an integer (double2ll in
 * zzlInsertAt), which drops the sign of zero; a skiplist keeps -0 as given.
 */
function listpackScore(sc: number): number {
  return sc === 0 ? 0 : sc;
}

/** Entries sorted by (score, member bytes), as Redis orders a sorted set. */
function byScoreThenMember(a: readonly [string, number], b: readonly [string, number]): number {
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** A Redis sorted set. */
export class ZSetValue implements CollectionValue {
  /** The packed string (packed-zset.ts) while small, else a ZBig. One field: 8 bytes per key each. */
  private d: string | ZBig = '\0\0';

  /** On the prototype rather than per instance: one slot less per key. */
  get type(): 'zset' {
    return 'zset';
  }

  /** A sorted set with these entries (later duplicates update the score); encoding decided on first use. */
  static from(entries: Iterable<[string, number]>): ZSetValue {
    const m = new Map<string, number>();
    for (const [k, sc] of entries) if (m.get(k) !== sc) m.set(k, sc);
    const z = new ZSetValue();
    if (m.size <= SMALL_MAX) z.d = P.pack(Enc.Unknown, Array.from(m).sort(byScoreThenMember));
    else {
      const big = new ZBig();
      for (const [k, sc] of m) big.insert(k, sc);
      z.d = big;
    }
    return z;
  }

  /** An empty sorted set as ZADD creates it (listpack until a limit is crossed). */
  static empty(): ZSetValue {
    const z = new ZSetValue();
    z.d = '\x01\0';
    return z;
  }

  size(): number {
    const d = this.d;
    return typeof d === 'string' ? P.count(d) : d.zsl.length;
  }

  clone(): ZSetValue {
    const z = new ZSetValue();
    const d = this.d;
    if (typeof d === 'string') z.d = d; // strings are immutable: sharing is copying
    else {
      const big = new ZBig();
      for (let x = d.zsl.header.fwd[0]; x !== null; x = x.fwd[0]) big.insert(x.member, x.score);
      big.enc = d.enc;
      z.d = big;
    }
    return z;
  }

  // ---- encoding (what OBJECT ENCODING says) ----

  private get enc(): Enc {
    const d = this.d;
    return typeof d === 'string' ? (d.charCodeAt(0) as Enc) : d.enc;
  }

  /** Records the encoding; the skiplist encoding moves a packed set into the big shape, as in Redis. */
  private setEnc(e: Enc): void {
    if (e === Enc.Skiplist && typeof this.d === 'string') this.toBig();
    const d = this.d;
    if (typeof d === 'string') this.d = P.withEnc(d, e);
    else d.enc = e;
  }

  encoding(limits: EncodingLimits): string {
    if (this.enc === Enc.Unknown) this.recomputeEncoding(limits);
    return this.enc === Enc.Listpack ? 'listpack' : 'skiplist';
  }

  /**
   * Decides the encoding from scratch (zsetConvertToListpackIfNeeded for a freshly stored result,
   * or a loaded value): listpack if the entry count and every member length fit the limits.
   */
  recomputeEncoding(limits: EncodingLimits): void {
    const ok = this.size() <= limits.zsetMaxListpackEntries && this.maxMemberLength() <= limits.zsetMaxListpackValue;
    this.setEnc(ok ? Enc.Listpack : Enc.Skiplist);
    if (ok) this.dropNegativeZeros();
  }

  /** zsetConvert(o, OBJ_ENCODING_SKIPLIST): SORT converts a listpack sorted set, for good. */
  convertToSkiplist(): void {
    this.setEnc(Enc.Skiplist);
  }

  /** Converting to a listpack turns -0 scores into 0 (see listpackScore). */
  private dropNegativeZeros(): void {
    const d = this.d;
    if (typeof d !== 'string') {
      for (let x = d.zsl.header.fwd[0]; x !== null; x = x.fwd[0]) {
        if (Object.is(x.score, -0)) {
          x.score = 0;
          d.dict.set(x.member, 0);
        }
      }
      return;
    }
    if (!d.includes('-0')) return;
    const entries: [string, number][] = [];
    let changed = false;
    P.forEachDetached(d, (m, sc) => {
      if (Object.is(sc, -0)) changed = true;
      entries.push([m, listpackScore(sc)]);
    });
    if (changed) this.d = P.pack(Enc.Listpack, entries);
  }

  /** Applies Redis's listpack -> skiplist rule before inserting a new member. */
  private noteInsert(member: string, limits: EncodingLimits): void {
    if (this.enc === Enc.Unknown) this.recomputeEncoding(limits);
    if (this.enc === Enc.Listpack && (this.size() + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue)) {
      this.setEnc(Enc.Skiplist);
    }
  }

  // ---- point operations ----

  score(member: string): number | undefined {
    const d = this.d;
    if (typeof d !== 'string') return d.dict.get(member);
    return P.find(d, member) < 0 ? undefined : P.curScore(d);
  }

  has(member: string): boolean {
    return this.score(member) !== undefined;
  }

  /** Inserts or updates. With limits, a new member may convert the reported encoding (ZADD path). */
  add(member: string, score: number, limits?: EncodingLimits): void {
    let d = this.d;
    if (typeof d === 'string') {
      P.locate(d, member, score);
      if (P.loc.hit >= 0) {
        if (P.loc.hitScore === score) return; // Redis compares with ==: 0 and -0 are the same score
        this.d = P.upsert(d, member, this.enc === Enc.Listpack ? listpackScore(score) : score);
        return;
      }
      // noteInsert may rewrite the encoding byte (offsets in P.loc stay valid) or go big.
      if (limits) this.noteInsert(member, limits);
      d = this.d;
      if (typeof d === 'string') {
        if (P.count(d) < SMALL_MAX) {
          this.d = P.upsert(d, member, this.enc === Enc.Listpack ? listpackScore(score) : score);
          return;
        }
        this.toBig();
        d = this.d as ZBig;
      }
      d.insert(member, d.enc === Enc.Listpack ? listpackScore(score) : score);
      return;
    }
    const old = d.dict.get(member);
    if (old !== undefined) {
      if (old === score) return;
      d.zsl.delete(old, member);
      d.insert(member, d.enc === Enc.Listpack ? listpackScore(score) : score);
      return;
    }
    if (limits) this.noteInsert(member, limits);
    d.insert(member, d.enc === Enc.Listpack ? listpackScore(score) : score);
  }

  /** Moves the packed entries into a skip list and a Map (keeping the encoding byte). */
  private toBig(): void {
    const p = this.d as string;
    const big = new ZBig();
    big.enc = p.charCodeAt(0) as Enc;
    P.forEachDetached(p, (m, sc) => big.insert(m, sc));
    this.d = big;
  }

  remove(member: string): boolean {
    const d = this.d;
    if (typeof d === 'string') {
      const o = P.find(d, member);
      if (o < 0) return false;
      this.d = P.remove(d, o);
      return true;
    }
    const old = d.dict.get(member);
    if (old === undefined) return false;
    d.dict.delete(member);
    d.zsl.delete(old, member);
    return true;
  }

  /** 0-based rank (from the highest score when reverse), or undefined if absent. */
  rank(member: string, reverse = false): number | undefined {
    const d = this.d;
    let r = 0;
    if (typeof d === 'string') {
      const end = d.length;
      let o = 2;
      for (; o < end; o = P.cur.next, r++) {
        P.read(d, o);
        if (P.cur.mLen === member.length && d.startsWith(member, P.cur.mOff)) break;
      }
      if (o >= end) return undefined;
    } else {
      const sc = d.dict.get(member);
      if (sc === undefined) return undefined;
      r = d.zsl.rankOf(sc, member);
    }
    return reverse ? this.size() - 1 - r : r;
  }

  // ---- ordered access ----

  /** Entries at ranks start..stop inclusive (clamped), ascending, or counted from the top if reverse. */
  *range(start: number, stop: number, reverse = false): Generator<[string, number]> {
    const n = this.size();
    if (start < 0) start = 0;
    if (stop >= n) stop = n - 1;
    if (start > stop) return;
    if (!reverse) yield* this.walk(start, stop - start + 1, false);
    else yield* this.walk(n - 1 - start, stop - start + 1, true);
  }

  /**
   * Walks `count` entries starting at absolute ascending rank `from`, going down the ranks when
   * `backward`. Stops early at either end. A packed set is walked as it was when the walk began.
   */
  *walk(from: number, count: number, backward: boolean): Generator<[string, number]> {
    const n = this.size();
    if (from < 0 || from >= n) return;
    const d = this.d;
    if (typeof d === 'string') {
      if (!backward) {
        let o = 2;
        for (let i = 0; i < from; i++, o = P.cur.next) P.read(d, o);
        for (; count > 0 && o < d.length; count--) {
          P.read(d, o);
          o = P.cur.next;
          yield [P.curMember(d), P.curScore(d)];
        }
      } else {
        const offs = P.offsets(d, from + 1);
        for (let i = from; i >= 0 && count > 0; i--, count--) {
          P.read(d, offs[i]);
          yield [P.curMember(d), P.curScore(d)];
        }
      }
      return;
    }
    let x: SkipNode | null = d.zsl.byRank(from);
    while (x !== null && count > 0) {
      yield [x.member, x.score];
      count--;
      x = backward ? x.backward : x.fwd[0];
    }
  }

  /** All entries by ascending (score, member). */
  *ascending(): Generator<[string, number]> {
    yield* this.walk(0, this.size(), false);
  }

  /**
   * All entries in no particular order, as a live iterator that survives concurrent changes (ZSCAN
   * cursors): the member map's iterator for big sets, a snapshot for small ones.
   */
  *unordered(): Generator<[string, number]> {
    const d = this.d;
    if (typeof d !== 'string') yield* d.dict;
    else yield* Array.from(this.ascending());
  }

  /** Entry at an ascending rank (must be in range). */
  at(rank: number): [string, number] {
    const d = this.d;
    if (typeof d !== 'string') {
      const x = d.zsl.byRank(rank);
      return [x.member, x.score];
    }
    let o = 2;
    for (let i = 0; i < rank; i++, o = P.cur.next) P.read(d, o);
    P.read(d, o);
    return [P.curMember(d), P.curScore(d)];
  }

  /**
   * Ascending rank of the first entry for which `gteMin` holds, as Redis finds the start of a range
   * (small: a linear scan from the head, like a listpack; big: a skip list descent). `size()` if none.
   */
  firstWhere(gteMin: (member: string, score: number) => boolean): number {
    const d = this.d;
    if (typeof d !== 'string') return d.zsl.countPrefix((n) => !gteMin(n.member, n.score));
    let i = 0;
    for (let o = 2; o < d.length; i++) {
      P.read(d, o);
      o = P.cur.next;
      if (gteMin(P.curMember(d), P.curScore(d))) return i;
    }
    return i;
  }

  /** Ascending rank of the last entry for which `lteMax` holds (scanning from the tail); -1 if none. */
  lastWhere(lteMax: (member: string, score: number) => boolean): number {
    const d = this.d;
    if (typeof d !== 'string') return d.zsl.countPrefix((n) => lteMax(n.member, n.score)) - 1;
    const offs = P.offsets(d, P.count(d));
    for (let i = offs.length - 1; i >= 0; i--) {
      P.read(d, offs[i]);
      if (lteMax(P.curMember(d), P.curScore(d))) return i;
    }
    return -1;
  }

  /**
   * Member and level of the first n skip list nodes in ascending order (MEMORY USAGE samples their
   * sizes), or null while the set is in its packed shape.
   */
  sampleNodes(n: number): Array<[string, number]> | null {
    const d = this.d;
    if (typeof d === 'string') return null;
    const out: Array<[string, number]> = [];
    for (let x = d.zsl.header.fwd[0]; x !== null && out.length < n; x = x.fwd[0]) out.push([x.member, x.fwd.length]);
    return out;
  }

  /** Longest member length (for the listpack value limit). */
  maxMemberLength(): number {
    const d = this.d;
    let max = 0;
    if (typeof d === 'string') {
      for (let o = 2; o < d.length; o = P.cur.next) {
        P.read(d, o);
        if (P.cur.mLen > max) max = P.cur.mLen;
      }
    } else {
      for (const m of d.dict.keys()) if (m.length > max) max = m.length;
    }
    return max;
  }
}
