// Test helper for the RDB tests: a whole dataset in a comparable form (per db, per key: type, contents,
// absolute expiry), read directly from our Server objects or from a real redis-server through plain
// read commands (SCAN, TYPE, GET, LRANGE, HGETALL, SMEMBERS, ZRANGE WITHSCORES, PEXPIRETIME).

import type { Server } from '../src/store/server';
import type { Value } from '../src/store/db';
import { ListValue } from '../src/store/types/list';
import { HashValue } from '../src/store/types/hash';
import { SetValue } from '../src/store/types/set';
import { ZSetValue } from '../src/store/types/zset';
import { RawClient } from './helpers/raw';

export interface Entry {
  type: string;
  value: unknown;
  expireAt: number | null;
}
export type Dataset = Record<number, Record<string, Entry>>;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A value in comparable form (hash pairs and set members sorted; zset in rank order). */
export function normalize(v: Value): { type: string; value: unknown } {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (v instanceof ListValue) return { type: 'list', value: [...v] };
  if (v instanceof HashValue) return { type: 'hash', value: [...v.map].sort((a, b) => cmp(a[0], b[0])) };
  if (v instanceof SetValue) return { type: 'set', value: [...v.set].sort(cmp) };
  if (v instanceof ZSetValue) return { type: 'zset', value: [...v.ascending()] };
  return { type: v.type, value: null };
}

/** Our dataset, straight from the databases (expired-but-present keys included). */
export function datasetOf(s: Server): Dataset {
  const out: Dataset = {};
  for (const db of s.dbs) {
    if (!db.data.size) continue;
    const d: Record<string, Entry> = {};
    for (const [k, v] of db.data) d[k] = { ...normalize(v), expireAt: db.expires.get(k) ?? null };
    out[db.id] = d;
  }
  return out;
}

function str(b: unknown): string {
  if (Buffer.isBuffer(b)) return b.toString('latin1');
  throw new Error(`expected a bulk string, got ${String(b)}`);
}

function score(b: unknown): number {
  const s = str(b);
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

/** One key's type and contents in comparable form, read with plain read commands. */
export async function readKey(c: RawClient, k: string | Buffer): Promise<{ type: string; value: unknown }> {
  const type = (await c.value('TYPE', k)) as string;
  let value: unknown;
  if (type === 'string') value = str(await c.value('GET', k));
  else if (type === 'list') value = ((await c.value('LRANGE', k, 0, -1)) as unknown[]).map(str);
  else if (type === 'hash') {
    const flat = ((await c.value('HGETALL', k)) as unknown[]).map(str);
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
    value = pairs.sort((a, b) => cmp(a[0], b[0]));
  } else if (type === 'set') value = ((await c.value('SMEMBERS', k)) as unknown[]).map(str).sort(cmp);
  else if (type === 'zset') {
    const flat = (await c.value('ZRANGE', k, 0, -1, 'WITHSCORES')) as unknown[];
    const pairs: Array<[string, number]> = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([str(flat[i]), score(flat[i + 1])]);
    value = pairs;
  }
  return { type, value };
}

/** A server's dataset read over the wire with read commands (works against redis-server and us). */
export async function datasetOver(port: number, databases = 16): Promise<Dataset> {
  const c = await RawClient.connect(port);
  try {
    const out: Dataset = {};
    for (let db = 0; db < databases; db++) {
      await c.value('SELECT', db);
      const keys: string[] = [];
      let cursor = '0';
      do {
        const r = (await c.value('SCAN', cursor, 'COUNT', 1000)) as unknown[];
        cursor = str(r[0]);
        for (const k of r[1] as unknown[]) keys.push(str(k));
      } while (cursor !== '0');
      if (!keys.length) continue;
      const d: Record<string, Entry> = {};
      for (const k of keys) {
        const { type, value } = await readKey(c, k);
        const at = (await c.value('PEXPIRETIME', k)) as number;
        d[k] = { type, value, expireAt: at >= 0 ? at : null };
      }
      out[db] = d;
    }
    return out;
  } finally {
    c.close();
  }
}
