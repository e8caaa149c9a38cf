// A bounded flush of the asynchronous log destination at process exit. pino flushes an async
// pino.destination() on 'exit' with sonic-boom 4's flushSync, which retries every failed write for
// ever (100 ms sleeps, any error code): with its reader gone (a pipe whose reader exited: EPIPE) or
// never reading again (a stopped terminal: EAGAIN), a resplit-server or proxy told to stop never
// exited. This replaces that flushSync on our destination: the same pending bytes, written until an
// error other than EAGAIN/EBUSY (then dropped, as nobody can read them) or until EXIT_FLUSH_MS of
// retries.

import fs from 'node:fs';

/** How long the exit flush keeps retrying a destination that does not take bytes (EAGAIN/EBUSY). */
export const EXIT_FLUSH_MS = 2000;

/** sonic-boom 4's internal buffers (package-lock pins the version; see the module comment). */
interface SonicInternals {
  fd: number;
  _bufs: Array<string | Buffer>;
  _writingBuf: string | Buffer;
  _writing: boolean;
  flushSync(): void;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Makes `dest.flushSync` bounded (see the module comment). */
export function boundExitFlush(dest: object): void {
  const d = dest as SonicInternals;
  if (!Array.isArray(d._bufs)) return; // not the sonic-boom this was written for: leave it as it is
  d.flushSync = () => {
    const pending: Array<string | Buffer> = [];
    if (!d._writing && d._writingBuf.length > 0) pending.push(d._writingBuf);
    pending.push(...d._bufs);
    d._bufs = [];
    d._writingBuf = '';
    const deadline = Date.now() + EXIT_FLUSH_MS;
    for (const chunk of pending) {
      let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      while (buf.length > 0) {
        try {
          buf = buf.subarray(fs.writeSync(d.fd, buf));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if ((code !== 'EAGAIN' && code !== 'EBUSY') || Date.now() >= deadline) return;
          Atomics.wait(sleepCell, 0, 0, 10);
        }
      }
    }
  };
}
