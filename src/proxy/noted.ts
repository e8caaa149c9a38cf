// Writes whose outcome the proxy takes note of: they go to the master like any write, and when the
// master has run them (its reply, or EXEC's) the proxy's own state follows. SCRIPT LOAD/FLUSH feed
// the script cache (scripts.ts); CLIENT PAUSE/UNPAUSE tell the pool how long the master will not
// answer, so a pause is not taken for a hang (health checks and request timeouts wait it out).

import type { Pool } from './pool';
import type { ScriptCache } from './scripts';
import type { PostFn } from './slot';

/**
 * The commands (full names) routed as K.NOTED. CLIENT UNPAUSE is noted too, but routed on a
 * connection of its own (K.BLOCK): on the shared one it would wait behind the writes it unpauses.
 */
export const NOTED = new Set(['script|load', 'script|flush', 'client|pause']);

/** Whether the proxy takes note of this command once the master ran it (Noted.command). */
export function isNoted(r: { kind: number; name: string }): boolean {
  return NOTED.has(r.name) || r.name === 'client|unpause';
}

/** Applies a NOTED command the master ran to the proxy's own state: the script cache or the pool's pause. */
export class Noted {
  constructor(private readonly scripts: ScriptCache, private readonly pool: Pool) {}

  /** The master ran `name` (a NOTED command) with these arguments. */
  command(name: string, args: Buffer[]): void {
    if (name === 'client|pause') {
      // Only a pause Redis accepts (EXEC's array may hold its error): a timeout of decimal digits, WRITE or ALL.
      const t = args[2].latin1Slice(0, args[2].length);
      const mode = args.length === 4 ? args[3].latin1Slice(0, args[3].length).toLowerCase() : 'all';
      const ms = Number(t);
      if (args.length <= 4 && /^\d{1,15}$/.test(t) && (mode === 'all' || mode === 'write')) this.pool.masterPaused(Date.now() + ms, mode === 'all');
    } else if (name === 'client|unpause') this.pool.masterPaused(0);
    else this.scripts.command(name, args);
  }

  /**
   * A slot's post for a NOTED command sent now: noted if the master's reply is not an error. The
   * arguments are copied now (they may be views of a read buffer that is reused).
   */
  after(name: string, args: Buffer[]): PostFn {
    const kept = args.map((a) => Buffer.from(a));
    return (_slot, reply) => {
      if (reply[0] !== 45 /* '-' */) this.command(name, kept);
      return reply;
    };
  }
}
