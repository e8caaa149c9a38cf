// INFO "# Commandstats", "# Errorstats" and "# Latencystats" from the dispatcher's per-command and
// per-error-code counters.

import type { Server } from '../server';
import type { Fields } from './format';

/** cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=.. (commands used at least once). */
export function commandstatsSection(s: Server): Fields {
  const out: Fields = [];
  for (const [name, st] of s.stats.commands) {
    if (!st.calls && !st.failed && !st.rejected) continue;
    const usec = Math.round(st.usec);
    const per = st.calls ? usec / st.calls : 0;
    out.push([`cmdstat_${name}`, `calls=${st.calls},usec=${usec},usec_per_call=${per.toFixed(2)},rejected_calls=${st.rejected},failed_calls=${st.failed}`]);
  }
  return out;
}

/** errorstat_<CODE>:count=N, sorted by code as Redis's radix tree iterates. */
export function errorstatsSection(s: Server): Fields {
  const codes = [...s.stats.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [`errorstat_${code}`, `count=${s.stats.errors.get(code)}`]);
}

/**
 * latency_percentiles_usec_<name>:p50=..,p99=..,p99.9=.. -- the store keeps no per-call histogram,
 * so every percentile is the mean call time (documented approximation; the fields parse the same).
 */
export function latencystatsSection(s: Server): Fields {
  const out: Fields = [];
  for (const [name, st] of s.stats.commands) {
    if (!st.calls) continue;
    const v = (st.usec / st.calls).toFixed(3);
    out.push([`latency_percentiles_usec_${name}`, `p50=${v},p99=${v},p99.9=${v}`]);
  }
  return out;
}
