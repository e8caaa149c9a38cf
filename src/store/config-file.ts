// Reads redis.conf-style configuration: a file (with `include`), then `--directive value ...` options
// from the command line, as redis-server accepts them. A directive Redis 7.0 has and the store does
// not implement is a warning; anything else (a typo like `requirepas`) and a malformed line are
// errors naming the file and line, as redis-server refuses to start on them.

import fs from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../resp/parser';
import { type Config, findDirective, NOTIFY_UNSUPPORTED } from './config';
import { REDIS_ONLY_DIRECTIVES } from './redis-only-directives';
import { lookupCommand } from '../resp/commands';

/** A bad config file or command line (the message names the file and line): start-up fails with it. */
export class ConfigError extends Error {}


/** Applies one directive line; returns a warning text or null; throws ConfigError when malformed. */
function applyLine(config: Config, args: string[], where: string, warnings: string[], depth: number, fromFile = ''): void {
  const name = args[0].toLowerCase();
  const rest = args.slice(1);
  if (name === 'include') {
    if (rest.length !== 1) throw new ConfigError(`${where}: 'include' needs one file name`);
    // Redis resolves includes against the working directory; when that file does not exist we also
    // try next to the including file, so config/master.conf can say "include base.conf".
    let inc = rest[0];
    if (!path.isAbsolute(inc) && !fs.existsSync(inc) && fromFile) {
      const beside = path.join(path.dirname(fromFile), inc);
      if (fs.existsSync(beside)) inc = beside;
    }
    readFile(config, inc, warnings, depth + 1);
    return;
  }
  if (name === 'rename-command') {
    if (rest.length !== 2) throw new ConfigError(`${where}: Bad directive or wrong number of arguments`);
    const from = rest[0].toLowerCase();
    const to = rest[1].toLowerCase();
    // As Redis: the command must still be in the table (not renamed away already), and the new
    // name must not be taken.
    if (!lookupCommand(from) || config.renamed?.has(from)) throw new ConfigError(`${where}: No such command in rename-command`);
    const taken = (lookupCommand(to) && !config.renamed?.has(to)) || config.renamedFrom?.has(to);
    if (to !== '' && taken) throw new ConfigError(`${where}: Target command name already exists`);
    config.renameCommand(from, to);
    return;
  }
  const dir = findDirective(name);
  if (!dir) {
    if (!REDIS_ONLY_DIRECTIVES.has(name)) throw new ConfigError(`${where}: Bad directive or wrong number of arguments ('${args[0]}')`);
    warnings.push(`${where}: directive '${name}' is accepted but has no effect in resplit-server`);
    return;
  }
  if (dir.name === 'replicaof') {
    if (rest.length !== 2 || !/^\d+$/.test(rest[1])) throw new ConfigError(`${where}: 'replicaof' needs <masterip> <masterport>`);
  } else if (dir.name === 'save') {
    // "save" lines accumulate as in redis.conf; `save ""` clears.
    const cur = (config as unknown as { fileSave?: string[] }).fileSave ?? [];
    const add = rest.length === 1 && rest[0] === '' ? [] : rest;
    const merged = rest.length === 1 && rest[0] === '' ? [] : [...cur, ...add];
    (config as unknown as { fileSave?: string[] }).fileSave = merged;
    const err = config.set('save', merged.length ? merged : [''], true);
    if (err) throw new ConfigError(`${where}: ${err.replace(/^CONFIG SET failed \(possibly related to argument '[^']*'\) - /, '')}`);
    return;
  } else if (dir.type !== 'multi' && rest.length !== 1 && !((dir.name === 'bind' || dir.flags) && rest.length >= 1)) {
    throw new ConfigError(`${where}: wrong number of arguments for '${name}'`);
  }
  const err = config.set(name, rest, true);
  if (err) throw new ConfigError(`${where}: ${err.replace(/^CONFIG SET failed \(possibly related to argument '[^']*'\) - /, '')}`);
  if (dir.name === 'daemonize' && config.getBool('daemonize')) {
    warnings.push(`${where}: daemonize yes is not supported: resplit-server stays in the foreground (run it under a supervisor)`);
  }
  if (dir.name === 'notify-keyspace-events' && config.get('notify-keyspace-events') !== '') {
    warnings.push(`${where}: ${NOTIFY_UNSUPPORTED}`);
  }
}

function applyText(config: Config, text: string, file: string, warnings: string[], depth: number): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const args = splitArgs(Buffer.from(line, 'latin1'), 0, Buffer.byteLength(line, 'latin1'));
    const where = `${file}:${i + 1}`;
    if (args === null) throw new ConfigError(`${where}: unbalanced quotes in configuration line`);
    if (!args.length) continue;
    applyLine(config, args.map((a) => a.latin1Slice(0, a.length)), where, warnings, depth, file);
  }
}

function readFile(config: Config, file: string, warnings: string[], depth: number): void {
  if (depth > 16) throw new ConfigError(`${file}: include nesting too deep`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (err) {
    throw new ConfigError(`Fatal error, can't open config file '${path.resolve(file)}': ${(err as Error).message}`);
  }
  applyText(config, text, file, warnings, depth);
}

/**
 * Applies `redis-server [configfile] [--directive value ...]` arguments. Returns the config file
 * path (absolute) and any warnings. Throws ConfigError with a message naming the file and line.
 */
export function loadConfigArgs(config: Config, argv: string[]): { file: string; warnings: string[] } {
  const warnings: string[] = [];
  let file = '';
  let i = 0;
  if (argv.length && !argv[0].startsWith('--')) {
    file = path.resolve(argv[0]);
    readFile(config, argv[0], warnings, 0);
    i = 1;
  }
  // Options: "--name v1 v2 --other v" -> lines "name v1 v2", "other v", as Redis 7.0's main() builds
  // them: an argument "--name value" (name and value in one) is split as a config line; after an
  // option name alone, the next argument is its value even if it starts with "--" (a value such as
  // --my--title); "--save" followed by an option, or last, means save "".
  const lines: string[][] = [];
  let handledLast = true;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (handledLast && a.startsWith('--')) {
      const body = a.slice(2);
      // Node has decoded argv as UTF-8: split its bytes as such, so a path like --dir /tmp/données survives.
      const toks = splitArgs(Buffer.from(body, 'utf8'), 0, Buffer.byteLength(body, 'utf8'));
      const words = toks && toks.length ? toks.map((t) => t.toString('utf8')) : [body];
      lines.push(words);
      if (words.length === 1) {
        handledLast = false;
        if (words[0].toLowerCase() === 'save' && (i === argv.length - 1 || argv[i + 1].startsWith('--'))) {
          words.push('');
          handledLast = true;
        }
      } else handledLast = true;
    } else {
      if (!lines.length) lines.push([]);
      lines[lines.length - 1].push(a);
      handledLast = true;
    }
  }
  for (const l of lines) applyLine(config, l.length === 1 ? [l[0], ''] : l, `command line option --${l[0]}`, warnings, 0);
  return { file, warnings };
}
