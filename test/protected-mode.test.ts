// Protected mode, as Redis 7.0's clientAcceptHandler: with protected-mode yes and no password, a
// client that is not 127.0.0.1 or ::1 gets -DENIED and is disconnected, whatever the bind addresses;
// a password or protected-mode no lets it in.

import assert from 'node:assert/strict';
import net from 'node:net';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';

/** Connects from 127.0.0.2 (not the loopback address Redis allows) and returns all it is sent. */
function fromOtherAddress(port: number, send = 'PING\r\n'): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    let out = '';
    sock.on('connect', () => sock.write(send));
    sock.on('data', (d) => {
      out += d.toString('latin1');
      if (out.endsWith('\r\n') && !out.startsWith('-DENIED')) sock.end();
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(out));
  });
}

describe('protected mode', function () {
  this.timeout(10000);
  let s: InProcessStore;
  before(async () => {
    s = await startStore();
  });
  after(async () => {
    await s.stop();
  });

  it('refuses a non-loopback client with -DENIED when no password is set; requirepass or protected-mode no let it in', async () => {
    const c = await RawClient.connect(s.port);
    try {
      const denied = await fromOtherAddress(s.port);
      assert.match(denied, /^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. /);
      assert.ok(denied.endsWith("from the outside.\r\n"));
      assert.equal(await c.str('CONFIG', 'SET', 'requirepass', 'secret'), '+OK\r\n');
      assert.equal(await fromOtherAddress(s.port, 'AUTH secret\r\n'), '+OK\r\n');
      assert.equal(await c.str('AUTH', 'secret'), '+OK\r\n');
      assert.equal(await c.str('CONFIG', 'SET', 'requirepass', ''), '+OK\r\n');
      assert.match(await fromOtherAddress(s.port), /^-DENIED/);
      assert.equal(await c.str('CONFIG', 'SET', 'protected-mode', 'no'), '+OK\r\n');
      assert.equal(await fromOtherAddress(s.port), '+PONG\r\n');
      // The loopback client itself was never refused.
      assert.equal(await c.str('PING'), '+PONG\r\n');
    } finally {
      c.close();
    }
  });
});
