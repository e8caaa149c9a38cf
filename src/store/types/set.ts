// The set value (t_set.c). Members live in a JS Set (latin1 strings). Redis 7.0 keeps small all-integer
// sets as an "intset" and everything else as a "hashtable"; the conversion happens when a member is
// added (a non-integer member, or one member too many) and is never undone. We track that state so
// that OBJECT ENCODING answers what Redis answers, and so that SMEMBERS/SSCAN of an intset list the
// members in ascending integer order as Redis does.

import type { CollectionValue, EncodingLimits } from '../db';
import { parseInteger } from '../commands/args';

/** Encoding state: not yet decided (built by `from`, e.g. RDB load), intset, or hashtable. */
const enum Enc {
  Unknown = 0,
  Intset = 1,
  Hashtable = 2,
}

/** Whether a member is a canonical int64 as Redis's string2ll accepts (what an intset may hold). */
export function isIntsetMember(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1; // "0" only; no leading zeros, no "-0"
  for (; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  return n < 18 || parseInteger(s) !== null; // only long numbers may overflow int64
}

/** Bytes per element of an intset holding this member: 2, 4 or 8 (intset.c's _intsetValueEncoding). */
function intsetWidthOf(s: string): number {
  const n = Number(s); // exact enough: the boundaries are far below 2^53
  return n >= -32768 && n <= 32767 ? 2 : n >= -2147483648 && n <= 2147483647 ? 4 : 8;
}

/** Orders intset members as Redis stores them: ascending by integer value. */
function compareIntMembers(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x < y ? -1 : 1;
  if (Number.isSafeInteger(x)) return 0;
  const bx = BigInt(a);
  const by = BigInt(b);
  return bx < by ? -1 : bx > by ? 1 : 0;
}

/** A Redis set. Mutate through add/remove so the encoding state stays right. */
export class SetValue implements CollectionValue {
  readonly type = 'set';
  /** The members. Read freely; mutate only through add/remove/pop. */
  readonly set: Set<string>;
  private enc: Enc;
  /**
   * Random-access pool for SPOP/SRANDMEMBER (a JS Set has no O(1) random pick). Built on first use;
   * entries may be stale (removed members) and are discarded lazily when picked.
   */
  private pool: string[] | null = null;
  /**
   * The widest intset element width any member added while an intset needed (0: none recorded).
   * An intset is upgraded to a wider encoding and never narrowed again, so MEMORY USAGE needs it.
   */
  private width = 0;

  constructor(set?: Set<string>, enc: Enc = Enc.Unknown) {
    this.set = set ?? new Set();
    this.enc = enc;
  }

  /** A set with these members; its encoding is decided on first use from the limits then in force. */
  static from(members: Iterable<string>): SetValue {
    return new SetValue(new Set(members));
  }

  /** An empty set as SADD/SINTERSTORE create it (an intset until a member says otherwise). */
  static empty(): SetValue {
    return new SetValue(new Set(), Enc.Intset);
  }

  size(): number {
    return this.set.size;
  }

  has(member: string): boolean {
    return this.set.has(member);
  }

  clone(): SetValue {
    const c = new SetValue(new Set(this.set), this.enc);
    c.width = this.width;
    return c;
  }

  private resolve(limits: EncodingLimits): void {
    if (this.enc !== Enc.Unknown) return;
    let ok = this.set.size <= limits.setMaxIntsetEntries;
    if (ok) {
      for (const m of this.set) {
        if (!isIntsetMember(m)) {
          ok = false;
          break;
        }
      }
    }
    this.enc = ok ? Enc.Intset : Enc.Hashtable;
  }

  /**
   * Decides the encoding again from the members now in the set, as Redis does when SPOP with a
   * big count rebuilds the set from the members that stay (an intset again if they all fit one).
   */
  reencode(limits: EncodingLimits): void {
    this.enc = Enc.Unknown;
    this.width = 0;
    this.resolve(limits);
  }

  /**
   * Bytes per element of the intset Redis would hold (the set must be intset-encoded): the widest
   * member now in it, or wider if a wider member was added earlier and has since gone.
   */
  intsetWidth(): number {
    let w = this.width;
    if (w === 8) return w;
    for (const m of this.set) {
      const x = intsetWidthOf(m);
      if (x > w && (w = x) === 8) break;
    }
    return w || 2;
  }

  encoding(limits: EncodingLimits): string {
    this.resolve(limits);
    return this.enc === Enc.Intset ? 'intset' : 'hashtable';
  }

  /** Whether the members are kept in intset order (ascending integers). */
  isIntset(limits: EncodingLimits): boolean {
    this.resolve(limits);
    return this.enc === Enc.Intset;
  }

  /** Adds a member; returns false if it was already there. Converts intset -> hashtable as Redis does. */
  add(member: string, limits: EncodingLimits): boolean {
    if (this.set.has(member)) return false;
    if (this.enc !== Enc.Hashtable) {
      this.resolve(limits);
      if (this.enc === Enc.Intset && (!isIntsetMember(member) || this.set.size + 1 > limits.setMaxIntsetEntries)) {
        this.enc = Enc.Hashtable;
      }
    }
    if (this.enc === Enc.Intset) {
      const w = intsetWidthOf(member);
      if (w > this.width) this.width = w;
    }
    this.set.add(member);
    if (this.pool !== null) this.pool.push(member);
    return true;
  }

  /** Removes a member; returns whether it was there. */
  remove(member: string): boolean {
    return this.set.delete(member);
  }

  /** Members in the order Redis lists them where that order is defined (intset: ascending). */
  members(limits: EncodingLimits): string[] {
    const a = Array.from(this.set);
    if (this.isIntset(limits)) a.sort(compareIntMembers);
    return a;
  }

  private livePool(): string[] {
    let p = this.pool;
    if (p === null || p.length > 2 * this.set.size + 16) p = this.pool = Array.from(this.set);
    return p;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    const p = this.livePool();
    for (;;) {
      const i = Math.floor(Math.random() * p.length);
      const m = p[i];
      if (this.set.has(m)) return m;
      p[i] = p[p.length - 1];
      p.pop();
    }
  }

  /** Removes and returns a random member (the set must not be empty). */
  pop(): string {
    const p = this.livePool();
    for (;;) {
      const i = Math.floor(Math.random() * p.length);
      const m = p[i];
      p[i] = p[p.length - 1];
      p.pop();
      if (this.set.delete(m)) {
        if (this.set.size === 0) this.pool = null;
        return m;
      }
    }
  }
}
