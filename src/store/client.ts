// One client connection's state: its socket, request parser, reply buffer, selected database,
// protocol version, name, authentication, and the per-connection modes (MULTI, subscriber, blocked,
// MONITOR, replica link). The server's read loop feeds bytes in; the dispatcher reads and updates it.

import type { Socket } from 'node:net';
import { RequestParser } from '../resp/parser';
import { ReplyWriter } from '../resp/encode';
import type { Command } from '../resp/commands';
import type { Db, WatchRec } from './db';
import { SocketWriter } from '../common/socket-writer';

/** A queued MULTI command. */
export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

/** Per-client flags Redis shows in CLIENT LIST "flags=". */
export class Client {
  readonly id: number;
  readonly parser: RequestParser<string>;
  readonly reply = new ReplyWriter();
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  db: Db;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  /**
   * Address "ip:port" of the peer and of the local end. Set from the socket; the master client of
   * a replica (no socket of its own: its replies are not sent) takes them from the link.
   */
  addr: string;
  laddr: string;
  /** The socket CLIENT LIST's fd= is read from when `socket` is null (the replication link). */
  fdSocket: Socket | null = null;
  /** Set when the connection must close once pending replies are written. */
  closeAfterReply = false;
  closed = false;
  /** When a close after the reply began (ms; 0: not closing so): see common/close-after-reply.ts. */
  closedAt = 0;
  /** The size Redis's query buffer would have, and its recent peak (querybuf.ts). */
  qbufAlloc = 0;
  qbufPeak = 0;
  /** Commands are not read while blocked (BLPOP, WAIT, DEBUG SLEEP-like pauses). */
  blocked = false;
  /** MULTI state: queued commands, or null outside a transaction. */
  multi: QueuedCommand[] | null = null;
  /**
   * The queued commands' flags ORed (Redis's mstate.cmd_flags) and the flags some queued command
   * lacks (cmd_inv_flags), for EXEC's checks without a scan of the queue; reset by MULTI.
   */
  multiFlags = 0;
  multiInvFlags = 0;
  /** A queueing error happened: EXEC answers EXECABORT. */
  multiError = false;
  /** WATCHed keys: "db\0key" -> watch record (dirty flag shared with the Db's watch list). */
  watching = new Map<string, { db: Db; key: string; rec: WatchRec }>();
  /** Pub/sub subscriptions. */
  channels = new Set<string>();
  patterns = new Set<string>();
  /** Shard channel subscriptions (SSUBSCRIBE); counted apart from channels + patterns, as Redis 7.0 does. */
  shardChannels = new Set<string>();
  monitor = false;
  noEvict = false;
  noTouch = false;
  /** This connection is our master's replication link (its commands are applied, not answered). */
  isMaster = false;
  /** This connection is a replica attached to us (SYNC/PSYNC); replication owns it then. */
  isReplica = false;
  /** Last command name (CLIENT LIST "cmd="). */
  lastCmd = 'NULL';
  /** CLIENT REPLY OFF/SKIP flags (reply-mode.ts); 0: replies are sent. A field, not in ext: read per command. */
  replyFlags = 0;
  /** Output of the running command set aside while it is silenced (reply-mode.ts); null when none. */
  replyKept: Buffer[] | null = null;
  /** When (ms) unsent output went over the soft output limit, -1 while under it (output-limits.ts; read per flush). */
  softLimitSince = -1;
  /**
   * Free-form per-feature state hung on the client by command modules (blocking ops, replication).
   * Entries are added and deleted, so V8 keeps it as a dictionary: state read on every command belongs
   * in a field above instead.
   */
  ext: Record<string, unknown> = {};
  /** Connected through the unixsocket listener (CLIENT LIST flag U). */
  unixSocket = false;
  /** Writes replies below the socket's Writable (accepted clients; null: socket.write). */
  writer: SocketWriter | null = null;

  constructor(id: number, readonly socket: Socket | null, db: Db, authRequired: boolean) {
    this.id = id;
    this.db = db;
    this.authenticated = !authRequired;
    this.parser = new RequestParser<string>('string', undefined, () => !this.authenticated);
    this.addr = socket ? `${socket.remoteAddress}:${socket.remotePort}` : '';
    this.laddr = socket ? `${socket.localAddress}:${socket.localPort}` : '';
  }

  /** Reply bytes written to the socket and not yet taken by the kernel. */
  get unsent(): number {
    return this.writer ? this.writer.pending : (this.socket?.writableLength ?? 0);
  }

  /** Number of subscriptions (channels + patterns), as SUBSCRIBE replies count them. */
  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Redis's CLIENT_PUBSUB flag: any subscription (channels, patterns or shard channels). */
  get isPubSub(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** RESP2 clients with subscriptions may only run the pub/sub commands. */
  get inSubscriberMode(): boolean {
    return this.reply.resp === 2 && this.isPubSub;
  }

  /** CLIENT LIST "flags=" letters. */
  flagString(): string {
    let f = '';
    if (this.isReplica) f += 'S';
    if (this.isMaster) f += 'M';
    if (this.isPubSub) f += 'P';
    if (this.multi) f += 'x';
    if (this.blocked) f += 'b';
    if (this.watching.size && [...this.watching.values()].some((w) => w.rec.dirty)) f += 'd';
    if (this.monitor) f += 'O';
    if (this.closeAfterReply) f += 'c';
    if (this.unixSocket) f += 'U';
    if (this.noEvict) f += 'e';
    if (this.noTouch) f += 'T';
    return f || 'N';
  }
}
