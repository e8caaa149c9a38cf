// Bounds on what the proxy keeps on behalf of clients beyond their own buffers: the script cache
// (EVALSHA_RO on replicas) counted by what its entries really cost, and the log buffer in front of a
// destination that does not read (clients can cause log lines: protocol errors, failovers).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ScriptCache } from '../src/proxy/scripts';
import { logDestination, droppedLogLines, LOG_BUFFER_MAX } from '../src/common/log';

describe('proxy limits on kept state', function () {
  this.timeout(30000);

  it('the script cache counts each entry with its overhead: many tiny scripts cannot hold 20x its 64 MB', () => {
    const cache = new ScriptCache();
    const n = 250_000;
    for (let i = 0; i < n; i++) cache.command('script|load', [Buffer.from('SCRIPT'), Buffer.from('LOAD'), Buffer.from(`return ${i}`.padEnd(13))]);
    // 13-byte bodies: by their bytes alone all 250 k fit (3 MB); by what they cost, about 200 k.
    assert.ok(cache.size < n, `kept ${cache.size} of ${n}`);
    assert.ok(cache.size > n / 2, `kept only ${cache.size}`);
    // The most recent ones are kept.
    const lastSha = createHash('sha1').update(`return ${n - 1}`.padEnd(13)).digest('hex');
    assert.ok(cache.asEvalRo([Buffer.from('EVALSHA_RO'), Buffer.from(lastSha), Buffer.from('0')]) !== null);
  });

  it('log lines for a destination that does not read are dropped past LOG_BUFFER_MAX, not held', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resplit-log-'));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader that never reads: the pipe fills, then the logger holds what it cannot write.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const dest = logDestination(fifo);
    dest.on('error', () => undefined); // writes still pending when it is destroyed below
    try {
      await new Promise<void>((r) => dest.once('ready', () => r()));
      const before = droppedLogLines();
      const line = `${'x'.repeat(1023)}\n`;
      for (let i = 0; i < (LOG_BUFFER_MAX / 1024) * 1.5; i++) dest.write(line);
      assert.ok(droppedLogLines() - before > 1000, `dropped ${droppedLogLines() - before} lines`);
      assert.ok((dest as unknown as { _len: number })._len <= LOG_BUFFER_MAX);
    } finally {
      dest.destroy();
      fs.closeSync(reader);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
