// A raw RESP client for tests: sends exact bytes and returns the exact reply bytes, so tests can
// assert byte-for-byte (and compare our store with a real redis-server).

import net from 'node:net';
import { ReplyDecoder, NEED_MORE, type ReplyValue } from '../../src/resp/decoder';
import { encodeCommand } from '../../src/resp/encode';
import { mulberry32u } from './prng';

export class RawClient {
  private readonly raw = new ReplyDecoder(false);
  private readonly replies: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  private bytes: Buffer[] = [];

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.bytes.push(d);
      this.raw.feed(d);
      for (let r = this.raw.nextRaw(); r; r = this.raw.nextRaw()) this.replies.push(Buffer.from(r));
      this.notify();
    });
    sock.on('close', () => {
      this.closed = true;
      this.notify();
    });
    sock.on('error', () => undefined);
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Waits for n complete replies (or the connection to close) and returns them. */
  async read(n = 1, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < n && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} replies (have ${this.replies.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.replies.splice(0, n);
  }

  /** Sends one command (encoded as multibulk) and returns its raw reply. */
  async send(...args: Array<string | Buffer | number>): Promise<Buffer> {
    this.sock.write(encodeCommand(args.map((a) => (typeof a === 'number' ? String(a) : a))));
    const [r] = await this.read(1);
    if (!r) throw new Error('connection closed before a reply');
    return r;
  }

  /** Sends one command and returns its reply as a string (latin1). */
  async str(...args: Array<string | Buffer | number>): Promise<string> {
    return (await this.send(...args)).toString('latin1');
  }

  /** Sends one command and decodes its reply. */
  async value(...args: Array<string | Buffer | number>): Promise<ReplyValue> {
    const d = new ReplyDecoder(true);
    d.feed(await this.send(...args));
    const v = d.next();
    if (v === NEED_MORE) throw new Error('incomplete reply');
    return v;
  }

  /** Writes raw bytes (pipelines, inline commands, bad input). */
  write(bytes: string | Buffer): void {
    this.sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Resolves when the server closes the connection (or rejects after timeoutMs). */
  async waitClose(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Everything received so far, raw. */
  received(): Buffer {
    return Buffer.concat(this.bytes);
  }

  close(): void {
    this.sock.destroy();
  }
}

/** A seeded pseudo-random generator: rnd(m) is an integer in [0, m). Same seed, same sequence. */
export function seeded(seed: number): (m: number) => number {
  const next = mulberry32u(seed);
  return (m) => next() % m;
}

/**
 * Writes `bytes` in pieces of `piece()` bytes, yielding to the event loop before about one piece in
 * three, so requests straddle the server's reads at arbitrary points.
 */
export async function writeInPieces(c: RawClient, bytes: Buffer, rnd: (m: number) => number, piece: () => number): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const step = piece();
    c.write(bytes.subarray(at, at + step));
    at += step;
    if (rnd(3) === 0) await new Promise((r) => setImmediate(r));
  }
}
