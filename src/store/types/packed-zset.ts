// A small sorted set packed into ONE latin1 string, as Redis packs it into one listpack (see
// packed.ts for why). Layout: [encoding byte][count byte], then per entry, in (score, member bytes)
// order: [member length varint][member][score length byte][score as its shortest decimal text]
// ("-0" for negative zero, "Infinity"/"-Infinity"), so a small integer score costs two bytes.
// Reads go through one module cursor (`cur`) filled by `read`, so scans allocate nothing.

import { after, build, compareAt, detach, equalAt, lenAt, lenStr } from './packed';

/** The entry last read by `read`: member bytes, score text bytes, and the offset of the next entry. */
export const cur = { mOff: 0, mLen: 0, sOff: 0, sLen: 0, next: 0 };

/** Reads the entry at offset o into `cur`. */
export function read(p: string, o: number): void {
  const ml = lenAt(p, o);
  const mo = after;
  const so = mo + ml + 1;
  const sl = p.charCodeAt(so - 1);
  cur.mOff = mo;
  cur.mLen = ml;
  cur.sOff = so;
  cur.sLen = sl;
  cur.next = so + sl;
}

/** The score of the entry in `cur`. Integers of up to 15 digits are parsed without a substring. */
export function curScore(p: string): number {
  const off = cur.sOff;
  const end = off + cur.sLen;
  let i = off;
  let neg = false;
  if (p.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  if (end - i > 0 && end - i <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === end) return neg ? -v : v;
  }
  return +p.slice(off, end);
}

/** The member of the entry in `cur` (a substring: short-lived use). */
export function curMember(p: string): string {
  return p.slice(cur.mOff, cur.mOff + cur.mLen);
}

/** The shortest text that parses back to exactly this score (keeping the sign of zero). */
export function scoreText(sc: number): string {
  return sc === 0 && 1 / sc < 0 ? '-0' : String(sc);
}

/** Packs entries already sorted by (score, member) and unique, with an encoding byte. */
export function pack(enc: number, sorted: ReadonlyArray<readonly [string, number]>): string {
  const out: string[] = [String.fromCharCode(enc), String.fromCharCode(sorted.length)];
  for (const [m, sc] of sorted) {
    const t = scoreText(sc);
    out.push(lenStr(m.length), m, String.fromCharCode(t.length), t);
  }
  return out.join('');
}

/** Number of entries. */
export function count(p: string): number {
  return p.charCodeAt(1);
}

/** Offset of the member's entry (left in `cur`), or -1. */
export function find(p: string, member: string): number {
  const end = p.length;
  for (let o = 2; o < end; o = cur.next) {
    read(p, o);
    if (equalAt(p, cur.mOff, cur.mLen, member)) return o;
  }
  return -1;
}

/** What `locate` found: the member's entry [hit, hitEnd) with its score (hit -1 if absent), and `at`. */
export const loc = { hit: -1, hitEnd: 0, hitScore: 0, at: 0 };

/**
 * One pass over p for an upsert of (member, score): finds the member's current entry and `at`, the
 * offset of the first other entry that does not sort before (score, member) (p.length if none).
 */
export function locate(p: string, member: string, score: number): void {
  const end = p.length;
  let hit = -1;
  let at = -1;
  for (let o = 2; o < end; ) {
    read(p, o);
    const next = cur.next;
    if (hit < 0 && equalAt(p, cur.mOff, cur.mLen, member)) {
      hit = o;
      loc.hitEnd = next;
      loc.hitScore = curScore(p);
    } else if (at < 0) {
      const s = curScore(p);
      if (s > score || (s === score && compareAt(p, cur.mOff, cur.mLen, member) > 0)) at = o;
    }
    if (at >= 0 && hit >= 0) break;
    o = next;
  }
  loc.hit = hit;
  loc.at = at < 0 ? end : at;
}

/**
 * p with (member, score) at its place in the order, replacing the member's entry if any: `loc` must
 * come from `locate` on this p (the encoding byte may differ: it is taken from p).
 */
export function upsert(p: string, member: string, score: number): string {
  const { hit, hitEnd, at } = loc;
  const t = scoreText(score);
  const entry = lenStr(member.length) + member + String.fromCharCode(t.length) + t;
  const head = p[0] + String.fromCharCode(count(p) + (hit < 0 ? 1 : 0));
  if (hit < 0) return build(head, p.slice(2, at), entry, p.slice(at));
  if (at <= hit) return build(head, p.slice(2, at), entry, p.slice(at, hit), p.slice(hitEnd));
  return build(head, p.slice(2, hit), p.slice(hitEnd, at), entry, p.slice(at));
}

/** p without the entry at o. */
export function remove(p: string, o: number): string {
  read(p, o);
  return build(p[0], String.fromCharCode(count(p) - 1), p.slice(2, o), p.slice(cur.next));
}

/** p with another encoding byte. */
export function withEnc(p: string, enc: number): string {
  return build(String.fromCharCode(enc), p.slice(1));
}

/** Offsets of the first `n` entries (for walks from the tail). */
export function offsets(p: string, n: number): number[] {
  const out: number[] = [];
  for (let o = 2; out.length < n && o < p.length; o = cur.next) {
    out.push(o);
    read(p, o);
  }
  return out;
}

/** Calls fn(member, score) for each entry in order, with members that do not keep p alive. */
export function forEachDetached(p: string, fn: (m: string, s: number) => void): void {
  const buf = Buffer.from(p, 'latin1');
  for (let o = 2; o < p.length; ) {
    read(p, o);
    o = cur.next;
    fn(detach(buf, cur.mOff, cur.mOff + cur.mLen), curScore(p));
  }
}
