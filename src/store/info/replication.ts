// INFO "# Replication" when the replication engine registered no provider: a master without
// replicas and an inactive backlog, as a fresh redis-server prints it.

import crypto from 'node:crypto';
import type { Server } from '../server';
import type { Fields } from './format';

/** Used until the replication engine registers infoSections.replication. */
export function defaultReplicationSection(s: Server): Fields {
  let replid = s.ext.defaultReplid as string | undefined;
  if (!replid) s.ext.defaultReplid = replid = crypto.randomBytes(20).toString('hex');
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', replid],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', s.config.getInt('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}
