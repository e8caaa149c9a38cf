// One request in flight, or a run of pipelined requests that went to the same backend together: the
// cell of a client's in-order reply FIFO and, at the same time, the entry a backend connection matches
// its next replies to. One object per run, nothing more: 16 pipelined GETs cost one slot, one copy of
// their request bytes and one reply buffer.

import { scanFrame, frame } from '../resp/frame-scan';

/** Who is told when a slot has its reply (the client session). */
export interface SlotOwner {
  /** The client is gone: its slots' replies are dropped and its reads not sent again. */
  readonly closed: boolean;
  slotDone(slot: Slot): void;
  /**
   * Some replies of a run arrived before the rest: true when the owner took the bytes (written on to
   * the client because the run is at the head of its FIFO, or dropped because the client is gone),
   * false when the slot must keep them.
   */
  slotPartial(slot: Slot, bytes: Buffer): boolean;
  /**
   * Whether bytes of a reply still arriving may go on now: the slot's bytes would be written at
   * once (the head of its FIFO, nothing to rewrite), or dropped (the client is gone).
   */
  canStream(slot: Slot): boolean;
  /** The slot's connection failed after part of a reply went to the client (Slot.torn): the client is closed. */
  slotTorn(slot: Slot): void;
}

/** Rewrites a reply before the client sees it (SCAN cursors, INFO's proxy section). */
export type PostFn = (slot: Slot, reply: Buffer) => Buffer;

/** One request or pipelined run in flight (see the module comment): its request bytes, routing state and reply. */
export class Slot {
  /** The reply bytes once known. */
  reply: Buffer | null = null;
  /** Next slot in the owner's FIFO. */
  next: Slot | null = null;
  /**
   * The request bytes, kept only for reads so a failed read can be re-sent elsewhere: `raw`, or
   * where a backend connection copied them (keptBuf[keptAt, keptEnd)); see request().
   */
  raw: Buffer | null = null;
  keptBuf: Buffer | null = null;
  keptAt = 0;
  keptEnd = 0;
  /** The database the request runs in. */
  db = 0;
  /** Route kind (K.*). */
  kind = 0;
  /** How many backends have been tried. */
  tries = 0;
  /**
   * Backends that went silent with this read in flight. In flight on a second one, it gets an
   * error instead of being sent on: a read that is slow itself (a long script, KEYS on a big
   * keyspace) would otherwise take every backend out in turn (Pool stalledTwice).
   */
  stalls = 0;
  /** A read sent to a replica (counted by its owner until it leaves the FIFO: see Session.replicaReads). */
  onReplica = false;
  /** Index of the backend serving it (pool order: 0 = master). */
  backend = -1;
  post: PostFn | null = null;
  /** A number the post function needs (EXEC: the db selected inside MULTI). */
  arg = -1;
  /** Requests in the run (replies the backend owes this slot). */
  count = 1;
  /** A SCAN with a cursor: the same request from cursor 0, what a failover sends (a cursor is one server's). */
  scanRestart: Buffer | null = null;
  /** Request bytes the owner counts as in flight for this slot (its max-pending-bytes-per-client budget). */
  reqBytes = 0;
  /** Replies received so far, and the bytes of those not yet passed on while the run is incomplete. */
  got = 0;
  parts: Buffer[] | null = null;
  /** Reply bytes the owner counts as held in this slot (parts and reply not yet written). */
  held = 0;
  /**
   * Requests of the run already dropped from the request bytes: a retry re-sends only the requests
   * still unanswered, because replies already received may have gone to the client.
   */
  skipped = 0;
  /**
   * Part of the reply in progress has gone to the client (a big reply streamed as it comes): if its
   * connection fails now, no error or retry can follow those bytes, and the client is closed, as its
   * own Redis connection would drop.
   */
  torn = false;

  constructor(readonly owner: SlotOwner | null) {}

  /** Bytes of a reply still arriving, passed on as they come (owner.canStream said so). */
  stream(parts: Buffer[]): void {
    if (this.owner === null) return;
    this.torn = true;
    for (const p of parts) this.owner.slotPartial(this, p);
  }

  /** The connection failed mid-reply after stream(): see torn. */
  lostTorn(): void {
    this.torn = false;
    this.owner?.slotTorn(this);
  }

  /** Some of a run's replies arrived (k of them, in `bytes`); the rest follow. */
  partial(k: number, bytes: Buffer): void {
    this.got += k;
    this.torn = false;
    if (this.owner !== null && this.owner.slotPartial(this, bytes)) return;
    if (this.parts) this.parts.push(bytes);
    else this.parts = [bytes];
  }

  /**
   * The last (or only) replies arrived: `reply` holds them, after those still in `parts` (written
   * first, not joined: a run's replies can be hundreds of MB). A post function sees one buffer.
   */
  complete(reply: Buffer): void {
    if (this.parts !== null && this.post !== null) {
      this.parts.push(reply);
      reply = Buffer.concat(this.parts);
      this.parts = null;
    }
    this.got = this.count;
    this.torn = false;
    this.reply = this.post ? this.post(this, reply) : reply;
    this.raw = this.keptBuf = null;
    if (this.owner) this.owner.slotDone(this);
  }

  /** Answers every request of the run not answered yet with `err` (replies already received stay). */
  fail(err: Buffer): void {
    const missing = this.count - this.got;
    if (missing <= 1) return this.complete(err);
    const errs = Buffer.allocUnsafe(err.length * missing);
    for (let i = 0; i < missing; i++) err.copy(errs, i * err.length);
    this.complete(errs);
  }

  /** The bytes of the requests still unanswered, to re-send (null: not kept). */
  request(): Buffer | null {
    const b = this.raw !== null ? this.raw : this.keptBuf === null ? null : this.keptBuf.subarray(this.keptAt, this.keptEnd);
    if (b === null || this.got === this.skipped) return b;
    let pos = 0;
    for (let i = this.skipped; i < this.got; i++) {
      if (!scanFrame(b, pos, Number.MAX_SAFE_INTEGER)) return null;
      pos = frame.end;
    }
    return b.subarray(pos);
  }

  /**
   * Before the run is sent again elsewhere (reads only) with the bytes request() gave: replies
   * already received stay (they may be with the client already), only the rest are asked for.
   */
  restart(): void {
    this.skipped = this.got;
  }
}
