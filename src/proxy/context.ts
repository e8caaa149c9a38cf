// The state every client session shares (configuration, backends, the session registry), made once
// by the server. Its own module so that the session's helpers (session-local.ts, session-rewrite.ts)
// can name it without importing the session.

import type { ProxyConfig } from './config';
import type { Pool } from './pool';
import type { PostFn } from './slot';
import type { Session } from './session';
import type { ScriptCache } from './scripts';
import type { Noted } from './noted';
import type { BackendGuard } from './local';

/** What every session shares: configuration, backends, the session registry. */
export interface ProxyContext {
  cfg: ProxyConfig;
  pool: Pool;
  sessions: Map<number, Session>;
  /** Script bodies loaded through the proxy, for EVALSHA_RO on the replicas. */
  scripts: ScriptCache;
  /** What the proxy takes note of when the master has run it (SCRIPT LOAD/FLUSH, CLIENT PAUSE/UNPAUSE). */
  noted: Noted;
  startedAt: number;
  /** Reply to writes while the master is down. */
  masterDown: Buffer;
  scanPost: PostFn;
  infoPost: PostFn;
  /** CONFIG GET: the proxy's values instead of the backend's credentials and port. */
  configFilter: (reply: Buffer) => Buffer;
  /** CONFIG SET and ACL SETUSER/DELUSER that would change how the proxy reaches its backends: checked before sending. */
  backendGuard: BackendGuard;
  /** configFilter as a slot's post. */
  configPost: PostFn;
}
