// The one command table (src/resp/commands.ts) against COMMAND INFO captured from redis-server 7.0
// (test/fixtures/redis-command-info.json), against a live redis-server for a sample of commands byte
// for byte, and against the store's handlers: every registered handler must name a table row.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMANDS, lookupCommand, type Command } from '../src/resp/commands';
import { commandKeys } from '../src/resp/getkeys';
import { HANDLERS } from '../src/store/registry';
import '../src/store/server';
import { useDiff } from './helpers/diff';
import { ROOT } from './helpers/servers';

type Row = [string, number, string[], number, number, number, string[], string[], unknown[][], Row[]];

const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'redis-command-info.json'), 'utf8')) as { version: string; commands: Row[] };

function kv(list: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < list.length; i += 2) o[list[i] as string] = list[i + 1];
  return o;
}

/** A key spec from the fixture in the table's shape. */
function specOf(list: unknown[]): unknown {
  const o = kv(list);
  const bs = kv(o.begin_search as unknown[]);
  const fk = kv(o.find_keys as unknown[]);
  const out: Record<string, unknown> = {};
  if (o.notes !== undefined) out.notes = o.notes;
  out.flags = o.flags;
  out.bs = { type: bs.type, ...kv((bs.spec as unknown[]) ?? []) };
  out.fk = { type: fk.type, ...kv((fk.spec as unknown[]) ?? []) };
  return out;
}

function compareRow(row: Row, cmd: Command): void {
  const [name, arity, flags, first, last, step, acl, tips, specs, subs] = row;
  assert.equal(cmd.name, name);
  assert.equal(cmd.arity, arity, `${name} arity`);
  assert.deepEqual(cmd.flags, flags, `${name} flags`);
  assert.deepEqual([cmd.firstKey, cmd.lastKey, cmd.step], [first, last, step], `${name} key positions`);
  assert.deepEqual(cmd.acl, acl, `${name} acl categories`);
  assert.deepEqual(cmd.tips, tips, `${name} tips`);
  assert.deepEqual(JSON.parse(JSON.stringify(cmd.keySpecs)), specs.map(specOf), `${name} key specs`);
  for (const s of subs) {
    const sc = cmd.subs?.get(s[0].slice(name.length + 1));
    assert.ok(sc, `${s[0]} missing`);
    compareRow(s, sc);
  }
}

describe('command table', () => {
  it('has every command of the captured redis-server 7.0 table, with identical metadata', () => {
    assert.equal(fixture.commands.length, COMMANDS.size);
    for (const row of fixture.commands) {
      const cmd = lookupCommand(row[0]);
      assert.ok(cmd, `${row[0]} missing from the table`);
      compareRow(row, cmd);
    }
  });

  it('only the documented 7.2 extras are beyond the fixture', () => {
    const extras: string[] = [];
    for (const c of COMMANDS.values()) for (const s of c.subs?.values() ?? []) if (s.extra) extras.push(s.name);
    assert.deepEqual(extras.sort(), ['client|no-touch', 'client|setinfo']);
  });

  it('every registered handler names a table row', () => {
    assert.ok(HANDLERS.size > 50, `only ${HANDLERS.size} handlers registered`);
    for (const name of HANDLERS.keys()) {
      const [top, sub] = name.split('|');
      const cmd = lookupCommand(top);
      assert.ok(cmd, `handler '${name}' has no table row`);
      if (sub !== undefined) assert.ok(cmd.subs?.has(sub), `handler '${name}' has no subcommand row`);
    }
  });

  it('key extraction follows the key specs', () => {
    const k = (argv: string[]) => commandKeys(lookupCommand(argv[0])!, argv).map((x) => x.pos);
    assert.deepEqual(k(['MSET', 'a', '1', 'b', '2']), [1, 3]);
    assert.deepEqual(k(['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2']), [1, 3, 4]);
    assert.deepEqual(k(['XREAD', 'COUNT', '1', 'STREAMS', 's1', 's2', '0', '0']), [4, 5]);
    assert.deepEqual(k(['EVAL', 'return 1', '1', 'k']), [3]);
    assert.deepEqual(k(['SORT', 'a', 'BY', 'x', 'STORE', 'd']), [1, 5]);
    assert.deepEqual(k(['ZUNIONSTORE', 'd', 'x', 'a']), []);
    // SORT: the last STORE only (its getkeys procedure).
    assert.deepEqual(k(['SORT', 'a', 'STORE', 'x', 'STORE', 'd']), [1, 5]);
  });
});

describe('COMMAND INFO against redis-server (differential)', function () {
  this.timeout(20000);
  const d = useDiff();
  const sample = ['get', 'set', 'mset', 'del', 'eval', 'xread', 'xreadgroup', 'zunionstore', 'lmpop', 'blpop', 'sort', 'sort_ro', 'migrate', 'georadius', 'config', 'object', 'bitfield', 'lcs', 'subscribe', 'publish', 'hello', 'auth', 'exec', 'memory|usage', 'xinfo|stream', 'config|set', 'client|kill', 'acl|setuser'];
  for (const name of sample) {
    it(`COMMAND INFO ${name} is byte-identical (RESP2 and RESP3)`, async () => {
      if (name === 'config' || name === 'object') {
        // Containers list subcommands in hash order: compare shape only, each subcommand exactly.
        await d.check(['COMMAND', 'INFO', name], { shape: true });
        for (const s of lookupCommand(name)!.subs!.values()) await d.check(['COMMAND', 'INFO', s.name]);
        return;
      }
      await d.check(['COMMAND', 'INFO', name]);
      await d.both('HELLO', '3');
      await d.check(['COMMAND', 'INFO', name]);
      await d.both('HELLO', '2');
    });
  }
  it('COMMAND COUNT and the unordered COMMAND LIST match', async () => {
    await d.check(['COMMAND', 'COUNT']);
    const [a, b] = await d.both('COMMAND', 'LIST');
    const names = (x: Buffer) => new Set(x.toString().split('\r\n').filter((l, i) => i > 0 && !l.startsWith('$') && l));
    const ours = names(a);
    const theirs = names(b);
    for (const n of theirs) assert.ok(ours.has(n), `${n} missing from COMMAND LIST`);
    assert.deepEqual([...ours].filter((n) => !theirs.has(n)).sort(), ['client|no-touch', 'client|setinfo']);
  });
});
