// One request in flight: the cell of a client's in-order reply FIFO and, at the same time, the entry a
// backend connection matches its next reply to. One object per forwarded request, nothing more.

/** Who is told when a slot has its reply (the client session). */
export interface SlotOwner {
  slotDone(slot: Slot): void;
}

/** Rewrites a reply before the client sees it (SCAN cursors, INFO's proxy section). */
export type PostFn = (slot: Slot, reply: Buffer) => Buffer;

export class Slot {
  /** The reply bytes once known. */
  reply: Buffer | null = null;
  /** Next slot in the owner's FIFO. */
  next: Slot | null = null;
  /** The request bytes, kept only for reads so a failed read can be re-sent elsewhere. */
  raw: Buffer | null = null;
  /** The database the request runs in. */
  db = 0;
  /** Route kind (K.*). */
  kind = 0;
  /** How many backends have been tried. */
  tries = 0;
  /** Index of the backend serving it (pool order: 0 = master). */
  backend = -1;
  post: PostFn | null = null;
  /** A number the post function needs (EXEC: the db selected inside MULTI). */
  arg = -1;

  constructor(readonly owner: SlotOwner | null) {}

  complete(reply: Buffer): void {
    this.reply = this.post ? this.post(this, reply) : reply;
    this.raw = null;
    if (this.owner) this.owner.slotDone(this);
  }
}
