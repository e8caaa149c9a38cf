// Output batching (src/proxy/flush.ts) without sockets: client output goes out at the end of the
// event-loop pass it was queued in; requests to a backend wait one pass more, so what clients send in
// the next pass joins the same write.

import assert from 'node:assert/strict';
import { scheduleFlush, loopPass, type Flushable } from '../src/proxy/flush';

class Fake implements Flushable {
  flushQueued = false;
  readonly flushedAt: number[] = [];
  constructor(readonly toBackend: boolean) {}
  flush(): void {
    this.flushedAt.push(loopPass.n);
  }
}

/** Resolves after `n` event-loop passes (each setImmediate queued from an immediate is a new pass). */
function passes(n: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (k: number) => (k === 0 ? resolve() : setImmediate(() => step(k - 1)));
    step(n);
  });
}

describe('proxy output batching (flush passes)', () => {
  it('a client flushes in its pass, a backend one pass later, once', async () => {
    const client = new Fake(false);
    const backend = new Fake(true);
    scheduleFlush(client);
    scheduleFlush(backend);
    scheduleFlush(backend);
    await passes(4);
    assert.equal(client.flushedAt.length, 1);
    assert.equal(backend.flushedAt.length, 1);
    assert.equal(backend.flushedAt[0], client.flushedAt[0] + 1);
  });

  it('requests queued in the next pass join the held backend write', async () => {
    const backend = new Fake(true);
    const other = new Fake(true);
    scheduleFlush(backend);
    // Runs after the pass's flush has held `backend` back: joins the held write, no second flush.
    await new Promise<void>((r) => setImmediate(() => {
      scheduleFlush(other);
      scheduleFlush(backend);
      r();
    }));
    await passes(4);
    assert.equal(backend.flushedAt.length, 1, 'the held connection was flushed twice');
    assert.equal(other.flushedAt.length, 1);
    assert.equal(other.flushedAt[0], backend.flushedAt[0]);
  });

  it('a connection queued again after its flush is flushed again', async () => {
    const backend = new Fake(true);
    scheduleFlush(backend);
    await passes(4);
    scheduleFlush(backend);
    await passes(4);
    assert.equal(backend.flushedAt.length, 2);
    assert.ok(backend.flushedAt[1] > backend.flushedAt[0]);
  });
});
