// Secrets in command arguments are replaced by "(redacted)" before a command is shown in MONITOR or
// kept in the slow log, as Redis's redactClientCommandArgument does for AUTH, HELLO AUTH and
// MIGRATE AUTH/AUTH2.

const REDACTED = '(redacted)';

/** A copy of argv with passwords redacted (argv itself when nothing needs it). */
export function redactArgv(argv: string[]): string[] {
  const name = argv[0].toLowerCase();
  if (name === 'auth') return [argv[0], ...argv.slice(1).map(() => REDACTED)];
  if (name === 'hello') {
    const out = argv.slice();
    for (let i = 2; i < out.length; i++) {
      if (out[i].toLowerCase() === 'auth' && i + 2 < out.length) {
        out[i + 1] = REDACTED;
        out[i + 2] = REDACTED;
        i += 2;
      }
    }
    return out;
  }
  if (name === 'migrate') {
    const out = argv.slice();
    for (let i = 6; i < out.length; i++) {
      const a = out[i].toLowerCase();
      if (a === 'auth' && i + 1 < out.length) out[++i] = REDACTED;
      else if (a === 'auth2' && i + 2 < out.length) {
        out[i + 1] = REDACTED;
        out[i + 2] = REDACTED;
        i += 2;
      } else if (a === 'keys') break;
    }
    return out;
  }
  return argv;
}
