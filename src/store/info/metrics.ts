// Instantaneous metrics (INFO stats instantaneous_*): Redis samples the op and byte counters every
// 100 ms into a ring of 16 samples and prints their average rate. Also tracks the memory peak and the
// recent largest client buffers (INFO clients/memory), which need sampling over time too.

import type { Server } from '../server';

const SAMPLES = 16;
const PERIOD_MS = 100;

/** One sampled counter: the last value seen and a ring of per-second rates. */
class Rate {
  private last = -1;
  private lastT = 0;
  private readonly ring: number[] = [];
  private idx = 0;

  sample(value: number, now: number): void {
    if (this.last >= 0 && now > this.lastT) {
      const rate = ((value - this.last) * 1000) / (now - this.lastT);
      if (this.ring.length < SAMPLES) this.ring.push(rate);
      else this.ring[this.idx] = rate;
      this.idx = (this.idx + 1) % SAMPLES;
    }
    this.last = value;
    this.lastT = now;
  }

  get value(): number {
    if (!this.ring.length) return 0;
    return this.ring.reduce((a, b) => a + b, 0) / this.ring.length;
  }
}

/** Per-server sampled metrics, kept in s.ext.metrics. */
export class Metrics {
  readonly ops = new Rate();
  readonly netIn = new Rate();
  readonly netOut = new Rate();
  readonly replIn = new Rate();
  readonly replOut = new Rate();
  private lastSample = 0;
  peakMemory = 0;
  readonly startupMemory: number;

  constructor() {
    const m = process.memoryUsage();
    this.startupMemory = m.heapUsed + m.external;
    this.peakMemory = this.startupMemory;
  }

  /** Called from the cron; samples at most every 100 ms, as Redis's run_with_period(100). */
  tick(s: Server): void {
    const now = Date.now();
    if (now - this.lastSample < PERIOD_MS) return;
    this.lastSample = now;
    const st = s.stats;
    this.ops.sample(st.totalCommands, now);
    this.netIn.sample(st.netInputBytes, now);
    this.netOut.sample(st.netOutputBytes, now);
    this.replIn.sample(st.netReplInputBytes, now);
    this.replOut.sample(st.netReplOutputBytes, now);
    this.usedMemory();
  }

  /** Current used memory (V8 heap + external buffers), updating the peak. */
  usedMemory(): number {
    const m = process.memoryUsage();
    const used = m.heapUsed + m.external;
    if (used > this.peakMemory) this.peakMemory = used;
    return used;
  }
}

/** The metrics of a server (created by the init hook in info/index.ts). */
export function metricsOf(s: Server): Metrics {
  let m = s.ext.metrics as Metrics | undefined;
  if (!m) s.ext.metrics = m = new Metrics();
  return m;
}
