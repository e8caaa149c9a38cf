// Scenario tests for client libraries: a scenario drives a library against one port and records what
// the application observed (a transcript, one step per row); the same scenario runs against a real
// redis-server and against the store, and every step must be equal. Used by clients.test.ts and
// libraries.test.ts.

import assert from 'node:assert/strict';
import { startStore, startRedis, type InProcessStore, type ChildServer } from './servers';

/** What a scenario observed: one row per step, its first element naming the step. */
export type Transcript = unknown[][];

/** The two servers a scenario suite compares; valid inside tests (after before()). */
export interface TranscriptPair {
  readonly store: InProcessStore;
  readonly redis: ChildServer;
  /** Runs a scenario on both servers; every differing step is listed, so one miss hides no other. */
  compare(scenario: (port: number) => Promise<Transcript>): Promise<void>;
}

/**
 * For mocha: starts the store and a real redis-server in before() (skipping the suite when
 * redis-server is missing) and stops both in after().
 */
export function useTranscriptPair(): TranscriptPair {
  let store: InProcessStore | undefined;
  let redis: ChildServer | null = null;
  before(async function () {
    redis = await startRedis();
    if (!redis) this.skip();
    store = await startStore();
  });
  after(async () => {
    await store?.stop();
    await redis?.stop();
  });
  return {
    get store() {
      return store!;
    },
    get redis() {
      return redis!;
    },
    async compare(scenario) {
      const theirs = await scenario(redis!.port);
      const ours = await scenario(store!.port);
      const diffs: string[] = [];
      for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
        try {
          assert.deepEqual(ours[i], theirs[i]);
        } catch {
          diffs.push(`step ${i} ${String(theirs[i]?.[0])}:\n  resplit: ${JSON.stringify(ours[i])}\n  redis:   ${JSON.stringify(theirs[i])}`);
        }
      }
      assert.deepEqual(diffs, []);
    },
  };
}
