// The event-loop stall metric (src/store/loop-monitor.ts): INFO stats eventloop_max_stall_ms sees a
// blocking command (DEBUG SLEEP stops the whole server, as in Redis) and CONFIG RESETSTAT clears it.

import assert from 'node:assert/strict';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';

async function maxStall(c: RawClient): Promise<number> {
  const info = String(await c.value('INFO', 'stats'));
  const m = /\r\neventloop_max_stall_ms:(\d+\.\d\d)\r\n/.exec(info);
  assert.ok(m, 'eventloop_max_stall_ms missing from INFO stats');
  return Number(m[1]);
}

describe('event-loop stall metric', function () {
  this.timeout(10000);
  let st: InProcessStore;
  let c: RawClient;
  before(async () => {
    st = await startStore({ 'enable-debug-command': 'yes' });
    c = await RawClient.connect(st.port);
  });
  after(async () => {
    c.close();
    await st.stop();
  });

  it('reports a stall caused by a blocking command and resets with CONFIG RESETSTAT', async () => {
    assert.equal(await c.str('CONFIG', 'RESETSTAT'), '+OK\r\n');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok((await maxStall(c)) < 120, 'idle loop reported a long stall');
    assert.equal(await c.str('DEBUG', 'SLEEP', '0.15'), '+OK\r\n');
    await new Promise((r) => setTimeout(r, 10));
    const stalled = await maxStall(c);
    assert.ok(stalled >= 140, `stall after DEBUG SLEEP 0.15: ${stalled} ms`);
    assert.equal(await c.str('CONFIG', 'RESETSTAT'), '+OK\r\n');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok((await maxStall(c)) < 120, 'CONFIG RESETSTAT did not reset the stall');
  });

  it('is the last field of the Stats section', async () => {
    const info = String(await c.value('INFO', 'stats'));
    assert.match(info, /\r\nreply_buffer_expands:0\r\neventloop_max_stall_ms:\d+\.\d\d\r\n$/);
  });
});
