// Polling helpers for tests: wait until a condition holds, with a deadline that fails the test.

/** Resolves once `cond` is true (polled every 25 ms); throws "timed out waiting for <what>" after timeoutMs. */
export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
