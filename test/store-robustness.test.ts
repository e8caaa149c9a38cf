// The store stays up whatever a command does: values past what the runtime can hold are refused
// with Redis's size error (SETBIT/BITFIELD at bit offsets near 2^32 used to throw and kill the
// embedded master), and a handler that throws costs only its own client (an error, then a close).

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import net from 'node:net';
import { startStore, startStoreProcess, type InProcessStore } from './helpers/servers';
import { HANDLERS } from '../src/store/registry';
import { desync } from './helpers/desync';

const TOO_LONG = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';

describe('store robustness', function () {
  this.timeout(20000);
  let st: InProcessStore;
  before(async () => {
    st = await startStore();
  });
  after(async () => {
    await st?.stop();
  });

  it('SETBIT and BITFIELD past the longest storable string answer the size error and the server stays up', async () => {
    const c = await RawClient.connect(st.port);
    try {
      assert.equal(await c.str('SETBIT', 'b', '4294967295', '0'), TOO_LONG);
      assert.equal(await c.str('BITFIELD', 'bf', 'SET', 'u8', '4294967200', '1'), TOO_LONG);
      assert.equal(await c.str('EXISTS', 'b', 'bf'), ':0\r\n');
      // Offsets within reach still work, and reads past the end need no storage at all.
      assert.equal(await c.str('SETBIT', 'b', '100', '1'), ':0\r\n');
      assert.equal(await c.str('GETBIT', 'b', '4294967295'), ':0\r\n');
      assert.equal(await c.str('PING'), '+PONG\r\n');
    } finally {
      c.close();
    }
  });

  it('a client that writes garbage without reading gets the protocol error and is closed soon (Redis protocol.tcl desync tests)', async () => {
    const cases: Array<[string, string]> = [
      ['\x00', '-ERR Protocol error: too big inline request\r\n'],
      ['*\x00', '-ERR Protocol error: too big mbulk count string\r\n'],
      ['$\x00', '-ERR Protocol error: too big inline request\r\n'],
    ];
    for (const [first, err] of cases) {
      const r = await desync(st.port, first);
      assert.ok(r.closed, `still open after ${r.sent} bytes of garbage`);
      assert.equal(r.reply, err);
    }
    const c = await RawClient.connect(st.port);
    assert.equal(await c.str('PING'), '+PONG\r\n');
    c.close();
  });

  it('a handler that throws: its client gets an error and is closed, everyone else goes on', async () => {
    // PFADD has a row in the command table and no handler (no HyperLogLog yet); give it one that fails.
    assert.equal(HANDLERS.has('pfadd'), false);
    HANDLERS.set('pfadd', () => {
      throw new Error('boom');
    });
    const bad = await RawClient.connect(st.port);
    const other = await RawClient.connect(st.port);
    try {
      assert.equal(await other.str('SET', 'k', 'v'), '+OK\r\n');
      assert.equal(await bad.str('PFADD', 'k', 'a'), "-ERR internal error in 'pfadd': boom\r\n");
      await bad.waitClose();
      assert.equal(await other.str('GET', 'k'), '$1\r\nv\r\n');
    } finally {
      HANDLERS.delete('pfadd');
      bad.close();
      other.close();
    }
  });
});

// Redis's redis-benchmark suite ('clients idle mode should return error when reached maxclients
// limit') killed resplit-server: a client refused at maxclients that reset its connection at once
// raised an unhandled socket 'error'.
describe('store robustness: refused clients that reset', function () {
  this.timeout(20000);
  it('clients refused at maxclients that reset their connection do not take the server down', async () => {
    const srv = await startStoreProcess(['--maxclients', '1', '--save', '']);
    const a = await RawClient.connect(srv.port);
    try {
      for (let i = 0; i < 30; i++) {
        await new Promise<void>((resolve) => {
          const s = net.connect(srv.port, '127.0.0.1', () => {
            // Let the refusal be written first, then reset (RST instead of FIN).
            setTimeout(() => {
              s.resetAndDestroy();
              resolve();
            }, i % 3);
          });
          s.on('error', () => resolve());
        });
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await a.str('PING'), '+PONG\r\n');
      assert.equal(srv.proc.exitCode, null);
    } finally {
      a.close();
      await srv.stop();
    }
  });
});
