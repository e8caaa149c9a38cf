// INFO "# Server": version, build, process and clock fields, as Redis 7.0 prints them.

import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Server } from '../server';
import { REDIS_VERSION } from '../../resp/commands';
import type { Fields } from './format';

/** A stable fake build id (Redis prints a hash of its build). */
const BUILD_ID = crypto.createHash('sha1').update(`resplit-${REDIS_VERSION}`).digest('hex').slice(0, 15);

function osString(): string {
  const arch = os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : os.arch();
  return `${os.type()} ${os.release()} ${arch}`;
}

/** The "# Server" fields. */
export function serverSection(s: Server): Fields {
  const now = Date.now();
  const uptime = Math.floor((now - s.startTime) / 1000);
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', BUILD_ID],
    ['redis_mode', 'standalone'],
    ['os', osString()],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', s.runId],
    ['tcp_port', s.port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', s.config.getInt('hz')],
    ['configured_hz', s.config.getInt('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', process.argv[1] ? path.resolve(process.argv[1]) : ''],
    ['config_file', s.configFile],
    ['io_threads_active', 0],
    // Only while a shutdown waits for lagging replicas (Redis: if isShutdownInitiated()).
    ...(s.shutdownDeadline !== null ? ([['shutdown_in_milliseconds', Math.max(0, s.shutdownDeadline - now)]] as Array<[string, string | number]>) : []),
  ];
}
