// The one command table, as data: every Redis 7.0 command with arity, flags and key positions.
// The store dispatches from it (arity and flag-driven checks), answers COMMAND from it, and the proxy
// classifies reads and writes from it. Rows are generated from a real redis-server (see
// scripts/gen-command-table.js); EXTRA_ROWS adds the few later commands the issues ask for.

import { COMMAND_ROWS, REDIS_VERSION } from './command-table.data';
import type { CommandRow } from './command-types';

/** Re-exported: users of the command table take its types and Redis version from this module. */
export type { CommandRow, KeySpec } from './command-types';
export { REDIS_VERSION };

/** Flag bits for fast checks in hot paths (dispatcher, proxy classifier). */
export const F = {
  write: 1 << 0,
  readonly: 1 << 1,
  denyoom: 1 << 2,
  module: 1 << 3,
  admin: 1 << 4,
  pubsub: 1 << 5,
  noscript: 1 << 6,
  blocking: 1 << 7,
  loading: 1 << 8,
  stale: 1 << 9,
  skip_monitor: 1 << 10,
  skip_slowlog: 1 << 11,
  asking: 1 << 12,
  fast: 1 << 13,
  no_auth: 1 << 14,
  may_replicate: 1 << 15,
  no_mandatory_keys: 1 << 16,
  no_async_loading: 1 << 17,
  no_multi: 1 << 18,
  movablekeys: 1 << 19,
  allow_busy: 1 << 20,
  only_sentinel: 1 << 21,
} as const;

/** A table row plus what is derived from it once at start-up. */
export interface Command extends CommandRow {
  /** The flags as a bit set (F.*). */
  bits: number;
  /** "get", or "client|setname" for a subcommand. */
  fullName: string;
  parent?: Command;
  /** Subcommands by lower-case name. */
  subs?: Map<string, Command>;
  /** True for rows added beyond the captured 7.0 table. */
  extra?: boolean;
}

/**
 * Commands from Redis 7.2 that the issues ask for (CLIENT SETINFO, CLIENT NO-TOUCH); they are not in
 * the captured 7.0 table, so they are declared here with the metadata 7.2 gives them.
 */
const EXTRA_SUBCOMMANDS: Record<string, CommandRow[]> = {
  client: [
    { name: 'client|setinfo', arity: 4, flags: ['noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, acl: ['@slow', '@connection'], tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [], doc: { summary: 'Sets information specific to the client or connection.', since: '7.2.0', group: 'connection', complexity: 'O(1)' } },
    { name: 'client|no-touch', arity: 3, flags: ['noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, acl: ['@slow', '@connection'], tips: [], keySpecs: [], doc: { summary: 'Controls whether commands sent by the client alter the LRU/LFU of accessed keys.', since: '7.2.0', group: 'connection', complexity: 'O(1)' } },
  ],
};

/**
 * Redis 7.0's may-replicate commands (CMD_MAY_REPLICATE in its command table). COMMAND INFO does not
 * print this flag, so the captured rows lack it; CLIENT PAUSE WRITE holds these like writes.
 */
const MAY_REPLICATE = new Set(['eval', 'evalsha', 'fcall', 'pfcount', 'publish', 'spublish']);

function build(row: CommandRow, parent?: Command, extra = false): Command {
  let bits = MAY_REPLICATE.has(row.name) ? F.may_replicate : 0;
  for (const f of row.flags) bits |= (F as Record<string, number>)[f] ?? 0;
  const cmd: Command = { ...row, bits, fullName: row.name, parent, extra };
  const subs = [...(row.subcommands ?? []), ...(parent ? [] : EXTRA_SUBCOMMANDS[row.name] ?? [])];
  if (subs.length) {
    cmd.subs = new Map();
    for (const s of subs) {
      const extraSub = !(row.subcommands ?? []).includes(s);
      const sc = build(s, cmd, extraSub);
      cmd.subs.set(s.name.slice(row.name.length + 1), sc);
    }
    cmd.subcommands = [...cmd.subs.values()];
  }
  return cmd;
}

/** All top-level commands by lower-case name. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map(COMMAND_ROWS.map((r) => [r.name, build(r)]));

/** Names as clients spell them ("SET", "Set") -> command; bounded, only names that resolve. */
const SPELLINGS = new Map<string, Command>();

/** Looks up a command by name (any case) without allocating for spellings seen before. */
export function lookupCommand(name: string): Command | undefined {
  const hit = COMMANDS.get(name) ?? SPELLINGS.get(name);
  if (hit) return hit;
  const cmd = COMMANDS.get(name.toLowerCase());
  if (cmd && SPELLINGS.size < 4096) SPELLINGS.set(name, cmd);
  return cmd;
}

/**
 * Resolves the command an argument vector invokes, descending into subcommands as Redis does.
 * Returns the container itself when the subcommand is unknown (the caller replies with Redis's
 * "unknown subcommand" error) and undefined when the command is unknown.
 */
export function resolveCommand(argv: ReadonlyArray<string | Buffer>): Command | undefined {
  const name = typeof argv[0] === 'string' ? argv[0] : argv[0].latin1Slice(0, argv[0].length);
  const cmd = lookupCommand(name);
  if (!cmd || !cmd.subs || argv.length < 2) return cmd;
  const a1 = argv[1];
  const sub = (typeof a1 === 'string' ? a1 : a1.latin1Slice(0, a1.length)).toLowerCase();
  return cmd.subs.get(sub) ?? cmd;
}

/** Whether argc satisfies a command's arity. */
export function arityOk(cmd: CommandRow, argc: number): boolean {
  return cmd.arity > 0 ? argc === cmd.arity : argc >= -cmd.arity;
}

/** Whether a command has key arguments at all. */
export function hasKeys(cmd: CommandRow): boolean {
  return cmd.keySpecs.length > 0 || cmd.firstKey > 0;
}

/** Every command and subcommand, flattened (COMMAND COUNT, iteration). */
export function allCommands(): Command[] {
  const out: Command[] = [];
  for (const c of COMMANDS.values()) {
    out.push(c);
    if (c.subs) out.push(...c.subs.values());
  }
  return out;
}
