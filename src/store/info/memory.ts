// INFO "# Memory": the store runs on V8, so "used memory" is the heap in use plus external buffers;
// the field names and formats are Redis 7.0's so that tools parsing them keep working.

import os from 'node:os';
import type { Server } from '../server';
import { metricsOf } from './metrics';
import { bytesToHuman, f2, type Fields } from './format';

/**
 * Bytes held for clients (replies not yet written or not yet taken by the kernel, unparsed input):
 * replicas apart from the rest, as INFO's mem_clients_slaves/mem_clients_normal and MEMORY STATS.
 */
export function clientBuffers(s: Server): { normal: number; replicas: number } {
  let normal = 0;
  let replicas = 0;
  for (const c of s.clients.values()) {
    const b = c.reply.pending + c.unsent + c.parser.pendingBytes;
    if (c.isReplica) replicas += b;
    else normal += b;
  }
  return { normal, replicas };
}

/** The "# Memory" fields, from the V8 heap and the process RSS. */
export function memorySection(s: Server): Fields {
  const m = metricsOf(s);
  const used = m.usedMemory();
  const mu = process.memoryUsage();
  const rss = mu.rss;
  const peak = m.peakMemory;
  const startup = m.startupMemory;
  const { normal: clientsMem, replicas: replicaMem } = clientBuffers(s);
  const overhead = Math.min(used, startup + clientsMem + replicaMem);
  const dataset = used - overhead;
  const netUsed = used - startup;
  const maxmemory = s.config.getInt('maxmemory');
  const total = os.totalmem();
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${f2((used * 100) / peak)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${f2(netUsed > 0 ? (dataset * 100) / netUsed : 0)}%`],
    ['allocator_allocated', mu.heapUsed],
    ['allocator_active', mu.heapTotal],
    ['allocator_resident', rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', 32768],
    ['used_memory_vm_eval', 32768],
    ['used_memory_lua_human', bytesToHuman(32768)],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 32768],
    ['used_memory_vm_total', 65536],
    ['used_memory_vm_total_human', bytesToHuman(65536)],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', s.config.get('maxmemory-policy')],
    ['allocator_frag_ratio', f2(mu.heapTotal / Math.max(1, mu.heapUsed))],
    ['allocator_frag_bytes', Math.max(0, mu.heapTotal - mu.heapUsed)],
    ['allocator_rss_ratio', f2(rss / Math.max(1, mu.heapTotal))],
    ['allocator_rss_bytes', Math.max(0, rss - mu.heapTotal)],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', f2(rss / Math.max(1, used))],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', replicaMem],
    ['mem_clients_slaves', replicaMem],
    ['mem_clients_normal', clientsMem],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'libc'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}
