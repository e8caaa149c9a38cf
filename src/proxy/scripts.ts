// Script bodies by SHA1, so EVALSHA_RO can run on any replica. Redis 7 does not replicate its script
// cache (SCRIPT LOAD, EVAL): a replica restarted or re-synced since the load answers NOSCRIPT while
// the master has the script. The proxy keeps what was loaded through it and sends EVALSHA_RO to a
// replica as EVAL_RO with the body (the replica caches it by the same SHA1, so errors name the same
// script); a SHA1 it does not know goes to the master, whose cache is the authority. Bounded by bytes
// with lru-cache: the least recently used bodies go first.

import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Bytes of script bodies kept. */
const MAX_BYTES = 64 * 1024 * 1024;
const EVAL_RO = Buffer.from('EVAL_RO');
/**
 * What an entry costs beyond its body (its SHA1 key string, the Buffer object, the cache's own
 * slots): about 280 bytes measured with 13-byte bodies, so that many tiny scripts cannot hold 20x
 * the budget.
 */
const ENTRY_COST = 320;

/** The script bodies loaded through the proxy, by SHA1, for sending EVALSHA_RO to a replica as EVAL_RO. */
export class ScriptCache {
  private readonly bodies = new LRUCache<string, Buffer>({ maxSize: MAX_BYTES, sizeCalculation: (b) => b.length + ENTRY_COST });

  /** A SCRIPT LOAD or SCRIPT FLUSH the master is running (`name`: "script|load" or "script|flush"). */
  command(name: string, args: Buffer[]): void {
    if (name === 'script|flush') this.bodies.clear();
    else if (name === 'script|load' && args.length === 3 && args[2].length <= MAX_BYTES) {
      this.bodies.set(createHash('sha1').update(args[2]).digest('hex'), Buffer.from(args[2]));
    }
  }

  /** Script bodies kept now. */
  get size(): number {
    return this.bodies.size;
  }

  /** EVALSHA_RO sha numkeys ... as EVAL_RO body numkeys ..., or null when the body is not known. */
  asEvalRo(args: Buffer[]): Buffer[] | null {
    if (args.length < 3 || args[1].length !== 40) return null;
    const body = this.bodies.get(args[1].latin1Slice(0, 40).toLowerCase());
    return body === undefined ? null : [EVAL_RO, body, ...args.slice(2)];
  }
}
