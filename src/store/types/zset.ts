// The sorted set value (t_zset.c). Ordered by (score, member bytewise), as Redis orders it.
// Two internal shapes, as in Redis: up to SMALL_MAX entries, two parallel sorted arrays (like a
// listpack: compact, O(n) updates on a short array); beyond that, a skip list with spans (O(log n)
// rank) plus a member -> score Map. The internal shape is a memory/speed choice independent of the
// OBJECT ENCODING answer, which follows Redis's listpack/skiplist rules and is tracked separately.

import type { CollectionValue, EncodingLimits } from '../db';
import { SkipList, type SkipNode } from './skiplist';

/** Above this many entries the arrays become a skip list. */
const SMALL_MAX = 128;

const enum Enc {
  Unknown = 0,
  Listpack = 1,
  Skiplist = 2,
}

/** A Redis sorted set. */
export class ZSetValue implements CollectionValue {
  readonly type = 'zset';
  // Small shape: members and scores sorted by (score, member). Null once big.
  private m: string[] | null = [];
  private s: number[] | null = [];
  // Big shape.
  private zsl: SkipList | null = null;
  private dict: Map<string, number> | null = null;
  private enc: Enc = Enc.Unknown;

  /** A sorted set with these entries (later duplicates update the score); encoding decided on first use. */
  static from(entries: Iterable<[string, number]>): ZSetValue {
    const z = new ZSetValue();
    for (const [m, sc] of entries) z.add(m, sc);
    return z;
  }

  /** An empty sorted set as ZADD creates it (listpack until a limit is crossed). */
  static empty(): ZSetValue {
    const z = new ZSetValue();
    z.enc = Enc.Listpack;
    return z;
  }

  size(): number {
    return this.m !== null ? this.m.length : this.zsl!.length;
  }

  clone(): ZSetValue {
    const z = new ZSetValue();
    if (this.m !== null) {
      z.m = this.m.slice();
      z.s = this.s!.slice();
    } else {
      for (const [m, sc] of this.ascending()) z.add(m, sc);
    }
    z.enc = this.enc;
    return z;
  }

  // ---- encoding (what OBJECT ENCODING says) ----

  encoding(limits: EncodingLimits): string {
    if (this.enc === Enc.Unknown) this.recomputeEncoding(limits);
    return this.enc === Enc.Listpack ? 'listpack' : 'skiplist';
  }

  /**
   * Decides the encoding from scratch (zsetConvertToListpackIfNeeded for a freshly stored result,
   * or a loaded value): listpack if the entry count and every member length fit the limits.
   */
  recomputeEncoding(limits: EncodingLimits): void {
    let ok = this.size() <= limits.zsetMaxListpackEntries;
    if (ok) {
      for (const [m] of this.ascending()) {
        if (m.length > limits.zsetMaxListpackValue) {
          ok = false;
          break;
        }
      }
    }
    this.enc = ok ? Enc.Listpack : Enc.Skiplist;
  }

  /** Applies Redis's listpack -> skiplist rule before inserting a new member. */
  private noteInsert(member: string, limits: EncodingLimits): void {
    if (this.enc === Enc.Unknown) this.recomputeEncoding(limits);
    if (this.enc === Enc.Listpack && (this.size() + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue)) {
      this.enc = Enc.Skiplist;
    }
  }

  // ---- point operations ----

  score(member: string): number | undefined {
    if (this.m !== null) {
      const i = this.m.indexOf(member);
      return i < 0 ? undefined : this.s![i];
    }
    return this.dict!.get(member);
  }

  has(member: string): boolean {
    return this.score(member) !== undefined;
  }

  /** Inserts or updates. With limits, a new member may convert the reported encoding (ZADD path). */
  add(member: string, score: number, limits?: EncodingLimits): void {
    if (this.m !== null) {
      const m = this.m;
      const s = this.s!;
      const i = m.indexOf(member);
      if (i >= 0) {
        if (s[i] === score) return; // Redis compares with ==: 0 and -0 are the same score
        m.splice(i, 1);
        s.splice(i, 1);
      } else {
        if (limits) this.noteInsert(member, limits);
        if (m.length >= SMALL_MAX) {
          this.toBig();
          this.bigInsert(member, score);
          return;
        }
      }
      const at = this.smallLowerBound(score, member);
      m.splice(at, 0, member);
      s.splice(at, 0, score);
      return;
    }
    const old = this.dict!.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.zsl!.delete(old, member);
      this.zsl!.insert(score, member);
      this.dict!.set(member, score);
      return;
    }
    if (limits) this.noteInsert(member, limits);
    this.bigInsert(member, score);
  }

  private bigInsert(member: string, score: number): void {
    this.zsl!.insert(score, member);
    this.dict!.set(member, score);
  }

  private toBig(): void {
    const zsl = new SkipList();
    const dict = new Map<string, number>();
    const m = this.m!;
    const s = this.s!;
    for (let i = 0; i < m.length; i++) {
      zsl.insert(s[i], m[i]);
      dict.set(m[i], s[i]);
    }
    this.zsl = zsl;
    this.dict = dict;
    this.m = this.s = null;
  }

  /** Index of the first entry not before (score, member) in the small arrays. */
  private smallLowerBound(score: number, member: string): number {
    const m = this.m!;
    const s = this.s!;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < score || (s[mid] === score && m[mid] < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  remove(member: string): boolean {
    if (this.m !== null) {
      const i = this.m.indexOf(member);
      if (i < 0) return false;
      this.m.splice(i, 1);
      this.s!.splice(i, 1);
      return true;
    }
    const old = this.dict!.get(member);
    if (old === undefined) return false;
    this.dict!.delete(member);
    this.zsl!.delete(old, member);
    return true;
  }

  /** 0-based rank (from the highest score when reverse), or undefined if absent. */
  rank(member: string, reverse = false): number | undefined {
    let r: number;
    if (this.m !== null) {
      r = this.m.indexOf(member);
      if (r < 0) return undefined;
    } else {
      const sc = this.dict!.get(member);
      if (sc === undefined) return undefined;
      r = this.zsl!.rankOf(sc, member);
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
   * `backward`. Stops early at either end.
   */
  *walk(from: number, count: number, backward: boolean): Generator<[string, number]> {
    const n = this.size();
    if (from < 0 || from >= n) return;
    if (this.m !== null) {
      const m = this.m;
      const s = this.s!;
      if (!backward) for (let i = from; i < n && count > 0; i++, count--) yield [m[i], s[i]];
      else for (let i = from; i >= 0 && count > 0; i--, count--) yield [m[i], s[i]];
      return;
    }
    let x: SkipNode | null = this.zsl!.byRank(from);
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
    if (this.dict !== null) yield* this.dict;
    else yield* Array.from(this.ascending());
  }

  /** Entry at an ascending rank (must be in range). */
  at(rank: number): [string, number] {
    if (this.m !== null) return [this.m[rank], this.s![rank]];
    const x = this.zsl!.byRank(rank);
    return [x.member, x.score];
  }

  /**
   * Ascending rank of the first entry for which `gteMin` holds, as Redis finds the start of a range
   * (small: a linear scan from the head, like a listpack; big: a skip list descent). `size()` if none.
   */
  firstWhere(gteMin: (member: string, score: number) => boolean): number {
    if (this.m !== null) {
      const m = this.m;
      const s = this.s!;
      for (let i = 0; i < m.length; i++) if (gteMin(m[i], s[i])) return i;
      return m.length;
    }
    return this.zsl!.countPrefix((n) => !gteMin(n.member, n.score));
  }

  /** Ascending rank of the last entry for which `lteMax` holds (scanning from the tail); -1 if none. */
  lastWhere(lteMax: (member: string, score: number) => boolean): number {
    if (this.m !== null) {
      const m = this.m;
      const s = this.s!;
      for (let i = m.length - 1; i >= 0; i--) if (lteMax(m[i], s[i])) return i;
      return -1;
    }
    return this.zsl!.countPrefix((n) => lteMax(n.member, n.score)) - 1;
  }

  /** Longest member length (for the listpack value limit). */
  maxMemberLength(): number {
    let max = 0;
    for (const [m] of this.ascending()) if (m.length > max) max = m.length;
    return max;
  }
}
