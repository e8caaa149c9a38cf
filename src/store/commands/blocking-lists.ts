// Blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each first tries to serve at
// once (then it is replicated as its non-blocking form: LPOP, LMOVE, RPOPLPUSH, [LR]POP key n); inside
// EXEC it answers as on timeout; otherwise it blocks through ../blocking.ts with a serve callback that
// does the same pop when one of its keys is pushed to.

import { register } from '../registry';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import { blockForKeys, parseBlockTimeout } from '../blocking';
import { ListValue } from '../types/list';
import { HEAD, TAIL, firstNonEmpty, listChanged, moveElement, mpopReply, parseMpop, parseWhere } from './lists';

/** The ready key's list when it can serve (a non-empty list), else null. */
function readyList(c: Client, key: string): ListValue | null {
  const v = c.db.get(key);
  return v instanceof ListValue && v.size() > 0 ? v : null;
}

/** Pops one element from a known non-empty list and replies [key, element]. */
function popOne(c: Client, key: string, l: ListValue, where: number): void {
  c.db.getForWrite(key);
  const v = (where === HEAD ? l.popFront() : l.popBack()) as string;
  c.reply.arrayLen(2);
  c.reply.bulk(key);
  c.reply.bulk(v);
  listChanged(c.db, key, l);
}

function bpop(c: Client, argv: string[], s: Server, where: number): void {
  const timeout = parseBlockTimeout(argv[argv.length - 1]);
  if (typeof timeout === 'string') return c.reply.error(timeout);
  const keys = argv.slice(1, -1);
  const hit = firstNonEmpty(c, keys);
  if (hit === undefined) return;
  const pop = where === HEAD ? 'LPOP' : 'RPOP';
  if (hit) {
    popOne(c, hit.key, hit.l, where);
    s.rewrittenArgv = [pop, hit.key];
    return;
  }
  if (s.inExec) return c.reply.nilArray();
  const db = c.db;
  blockForKeys(
    c,
    s,
    db,
    keys,
    timeout,
    (key) => {
      const l = readyList(c, key);
      if (!l) return false;
      popOne(c, key, l, where);
      s.propagate(db.id, [pop, key]);
      return true;
    },
    () => c.reply.nilArray(),
  );
}

function bmpop(c: Client, argv: string[], s: Server): void {
  const p = parseMpop(c, argv, 2);
  if (!p) return;
  const timeout = parseBlockTimeout(argv[1]);
  if (typeof timeout === 'string') return c.reply.error(timeout);
  const hit = firstNonEmpty(c, p.keys);
  if (hit === undefined) return;
  if (hit) {
    s.rewrittenArgv = mpopReply(c, c.db, hit.key, hit.l, p.where, p.count);
    return;
  }
  if (s.inExec) return c.reply.nilArray();
  const db = c.db;
  blockForKeys(
    c,
    s,
    db,
    p.keys,
    timeout,
    (key) => {
      const l = readyList(c, key);
      if (!l) return false;
      s.propagate(db.id, mpopReply(c, db, key, l, p.where, p.count));
      return true;
    },
    () => c.reply.nilArray(),
  );
}

const SIDE = ['LEFT', 'RIGHT'];

function bmove(c: Client, s: Server, src: string, dst: string, from: number, to: number, timeoutArg: string, asRpoplpush: boolean): void {
  const timeout = parseBlockTimeout(timeoutArg);
  if (typeof timeout === 'string') return c.reply.error(timeout);
  const v = c.db.get(src);
  if (v !== undefined && !(v instanceof ListValue)) return c.reply.error(E.WRONGTYPE);
  const rewrite = asRpoplpush ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, SIDE[from], SIDE[to]];
  if (v !== undefined) {
    if (moveElement(c, c.db, src, v, dst, from, to)) s.rewrittenArgv = rewrite;
    return;
  }
  if (s.inExec) return c.reply.nil();
  const db = c.db;
  blockForKeys(
    c,
    s,
    db,
    [src],
    timeout,
    (key) => {
      const l = readyList(c, key);
      if (!l) return false;
      if (moveElement(c, db, key, l, dst, from, to)) s.propagate(db.id, rewrite);
      return true;
    },
    () => c.reply.nilArray(),
  );
}

register({
  blpop: (c, argv, s) => bpop(c, argv, s, HEAD),
  brpop: (c, argv, s) => bpop(c, argv, s, TAIL),
  blmpop: (c, argv, s) => bmpop(c, argv, s),
  blmove(c, argv, s) {
    const from = parseWhere(argv[3]);
    const to = parseWhere(argv[4]);
    if (from === null || to === null) return c.reply.error(E.SYNTAX);
    bmove(c, s, argv[1], argv[2], from, to, argv[5], false);
  },
  brpoplpush: (c, argv, s) => bmove(c, s, argv[1], argv[2], TAIL, HEAD, argv[3], true),
});
