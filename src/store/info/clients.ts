// INFO "# Clients": connection counts and limits. Replica links are not counted in connected_clients,
// as in Redis (listLength(clients) - listLength(slaves)).

import type { Server } from '../server';
import type { Fields } from './format';

/** The "# Clients" fields, counted over the live connections. */
export function clientsSection(s: Server): Fields {
  let connected = 0;
  let blocked = 0;
  let maxIn = 0;
  let maxOut = 0;
  let inTimeoutTable = 0;
  for (const c of s.clients.values()) {
    if (!c.isReplica) connected++;
    if (c.blocked) {
      blocked++;
      if (c.ext.blockTimeout) inTimeoutTable++;
    }
    maxIn = Math.max(maxIn, c.parser.pendingBytes);
    maxOut = Math.max(maxOut, c.reply.pending + c.unsent);
  }
  return [
    ['connected_clients', connected],
    ['cluster_connections', 0],
    ['maxclients', s.config.getInt('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', blocked],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', inTimeoutTable],
  ];
}
