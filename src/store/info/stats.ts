// INFO "# Stats": the server's counters (src/store/server.ts Stats) plus sampled rates, field for
// field in Redis 7.0's order.

import type { Server } from '../server';
import { metricsOf } from './metrics';
import { f2, type Fields } from './format';

/** Distinct channels and patterns subscribed by any client. */
function pubsubCounts(s: Server): { channels: number; patterns: number; shard: number } {
  const ch = new Set<string>();
  const pt = new Set<string>();
  let shard = 0;
  for (const c of s.clients.values()) {
    for (const x of c.channels) ch.add(x);
    for (const x of c.patterns) pt.add(x);
    const sh = c.ext.shardChannels as Set<string> | undefined;
    if (sh) shard += sh.size;
  }
  const provided = s.ext.pubsubCounts as (() => { channels: number; patterns: number; shard: number }) | undefined;
  return provided ? provided() : { channels: ch.size, patterns: pt.size, shard };
}

/** The "# Stats" fields, in Redis 7.0 order. */
export function statsSection(s: Server): Fields {
  const st = s.stats;
  const m = metricsOf(s);
  const ps = pubsubCounts(s);
  return [
    ['total_connections_received', st.totalConnections],
    ['total_commands_processed', st.totalCommands],
    ['instantaneous_ops_per_sec', Math.round(m.ops.value)],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['total_net_repl_input_bytes', st.netReplInputBytes],
    ['total_net_repl_output_bytes', st.netReplOutputBytes],
    ['instantaneous_input_kbps', f2(m.netIn.value / 1024)],
    ['instantaneous_output_kbps', f2(m.netOut.value / 1024)],
    ['instantaneous_input_repl_kbps', f2(m.replIn.value / 1024)],
    ['instantaneous_output_repl_kbps', f2(m.replOut.value / 1024)],
    ['rejected_connections', st.rejectedConnections],
    ['sync_full', st.syncFull],
    ['sync_partial_ok', st.syncPartialOk],
    ['sync_partial_err', st.syncPartialErr],
    ['expired_keys', st.expiredKeys],
    ['expired_stale_perc', f2(st.expiredStalePerc * 100)],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', st.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', st.keyspaceHits],
    ['keyspace_misses', st.keyspaceMisses],
    ['pubsub_channels', ps.channels],
    ['pubsub_patterns', ps.patterns],
    ['pubsubshard_channels', ps.shard],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', s.slaveKeysWithExpire.size],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', st.unexpectedErrorReplies],
    ['total_error_replies', st.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', st.totalReadsProcessed],
    ['total_writes_processed', st.totalWritesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
    // resplit only: the longest event-loop stall since start or CONFIG RESETSTAT (src/store/loop-monitor.ts).
    ['eventloop_max_stall_ms', f2(s.loopMonitor.maxStallMs())],
  ];
}
