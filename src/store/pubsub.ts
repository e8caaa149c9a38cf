// Pub/sub state of one server: which clients listen to which channels, patterns and shard channels,
// and message delivery (Redis's pubsub.c). It lives apart from the command handlers so that other
// features (keyspace notifications, the replica's master link) publish through the same path.
// Each client also keeps its own sets (Client.channels/patterns/shardChannels) so that a client's
// subscriptions can be listed and dropped without scanning the server-wide maps.

import type { Client } from './client';
import type { Server } from './server';
import { SERVER_INIT_HOOKS } from './registry';
import { stringMatch } from './glob';
import { pushing, pushWritten } from './reply-mode';

/** The three kinds of subscription; each has its own reply words and its own count. */
export type SubKind = 'channel' | 'pattern' | 'shard';

/** Reply words per kind: [subscribe, unsubscribe]. */
const WORDS: Record<SubKind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

/** The client's own set for a kind. */
function clientSet(c: Client, kind: SubKind): Set<string> {
  return kind === 'channel' ? c.channels : kind === 'pattern' ? c.patterns : c.shardChannels;
}

/**
 * The count a (un)subscribe reply carries: channels + patterns for the classic kinds, shard
 * channels alone for the shard kind (Redis 7.0's clientSubscriptionsCount / clientShardSubscriptionsCount).
 */
function replyCount(c: Client, kind: SubKind): number {
  return kind === 'shard' ? c.shardChannels.size : c.channels.size + c.patterns.size;
}

/** Server-wide subscriptions: name -> subscribers in subscription order (delivery order). */
export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();

  constructor(private readonly s: Server) {}

  private map(kind: SubKind): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }

  /** Subscribes a client and writes the confirmation (a push in RESP3, an array in RESP2). */
  subscribe(c: Client, kind: SubKind, name: string): void {
    const mine = clientSet(c, kind);
    if (!mine.has(name)) {
      mine.add(name);
      const m = this.map(kind);
      let subs = m.get(name);
      if (!subs) m.set(name, (subs = new Set()));
      subs.add(c);
      if (kind === 'channel' && this.channels.size > this.s.stats.pubsubChannelsPeak) this.s.stats.pubsubChannelsPeak = this.channels.size;
    }
    this.confirm(c, WORDS[kind][0], name, replyCount(c, kind));
  }

  /** Unsubscribes a client from one name; notify=false for RESET and disconnects (no reply). */
  unsubscribe(c: Client, kind: SubKind, name: string, notify: boolean): void {
    const mine = clientSet(c, kind);
    if (mine.delete(name)) {
      const m = this.map(kind);
      const subs = m.get(name);
      if (subs) {
        subs.delete(c);
        if (!subs.size) m.delete(name);
      }
    }
    if (notify) this.confirm(c, WORDS[kind][1], name, replyCount(c, kind));
  }

  /**
   * Unsubscribes a client from everything of a kind. With notify and nothing to drop, Redis still
   * answers once, with a null name.
   */
  unsubscribeAll(c: Client, kind: SubKind, notify: boolean): void {
    const mine = clientSet(c, kind);
    if (!mine.size) {
      if (notify) this.confirm(c, WORDS[kind][1], null, replyCount(c, kind));
      return;
    }
    for (const name of [...mine]) this.unsubscribe(c, kind, name, notify);
  }

  /** Drops every subscription of a client without replies (disconnect, RESET). */
  dropClient(c: Client): void {
    if (!c.isPubSub) return;
    this.unsubscribeAll(c, 'channel', false);
    this.unsubscribeAll(c, 'pattern', false);
    this.unsubscribeAll(c, 'shard', false);
  }

  /** A (un)subscribe confirmation: a push, sent even under CLIENT REPLY OFF/SKIP (reply-mode.ts). */
  private confirm(c: Client, word: string, name: string | null, count: number): void {
    const aside = c.replyFlags !== 0 && pushing(this.s, c);
    const r = c.reply;
    r.pushLen(3);
    r.bulk(word);
    if (name === null) r.nil();
    else r.bulk(name);
    r.int(count);
    if (aside) pushWritten(c);
  }

  /** PUBLISH: delivers to channel subscribers, then to matching patterns; returns the receivers. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        const aside = c.replyFlags !== 0 && pushing(this.s, c);
        const r = c.reply;
        r.pushLen(3);
        r.bulk('message');
        r.bulk(channel);
        r.bulk(message);
        if (aside) pushWritten(c);
        this.deliver(c);
        n++;
      }
    }
    for (const [pattern, psubs] of this.patterns) {
      if (!stringMatch(pattern, channel)) continue;
      for (const c of psubs) {
        const aside = c.replyFlags !== 0 && pushing(this.s, c);
        const r = c.reply;
        r.pushLen(4);
        r.bulk('pmessage');
        r.bulk(pattern);
        r.bulk(channel);
        r.bulk(message);
        if (aside) pushWritten(c);
        this.deliver(c);
        n++;
      }
    }
    return n;
  }

  /** SPUBLISH: delivers to shard channel subscribers only. */
  publishShard(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    for (const c of subs) {
      const aside = c.replyFlags !== 0 && pushing(this.s, c);
      const r = c.reply;
      r.pushLen(3);
      r.bulk('smessage');
      r.bulk(channel);
      r.bulk(message);
      if (aside) pushWritten(c);
      this.deliver(c);
    }
    return subs.size;
  }

  /** Another client's output must be flushed soon; the publisher's own goes out after its command. */
  private deliver(c: Client): void {
    if (c !== this.s.current) this.s.wake(c);
  }

  /** INFO stats: pubsub_channels, pubsub_patterns (distinct patterns), pubsubshard_channels. */
  counts(): { channels: number; patterns: number; shard: number } {
    return { channels: this.channels.size, patterns: this.patterns.size, shard: this.shardChannels.size };
  }
}

/** The pub/sub state of a server (created with the server). */
export function pubsubOf(s: Server): PubSub {
  let ps = s.ext.pubsub as PubSub | undefined;
  if (!ps) s.ext.pubsub = ps = new PubSub(s);
  return ps;
}

/** Publishes a message on a server (for keyspace notifications and other internal publishers). */
export function publish(s: Server, channel: string, message: string): number {
  return pubsubOf(s).publish(channel, message);
}

SERVER_INIT_HOOKS.push((s) => {
  const ps = pubsubOf(s);
  s.ext.pubsubCounts = () => ps.counts();
  s.freeHooks.push((c) => ps.dropClient(c));
});
