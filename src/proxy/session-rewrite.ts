// Commands a session forwards with their replies rewritten by the posts in local.ts: the SCAN family
// (the cursor the client sees encodes the backend that issued it), INFO (the proxy's fields and its
// `# Proxy` section) and CONFIG GET (the proxy's values instead of the backend's). Kept apart from
// the session's plain routing; they reach the session's FIFO and connections through RewriteSession.

import { encodeCommand } from '../resp/encode';
import { lazyLogger } from './log';
import { K } from './classify';
import { bulkReply, errorReply } from './replies';
import { E } from '../resp/errors';
import { proxySection, textReply } from './local';
import type { Slot } from './slot';
import type { BackendConn } from './backend-conn';
import type { Backend } from './pool';
import type { ProxyContext } from './context';

const log = lazyLogger('proxy-session');

/** What these commands need of a session (Session implements it). */
export interface RewriteSession {
  readonly id: number;
  readonly ctx: ProxyContext;
  readonly resp: 2 | 3;
  readsToMaster(): boolean;
  /** A new slot at the tail of the FIFO. */
  enqueue(kind: number): Slot;
  /** A reply the proxy makes itself, in order with the forwarded ones. */
  local(reply: Buffer): void;
  /** The reply to a write while the master is down. */
  masterDown(): void;
  /** The reply to a read no backend can serve (counted). */
  noBackend(): void;
  /** A plain RESP2 write to the master. */
  write(args: Buffer[], raw: Buffer | null): void;
  /** RESP3: the client's own master connection, and its connection for reads. */
  dedicatedConn(): BackendConn | null;
  readConnection(): BackendConn | null;
  sendRead3(c: BackendConn, s: Slot, bytes: Buffer): void;
  /** A read goes to a replica: the client's later writes wait for it. */
  onReplica(s: Slot): void;
  sendDedicated(args: Buffer[], raw: Buffer | null, kind: number): Slot;
}

const R_INVALID_CURSOR = errorReply(E.INVALID_CURSOR);

/** SCAN family: the cursor the client sees encodes the backend that issued it (cursor*N+index). */
export function scan(ses: RewriteSession, args: Buffer[], raw: Buffer | null, idx: number): void {
  const pool = ses.ctx.pool;
  if (args.length <= idx) return ses.write(args, raw);
  const cs = args[idx].latin1Slice(0, args[idx].length);
  if (cs.length > 20 || !/^[0-9]+$/.test(cs)) return ses.write(args, raw); // the master answers the error
  const n = BigInt(pool.all.length);
  const cur = BigInt(cs);
  // Redis reads the cursor with strtoul: past 2^64-1 it is invalid (not a cursor to decode).
  if (cur > 18446744073709551615n) return ses.local(R_INVALID_CURSOR);
  let b: Backend | null;
  let c = 0n;
  if (cur === 0n) b = ses.readsToMaster() && pool.master.eligible ? pool.master : pool.readBackend();
  else {
    c = cur / n;
    b = pool.all[Number(cur % n)];
    if (!b.eligible) {
      // A cursor means nothing to another server (each hashes keys with its own seed): the scan
      // starts over there. Keys may come twice, as SCAN allows; none present throughout is missed.
      log().info({ client: ses.id, backend: b.name }, 'SCAN cursor backend unavailable, restarting the scan on another backend');
      b = pool.readBackend();
      c = 0n;
    }
  }
  if (b === null) return ses.noBackend();
  const nargs = args.slice();
  nargs[idx] = Buffer.from(c.toString(), 'latin1');
  const bytes = encodeCommand(nargs);
  const s = ses.enqueue(K.READ);
  s.raw = bytes;
  if (c !== 0n) {
    nargs[idx] = Buffer.from('0', 'latin1');
    s.scanRestart = encodeCommand(nargs);
  }
  s.post = ses.ctx.scanPost;
  if (!b.isMaster) ses.onReplica(s);
  pool.send(b, s, bytes);
}

/** INFO: the master's (any backend's while it is down) with the `# Proxy` section appended. */
export function info(ses: RewriteSession, args: Buffer[], raw: Buffer | null): void {
  const pool = ses.ctx.pool;
  let want = args.length === 1;
  let only = args.length > 1;
  for (let i = 1; i < args.length; i++) {
    const a = args[i].latin1Slice(0, args[i].length).toLowerCase();
    if (a === 'proxy') want = true;
    else {
      only = false;
      if (a === 'default' || a === 'all' || a === 'everything') want = true;
    }
  }
  const text = (s: string) => textReply(ses.resp, s);
  if (only) return ses.local(text(proxySection(pool, ses.ctx.startedAt)));
  if (ses.resp === 3) {
    const c = pool.master.eligible ? ses.dedicatedConn() : ses.readConnection();
    if (c === null) return ses.local(text(proxySection(pool, ses.ctx.startedAt)));
    const s = ses.enqueue(K.READ);
    s.post = ses.ctx.infoPost;
    s.arg = want ? 1 : 0;
    return ses.sendRead3(c, s, raw ?? encodeCommand(args));
  }
  const b = pool.master.eligible ? pool.master : pool.readBackend();
  if (b === null) return ses.local(bulkReply(proxySection(pool, ses.ctx.startedAt)));
  const s = ses.enqueue(K.READ);
  const bytes = raw ?? encodeCommand(args);
  s.raw = bytes;
  s.post = ses.ctx.infoPost;
  s.arg = want ? 1 : 0;
  pool.send(b, s, bytes);
}

/** CONFIG GET goes to the master; its reply is filtered (ProxyContext.configPost). */
export function configGet(ses: RewriteSession, args: Buffer[], raw: Buffer | null): void {
  let s: Slot;
  if (ses.resp === 3) {
    if (!ses.dedicatedConn()) return ses.masterDown();
    s = ses.sendDedicated(args, raw, K.WRITE);
  } else {
    const pool = ses.ctx.pool;
    if (!pool.master.eligible) return ses.masterDown();
    s = ses.enqueue(K.WRITE);
    pool.send(pool.master, s, raw ?? encodeCommand(args));
  }
  s.post = ses.ctx.configPost;
}
