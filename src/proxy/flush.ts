// Output batching: sockets written during one event-loop pass (many client requests into one backend
// connection, many backend replies into one client) are flushed once, with one write() each, when
// the pass's I/O callbacks are done (setImmediate runs after the poll phase).

/** Something with buffered output. */
export interface Flushable {
  /** True while queued for the next flush (avoids duplicates without a Set). */
  flushQueued: boolean;
  flush(): void;
}

let queue: Flushable[] = [];
let scheduled = false;

function run(): void {
  scheduled = false;
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
  queue.push(f);
  if (!scheduled) {
    scheduled = true;
    setImmediate(run);
  }
}
