// Differential testing: the same commands go to our store and to a real redis-server, and the raw
// reply bytes must be identical. Relaxations are explicit and named: `unordered` (set-like replies
// compared as multisets of elements or of pairs) and `shape` (time- or randomness-dependent replies:
// only the RESP type and length must match).

import assert from 'node:assert/strict';
import { RawClient } from './raw';
import { startStore, startRedis, type InProcessStore, type ChildServer } from './servers';
import { ReplyDecoder, NEED_MORE, type ReplyValue } from '../../src/resp/decoder';

export interface CheckOptions {
  /** Compare array replies ignoring order: of elements, or of consecutive pairs (HGETALL-like). */
  unordered?: 'elements' | 'pairs';
  /** Only the reply's type and element count must match (random or time-dependent values). */
  shape?: boolean;
}

/** Decodes one complete reply (tests that compare parts of big replies). */
export function decode(b: Buffer): ReplyValue {
  const d = new ReplyDecoder(true);
  d.feed(b);
  const v = d.next();
  if (v === NEED_MORE) throw new Error('incomplete reply');
  return v;
}

function show(v: ReplyValue): string {
  return JSON.stringify(v, (_k, x) => (x && x.type === 'Buffer' && Array.isArray(x.data) ? Buffer.from(x.data).toString('latin1') : typeof x === 'bigint' ? x.toString() : x));
}

function normalize(b: Buffer, opts: CheckOptions): string {
  if (opts.shape) {
    const t = String.fromCharCode(b[0]);
    const v = decode(b);
    return `${t}${Array.isArray(v) ? v.length : ''}`;
  }
  if (opts.unordered) {
    const v = decode(b);
    if (!Array.isArray(v)) return b.toString('latin1');
    const items = v.map((x) => show(x));
    if (opts.unordered === 'pairs') {
      const pairs: string[] = [];
      for (let i = 0; i < items.length; i += 2) pairs.push(`${items[i]}=>${items[i + 1]}`);
      return `${b[0]}:${pairs.sort().join('|')}`;
    }
    return `${b[0]}:${items.sort().join('|')}`;
  }
  return b.toString('latin1');
}

/** A pair of connections: one to the store, one to a real Redis, driven in lockstep. */
export class DiffPair {
  ours!: RawClient;
  theirs!: RawClient;
  store!: InProcessStore;
  redis!: ChildServer;

  /** Sends one command to both and returns both raw replies. */
  async both(...args: Array<string | Buffer | number>): Promise<[Buffer, Buffer]> {
    return Promise.all([this.ours.send(...args), this.theirs.send(...args)]);
  }

  /** Sends one command to both; the replies must match (byte for byte unless relaxed). */
  async check(args: Array<string | Buffer | number>, opts: CheckOptions = {}): Promise<Buffer> {
    const [a, b] = await this.both(...args);
    const na = normalize(a, opts);
    const nb = normalize(b, opts);
    if (na !== nb) {
      assert.fail(`reply differs for ${JSON.stringify(args.map(String))}\n  resplit: ${JSON.stringify(a.toString('latin1'))}\n  redis:   ${JSON.stringify(b.toString('latin1'))}`);
    }
    return a;
  }

  /**
   * Sends one integer-reply command (TTL, PTTL) to both; the replies may differ by `tolerance`,
   * because the two servers read their clocks a moment apart (and TTL rounds to the nearest second).
   */
  async near(args: Array<string | Buffer | number>, tolerance: number): Promise<void> {
    const [a, b] = await this.both(...args);
    const ok = a[0] === 0x3a && b[0] === 0x3a && Math.abs(Number(a.toString().slice(1)) - Number(b.toString().slice(1))) <= tolerance;
    if (!ok) assert.fail(`reply differs beyond ${tolerance} for ${JSON.stringify(args.map(String))}\n  resplit: ${JSON.stringify(a.toString('latin1'))}\n  redis:   ${JSON.stringify(b.toString('latin1'))}`);
  }

  /** Runs a sequence of commands through check(). */
  async seq(cmds: Array<Array<string | Buffer | number>>, opts: CheckOptions = {}): Promise<void> {
    for (const c of cmds) await this.check(c, opts);
  }

  /** Sends raw bytes to both and compares the next n replies. */
  async raw(bytes: string | Buffer, n = 1): Promise<void> {
    this.ours.write(bytes);
    this.theirs.write(bytes);
    const [a, b] = await Promise.all([this.ours.read(n), this.theirs.read(n)]);
    assert.deepEqual(a.map((x) => x.toString('latin1')), b.map((x) => x.toString('latin1')), `raw replies differ for ${JSON.stringify(bytes.toString())}`);
  }
}

/**
 * Registers mocha hooks for a differential suite: starts the store in-process and a real
 * redis-server (skipping the suite if Redis is missing and not required), FLUSHALLs both before each
 * test, and stops both afterwards. `directives` apply to both servers.
 */
export function useDiff(directives: Record<string, string> = {}): DiffPair {
  const pair = new DiffPair();
  before(async function () {
    this.timeout(20000);
    const redisArgs = Object.entries(directives).flatMap(([k, v]) => [`--${k}`, ...v.split(' ')]);
    const r = await startRedis(redisArgs);
    if (!r) this.skip();
    pair.redis = r!;
    pair.store = await startStore(directives);
    pair.ours = await RawClient.connect(pair.store.port);
    pair.theirs = await RawClient.connect(pair.redis.port);
  });
  beforeEach(async () => {
    if (!pair.ours) return;
    if (pair.ours.closed) pair.ours = await RawClient.connect(pair.store.port);
    if (pair.theirs.closed) pair.theirs = await RawClient.connect(pair.redis.port);
    await pair.both('FLUSHALL');
    await pair.both('SELECT', '0');
  });
  after(async () => {
    pair.ours?.close();
    pair.theirs?.close();
    await pair.store?.stop();
    await pair.redis?.stop();
  });
  return pair;
}
