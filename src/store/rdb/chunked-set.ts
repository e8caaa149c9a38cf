// A set of strings kept as a list of small Sets. A single JS Set that grows to a million entries
// rehashes all of them at once when it doubles (about 40 ms at 512 K entries, measured), which stalls
// the event loop in the middle of a BGSAVE; small Sets rehash in well under a millisecond each.
// Lookups cost one probe per segment, so use it where additions are many and lookups are few (the
// snapshot's "already written" keys: added once per key, looked up once per key changed meanwhile).

/** Entries per segment: its last rehash copies at most half of this. */
const SEGMENT = 16384;

/** Insert-only string set without large rehash pauses (see the module comment). */
export class ChunkedSet {
  private readonly full: Set<string>[] = [];
  private cur = new Set<string>();

  /** Adds a key the caller knows is not in the set yet (no duplicate check across segments). */
  addNew(k: string): void {
    if (this.cur.size >= SEGMENT) {
      this.full.push(this.cur);
      this.cur = new Set();
    }
    this.cur.add(k);
  }

  has(k: string): boolean {
    if (this.cur.has(k)) return true;
    for (let i = this.full.length - 1; i >= 0; i--) if (this.full[i].has(k)) return true;
    return false;
  }

  get size(): number {
    return this.full.length * SEGMENT + this.cur.size;
  }
}
