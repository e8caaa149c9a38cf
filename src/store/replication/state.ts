// Replication state shared by the master side, the replica side, the cron and INFO: the replication
// IDs and offsets (PSYNC2: current ID, previous ID valid up to second_repl_offset), the backlog, the
// attached replicas, the link to our own master and the cached master used to PSYNC after a drop.

import crypto from 'node:crypto';
import type { Client } from '../client';
import type { Server } from '../server';
import { Backlog } from './backlog';

/** Replica-side link states, as Redis's repl_state (ROLE prints them; handshake states collapse). */
export type LinkState = 'none' | 'connect' | 'connecting' | 'handshake' | 'transfer' | 'connected';

/** A replica attached to us (master side), Redis's CLIENT_SLAVE client fields. */
export interface ReplicaLink {
  client: Client;
  /** wait_bgsave: waiting for a snapshot to start or finish; send_bulk: RDB being written; online. */
  state: 'wait_bgsave' | 'send_bulk' | 'online';
  /** True until a snapshot including this replica starts (Redis's SLAVE_STATE_WAIT_BGSAVE_START). */
  waitingStart: boolean;
  capaEof: boolean;
  capaPsync2: boolean;
  /** REPLCONF rdb-only 1: no stream after the snapshot, closed once it is delivered. */
  rdbOnly: boolean;
  /** REPLCONF rdb-filter-only: its snapshot has no keys (and is always streamed with an EOF mark). */
  excludeData: boolean;
  /** Attached with the old SYNC command: no +FULLRESYNC line, no ACKs expected. */
  preSync: boolean;
  listeningPort: number;
  announcedIp: string;
  /** Last offset acknowledged with REPLCONF ACK, and when (ms). */
  ackOff: number;
  ackTime: number;
  /** Stream accumulated while the snapshot is produced (sent once it is delivered); null when not accumulating. */
  pending: Buffer[] | null;
  pendingBytes: number;
  /** Diskless (EOF-mark) transfer done: start the stream on the first ACK (the replica needs the mark last). */
  startOnAck: boolean;
  /** When the replica was attached (ms): the diskless sync delay counts from here. */
  since: number;
}

/** A master we can PSYNC with: its replication ID and the offset we processed up to, and the stream's DB. */
export interface CachedMaster {
  replid: string;
  offset: number;
  db: number;
}

/** A client blocked in WAIT. */
export interface Waiter {
  client: Client;
  offset: number;
  numreplicas: number;
  /** Absolute deadline in ms, 0 = forever. */
  deadline: number;
  timer?: NodeJS.Timeout;
}

/** The all-zero replication id Redis uses for "no secondary id". */
export const NULL_REPLID = '0'.repeat(40);

/** A fresh 40-hex-character replication ID. */
export function newReplId(): string {
  return crypto.randomBytes(20).toString('hex');
}

/** All replication state of one server (server.ext.replication). */
export class ReplState {
  replid = newReplId();
  replid2 = NULL_REPLID;
  /** master_repl_offset: bytes of stream produced (master) or processed (replica). */
  offset = 0;
  /** second_repl_offset: replid2 is valid up to (excluding) this offset; -1 when none. */
  secondOffset = -1;
  backlog: Backlog | null = null;
  readonly replicas = new Map<Client, ReplicaLink>();
  /** DB of the last SELECT emitted to the stream (-1: emit SELECT before the next command). */
  selDb = -1;
  /** A shutdown paused writes for lagging replicas: the pause it found (null: none), restored if the shutdown is aborted. */
  shutdownPausedFrom: { prev: { until: number; mode: 'all' | 'write' } | null } | null = null;
  masterHost: string | null = null;
  masterPort = 0;
  linkState: LinkState = 'none';
  /** The socketless client applying our master's stream (replica, link up). */
  masterClient: Client | null = null;
  /** The current connection attempt to our master (replica side). */
  link: import('./replica').MasterLink | null = null;
  cached: CachedMaster | null = null;
  /** When the link with our master went down (ms), 0 if never up. */
  downSince = 0;
  /** When the last replica went away (ms), for repl-backlog-ttl. */
  noReplicasSince = Date.now();
  /** min-replicas-to-write: replicas online with lag <= min-replicas-max-lag. */
  goodReplicas = 0;
  readonly waiters: Waiter[] = [];
  /** WAIT asked for acknowledgements: send REPLCONF GETACK once this pass ends. */
  getAckScheduled = false;
  /** A snapshot for replicas is being produced. */
  snapshotRunning = false;
  /** When the running snapshot started (ms), for INFO persistence's rdb_current_bgsave_time_sec. */
  snapshotStartedAt = 0;
  /** Cron passes (Redis's replication_cron_loops) for the ping period. */
  cronLoops = 0;

  constructor(readonly server: Server) {}

  /** A new history begins: new ID (Redis's changeReplicationId). */
  changeReplicationId(): void {
    this.replid = newReplId();
  }

  /** Forgets the previous history (clearReplicationId2). */
  clearReplicationId2(): void {
    this.replid2 = NULL_REPLID;
    this.secondOffset = -1;
  }

  /**
   * The current history becomes the previous one, valid up to the current offset, and a new ID starts
   * (a promoted replica, or a master switching to another master's history): replicas of the old ID
   * can still PSYNC with us up to that point.
   */
  shiftReplicationId(): void {
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.changeReplicationId();
  }

  /** Creates the backlog starting after the current offset. */
  createBacklog(): void {
    this.backlog = new Backlog(this.server.config.getInt('repl-backlog-size'), this.offset);
  }

  freeBacklog(): void {
    this.backlog = null;
  }

  get isReplica(): boolean {
    return this.masterHost !== null;
  }
}

/** The replication state of a server (created by attachReplication). */
export function replState(s: Server): ReplState {
  return s.ext.replication as ReplState;
}
