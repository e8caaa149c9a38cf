// client-output-buffer-limit enforcement (Redis's checkClientOutputBufferLimits): a client whose
// unsent output reaches the hard limit of its class, or stays above the soft limit for longer than
// the soft seconds, is disconnected. Classes: normal, replica (slave), pubsub; the master link is exempt.

import type { Client } from './client';
import type { Server } from './server';
import { SERVER_INIT_HOOKS } from './registry';

/** One client class's limits: hard and soft bytes, and how long (s) the soft one may be exceeded. */
interface Limit {
  hard: number;
  soft: number;
  seconds: number;
}

/** Parses "normal h s sec slave h s sec pubsub h s sec" (the canonical CONFIG GET form). */
export function parseLimits(v: string): OutputLimits {
  const p = v.split(' ');
  const out: OutputLimits = {};
  for (let i = 0; i + 3 < p.length; i += 4) out[p[i] === 'slave' ? 'replica' : p[i]] = { hard: Number(p[i + 1]), soft: Number(p[i + 2]), seconds: Number(p[i + 3]) };
  return out;
}

/** Limits by client class, parsed once per setting and kept in a Server field (read on every flush). */
export type OutputLimits = Record<string, Limit>;

function limitsOf(s: Server): OutputLimits {
  let l = s.outputLimits;
  if (l === null) s.outputLimits = l = parseLimits(s.config.get('client-output-buffer-limit'));
  return l;
}

/**
 * A replica's hard limit: never below repl-backlog-size, as Redis's checkClientOutputBufferLimits
 * (a lower one would disconnect a replica right after the partial resync the backlog allowed).
 */
export function replicaHard(s: Server, hard: number): number {
  if (!hard) return 0;
  const backlog = s.config.getInt('repl-backlog-size');
  return hard < backlog ? backlog : hard;
}

/** Whether a client went over its output limits; the caller disconnects it. */
export function overOutputLimit(s: Server, c: Client): boolean {
  if (c.isMaster || !c.socket) return false;
  const cls = c.isReplica ? 'replica' : c.subscriptionCount ? 'pubsub' : 'normal';
  const lim = limitsOf(s)[cls];
  if (!lim || (!lim.hard && !lim.soft)) return false;
  const used = c.unsent + c.reply.pending;
  const hard = cls === 'replica' ? replicaHard(s, lim.hard) : lim.hard;
  if (hard && used >= hard) return true;
  if (lim.soft && used >= lim.soft) {
    const now = Date.now();
    if (c.softLimitSince < 0) {
      c.softLimitSince = now;
      return false;
    }
    return (now - c.softLimitSince) / 1000 > lim.seconds;
  }
  c.softLimitSince = -1;
  return false;
}

/**
 * For commands whose reply can be huge (HRANDFIELD/SRANDMEMBER/ZRANDMEMBER with a negative count):
 * checked as the reply grows, it closes the client as soon as it goes over its limits, and the
 * command stops there (Redis breaks its loop once the client is CLOSE_ASAP).
 */
export function stopReplyOverLimit(s: Server, c: Client): boolean {
  if (!overOutputLimit(s, c)) return false;
  closeForOutputLimit(s, c);
  return true;
}

/** Disconnects a client over its limits, as Redis does (without sending what is pending). */
export function closeForOutputLimit(s: Server, c: Client): void {
  s.stats.clientOutbufLimitDisconnections++;
  s.log.warn({ client: c.addr, id: c.id }, 'Client scheduled to be closed ASAP for overcoming of output buffer limits.');
  s.freeClient(c);
}

SERVER_INIT_HOOKS.push((s) => {
  s.config.onChange((name) => {
    if (name === 'client-output-buffer-limit') s.outputLimits = null;
  });
});
