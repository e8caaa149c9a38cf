// A clock read on every request where whole seconds are all that is shown (CLIENT LIST's idle):
// Date.now() costs a system-time read per call, which at one request per read is measurable; this
// reads a value refreshed every 100 ms by an unreferenced timer (it never keeps a process alive).

let now = Date.now();
let timer: NodeJS.Timeout | null = null;

/** Milliseconds since the epoch, at most about 100 ms old. */
export function coarseNow(): number {
  if (timer === null) {
    timer = setInterval(() => {
      now = Date.now();
    }, 100);
    timer.unref();
    now = Date.now();
  }
  return now;
}
