// Replication commands: REPLICAOF/SLAVEOF, SYNC/PSYNC (a replica attaching to us), REPLCONF (replica
// settings, ACK and GETACK), WAIT, ROLE, FAILOVER (not supported: answers an error). The mechanics
// live in ../replication.

import { register } from '../registry';
import type { Client } from '../client';
import type { Server } from '../server';
import { E } from '../../resp/errors';
import { parseInteger } from './args';
import { splitArgs } from '../../resp/parser';
import { replState } from '../replication';
import { setMaster, unsetMaster } from '../replication/replica';
import { syncCommand, handleAck, replconfOf } from '../replication/master';
import { waitCommand, processWaiters } from '../replication/wait';
import { roleReply } from '../replication/info';

/** How Redis names the requester in the REPLICAOF log line. */
function who(c: Client): string {
  return `user request from 'id=${c.id} addr=${c.addr} laddr=${c.laddr} name=${c.name}'`;
}

function replicaof(c: Client, argv: string[], s: Server): void {
  const st = replState(s);
  if (argv[1].toLowerCase() === 'no' && argv[2].toLowerCase() === 'one') {
    if (st.isReplica) unsetMaster(s, who(c));
    return c.reply.ok();
  }
  if (c.isReplica) return c.reply.error('ERR Command is not valid when client is a replica.');
  const port = parseInteger(argv[2]);
  if (port === null || port < 0 || port > 65535) return c.reply.error('ERR Invalid master port');
  if (st.isReplica && st.masterHost!.toLowerCase() === argv[1].toLowerCase() && st.masterPort === port) {
    s.log.info('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
    return c.reply.simple('OK Already connected to specified master');
  }
  setMaster(s, argv[1], port, who(c));
  c.reply.ok();
}

function replconf(c: Client, argv: string[], s: Server): void {
  if (argv.length % 2 === 0) return c.reply.error(E.SYNTAX);
  const rc = replconfOf(c);
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j].toLowerCase();
    const val = argv[j + 1];
    if (opt === 'listening-port') {
      const p = parseInteger(val);
      if (p === null) return c.reply.error(E.NOT_INTEGER);
      rc.listeningPort = p;
    } else if (opt === 'ip-address') {
      if (val.length >= 46) return c.reply.error(`ERR REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`);
      rc.announcedIp = val;
    } else if (opt === 'capa') {
      const v = val.toLowerCase();
      if (v === 'eof') rc.capaEof = true;
      else if (v === 'psync2') rc.capaPsync2 = true;
    } else if (opt === 'ack') {
      // No reply: the replica does not read any.
      if (!c.isReplica) return;
      const off = parseInteger(val);
      if (off === null) return;
      handleAck(s, c, off);
      processWaiters(s, replState(s));
      return;
    } else if (opt === 'getack') {
      // From our master (through the stream): answer with our offset on the link. No reply either way.
      const link = replState(s).link;
      if (link) link.sendAck();
      return;
    } else if (opt === 'rdb-only') {
      const v = parseInteger(val);
      if (v === null) return c.reply.error(E.NOT_INTEGER);
      if (v !== 0 && v !== 1) return c.reply.error('ERR value is out of range, value must between 0 and 1');
      rc.rdbOnly = v === 1;
    } else if (opt === 'rdb-filter-only') {
      // Include filters for the snapshot: "" (nothing) or "functions" (this server has none, so the
      // snapshot has no keys either way).
      const raw = Buffer.from(val, 'latin1');
      const filters = splitArgs(raw, 0, raw.length);
      if (filters === null) return c.reply.error('ERR Missing rdb-filter-only values');
      for (const f of filters) {
        const name = f.toString('latin1');
        if (name.toLowerCase() !== 'functions') return c.reply.error(`ERR Unsupported rdb-filter-only option: ${name}`);
      }
      rc.excludeData = true;
    } else return c.reply.error(`ERR Unrecognized REPLCONF option: ${argv[j]}`);
  }
  c.reply.ok();
}

function failover(c: Client, argv: string[], s: Server): void {
  const st = replState(s);
  if (st.isReplica) return c.reply.error('ERR FAILOVER is not valid when server is a replica.');
  if (argv.length === 2 && argv[1].toLowerCase() === 'abort') return c.reply.error('ERR No failover in progress.');
  const online = [...st.replicas.values()].some((l) => l.state === 'online');
  if (!online) return c.reply.error('ERR FAILOVER requires connected replicas.');
  c.reply.error('ERR FAILOVER is not supported by this server, use REPLICAOF NO ONE on the replica');
}

register({
  replicaof,
  slaveof: replicaof,
  sync: syncCommand,
  psync: syncCommand,
  replconf,
  wait: waitCommand,
  role: (c, _argv, s) => roleReply(c, s),
  failover,
});
