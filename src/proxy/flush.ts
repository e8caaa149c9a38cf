// Output batching: sockets written during one event-loop pass (many client requests into one backend
// connection, many backend replies into one client) are flushed once, with one write() each, when
// the pass's I/O callbacks are done (setImmediate runs after the poll phase).
//
// Client replies go out at the end of the pass they arrived in. Requests to backends wait one pass
// more: the next poll phase adds whatever clients sent meanwhile, so a backend gets bigger batches
// and is woken less often. twemproxy gets the same effect by writing to a backend only when the
// next epoll_wait reports it writable. Measured with 50 clients at -P 1 on this 2-core machine
// (median of 12 alternating runs): 2-14% more GETs per second, and the replicas woke about a fifth
// less often per request; a lone client's round trip did not change measurably (the extra pass
// polls with a zero timeout).

/** Something with buffered output. */
export interface Flushable {
  /** True while queued for the next flush (avoids duplicates without a Set). */
  flushQueued: boolean;
  flush(): void;
  /** A backend connection: flushed one pass later (see above). */
  readonly toBackend?: boolean;
}

let queue: Flushable[] = [];
/** Backend connections with requests, and whether they have already waited a pass. */
let backends: Flushable[] = [];
let backendsWaited = false;
let scheduled = false;

/**
 * Counts flushes, so code running in the same event-loop pass sees the same number: the pool keeps
 * a pass's reads on one replica (one write to it, one batch of replies) by comparing it.
 */
export const loopPass = { n: 0 };

function flushAll(q: Flushable[]): void {
  for (let i = 0; i < q.length; i++) {
    q[i].flushQueued = false;
    q[i].flush();
  }
}

function run(): void {
  scheduled = false;
  loopPass.n++;
  const q = queue;
  queue = [];
  flushAll(q);
  if (backends.length === 0) return;
  if (!backendsWaited) {
    // An immediate queued while immediates run fires in the next pass, after its poll phase.
    backendsWaited = true;
    // (A client's flush may have queued the next run already.)
    if (!scheduled) {
      scheduled = true;
      setImmediate(run);
    }
    return;
  }
  backendsWaited = false;
  const b = backends;
  backends = [];
  flushAll(b);
}

/** Queues f to be flushed at the end of this event-loop pass (a backend connection: the next one). */
export function scheduleFlush(f: Flushable): void {
  if (f.flushQueued) return;
  f.flushQueued = true;
  if (f.toBackend) backends.push(f);
  else queue.push(f);
  if (!scheduled) {
    scheduled = true;
    setImmediate(run);
  }
}
