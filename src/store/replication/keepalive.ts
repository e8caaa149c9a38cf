// TCP tuning for replication sockets: keepalive probes and TCP_USER_TIMEOUT (via net-keepalive), so
// that a master or replica that vanished without closing its connection (host down, cable pulled) is
// noticed within seconds instead of waiting for repl-timeout or the kernel's default of ~2 hours.

import type net from 'node:net';
import * as NetKeepAlive from 'net-keepalive';
import { logger } from '../../common/log';

/** The component logger, looked up when used: modules load before the process configures logging. */
const log = (): ReturnType<typeof logger> => logger('replication');

/** Keepalive after 1s idle, probes every 1s, dead after 3 unanswered probes or 5s of unacked data. */
export function tuneReplicationSocket(sock: net.Socket, noDelay = true): void {
  sock.setNoDelay(noDelay);
  sock.setKeepAlive(true, 1000);
  try {
    NetKeepAlive.setKeepAliveInterval(sock, 1000);
    NetKeepAlive.setKeepAliveProbes(sock, 3);
    NetKeepAlive.setUserTimeout(sock, 5000);
  } catch (err) {
    // Not fatal: the replication timeouts still apply.
    log().debug({ err }, 'could not set TCP keepalive options on a replication socket');
  }
}
