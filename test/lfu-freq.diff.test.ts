// OBJECT FREQ of keys given an LFU counter from outside, against a real redis-server 7.0: RESTORE ...
// FREQ (object.tcl's "RESTORE can set LFU") and an RDB file Redis wrote under an LFU policy (its FREQ
// opcodes). Redis keeps the counter while the key exists (overwrites and in-place changes included,
// RENAME and MOVE carry it) and a new object starts at 5. lfu-log-factor is raised on both servers so
// that Redis's probabilistic increment on access (1 in ~1000 at these counters) cannot make it flaky.
// Our snapshots write the IDLE (LRU policy) and FREQ (LFU policy) opcodes as rdbSaveKeyValuePair does:
// checked by loading our file into the real server (DEBUG RELOAD NOSAVE) and into ours.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useDiff } from './helpers/diff';
import { loadRdb } from '../src/store/rdb';

describe('LFU counters from RESTORE FREQ and RDB files (differential)', function () {
  this.timeout(20000);
  const d = useDiff({ 'enable-debug-command': 'yes' });
  beforeEach(async () => {
    await d.both('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '100000000');
  });
  afterEach(async () => {
    await d.both('CONFIG', 'SET', 'maxmemory-policy', 'noeviction', 'lfu-log-factor', '10');
  });

  /** A DUMP payload (taken from the real server, restorable on both). */
  async function payload(...create: string[]): Promise<Buffer> {
    await d.theirs.send(...create);
    const r = (await d.theirs.value('DUMP', create[1])) as Buffer;
    await d.theirs.send('DEL', create[1]);
    return r;
  }

  it('RESTORE ... FREQ is what OBJECT FREQ answers while the key lives', async () => {
    const str = await payload('SET', 'src', 'bar');
    const list = await payload('RPUSH', 'src', 'a');
    await d.seq([
      ['RESTORE', 'k', '0', str, 'FREQ', '100'],
      ['OBJECT', 'FREQ', 'k'],
      ['RESTORE', 'k', '0', str, 'FREQ', '256'],
      ['RESTORE', 'k', '0', str, 'FREQ', '-1'],
      ['RESTORE', 'k', '0', str, 'FREQ', '10', 'IDLETIME', '5'],
      ['SET', 'k', 'x'],
      ['OBJECT', 'FREQ', 'k'],
      ['APPEND', 'k', 'y'],
      ['EXPIRE', 'k', '100'],
      ['OBJECT', 'FREQ', 'k'],
      ['RENAME', 'k', 'k2'],
      ['OBJECT', 'FREQ', 'k2'],
      ['COPY', 'k2', 'k3'],
      ['OBJECT', 'FREQ', 'k3'],
      ['MOVE', 'k2', '1'],
      ['SELECT', '1'],
      ['OBJECT', 'FREQ', 'k2'],
      ['SELECT', '0'],
      ['RESTORE', 'l', '0', list, 'FREQ', '77'],
      ['RPUSH', 'l', 'b'],
      ['OBJECT', 'FREQ', 'l'],
      ['RESTORE', 'l', '0', list, 'REPLACE', 'FREQ', '0'],
      ['OBJECT', 'FREQ', 'l'],
      ['RESTORE', 'l', '0', list, 'REPLACE', 'FREQ', '50'],
      ['LPOP', 'l'],
      ['RPUSH', 'l', 'c'],
      ['OBJECT', 'FREQ', 'l'],
      ['RESTORE', 'm', '0', str, 'FREQ', '60'],
      ['DEL', 'm'],
      ['SET', 'm', 'z'],
      ['OBJECT', 'FREQ', 'm'],
      ['RESTORE', 'n', '0', str, 'FREQ', '60'],
      ['RESTORE', 'n', '0', str, 'REPLACE'],
      ['OBJECT', 'FREQ', 'n'],
    ]);
    // Without an LFU policy FREQ is accepted and ignored.
    await d.both('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await d.seq([['RESTORE', 'p', '0', str, 'FREQ', '100'], ['OBJECT', 'FREQ', 'p']]);
  });

  it('FREQ opcodes of an RDB file Redis saved under allkeys-lfu', async () => {
    const str = await payload('SET', 'src', 'bar');
    await d.theirs.send('RESTORE', 'a', '0', str, 'FREQ', '100');
    await d.theirs.send('RESTORE', 'b', '0', str, 'FREQ', '0');
    await d.theirs.send('SELECT', '3');
    await d.theirs.send('RESTORE', 'c', '0', str, 'FREQ', '255');
    await d.theirs.send('SELECT', '0');
    assert.equal(String(await d.theirs.send('SAVE')), '+OK\r\n');
    const dir = String(((await d.theirs.value('CONFIG', 'GET', 'dir')) as Buffer[])[1]);
    loadRdb(d.store.server, fs.readFileSync(path.join(dir, 'dump.rdb')));
    await d.seq([['OBJECT', 'FREQ', 'a'], ['OBJECT', 'FREQ', 'b'], ['SELECT', '3'], ['OBJECT', 'FREQ', 'c'], ['SELECT', '0']]);
  });

  /** Saves our dataset and loads the file into both servers (theirs by DEBUG RELOAD NOSAVE). */
  async function reloadOursIntoBoth(): Promise<void> {
    assert.equal(String(await d.ours.send('SAVE')), '+OK\r\n');
    const conf = async (c: typeof d.ours, k: string): Promise<string> => String(((await c.value('CONFIG', 'GET', k)) as Buffer[])[1]);
    const file = path.join(await conf(d.ours, 'dir'), await conf(d.ours, 'dbfilename'));
    fs.copyFileSync(file, path.join(await conf(d.theirs, 'dir'), await conf(d.theirs, 'dbfilename')));
    assert.equal(String(await d.theirs.send('DEBUG', 'RELOAD', 'NOSAVE')), '+OK\r\n');
    assert.equal(String(await d.ours.send('DEBUG', 'RELOAD', 'NOSAVE')), '+OK\r\n');
  }

  it('our RDB files carry FREQ under an LFU policy', async () => {
    const str = await payload('SET', 'src', 'bar');
    await d.ours.send('RESTORE', 'a', '0', str, 'FREQ', '100');
    await d.ours.send('RESTORE', 'b', '0', str, 'FREQ', '0');
    await d.ours.send('SET', 'plain', 'value');
    await d.ours.send('SELECT', '2');
    await d.ours.send('RESTORE', 'c', '0', str, 'FREQ', '255');
    await d.ours.send('SELECT', '0');
    await reloadOursIntoBoth();
    await d.seq([['OBJECT', 'FREQ', 'a'], ['OBJECT', 'FREQ', 'b'], ['OBJECT', 'FREQ', 'plain'], ['SELECT', '2'], ['OBJECT', 'FREQ', 'c'], ['SELECT', '0']]);
    assert.equal(String(await d.ours.send('OBJECT', 'FREQ', 'a')), ':100\r\n');
  });

  it('our RDB files carry IDLE under an LRU policy; RESTORE IDLETIME is ignored under LFU', async () => {
    await d.both('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    const str = await payload('SET', 'src', 'bar');
    await d.ours.send('RESTORE', 'old', '0', str, 'IDLETIME', '1000');
    await d.ours.send('SET', 'new', 'v');
    await reloadOursIntoBoth();
    for (const c of [d.ours, d.theirs]) {
      const old = Number(String(await c.send('OBJECT', 'IDLETIME', 'old')).slice(1));
      assert.ok(old >= 1000 && old <= 1005, `OBJECT IDLETIME old = ${old}`);
      const fresh = Number(String(await c.send('OBJECT', 'IDLETIME', 'new')).slice(1));
      assert.ok(fresh <= 5, `OBJECT IDLETIME new = ${fresh}`);
    }
    await d.ours.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await d.ours.send('RESTORE', 'lfu', '0', str, 'IDLETIME', '1000');
    await d.ours.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    const lfu = Number(String(await d.ours.send('OBJECT', 'IDLETIME', 'lfu')).slice(1));
    assert.ok(lfu <= 5, `IDLETIME taken under LFU: ${lfu}`);
  });
});
