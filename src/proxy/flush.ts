// Output batching: sockets written during one event-loop pass (many client requests into one backend
// connection, many backend replies into one client) are flushed once, with one write() each, when
// the pass's I/O callbacks are done (setImmediate runs after the poll phase).

/** Something with buffered output. */
export interface Flushable {
  /** True while queued for the next flush (avoids duplicates without a Set). */
  flushQueued: boolean;
  flush(): void;
  /** Backend connections flush before clients. */
  readonly early?: boolean;
}

let queue: Flushable[] = [];
let eq: Flushable[] = [];
const ORDER = process.env.RESPLIT_FLUSH_ORDER ?? 'natural';
let scheduled = false;

/**
 * Counts flushes, so code running in the same event-loop pass sees the same number: the pool keeps
 * a pass's reads on one replica (one write to it, one batch of replies) by comparing it.
 */
export const loopPass = { n: 0 };

function run(): void {
  scheduled = false;
  loopPass.n++;
  if (eq.length) {
    const e = eq;
    eq = [];
    for (let i = 0; i < e.length; i++) {
      e[i].flushQueued = false;
      e[i].flush();
    }
  }
  const q = queue;
  queue = [];
  for (let i = 0; i < q.length; i++) {
    q[i].flushQueued = false;
    q[i].flush();
  }
}

/** Queues f to be flushed at the end of this event-loop pass. */
export function scheduleFlush(f: Flushable): void {
  if (f.flushQueued) return;
  f.flushQueued = true;
  if (ORDER === 'natural') queue.push(f);
  else if (ORDER === 'backend-first') (f.early ? eq : queue).push(f);
  else (f.early ? queue : eq).push(f);
  if (!scheduled) {
    scheduled = true;
    setImmediate(run);
  }
}
