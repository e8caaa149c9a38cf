// Corrupt DUMP payloads and RDB files, as Redis's integration/corrupt-dump and integration/rdb feed
// them: RESTORE refuses them with 'Bad data format' and logs Redis's rdbReportCorruptRDB reason
// ('<kind> integrity check failed.'); empty keys in a file are skipped and logged key by key.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startStore, tmpDir, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { Server } from '../src/store/server';
import { Config } from '../src/store/config';

/** Collects the server's warning lines (the messages only). */
function captureWarnings(server: Server): string[] {
  const lines: string[] = [];
  const log = server.log as unknown as { warn: (...a: unknown[]) => void };
  const orig = log.warn.bind(log);
  log.warn = (...a: unknown[]) => {
    lines.push(a.map((x) => (typeof x === 'string' ? x : '')).join(' '));
    orig(...a);
  };
  return lines;
}

const bin = (tcl: string): string => tcl.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

describe('RESTORE of corrupt payloads (Redis corrupt-dump cases)', () => {
  let s: InProcessStore;
  let c: RawClient;
  let warns: string[];
  before(async () => {
    s = await startStore({ 'enable-debug-command': 'yes' });
    warns = captureWarnings(s.server);
    c = await RawClient.connect(s.port);
  });
  after(async () => {
    c.close();
    await s.stop();
  });
  beforeEach(() => {
    warns.length = 0;
  });

  async function restore(payload: string): Promise<string> {
    return (await c.str('RESTORE', 'key', '0', Buffer.from(bin(payload), 'latin1'), 'REPLACE')).toString();
  }

  it('refuses a quicklist ziplist whose entry prevlen is not the previous entry size, logging the integrity failure', async () => {
    // 'corrupt payload: quicklist big ziplist prev len' and '... small ziplist prev len'
    for (const p of [
      '\\x0E\\x01\\x13\\x13\\x00\\x00\\x00\\x0E\\x00\\x00\\x00\\x02\\x00\\x00\\x02\\x61\\x00\\x0E\\x02\\x62\\x00\\xFF\\x09\\x00\\x49\\x97\\x30\\xB2\\x0D\\xA1\\xED\\xAA',
      '\\x0E\\x01\\x13\\x13\\x00\\x00\\x00\\x0E\\x00\\x00\\x00\\x02\\x00\\x00\\x02\\x61\\x00\\x02\\x02\\x62\\x00\\xFF\\x09\\x00\\xC7\\x71\\x03\\x97\\x07\\x75\\xB0\\x63',
    ]) {
      assert.equal(await restore(p), '-ERR Bad data format\r\n');
    }
    assert.ok(warns.some((l) => /Internal error in RDB reading offset 0, function at rdb\.c:0 -> Ziplist integrity check failed\./.test(l)), warns.join('\n'));
  });

  it('refuses a ziplist whose tail offset is not its last entry', async () => {
    // 'corrupt payload: fuzzer findings - zset ziplist invalid tail offset'
    assert.equal(await c.str('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'), '+OK\r\n');
    try {
      assert.equal(await restore('\\x0C\\x19\\x19\\x00\\x00\\x00\\x02\\x00\\x00\\x00\\x06\\x00\\x00\\xF1\\x02\\xF1\\x02\\x02\\x5F\\x31\\x04\\xF2\\x02\\xF3\\x02\\xF3\\xFF\\x09\\x00\\x4D\\x72\\x7B\\x97\\xCD\\x9A\\x70\\xC1'), '-ERR Bad data format\r\n');
      assert.ok(warns.some((l) => l.includes('Zset ziplist integrity check failed.')), warns.join('\n'));
    } finally {
      await c.str('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0');
    }
  });

  it('refuses a listpack entry whose back-length does not match its size', async () => {
    assert.equal(await c.str('HSET', 'h', 'f', 'v'), ':1\r\n');
    const dump = (await c.value('DUMP', 'h')) as Buffer;
    // type, blob length, then the listpack: 4-byte total, 2-byte count, entry 'f' (0x81 'f', backlen 2).
    const bad = Buffer.from(dump);
    const lp = 2;
    assert.equal(bad[lp + 6], 0x81);
    assert.equal(bad[lp + 8], 2);
    bad[lp + 8] = 3;
    assert.equal(await c.str('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'), '+OK\r\n');
    try {
      assert.equal(await c.str('RESTORE', 'h2', '0', bad), '-ERR Bad data format\r\n');
      assert.ok(warns.some((l) => l.includes('Hash listpack integrity check failed.')), warns.join('\n'));
      assert.equal(await c.str('RESTORE', 'h2', '0', dump), '+OK\r\n');
    } finally {
      await c.str('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0');
    }
  });

  it('refuses an empty zipmap and an empty plain quicklist node (DEBUG SET-SKIP-CHECKSUM-VALIDATION)', async () => {
    assert.equal(await c.str('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'), '+OK\r\n');
    try {
      assert.equal(await restore('\\x09\\x02\\x00\\xFF\\x09\\x00\\xC0\\xF1\\xB8\\x67\\x4C\\x16\\xAC\\xE3'), '-ERR Bad data format\r\n');
      assert.ok(warns.some((l) => l.includes('Zipmap integrity check failed.')), warns.join('\n'));
    } finally {
      await c.str('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0');
    }
    // 'corrupt payload: quicklist encoded_len is 0'
    assert.equal(await restore('\\x12\\x01\\x01\\x00\\x0a\\x00\\x8f\\xc6\\xc0\\x57\\x1c\\x0a\\xb3\\x3c'), '-ERR Bad data format\r\n');
  });
});

describe('loading an RDB file with empty keys', () => {
  it("skips them, logging 'rdbLoadObject skipping empty key: <key>' and the totals, as Redis", async () => {
    const d = tmpDir();
    // REDIS0009, SELECTDB 0, an empty SET 'set', an empty HASH 'hash', a string 'k' -> 'v', EOF, no checksum.
    const body = Buffer.concat([
      Buffer.from('REDIS0009', 'latin1'),
      Buffer.from([0xfe, 0x00]),
      Buffer.from([0x02, 0x03]), Buffer.from('set'), Buffer.from([0x00]),
      Buffer.from([0x04, 0x04]), Buffer.from('hash'), Buffer.from([0x00]),
      Buffer.from([0x00, 0x01]), Buffer.from('k'), Buffer.from([0x01]), Buffer.from('v'),
      Buffer.from([0xff]), Buffer.alloc(8),
    ]);
    fs.writeFileSync(path.join(d, 'e.rdb'), body);
    const config = new Config();
    for (const [k, v] of Object.entries({ port: '0', bind: '127.0.0.1', dir: d, dbfilename: 'e.rdb' })) config.set(k, [v], true);
    config.set('save', [''], true);
    const server = new Server({ config });
    const warns = captureWarnings(server);
    const port = await server.start();
    try {
      const c = await RawClient.connect(port);
      assert.equal(await c.str('DBSIZE'), ':1\r\n');
      c.close();
      assert.ok(warns.includes('rdbLoadObject skipping empty key: set'), warns.join('\n'));
      assert.ok(warns.includes('rdbLoadObject skipping empty key: hash'), warns.join('\n'));
      assert.ok(warns.includes('Done loading RDB, keys loaded: 1, keys expired: 0, empty keys skipped: 2.'), warns.join('\n'));
    } finally {
      await server.shutdown({ save: false });
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
