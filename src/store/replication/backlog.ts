// The replication backlog: a fixed-size ring buffer holding the most recent bytes of the replication
// stream, so that a replica that lost its link can continue from its offset (PSYNC -> +CONTINUE)
// instead of reloading the whole dataset. Offsets are Redis's: the first byte ever fed is offset 1.

/** Ring buffer of the last `size` stream bytes, addressed by replication offset. */
export class Backlog {
  private buf: Buffer;
  /** Next write position in buf. */
  private idx = 0;
  /** Bytes of history held (<= size). */
  histlen = 0;
  /** Replication offset of the first byte held (repl_backlog_first_byte_offset). */
  offset: number;

  /** `endOffset` is the master offset at creation: the backlog starts right after it. */
  constructor(size: number, endOffset: number) {
    this.buf = Buffer.alloc(Math.max(1, size));
    this.offset = endOffset + 1;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Offset of the last byte held (equals the master offset while the backlog is fed). */
  get endOffset(): number {
    return this.offset + this.histlen - 1;
  }

  /** Appends stream bytes, dropping the oldest when full. */
  append(b: Buffer): void {
    const size = this.buf.length;
    let src = b;
    if (src.length >= size) {
      // Only the last `size` bytes survive.
      const drop = src.length - size;
      src = src.subarray(drop);
      src.copy(this.buf, 0);
      this.idx = 0;
      this.offset += this.histlen + drop;
      this.histlen = size;
      return;
    }
    const first = Math.min(src.length, size - this.idx);
    src.copy(this.buf, this.idx, 0, first);
    if (first < src.length) src.copy(this.buf, 0, first);
    this.idx = (this.idx + src.length) % size;
    const newHist = this.histlen + src.length;
    if (newHist > size) {
      this.offset += newHist - size;
      this.histlen = size;
    } else this.histlen = newHist;
  }

  /** Whether the stream from `from` (the next offset a replica needs) to the end is still held. */
  covers(from: number): boolean {
    return from >= this.offset && from <= this.offset + this.histlen;
  }

  /** The bytes from offset `from` to the end (caller checked covers()). */
  copyFrom(from: number): Buffer {
    const n = this.offset + this.histlen - from;
    if (n <= 0) return Buffer.alloc(0);
    const size = this.buf.length;
    // Position of the oldest byte.
    const oldest = (this.idx - this.histlen + size) % size;
    const start = (oldest + (from - this.offset)) % size;
    if (start + n <= size) return Buffer.from(this.buf.subarray(start, start + n));
    return Buffer.concat([this.buf.subarray(start), this.buf.subarray(0, n - (size - start))]);
  }

  /** Changes the capacity keeping as much of the most recent history as fits (CONFIG SET repl-backlog-size). */
  resize(size: number): void {
    size = Math.max(1, size);
    if (size === this.buf.length) return;
    const keep = Math.min(this.histlen, size);
    const data = this.copyFrom(this.offset + this.histlen - keep);
    this.buf = Buffer.alloc(size);
    data.copy(this.buf, 0);
    this.offset += this.histlen - keep;
    this.histlen = keep;
    this.idx = keep % size;
  }
}
