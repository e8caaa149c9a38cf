// Key positions of a command line, as Redis 7.0's getKeysFromCommandWithSpecs finds them (COMMAND
// GETKEYS / GETKEYSANDFLAGS): the key specs first; when a spec cannot answer (numkeys unparsable or
// out of bounds, a spec of unknown type or marked incomplete) or has variable flags, the command's
// getkeys procedure (db.c), whose answers differ in places: SORT keeps only its last STORE, numkeys is
// read with atoi, and EVAL-like keys come with no flags.

import type { CommandRow, KeySpec } from './command-types';
import { string2ll } from './integers';

/** One key: its argument position and the flags GETKEYSANDFLAGS prints (in Redis's order). */
export interface KeyRef {
  pos: number;
  flags: readonly string[];
}

type Args = ReadonlyArray<string | Buffer>;

function str(a: string | Buffer): string {
  return typeof a === 'string' ? a : a.latin1Slice(0, a.length);
}

/** string2ll as a number (precision past 2^53 does not matter for key counts). */
function ll(s: string): number | null {
  const n = string2ll(s);
  return n === null ? null : Number(n);
}

/** C's atoi as glibc does it ((int) strtol): leading spaces, a sign, digits up to the first other byte. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(s)!;
  if (!m[2]) return 0;
  let n = BigInt(m[2]);
  if (m[1] === '-') n = -n;
  if (n > 9223372036854775807n) n = 9223372036854775807n;
  if (n < -9223372036854775808n) n = -9223372036854775808n;
  return Number(BigInt.asIntN(32, n));
}

/** getKeysUsingKeySpecs: the keys, or null when a spec is invalid or incomplete. */
function keysFromSpecs(cmd: CommandRow, argv: Args): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of cmd.keySpecs) {
    if (spec.flags.includes('not_key')) continue;
    const r = keysFromSpec(cmd, spec, argv, argc, out);
    // An incomplete spec sends Redis to the procedure, unless its keyword was not there at all.
    if (r === 'invalid' || (r === 'ok' && spec.flags.includes('incomplete'))) return null;
  }
  return out;
}

function keysFromSpec(cmd: CommandRow, spec: KeySpec, argv: Args, argc: number, out: KeyRef[]): 'ok' | 'absent' | 'invalid' {
  let first = 0;
  if (spec.bs.type === 'index') first = spec.bs.index!;
  else if (spec.bs.type === 'keyword') {
    const from = spec.bs.startfrom!;
    const start = from > 0 ? from : argc + from;
    const end = from > 0 ? argc - 1 : 1;
    const kw = spec.bs.keyword!.toLowerCase();
    // Redis's bounds: the search stops before `end` (the last argument is never the keyword).
    for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (str(argv[i]).toLowerCase() === kw) {
        first = i + 1;
        break;
      }
    }
    if (!first) return 'absent';
  } else return 'invalid';
  let last: number;
  let step: number;
  if (spec.fk.type === 'range') {
    step = spec.fk.keystep!;
    const lk = spec.fk.lastkey!;
    const limit = spec.fk.limit ?? 0;
    if (lk >= 0) last = first + lk;
    else if (!limit) last = argc + lk;
    else last = first + (Math.trunc((argc - first) / limit) + lk);
  } else if (spec.fk.type === 'keynum') {
    step = spec.fk.keystep!;
    if (spec.fk.keynumidx! >= argc || first + spec.fk.keynumidx! >= argc) return 'invalid';
    const n = ll(str(argv[first + spec.fk.keynumidx!]));
    if (n === null || n < 0) return 'invalid';
    first += spec.fk.firstkey!;
    last = first + n - 1;
  } else return 'invalid';
  if (last >= argc || last < first || first >= argc) return 'invalid';
  for (let i = first; i <= last; i += step) {
    if (i >= argc || i < first) {
      if (cmd.arity < 0) continue;
      return 'invalid';
    }
    out.push({ pos: i, flags: spec.flags });
  }
  return 'ok';
}

const NONE: readonly string[] = [];
const RO_ACCESS: readonly string[] = ['RO', 'access'];
const OW_UPDATE: readonly string[] = ['OW', 'update'];
const RW_ACCESS_UPDATE: readonly string[] = ['RW', 'access', 'update'];
const RW_ACCESS_DELETE: readonly string[] = ['RW', 'access', 'delete'];

/** genericGetKeys: `num` keys from firstKeyOfs (atoi'd count at keyCountOfs), then the store key. */
function generic(storeOfs: number, countOfs: number, firstOfs: number, argv: Args): KeyRef[] {
  const num = atoi(str(argv[countOfs]));
  if (num < 1 || num > argv.length - firstOfs) return [];
  const out: KeyRef[] = [];
  for (let i = 0; i < num; i++) out.push({ pos: firstOfs + i, flags: NONE });
  if (storeOfs) out.push({ pos: storeOfs, flags: NONE });
  return out;
}

/** sortGetKeys: the sorted key and the last STORE's destination (an option's value is not skipped). */
function sortKeys(argv: Args): KeyRef[] {
  const out: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
  let store = -1;
  const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
  for (let i = 2; i < argv.length; i++) {
    const a = str(argv[i]).toLowerCase();
    if (skip[a] !== undefined) i += skip[a];
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store > 0) out.push({ pos: store, flags: OW_UPDATE });
  return out;
}

/** migrateGetKeys: argv[3], or the keys after KEYS (only with an empty key argument). */
function migrateKeys(argv: Args): KeyRef[] {
  let first = 3;
  let num = 1;
  const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
  for (let i = 6; i < argv.length; i++) {
    const a = str(argv[i]).toLowerCase();
    if (a === 'keys') {
      if (str(argv[3]).length > 0) return [];
      first = i + 1;
      num = argv.length - first;
      break;
    }
    if (skip[a] !== undefined) i += skip[a];
  }
  const out: KeyRef[] = [];
  for (let i = 0; i < num; i++) out.push({ pos: first + i, flags: RW_ACCESS_DELETE });
  return out;
}

/** xreadGetKeys: half the arguments after STREAMS (options before it skipped). */
function xreadKeys(argv: Args): KeyRef[] {
  let streams = -1;
  const skip: Record<string, number> = { block: 1, count: 1, group: 2, noack: 0 };
  for (let i = 1; i < argv.length; i++) {
    const a = str(argv[i]).toLowerCase();
    if (a === 'streams') {
      streams = i;
      break;
    }
    if (skip[a] === undefined) break;
    i += skip[a];
  }
  const n = argv.length - streams - 1;
  if (streams === -1 || n === 0 || n % 2 !== 0) return [];
  const out: KeyRef[] = [];
  for (let i = streams + 1; i < argv.length - n / 2; i++) out.push({ pos: i, flags: NONE });
  return out;
}

/** georadiusGetKeys: the key, then the last STORE/STOREDIST destination. */
function georadiusKeys(argv: Args): KeyRef[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = str(argv[i]).toLowerCase();
    if ((a === 'store' || a === 'storedist') && i + 1 < argv.length) stored = ++i;
  }
  const out: KeyRef[] = [{ pos: 1, flags: NONE }];
  if (stored > 0) out.push({ pos: stored, flags: NONE });
  return out;
}

/** setGetKeys: the key, read as well when a GET follows the value. */
function setKeys(argv: Args): KeyRef[] {
  for (let i = 3; i < argv.length; i++) if (str(argv[i]).toLowerCase() === 'get') return [{ pos: 1, flags: RW_ACCESS_UPDATE }];
  return [{ pos: 1, flags: OW_UPDATE }];
}

/** bitfieldGetKeys: read-only when only GET (and OVERFLOW) appear, well formed. */
function bitfieldKeys(argv: Args): KeyRef[] {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const rem = argv.length - i - 1;
    const a = str(argv[i]).toLowerCase();
    if (a === 'get' && rem >= 2) i += 2;
    else if (a === 'overflow' && rem >= 1) i += 1;
    else {
      // SET/INCRBY, or a syntax error: assume a write.
      readonly = false;
      break;
    }
  }
  return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
}

/** The commands with a getkeys procedure in Redis 7.0, by name. */
const PROCS: Record<string, (argv: Args) => KeyRef[]> = {
  sort: sortKeys,
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  migrate: migrateKeys,
  xread: xreadKeys,
  xreadgroup: xreadKeys,
  georadius: georadiusKeys,
  georadiusbymember: georadiusKeys,
  set: setKeys,
  bitfield: bitfieldKeys,
};
for (const n of ['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro', 'blmpop', 'bzmpop']) PROCS[n] = (a) => generic(0, 2, 3, a);
for (const n of ['zunionstore', 'zinterstore', 'zdiffstore']) PROCS[n] = (a) => generic(1, 2, 3, a);
for (const n of ['zunion', 'zinter', 'zdiff', 'zintercard', 'sintercard', 'lmpop', 'zmpop']) PROCS[n] = (a) => generic(0, 1, 2, a);

/** doesCommandHaveKeys: a getkeys procedure, or a key spec that names real keys. */
export function commandHasKeys(cmd: CommandRow): boolean {
  return PROCS[cmd.name] !== undefined || cmd.keySpecs.some((s) => !s.flags.includes('not_key'));
}

/** getKeysFromCommandWithSpecs: the keys of `argv` (argv[0] is the command name); [] when none. */
export function commandKeys(cmd: CommandRow, argv: Args): KeyRef[] {
  const real = cmd.keySpecs.some((s) => !s.flags.includes('not_key'));
  const varFlags = cmd.keySpecs.some((s) => s.flags.includes('variable_flags'));
  if (real && !varFlags) {
    const keys = keysFromSpecs(cmd, argv);
    if (keys) return keys;
  }
  const proc = PROCS[cmd.name];
  return proc ? proc(argv) : [];
}
