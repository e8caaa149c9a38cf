// Event-loop stall monitor. The store is one JS thread: any long synchronous stretch (a big SAVE slice,
// a huge reply, loading a full sync) delays every client. Redis forks for BGSAVE and has no such
// stall; our BGSAVE works in slices and this metric is how we check that no slice is too long. It
// samples the loop with perf_hooks.monitorEventLoopDelay (a libuv timer, unref'd: it never keeps the
// process alive) and is reported by INFO stats as eventloop_max_stall_ms (reset by CONFIG RESETSTAT).

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The longest event-loop delay seen since start or the last reset. */
export class LoopMonitor {
  private h: IntervalHistogram | null = null;

  /** Starts sampling every `resolutionMs` (idempotent). */
  start(resolutionMs = 1): void {
    if (this.h) return;
    this.h = monitorEventLoopDelay({ resolution: resolutionMs });
    this.h.enable();
  }

  stop(): void {
    this.h?.disable();
    this.h = null;
  }

  /** Longest gap between two samples, in ms (0 when not running or nothing sampled yet). */
  maxStallMs(): number {
    if (!this.h || !this.h.count) return 0;
    return this.h.max / 1e6;
  }

  reset(): void {
    this.h?.reset();
  }
}
