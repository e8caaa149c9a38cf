// One CLIENT LIST / CLIENT INFO line, field for field as Redis 7.0.15 prints it (networking.c
// catClientInfoString). Buffer figures are estimates from our reply writer and socket, in bytes.
// The 7.0 layout is kept: CLIENT SETINFO's lib-name/lib-ver (a 7.2 addition) are not printed.

import type { Client } from '../client';
import type { Server } from '../server';
import { qbufLen, qbufFree as qbufFreeOf } from '../querybuf';

/** The client's class for TYPE filters: normal, master, replica (slave) or pubsub. */
export function clientType(c: Client): 'normal' | 'master' | 'replica' | 'pubsub' {
  if (c.isMaster) return 'master';
  if (c.isReplica) return 'replica';
  if (c.subscriptionCount || (c.ext.shardChannels as Set<string> | undefined)?.size) return 'pubsub';
  return 'normal';
}

/** The file descriptor of the socket (-1 for internal clients), as Redis's fd= field. */
function fdOf(c: Client): number {
  const h = ((c.socket ?? c.fdSocket) as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return typeof h?.fd === 'number' ? h.fd : -1;
}

/** Formats one line (without the trailing newline). `current`: the caller's running command's argv size. */
export function clientInfoLine(s: Server, c: Client, current?: { argvMem: number }): string {
  const now = Date.now();
  const qbuf = qbufLen(s, c);
  // obl: replies produced but not yet handed to the socket (Redis's 16 KB static buffer); omem: the
  // rest, including what the socket has not sent yet (Redis's reply list).
  const pend = c.reply.pending;
  const unsent = c.unsent;
  const obl = Math.min(pend, 16384);
  const omem = Math.max(0, pend - 16384) + unsent;
  const multiMem = c.multi ? c.multi.reduce((n, q) => n + q.argv.reduce((m, a) => m + a.length, 0), 0) : 0;
  const argvMem = current?.argvMem ?? 0;
  const qbufFree = qbufFreeOf(s, c);
  const events = unsent ? 'rw' : 'r';
  const shard = (c.ext.shardChannels as Set<string> | undefined)?.size ?? 0;
  const totMem = 16384 + c.qbufAlloc + obl + omem + argvMem + multiMem + 800;
  return [
    `id=${c.id}`,
    `addr=${c.addr}`,
    `laddr=${c.laddr}`,
    `fd=${fdOf(c)}`,
    `name=${c.name}`,
    `age=${Math.floor((now - c.createdAt) / 1000)}`,
    `idle=${Math.floor((now - c.lastInteraction) / 1000)}`,
    `flags=${c.flagString()}`,
    `db=${c.db.id}`,
    `sub=${c.channels.size}`,
    `psub=${c.patterns.size}`,
    `ssub=${shard}`,
    `multi=${c.multi ? c.multi.length : -1}`,
    `qbuf=${qbuf}`,
    `qbuf-free=${qbufFree}`,
    `argv-mem=${argvMem}`,
    `multi-mem=${multiMem}`,
    `rbs=16384`,
    `rbp=16384`,
    `obl=${obl}`,
    `oll=${omem ? Math.ceil(omem / 16384) : 0}`,
    `omem=${omem}`,
    `tot-mem=${totMem}`,
    `events=${events}`,
    `cmd=${c.lastCmd}`,
    `user=${c.user}`,
    `redir=${(c.ext.trackingRedirect as number | undefined) ?? -1}`,
    `resp=${c.reply.resp}`,
  ].join(' ');
}
