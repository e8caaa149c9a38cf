// A second (third, ...) connection pair for differential tests that need several clients at once
// (a subscriber and a publisher, two WATCHing clients): one RawClient to our store and one to the real
// redis-server, driven in lockstep, with every reply compared byte for byte.

import assert from 'node:assert/strict';
import { RawClient } from './raw';
import { encodeCommand } from '../../src/resp/encode';
import type { DiffPair } from './diff';

export class Twin {
  private constructor(readonly ours: RawClient, readonly theirs: RawClient) {}

  /** Opens one more connection to each server of a differential pair. */
  static async open(d: DiffPair): Promise<Twin> {
    return new Twin(await RawClient.connect(d.store.port), await RawClient.connect(d.redis.port));
  }

  /** Wraps the pair's own connections. */
  static of(d: DiffPair): Twin {
    return new Twin(d.ours, d.theirs);
  }

  /** Sends a command to both and compares the next n replies (pushes count as replies). */
  async send(args: Array<string | Buffer | number>, n = 1): Promise<string[]> {
    const bytes = encodeCommand(args.map((a) => (typeof a === 'number' ? String(a) : a)));
    this.ours.write(bytes);
    this.theirs.write(bytes);
    return this.expect(n, JSON.stringify(args.map(String)));
  }

  /** Reads the next n replies from both and compares them. */
  async expect(n: number, what = 'pending output'): Promise<string[]> {
    const [a, b] = await Promise.all([this.ours.read(n), this.theirs.read(n)]);
    const sa = a.map((x) => x.toString('latin1'));
    const sb = b.map((x) => x.toString('latin1'));
    assert.deepEqual(sa, sb, `replies differ for ${what}`);
    assert.equal(sa.length, n, `expected ${n} replies for ${what}`);
    return sa;
  }

  /** Asserts that neither side has anything more to say within `ms`. */
  async quiet(ms = 50): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const a = await this.ours.read(1, 1).catch(() => []);
    const b = await this.theirs.read(1, 1).catch(() => []);
    assert.deepEqual(a.map(String), [], 'resplit sent unexpected output');
    assert.deepEqual(b.map(String), [], 'redis sent unexpected output');
  }

  close(): void {
    this.ours.close();
    this.theirs.close();
  }
}
