// What replication shows: INFO "# Replication" field for field as Redis 7.0 prints it (on a master
// and on a replica, with the master_sync_* fields while a full sync is transferring), and ROLE.

import type { Client } from '../client';
import type { Server } from '../server';
import { replState } from './state';
import { replicaName } from './master';

type Fields = Array<[string, string | number]>;

const secs = (ms: number) => Math.floor(ms / 1000);

/** INFO replication. */
export function replicationInfo(s: Server): Fields {
  const st = replState(s);
  const now = Date.now();
  const out: Fields = [];
  if (!st.isReplica) out.push(['role', 'master']);
  else {
    const link = st.link;
    const mc = st.masterClient;
    let replOff = 1;
    let readOff = 1;
    if (mc && link) {
      replOff = st.offset;
      readOff = link.readOffset;
    } else if (st.cached) replOff = readOff = st.cached.offset;
    out.push(
      ['role', 'slave'],
      ['master_host', st.masterHost!],
      ['master_port', st.masterPort],
      ['master_link_status', st.linkState === 'connected' ? 'up' : 'down'],
      ['master_last_io_seconds_ago', mc && link ? secs(now) - secs(link.lastIo) : -1],
      ['master_sync_in_progress', st.linkState === 'transfer' ? 1 : 0],
      ['slave_read_repl_offset', readOff],
      ['slave_repl_offset', replOff],
    );
    if (st.linkState === 'transfer' && link) {
      const perc = link.transferSize ? (link.transferRead / link.transferSize) * 100 : 0;
      out.push(
        ['master_sync_total_bytes', link.transferSize],
        ['master_sync_read_bytes', link.transferRead],
        ['master_sync_left_bytes', link.transferSize - link.transferRead],
        ['master_sync_perc', perc.toFixed(2)],
        ['master_sync_last_io_seconds_ago', secs(now) - secs(link.lastIo)],
      );
    }
    if (st.linkState !== 'connected') out.push(['master_link_down_since_seconds', st.downSince ? secs(now) - secs(st.downSince) : -1]);
    out.push(
      ['slave_priority', s.config.getInt('replica-priority')],
      ['slave_read_only', s.config.getBool('replica-read-only') ? 1 : 0],
      ['replica_announced', s.config.getBool('replica-announced') ? 1 : 0],
    );
  }
  out.push(['connected_slaves', st.replicas.size]);
  if (s.config.getInt('min-replicas-to-write') && s.config.getInt('min-replicas-max-lag')) out.push(['min_slaves_good_slaves', st.goodReplicas]);
  let i = 0;
  for (const l of st.replicas.values()) {
    const ip = l.announcedIp || (l.client.socket?.remoteAddress ?? '').replace(/^::ffff:/, '');
    out.push([`slave${i++}`, `ip=${ip},port=${l.listeningPort},state=${l.state},offset=${l.ackOff},lag=${secs(now) - secs(l.ackTime)}`]);
  }
  const b = st.backlog;
  out.push(
    ['master_failover_state', 'no-failover'],
    ['master_replid', st.replid],
    ['master_replid2', st.replid2],
    ['master_repl_offset', st.offset],
    ['second_repl_offset', st.secondOffset],
    ['repl_backlog_active', b ? 1 : 0],
    ['repl_backlog_size', s.config.getInt('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', b ? b.offset : 0],
    ['repl_backlog_histlen', b ? b.histlen : 0],
  );
  return out;
}

/** ROLE: ["master", offset, [[ip, port, ack], ...]] or ["slave", host, port, state, offset]. */
export function roleReply(c: Client, s: Server): void {
  const st = replState(s);
  const r = c.reply;
  if (!st.isReplica) {
    const online = [...st.replicas.values()].filter((l) => l.state === 'online');
    r.arrayLen(3);
    r.bulk('master');
    r.int(st.offset);
    r.arrayLen(online.length);
    for (const l of online) {
      r.arrayLen(3);
      r.bulk(replicaName(l).replace(/:\d+$/, ''));
      r.bulk(String(l.listeningPort));
      r.bulk(String(l.ackOff));
    }
    return;
  }
  r.arrayLen(5);
  r.bulk('slave');
  r.bulk(st.masterHost!);
  r.int(st.masterPort);
  r.bulk(st.linkState === 'none' ? 'none' : st.linkState === 'transfer' ? 'sync' : st.linkState);
  r.int(st.masterClient ? st.offset : -1);
}
