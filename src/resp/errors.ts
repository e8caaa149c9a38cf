// Redis's error reply texts, in one place. Clients and tools match on these strings, so they are
// copied exactly from redis/src/server.c, networking.c and the type files (7.0). Each constant is the
// full reply text without the leading '-'.

/** The texts by name. */
export const E = {
  SYNTAX: 'ERR syntax error',
  WRONGTYPE: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  NOT_INTEGER: 'ERR value is not an integer or out of range',
  NOT_FLOAT: 'ERR value is not a valid float',
  OVERFLOW: 'ERR increment or decrement would overflow',
  INCR_NAN_INF: 'ERR increment would produce NaN or Infinity',
  NO_SUCH_KEY: 'ERR no such key',
  DB_INDEX: 'ERR DB index is out of range',
  INDEX_RANGE: 'ERR index out of range',
  NOAUTH: 'NOAUTH Authentication required.',
  WRONGPASS: 'WRONGPASS invalid username-password pair or user is disabled.',
  AUTH_NO_PASSWORD:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  READONLY: "READONLY You can't write against a read only replica.",
  MAX_CLIENTS: 'ERR max number of clients reached',
  NESTED_MULTI: 'ERR MULTI calls can not be nested',
  EXEC_NO_MULTI: 'ERR EXEC without MULTI',
  DISCARD_NO_MULTI: 'ERR DISCARD without MULTI',
  EXECABORT: 'EXECABORT Transaction discarded because of previous errors.',
  WATCH_IN_MULTI: 'ERR WATCH inside MULTI is not allowed',
  BIT_OFFSET: 'ERR bit offset is not an integer or out of range',
  BIT_VALUE: 'ERR bit is not an integer or out of range',
  STRING_TOO_LONG: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  MASTERDOWN: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  LOADING: 'LOADING Redis is loading the dataset in memory',
  NOREPLICAS: 'NOREPLICAS Not enough good replicas to write.',
  SAME_OBJECT: 'ERR source and destination objects are the same',
  TIMEOUT_NEGATIVE: 'ERR timeout is negative',
  TIMEOUT_NOT_FLOAT: 'ERR timeout is not a float or out of range',
  BUSYKEY: 'BUSYKEY Target key name already exists.',
  NOPROTO: 'NOPROTO unsupported protocol version',
  INVALID_CURSOR: 'ERR invalid cursor',
} as const;

/** "ERR wrong number of arguments for '<cmd>' command" (cmd is the full name, e.g. client|kill). */
export function errArity(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

/** An argument as C's "%s" prints it: up to its first NUL byte. */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Arguments quoted as Redis quotes them in the unknown-command error (at most ~128 bytes). */
function argsBeginning(args: ReadonlyArray<string>): string {
  let s = '';
  for (let i = 0; i < args.length && s.length < 128; i++) s += `'${cstr(args[i].slice(0, 128 - s.length))}' `;
  return s;
}

/** "ERR unknown command '<name>', with args beginning with: '<a1>' '<a2>' " */
export function errUnknownCommand(name: string, args: ReadonlyArray<string>): string {
  return `ERR unknown command '${cstr(name.slice(0, 128))}', with args beginning with: ${argsBeginning(args)}`;
}

/** "ERR unknown subcommand '<sub>'. Try <CMD> HELP." */
export function errUnknownSubcommand(container: string, sub: string): string {
  return `ERR unknown subcommand '${cstr(sub.slice(0, 128))}'. Try ${container.toUpperCase()} HELP.`;
}

/** RESP2 subscriber-mode refusal. */
export function errSubscribeContext(name: string): string {
  return `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}
