// Encoders for COMMAND INFO rows and COMMAND DOCS maps, in the exact shape and RESP types
// Redis 7.0 uses (addReplyCommandInfo / addReplyCommandDocs in server.c).

import type { Client } from '../client';
import type { Command, KeySpec } from '../../resp/commands';

/** Fields of a key spec's begin_search / find_keys spec that are integers (the rest are strings). */
const INT_SPEC_FIELDS = new Set(['index', 'startfrom', 'lastkey', 'keystep', 'limit', 'keynumidx', 'firstkey']);

function statusSet(c: Client, items: readonly string[]): void {
  c.reply.setLen(items.length);
  for (const i of items) c.reply.simple(i);
}

function specPart(c: Client, part: Record<string, unknown>): void {
  const { type, ...spec } = part;
  const keys = Object.keys(spec);
  c.reply.mapLen(2);
  c.reply.bulk('type');
  c.reply.bulk(String(type));
  c.reply.bulk('spec');
  c.reply.mapLen(keys.length);
  for (const k of keys) {
    c.reply.bulk(k);
    if (INT_SPEC_FIELDS.has(k)) c.reply.int(Number(spec[k]));
    else c.reply.bulk(String(spec[k]));
  }
}

function keySpec(c: Client, ks: KeySpec): void {
  c.reply.mapLen(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) {
    c.reply.bulk('notes');
    c.reply.bulk(ks.notes);
  }
  c.reply.bulk('flags');
  statusSet(c, ks.flags);
  c.reply.bulk('begin_search');
  specPart(c, ks.bs as unknown as Record<string, unknown>);
  c.reply.bulk('find_keys');
  specPart(c, ks.fk as unknown as Record<string, unknown>);
}

/** One COMMAND INFO row (10 elements), subcommands nested. */
export function replyCommandInfo(c: Client, cmd: Command): void {
  c.reply.arrayLen(10);
  c.reply.bulk(cmd.name);
  c.reply.int(cmd.arity);
  statusSet(c, cmd.flags);
  c.reply.int(cmd.firstKey);
  c.reply.int(cmd.lastKey);
  c.reply.int(cmd.step);
  statusSet(c, cmd.acl);
  // Tips are bulk strings, unlike flags and categories.
  c.reply.setLen(cmd.tips.length);
  for (const t of cmd.tips) c.reply.bulk(t);
  c.reply.setLen(cmd.keySpecs.length);
  for (const ks of cmd.keySpecs) keySpec(c, ks);
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  c.reply.setLen(subs.length);
  for (const s of subs) replyCommandInfo(c, s);
}

/** A doc value: arguments are maps, flags are sets of status strings, history is pairs. */
function docValue(c: Client, key: string, v: unknown): void {
  if (key === 'arguments' && Array.isArray(v)) {
    c.reply.arrayLen(v.length);
    for (const a of v) docMap(c, a as Record<string, unknown>);
  } else if ((key === 'flags' || key === 'doc_flags') && Array.isArray(v)) statusSet(c, v as string[]);
  else if (key === 'history' && Array.isArray(v)) {
    c.reply.arrayLen(v.length);
    for (const h of v as string[][]) c.reply.bulks(h);
  } else if (typeof v === 'number') c.reply.int(v);
  else c.reply.bulk(String(v));
}

function docMap(c: Client, doc: Record<string, unknown>): void {
  const keys = Object.keys(doc);
  c.reply.mapLen(keys.length);
  for (const k of keys) {
    c.reply.bulk(k);
    docValue(c, k, doc[k]);
  }
}

/** COMMAND DOCS entry for one command: its doc map, with "subcommands" last for containers. */
export function replyCommandDocs(c: Client, cmd: Command): void {
  const doc = { ...(cmd.doc ?? {}) };
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  c.reply.mapLen(Object.keys(doc).length + (subs.length ? 1 : 0));
  for (const k of Object.keys(doc)) {
    c.reply.bulk(k);
    docValue(c, k, doc[k]);
  }
  if (subs.length) {
    c.reply.bulk('subcommands');
    c.reply.mapLen(subs.length);
    for (const s of subs) {
      c.reply.bulk(s.name);
      replyCommandDocs(c, s);
    }
  }
}
