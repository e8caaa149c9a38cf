// COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / GETKEYSANDFLAGS / HELP, answered from the
// one command table (src/resp/commands.ts). Rows the store does not implement stay listed, as the
// table describes Redis, not the store.

import { register } from '../registry';
import type { Client } from '../client';
import { COMMANDS, allCommands, lookupCommand, getKeyIndexes, arityOk, type Command } from '../../resp/commands';
import { E } from '../../resp/errors';
import { stringMatch } from '../glob';
import { replyCommandInfo, replyCommandDocs } from './command-reply';
import { HELP } from './help-texts';
import { helpReply } from './help';

/** Looks up "get" or "client|kill" (COMMAND INFO/DOCS accept full subcommand names). */
function byFullName(name: string): Command | undefined {
  const l = name.toLowerCase();
  const bar = l.indexOf('|');
  if (bar < 0) return lookupCommand(l);
  return lookupCommand(l.slice(0, bar))?.subs?.get(l.slice(bar + 1));
}

/** Key indexes of a full command line, or the error Redis gives for it. */
function keysOf(argv: string[]): { cmd: Command; idx: number[] } | string {
  const target = argv.slice(2);
  let cmd = lookupCommand(target[0]);
  if (cmd?.subs && target.length > 1) cmd = cmd.subs.get(target[1].toLowerCase()) ?? cmd;
  if (!cmd) return 'ERR Invalid command specified';
  if (!cmd.keySpecs.length && !cmd.firstKey && cmd.name !== 'sort' && cmd.name !== 'migrate') return 'ERR The command has no key arguments';
  if (!arityOk(cmd, target.length)) return 'ERR Invalid number of arguments specified for command';
  const idx = getKeyIndexes(cmd, target);
  if (!idx || !idx.length) return 'ERR Invalid arguments specified for command';
  return { cmd, idx };
}

/**
 * Key specs flagged variable_flags get their real flags from the arguments, as Redis's getkeys
 * procedures compute them: SET without GET only overwrites; BITFIELD with only GET reads.
 */
function variableFlags(cmd: Command, target: string[]): string[] | null {
  const args = target.slice(2).map((a) => a.toLowerCase());
  if (cmd.name === 'set') return args.includes('get') ? ['RW', 'access', 'update'] : ['OW', 'update'];
  if (cmd.name === 'bitfield') {
    const writes = args.some((a) => a === 'set' || a === 'incrby');
    return writes ? ['RW', 'access', 'update'] : ['RO', 'access'];
  }
  return null;
}

/** The flags of the first key spec that names argument `i` (GETKEYSANDFLAGS). */
function keyFlags(cmd: Command, target: string[], i: number): string[] {
  const v = variableFlags(cmd, target);
  if (v) return v;
  // SORT's keys come from its getkeys procedure: the sorted key, then the STORE destination.
  if (cmd.name === 'sort' && cmd.keySpecs.length) return i === 1 ? cmd.keySpecs[0].flags : cmd.keySpecs[cmd.keySpecs.length - 1].flags;
  for (const ks of cmd.keySpecs) {
    const one = getKeyIndexes({ ...cmd, name: '', keySpecs: [ks] }, target);
    if (one && one.includes(i)) return ks.flags;
  }
  return cmd.keySpecs[0]?.flags ?? [];
}

function listAll(c: Client, names: string[]): void {
  c.reply.arrayLen(names.length);
  for (const n of names) c.reply.bulk(n);
}

register({
  command(c, argv) {
    if (argv.length > 1) return c.reply.error(E.SYNTAX);
    c.reply.arrayLen(COMMANDS.size);
    for (const cmd of COMMANDS.values()) replyCommandInfo(c, cmd);
  },
  'command|count'(c) {
    c.reply.int(COMMANDS.size);
  },
  'command|info'(c, argv) {
    if (argv.length === 2) {
      c.reply.arrayLen(COMMANDS.size);
      for (const cmd of COMMANDS.values()) replyCommandInfo(c, cmd);
      return;
    }
    c.reply.arrayLen(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      const cmd = byFullName(argv[i]);
      if (cmd) replyCommandInfo(c, cmd);
      else c.reply.nil();
    }
  },
  'command|docs'(c, argv) {
    const found: Command[] = [];
    if (argv.length === 2) found.push(...COMMANDS.values());
    else for (let i = 2; i < argv.length; i++) {
      const cmd = byFullName(argv[i]);
      if (cmd) found.push(cmd);
    }
    c.reply.mapLen(found.length);
    for (const cmd of found) {
      c.reply.bulk(cmd.name);
      replyCommandDocs(c, cmd);
    }
  },
  'command|list'(c, argv) {
    const all = allCommands();
    if (argv.length === 2) return listAll(c, all.map((x) => x.name));
    if (argv.length !== 5 || argv[2].toLowerCase() !== 'filterby') return c.reply.error(E.SYNTAX);
    const kind = argv[3].toLowerCase();
    const v = argv[4];
    if (kind === 'module') return listAll(c, []);
    if (kind === 'aclcat') {
      const cat = `@${v.toLowerCase()}`;
      return listAll(c, all.filter((x) => x.acl.includes(cat)).map((x) => x.name));
    }
    if (kind === 'pattern') return listAll(c, all.filter((x) => stringMatch(v, x.name, true)).map((x) => x.name));
    c.reply.error(E.SYNTAX);
  },
  'command|getkeys'(c, argv) {
    const r = keysOf(argv);
    if (typeof r === 'string') return c.reply.error(r);
    c.reply.arrayLen(r.idx.length);
    for (const i of r.idx) c.reply.bulk(argv[2 + i]);
  },
  'command|getkeysandflags'(c, argv) {
    const r = keysOf(argv);
    if (typeof r === 'string') return c.reply.error(r);
    const target = argv.slice(2);
    c.reply.arrayLen(r.idx.length);
    for (const i of r.idx) {
      c.reply.arrayLen(2);
      c.reply.bulk(target[i]);
      const flags = keyFlags(r.cmd, target, i);
      c.reply.setLen(flags.length);
      for (const f of flags) c.reply.simple(f);
    }
  },
  'command|help'(c) {
    helpReply(c, HELP.command);
  },
});
