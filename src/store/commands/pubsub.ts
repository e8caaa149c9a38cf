// Pub/sub commands: SUBSCRIBE PSUBSCRIBE SSUBSCRIBE, their UNSUBSCRIBE forms, PUBLISH SPUBLISH and
// PUBSUB. The state and delivery live in ../pubsub.ts; the dispatcher enforces RESP2 subscriber mode.

import { register } from '../registry';
import { pubsubOf, type SubKind } from '../pubsub';
import { resetHooks } from './connection';
import { stringMatch } from '../glob';
import type { Client } from '../client';
import type { Server } from '../server';

/** PUBSUB HELP, as redis-server 7.0 prints it. */
const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function subscribeAll(c: Client, argv: string[], s: Server, kind: SubKind): void {
  const ps = pubsubOf(s);
  for (let i = 1; i < argv.length; i++) ps.subscribe(c, kind, argv[i]);
}

function unsubscribeAll(c: Client, argv: string[], s: Server, kind: SubKind): void {
  const ps = pubsubOf(s);
  if (argv.length === 1) ps.unsubscribeAll(c, kind, true);
  else for (let i = 1; i < argv.length; i++) ps.unsubscribe(c, kind, argv[i], true);
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: active names, optionally filtered by a glob. */
function listChannels(c: Client, argv: string[], m: Map<string, Set<Client>>): void {
  if (argv.length > 3) return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try PUBSUB HELP.`);
  const pat = argv.length === 3 ? argv[2] : null;
  const out: string[] = [];
  for (const name of m.keys()) if (pat === null || stringMatch(pat, name)) out.push(name);
  c.reply.bulks(out);
}

/** PUBSUB NUMSUB / SHARDNUMSUB: (name, subscriber count) pairs as a flat array. */
function numSub(c: Client, argv: string[], m: Map<string, Set<Client>>): void {
  c.reply.arrayLen((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.reply.bulk(argv[i]);
    c.reply.int(m.get(argv[i])?.size ?? 0);
  }
}

register({
  subscribe(c, argv, s) {
    subscribeAll(c, argv, s, 'channel');
  },
  psubscribe(c, argv, s) {
    subscribeAll(c, argv, s, 'pattern');
  },
  ssubscribe(c, argv, s) {
    // EXEC marks its client "deny blocking"; SUBSCRIBE and PSUBSCRIBE are exempt inside MULTI for
    // backward compatibility, SSUBSCRIBE is not (Redis 7.0).
    if (s.inExec) return c.reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    subscribeAll(c, argv, s, 'shard');
  },
  unsubscribe(c, argv, s) {
    unsubscribeAll(c, argv, s, 'channel');
  },
  punsubscribe(c, argv, s) {
    unsubscribeAll(c, argv, s, 'pattern');
  },
  sunsubscribe(c, argv, s) {
    unsubscribeAll(c, argv, s, 'shard');
  },
  publish(c, argv, s) {
    const n = pubsubOf(s).publish(argv[1], argv[2]);
    // Redis propagates PUBLISH to replicas although no key changed (forceCommandPropagation).
    s.propagate(c.db.id, argv);
    c.reply.int(n);
  },
  spublish(c, argv, s) {
    const n = pubsubOf(s).publishShard(argv[1], argv[2]);
    s.propagate(c.db.id, argv);
    c.reply.int(n);
  },
  'pubsub|channels'(c, argv, s) {
    listChannels(c, argv, pubsubOf(s).channels);
  },
  'pubsub|shardchannels'(c, argv, s) {
    listChannels(c, argv, pubsubOf(s).shardChannels);
  },
  'pubsub|numsub'(c, argv, s) {
    numSub(c, argv, pubsubOf(s).channels);
  },
  'pubsub|shardnumsub'(c, argv, s) {
    numSub(c, argv, pubsubOf(s).shardChannels);
  },
  'pubsub|numpat'(c, _argv, s) {
    c.reply.int(pubsubOf(s).patterns.size);
  },
  'pubsub|help'(c) {
    c.reply.arrayLen(PUBSUB_HELP.length);
    for (const line of PUBSUB_HELP) c.reply.simple(line);
  },
});

// RESET leaves every channel, pattern and shard channel without replies (clearClientConnectionState).
resetHooks.push((c, s) => pubsubOf(s).dropClient(c));
