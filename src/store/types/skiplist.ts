// Redis's zskiplist (t_zset.c), ported: an ordered index of (score, member) with a span per forward
// link so that rank lookups and rank-addressed walks are O(log n). Large sorted sets use it; small
// ones stay in sorted arrays (see zset.ts) as Redis keeps them in a listpack.
// Members compare bytewise (latin1 strings compare per byte with < in JS), scores as doubles.

const MAX_LEVEL = 32;
const P = 0.25;

/** One skip list node. `fwd[i]`/`span[i]` are the level-i link and how many ranks it skips. */
export class SkipNode {
  backward: SkipNode | null = null;
  readonly fwd: (SkipNode | null)[];
  readonly span: number[];
  constructor(public member: string, public score: number, level: number) {
    this.fwd = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** Whether (s1, m1) sorts before (s2, m2). */
function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** The skip list. Callers keep the member -> score map and never insert a member twice. */
export class SkipList {
  readonly header = new SkipNode('', 0, MAX_LEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;
  // Scratch arrays reused by insert/delete (one list is touched at a time: no reentrancy).
  private static readonly update: SkipNode[] = new Array(MAX_LEVEL);
  private static readonly rank: number[] = new Array(MAX_LEVEL).fill(0);

  /** Inserts a new (score, member). */
  insert(score: number, member: string): SkipNode {
    const update = SkipList.update;
    const rank = SkipList.rank;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let n = x.fwd[i];
      while (n !== null && before(n.score, n.member, score, member)) {
        rank[i] += x.span[i];
        x = n;
        n = x.fwd[i];
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        update[i].span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      node.fwd[i] = update[i].fwd[i];
      update[i].fwd[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.header ? null : update[0];
    const next = node.fwd[0];
    if (next !== null) next.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Deletes (score, member); returns whether it was found. */
  delete(score: number, member: string): boolean {
    const update = SkipList.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.fwd[i];
      while (n !== null && before(n.score, n.member, score, member)) {
        x = n;
        n = x.fwd[i];
      }
      update[i] = x;
    }
    const node = x.fwd[0];
    if (node === null || node.score !== score || node.member !== member) return false;
    for (let i = 0; i < this.level; i++) {
      if (update[i].fwd[i] === node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].fwd[i] = node.fwd[i];
      } else {
        update[i].span[i]--;
      }
    }
    const next = node.fwd[0];
    if (next !== null) next.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.header.fwd[this.level - 1] === null) this.level--;
    this.length--;
    return true;
  }

  /** 0-based rank of (score, member), which must be present. */
  rankOf(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.fwd[i];
      while (n !== null && (before(n.score, n.member, score, member) || (n.score === score && n.member === member))) {
        rank += x.span[i];
        x = n;
        if (x.member === member && x.score === score) return rank - 1;
        n = x.fwd[i];
      }
    }
    return -1;
  }

  /** Node at a 0-based rank (must be in range). */
  byRank(rank: number): SkipNode {
    const target = rank + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.fwd[i];
      while (n !== null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = n;
        n = x.fwd[i];
      }
      if (traversed === target) return x;
    }
    throw new Error(`rank out of range: ${rank}`);
  }

  /** Number of nodes for which `lt(node)` holds, given that they form a prefix of the list. */
  countPrefix(lt: (n: SkipNode) => boolean): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.fwd[i];
      while (n !== null && lt(n)) {
        rank += x.span[i];
        x = n;
        n = x.fwd[i];
      }
    }
    return rank;
  }
}
