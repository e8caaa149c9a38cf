// Replies the proxy builds itself: the `# Proxy` INFO section, ROLE, HELLO's map, CLIENT INFO/LIST
// lines, and the reply rewrites for SCAN cursors and INFO. Kept apart from the session so that the
// session only routes.

import { REDIS_VERSION } from '../resp/commands';
import { ReplyDecoder } from '../resp/decoder';
import type { Pool } from './pool';
import { stats } from './stats';
import { bulkReply, displayName, errorReply, PE, R_OK } from './replies';
import type { Slot } from './slot';
import { string2ll } from '../resp/integers';

/** What CLIENT INFO/LIST needs to know about a session. */
export interface ClientView {
  id: number;
  addr: string;
  laddr: string;
  name: string;
  createdAt: number;
  lastCmdAt: number;
  db: number;
  lastCmd: string;
  flags: string;
  libName: string;
  libVer: string;
  /** The protocol the client speaks (2 or 3). */
  resp: number;
}

/** One CLIENT LIST line, in Redis's field order (fields the proxy cannot know are zero). */
export function clientLine(c: ClientView, now: number): string {
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=-1 name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)} ` +
    `idle=${Math.floor((now - c.lastCmdAt) / 1000)} flags=${c.flags} db=${c.db} sub=0 psub=0 ssub=0 multi=-1 qbuf=0 ` +
    `qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${c.lastCmd} user=default ` +
    `redir=-1 resp=${c.resp} lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

/**
 * CLIENT LIST's filters, as Redis 7.0 parses them: TYPE normal|master|replica|slave|pubsub, or ID
 * id [id ...] (listed in the order given). Returns the error text for bad ones.
 */
export function clientListFilter(args: string[]): { type?: string; ids?: number[] } | string {
  if (args.length === 2) return {};
  const opt = args[2].toLowerCase();
  if (args.length === 4 && opt === 'type') {
    const t = args[3].toLowerCase();
    if (t === 'normal' || t === 'pubsub' || t === 'master') return { type: t };
    if (t === 'replica' || t === 'slave') return { type: 'replica' };
    return `ERR Unknown client type '${args[3]}'`;
  }
  if (args.length > 3 && opt === 'id') {
    const ids: number[] = [];
    for (let i = 3; i < args.length; i++) {
      const id = string2ll(args[i]);
      if (id === null) return 'ERR Invalid client ID';
      ids.push(Number(id));
    }
    return { ids };
  }
  return 'ERR syntax error';
}

/** Redis's client type for CLIENT LIST TYPE: the proxy's clients are pub/sub tunnels or normal. */
export function clientType(c: ClientView): string {
  return c.flags.includes('P') ? 'pubsub' : 'normal';
}

/** The `# Proxy` INFO section: connections, routing counters, failovers, health. */
export function proxySection(pool: Pool, startedAt: number): string {
  const lines = [
    '# Proxy',
    'proxy:resplit',
    `proxy_uptime_in_seconds:${Math.floor((Date.now() - startedAt) / 1000)}`,
    `proxy_connected_clients:${stats.connectionsCurrent}`,
    `proxy_total_connections_received:${stats.connectionsTotal}`,
    `proxy_rejected_connections:${stats.connectionsRejected}`,
    `proxy_commands_to_master:${stats.commandsMaster}`,
    `proxy_commands_to_replicas:${stats.commandsReplica}`,
    `proxy_commands_local:${stats.commandsLocal}`,
    `proxy_read_failovers:${stats.readFailovers}`,
    `proxy_reads_stalled:${stats.readsStalled}`,
    `proxy_reads_no_backend:${stats.readsNoBackend}`,
    `proxy_master_down_rejects:${stats.masterDownRejects}`,
    `proxy_backend_lost_replies:${stats.backendLostReplies}`,
    `proxy_backend_connection_failures:${stats.backendConnFailures}`,
    `proxy_health_transitions:${stats.healthTransitions}`,
    `proxy_protocol_errors:${stats.protocolErrors}`,
    `proxy_output_limit_disconnections:${stats.outputLimitCloses}`,
    `proxy_query_buffer_limit_disconnections:${stats.queryBufferLimitCloses}`,
  ];
  for (const b of pool.all) {
    const role = b.isMaster ? 'master' : `replica${b.index - 1}`;
    lines.push(
      `proxy_backend_${role}:addr=${b.name},state=${b.eligible ? 'serving' : 'out'},up=${b.up ? 1 : 0},` +
        `reason=${b.reason ? b.reason.replace(/[\s,:]+/g, '_') : 'none'},offset=${b.offset},ack_offset=${b.ackOffset},lag=${b.isMaster ? 0 : pool.lag(b)},routed=${b.routed}`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** ROLE as a master reports it, with the replicas the proxy knows about. */
export function roleReply(pool: Pool): Buffer {
  let s = `*3\r\n$6\r\nmaster\r\n:${Math.max(0, pool.master.offset)}\r\n*${pool.replicas.length}\r\n`;
  for (const r of pool.replicas) {
    const port = String(r.port);
    const off = String(Math.max(0, r.offset));
    s += `*3\r\n$${r.host.length}\r\n${r.host}\r\n$${port.length}\r\n${port}\r\n$${off.length}\r\n${off}\r\n`;
  }
  return Buffer.from(s, 'latin1');
}

/** HELLO's reply (RESP2: a flat array of 7 pairs; RESP3: a map of them), as Redis shapes it. */
export function helloReply(id: number, proto: 2 | 3 = 2): Buffer {
  const b = (s: string) => `$${s.length}\r\n${s}\r\n`;
  return Buffer.from(
    `${proto === 3 ? '%7' : '*14'}\r\n${b('server')}${b('redis')}${b('version')}${b(REDIS_VERSION)}${b('proto')}:${proto}\r\n${b('id')}:${id}\r\n` +
      `${b('mode')}${b('standalone')}${b('role')}${b('master')}${b('modules')}*0\r\n`,
    'latin1',
  );
}

/** Reads the bulk at `off` ("$<len>\r\n<bytes>\r\n"): [start, end] of the payload, or null. */
function bulkAt(b: Buffer, off: number): [number, number] | null {
  if (b[off] !== 36) return null;
  const nl = b.indexOf(13, off);
  if (nl < 0) return null;
  const len = Number(b.latin1Slice(off + 1, nl));
  if (!Number.isInteger(len) || len < 0) return null;
  return [nl + 2, nl + 2 + len];
}

/**
 * SCAN-family replies: the backend's cursor c becomes c*N+backend so that the client's next call can
 * be sent to the same backend (cursors are only meaningful on the server that issued them).
 */
export function scanPost(n: number): (slot: Slot, reply: Buffer) => Buffer {
  return (slot, reply) => {
    if (reply[0] !== 42 /* '*' */) return reply;
    const nl = reply.indexOf(13);
    const cur = bulkAt(reply, nl + 2);
    if (!cur) return reply;
    const c = BigInt(reply.latin1Slice(cur[0], cur[1]));
    const enc = c === 0n ? '0' : (c * BigInt(n) + BigInt(slot.backend)).toString();
    return Buffer.concat([Buffer.from(`*2\r\n$${enc.length}\r\n${enc}\r\n`, 'latin1'), reply.subarray(cur[1] + 2)]);
  };
}

/** Text as RESP3 verbatim string ("=<len>\r\ntxt:<text>\r\n"), the way Redis answers INFO and CLIENT LIST to RESP3 clients. */
export function verbatimReply(s: string): Buffer {
  const body = Buffer.from('txt:' + s, 'latin1');
  return Buffer.concat([Buffer.from(`=${body.length}\r\n`), body, Buffer.from('\r\n')]);
}

/** Text the way Redis sends it to a client of protocol `resp` (CLIENT INFO/LIST, INFO): RESP3 verbatim or a bulk. */
export function textReply(resp: number, s: string): Buffer {
  return resp === 3 ? verbatimReply(s) : bulkReply(s);
}

/**
 * The master's INFO as the proxy's clients should read it: the fields that describe the endpoint
 * they are connected to (its port, its client counts) are the proxy's. blocked_clients counts the
 * proxy's clients waiting on a blocking command, WAIT or a write held by a pause: the master sees
 * one connection for all the writes a pause holds (the proxy's pause connection).
 */
function asProxy(body: string, port: number, blocked: number): string {
  return body
    .replace(/^tcp_port:\d+\r$/m, `tcp_port:${port}\r`)
    .replace(/^connected_clients:\d+\r$/m, `connected_clients:${stats.connectionsCurrent}\r`)
    .replace(/^blocked_clients:\d+\r$/m, `blocked_clients:${blocked}\r`)
    .replace(/^total_connections_received:\d+\r$/m, `total_connections_received:${stats.connectionsTotal}\r`)
    .replace(/^rejected_connections:\d+\r$/m, `rejected_connections:${stats.connectionsRejected}\r`);
}

/**
 * INFO replies (RESP2 bulk or RESP3 verbatim string): the proxy's port and client count, and the
 * proxy section appended when the request asked for it (slot.arg 1).
 */
export function infoPost(pool: Pool, startedAt: number, port: () => number = () => 0, blocked: () => number = () => 0): (slot: Slot, reply: Buffer) => Buffer {
  return (slot, reply) => {
    const section = slot.arg === 1 ? proxySection(pool, startedAt) : '';
    const join = (body: string) => (body.length && section ? body + '\r\n' : body) + section;
    if (reply[0] === 61 /* '=' */) {
      const nl = reply.indexOf(13);
      const len = Number(reply.latin1Slice(1, nl));
      if (nl < 0 || !Number.isInteger(len) || len < 4) return reply;
      const body = asProxy(reply.latin1Slice(nl + 2 + 4, nl + 2 + len), port(), blocked());
      return verbatimReply(join(body));
    }
    const r = bulkAt(reply, 0);
    if (!r) return reply;
    const body = asProxy(reply.latin1Slice(r[0], r[1]), port(), blocked());
    return bulkReply(join(body));
  };
}

/**
 * The value CONFIG GET shows for a setting that is the proxy's own (its port and password; the
 * backends' replication credentials are hidden), or null for one passed through. Lower-case names.
 */
export type ConfigOwn = (name: string) => string | null;

/** ConfigOwn for a proxy with this requirepass and port. */
export function configOwn(requirepass: string, bind: string, port: () => number): ConfigOwn {
  return (name) => {
    if (name === 'requirepass') return requirepass;
    if (name === 'masterauth' || name === 'masteruser') return '';
    if (name === 'port') return String(port());
    if (name === 'bind') return bind;
    return null;
  };
}

/**
 * CONFIG SET through the proxy: a setting CONFIG GET shows the proxy's value of may be set to that
 * value (nothing changes: what a GET-then-SET round trip, as Redis's own test suite makes, does);
 * any other value would reconfigure the backend behind the proxy (move the master's port, drop its
 * password) and is refused. Returns null (send as it is), the arguments without those settings,
 * R_OK when none is left, or the refusal.
 */
export function configSetArgs(own: ConfigOwn, args: Buffer[]): Buffer[] | Buffer | null {
  if (args.length < 4 || args.length % 2 !== 0) return null; // the master's arity or syntax error
  let keep: Buffer[] | null = null;
  const seen = new Set<string>();
  for (let i = 2; i < args.length; i += 2) {
    const name = args[i].latin1Slice(0, args[i].length).toLowerCase();
    const shown = own(name);
    // A setting named twice: the master refuses the whole CONFIG SET before applying any of it
    // (Redis's "duplicate parameter"), so it goes as it is and the error is the master's.
    if (seen.has(name)) return null;
    seen.add(name);
    if (shown === null) {
      keep?.push(args[i], args[i + 1]);
      continue;
    }
    if (args[i + 1].latin1Slice(0, args[i + 1].length) !== shown) return errorReply(PE.CONFIG_SET_OWN(name));
    keep ??= args.slice(0, i);
  }
  if (keep === null) return null;
  return keep.length === 2 ? R_OK : keep;
}

/**
 * Requests that would change how the proxy reaches its backends, checked before they are sent
 * (normal, pinned and tunnel paths alike): CONFIG SET of a setting that is the proxy's own
 * (configSetArgs), ACL SETUSER/DELUSER of the user the proxy logs in to the backends as (a new
 * password or rules there would lock the proxy's next connections out). Same results as
 * configSetArgs: null (send as it is), new arguments, or the reply.
 */
export type BackendGuard = (name: string, args: Buffer[]) => Buffer[] | Buffer | null;

/** The BackendGuard of a proxy that shows `own` and logs in to its backends as `backendUser`. */
export function backendGuard(own: ConfigOwn, backendUser: string): BackendGuard {
  return (name, args) => {
    if (name === 'config|set') return configSetArgs(own, args);
    if (name === 'acl|setuser' || name === 'acl|deluser') {
      const users = name === 'acl|setuser' ? args.slice(2, 3) : args.slice(2);
      for (const u of users) if (u.latin1Slice(0, u.length) === backendUser) return errorReply(PE.ACL_BACKEND_USER(backendUser, displayName(name)));
    }
    return null;
  };
}

/**
 * CONFIG GET replies from the master, as a client of the proxy should see them: the backend
 * credentials never reach clients (masterauth and masteruser read as empty; requirepass is the
 * proxy's own, as a Redis shows its own to an authenticated client) and port is the proxy's.
 * RESP2 arrays and RESP3 maps of bulk strings; anything else (an error) passes unchanged.
 */
export function configFilter(own: ConfigOwn): (reply: Buffer) => Buffer {
  return (reply) => {
    const t = reply[0];
    if (t !== 42 /* '*' */ && t !== 37 /* '%' */) return reply;
    const nl = reply.indexOf(13);
    const n = Number(reply.latin1Slice(1, nl)) * (t === 37 ? 2 : 1);
    if (!Number.isInteger(n) || n % 2 !== 0) return reply;
    let pos = nl + 2;
    let changed = false;
    const out: Buffer[] = [reply.subarray(0, pos)];
    for (let i = 0; i < n; i += 2) {
      const k = bulkAt(reply, pos);
      if (!k) return reply;
      const v = bulkAt(reply, k[1] + 2);
      if (!v) return reply;
      const rep = own(reply.latin1Slice(k[0], k[1]));
      if (rep !== null && rep !== reply.latin1Slice(v[0], v[1])) {
        out.push(reply.subarray(pos, k[1] + 2), bulkReply(rep));
        changed = true;
      } else out.push(reply.subarray(pos, v[1] + 2));
      pos = v[1] + 2;
    }
    return changed ? Buffer.concat(out) : reply;
  };
}

/**
 * Applies fn to the elements at indexes `at` (ascending) of an array reply: EXEC's, whose queued
 * CONFIG GETs are filtered like a lone one. Anything else (an aborted or failed EXEC) is unchanged.
 */
export function mapElements(reply: Buffer, at: readonly number[], fn: (e: Buffer) => Buffer): Buffer {
  if (reply[0] !== 42 /* '*' */) return reply;
  const nl = reply.indexOf(13);
  const n = Number(reply.latin1Slice(1, nl));
  if (!Number.isInteger(n) || n <= 0) return reply;
  const dec = new ReplyDecoder(false);
  dec.feed(reply.subarray(nl + 2));
  const parts: Buffer[] = [reply.subarray(0, nl + 2)];
  let changed = false;
  for (let i = 0, j = 0; i < n; i++) {
    if (dec.skip(1) !== 1) return reply;
    let e = dec.take();
    if (j < at.length && at[j] === i) {
      j++;
      const f = fn(e);
      if (f !== e) changed = true;
      e = f;
    }
    parts.push(e);
  }
  return changed ? Buffer.concat(parts) : reply;
}

/** CLIENT SETNAME's rule: printable ASCII without spaces (Redis validateClientName). */
export function validClientName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}
