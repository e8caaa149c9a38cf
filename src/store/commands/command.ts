// COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / GETKEYSANDFLAGS / HELP, answered from the
// one command table (src/resp/commands.ts). Rows the store does not implement stay listed, as the
// table describes Redis, not the store.

import { register } from '../registry';
import type { Client } from '../client';
import { COMMANDS, allCommands, lookupCommand, arityOk, type Command } from '../../resp/commands';
import { commandKeys, commandHasKeys, type KeyRef } from '../../resp/getkeys';
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

/**
 * The keys of a full command line (COMMAND GETKEYS), or the error Redis gives for it. No keys is an
 * error, except for commands without mandatory keys (EVAL, FCALL: an empty array).
 */
function keysOf(argv: string[]): KeyRef[] | string {
  const target = argv.slice(2);
  let cmd = lookupCommand(target[0]);
  if (cmd?.subs && target.length > 1) cmd = cmd.subs.get(target[1].toLowerCase()) ?? cmd;
  if (!cmd) return 'ERR Invalid command specified';
  if (!commandHasKeys(cmd)) return 'ERR The command has no key arguments';
  if (!arityOk(cmd, target.length)) return 'ERR Invalid number of arguments specified for command';
  const keys = commandKeys(cmd, target);
  if (!keys.length && !cmd.flags.includes('no_mandatory_keys')) return 'ERR Invalid arguments specified for command';
  return keys;
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
    c.reply.arrayLen(r.length);
    for (const k of r) c.reply.bulk(argv[2 + k.pos]);
  },
  'command|getkeysandflags'(c, argv) {
    const r = keysOf(argv);
    if (typeof r === 'string') return c.reply.error(r);
    c.reply.arrayLen(r.length);
    for (const k of r) {
      c.reply.arrayLen(2);
      c.reply.bulk(argv[2 + k.pos]);
      c.reply.setLen(k.flags.length);
      for (const f of k.flags) c.reply.simple(f);
    }
  },
  'command|help'(c) {
    helpReply(c, HELP.command);
  },
});
