// Fixed reply texts of the proxy, in one place (Envoy redis_proxy keeps its "no upstream" and
// "upstream failure" texts together the same way). Clients and tests match on these strings.

import { E } from '../resp/errors';
import { K, LOCAL_NOT_IN_MULTI, SUB_NOT_IN_MULTI, type Route } from './classify';
import type { PostFn } from './slot';

/** Error texts (without the leading '-'); each names the proxy so an operator knows who refused. */
export const PE = {
  MASTER_DOWN: (addr: string) => `MASTERDOWN resplit: the master ${addr} is unavailable; writes are refused until it returns`,
  NO_BACKEND: 'CLUSTERDOWN resplit: no healthy backend can serve this read',
  BACKEND_LOST: (addr: string) => `ERR resplit: connection to backend ${addr} lost before the reply`,
  BAD_REPLY: (addr: string, why: string) => `ERR resplit: the reply from backend ${addr} could not be passed on (${why})`,
  READ_STALLED: (addr: string) => `ERR resplit: the read was in flight on two backends that went silent (the last ${addr}); it was not sent again`,
  MONITOR: 'ERR resplit: MONITOR is not supported through the proxy; connect to a backend directly',
  REFUSED: (name: string) => `ERR resplit: '${name}' is not supported through the proxy`,
  CONFIG_SET_OWN: (name: string) => `ERR resplit: CONFIG SET ${name} through the proxy may only repeat the value CONFIG GET shows (the proxy's own); connect to the backend to change it there`,
  ACL_BACKEND_USER: (user: string, cmd: string) => `ERR resplit: ${cmd} of '${user}', the user the proxy logs in to the backends as, is not supported through the proxy; connect to the backend to change it there`,
  HELLO_SUBSCRIBED: "ERR resplit: 'HELLO' is not supported while subscribed through the proxy (RESET or unsubscribe first)",
  IN_MULTI: (name: string) => `ERR resplit: '${name}' is not supported inside MULTI through the proxy`,
  READMODE: "ERR resplit: syntax is RESPLIT READMODE MASTER|REPLICA",
  RESPLIT_HELP: "ERR resplit: unknown RESPLIT subcommand (try RESPLIT READMODE MASTER|REPLICA or RESPLIT BACKENDS)",
  TOO_MANY_CLIENTS: 'ERR max number of clients reached',
  SELECT_NOT_INT: 'ERR value is not an integer or out of range',
  SELECT_INT_RANGE: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  HELLO_NOT_INT: 'ERR Protocol version is not an integer or out of range',
} as const;

/** Encodes an error text as a reply. */
export function errorReply(text: string): Buffer {
  return Buffer.from(`-${text.replace(/[\r\n]/g, ' ')}\r\n`, 'latin1');
}

/** +OK. */
export const R_OK = Buffer.from('+OK\r\n');
/** PING's reply without an argument. */
export const R_PONG = Buffer.from('+PONG\r\n');
/** RESET's reply. */
export const R_RESET = Buffer.from('+RESET\r\n');
/** RESP2 null bulk (CLIENT GETNAME without a name). */
export const R_NIL = Buffer.from('$-1\r\n');
/** A read no healthy backend can serve. */
export const R_NO_BACKEND = errorReply(PE.NO_BACKEND);
/** RESP3 null (CLIENT GETNAME without a name). */
export const R_NULL3 = Buffer.from('_\r\n');
/** EXEC outside a transaction. */
export const R_EXEC_NO_MULTI = errorReply(E.EXEC_NO_MULTI);
/** DISCARD outside a transaction. */
export const R_DISCARD_NO_MULTI = errorReply(E.DISCARD_NO_MULTI);
/** EXEC of a transaction that had a command refused while queueing. */
export const R_EXECABORT = errorReply(E.EXECABORT);
/** CONFIG SET of a setting CONFIG GET shows the proxy's value of, queued in MULTI (where it cannot be answered alone). */
export const R_CONFIG_SET_OWN_MULTI = errorReply("ERR resplit: CONFIG SET of port, bind, requirepass, masterauth or masteruser is not supported inside MULTI through the proxy");

/** "client|kill" as clients write it: "CLIENT KILL". */
export function displayName(n: string): string {
  return n.replace('|', ' ').toUpperCase();
}

/** The error for a command the proxy does not carry out. */
export function refusal(r: Route): string {
  return r.name === 'monitor' ? PE.MONITOR : PE.REFUSED(displayName(r.name));
}

/** A bulk string reply from a latin1 string. */
export function bulkReply(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);
}

/** An integer reply. */
export function intReply(n: number | bigint): Buffer {
  return Buffer.from(`:${n}\r\n`);
}

/**
 * The error for a command refused while queueing inside MULTI (see LOCAL_NOT_IN_MULTI), or null
 * when it may be queued.
 */
export function multiRefusal(r: Route): string | null {
  if (r.kind === K.REFUSE) return refusal(r);
  if ((r.kind === K.LOCAL && LOCAL_NOT_IN_MULTI.has(r.name)) || (r.kind === K.SUB && SUB_NOT_IN_MULTI.has(r.name))) return PE.IN_MULTI(displayName(r.name));
  return null;
}

const REPLICA_READONLY = Buffer.from("-READONLY You can't write against a read only replica.\r\n");
const RO_WRITE_FLAG = errorReply('ERR Can not execute a script with write flag using *_ro command.');

/**
 * EVAL_RO/EVALSHA_RO/FCALL_RO of a script with the write flag: a replica refuses it as a replica
 * (READONLY, checked first), a master as a read-only call. The client sees what its own Redis (the
 * master) answers; READONLY has no other cause for these (a script's write call gets another error).
 */
export const roScriptPost: PostFn = (_slot, reply) => (reply.length === REPLICA_READONLY.length && reply.equals(REPLICA_READONLY) ? RO_WRITE_FLAG : reply);
