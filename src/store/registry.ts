// Command handlers by command name. Each command family file registers its handlers here at import
// time; the dispatcher looks them up by full name ("get", "client|setname") and then by container
// name ("client"). A table row without a handler answers Redis's unknown-command error.

import type { Client } from './client';
import type { Server } from './server';
import type { Command } from '../resp/commands';

/**
 * A command implementation. `argv[0]` is the command name as sent; arguments are latin1 strings.
 * Handlers write exactly one reply (or, for blocking commands, arrange to write it later).
 */
export type Handler = (c: Client, argv: string[], s: Server, cmd: Command) => void;

/** Every registered handler by full name; the dispatcher and the command-table test read it. */
export const HANDLERS = new Map<string, Handler>();

/** Registers a family of handlers; names are lower case (subcommands as "container|sub"). */
export function register(table: Record<string, Handler>): void {
  for (const [name, h] of Object.entries(table)) {
    if (HANDLERS.has(name)) throw new Error(`handler registered twice: ${name}`);
    HANDLERS.set(name, h);
  }
}

/** The handler for a resolved command, if the store implements it. */
export function handlerFor(cmd: Command): Handler | undefined {
  return HANDLERS.get(cmd.fullName) ?? (cmd.parent ? HANDLERS.get(cmd.parent.fullName) : undefined);
}

/**
 * Run at the end of every Server's construction: command modules that keep per-server state
 * (instantaneous metrics, config appliers, output buffer limits) attach their hooks here. It lives
 * here rather than on Server because command modules load while server.ts is still being evaluated.
 */
export const SERVER_INIT_HOOKS: Array<(s: Server) => void> = [];
