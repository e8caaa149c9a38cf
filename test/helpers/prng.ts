// One seeded pseudo-random generator for the tests (mulberry32: every bit well mixed, unlike a plain
// LCG whose low bits cycle), so that a seeded test or fuzzer reproduces from its seed.

/** mulberry32's raw output: the next unsigned 32-bit integer of the sequence for `seed`. */
export function mulberry32u(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The same sequence as floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  const next = mulberry32u(seed);
  return () => next() / 4294967296;
}
