// The store reads every client into one shared buffer (src/common/client-reads.ts) and its parser
// copies what it still holds after each chunk (RequestParser.detach). These tests make that copy
// matter: clients interleave pipelines split at random points, values are bigger than the buffer,
// and a blocked client keeps the rest of its pipeline buffered while other clients' reads reuse
// the buffer, then runs it when it is served.

import assert from 'node:assert/strict';
import { RawClient, seeded, writeInPieces } from './helpers/raw';
import { waitFor } from './helpers/wait';
import { startStore, type InProcessStore } from './helpers/servers';
import { encodeCommand } from '../src/resp/encode';

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

describe('store client reads (shared buffer)', function () {
  this.timeout(20000);
  let st: InProcessStore;
  before(async () => {
    st = await startStore();
  });
  after(async () => {
    await st?.stop();
  });

  it('many clients pipelining at once, frames split at random points, values up to 200 KB', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(st.port)));
    try {
      const rnd = seeded(9);
      const val = (ci: number, i: number) => `${ci}:${i}:` + String.fromCharCode(97 + ((ci + i) % 26)).repeat(i % 97 === 0 ? 200_000 : i % 300);
      const per = 300;
      const results = await Promise.all(
        clients.map(async (c, ci) => {
          const cmds: Buffer[] = [];
          for (let i = 0; i < per; i++) cmds.push(encodeCommand(['SET', `k${ci}:${i}`, val(ci, i)]), encodeCommand(['GET', `k${ci}:${i}`]));
          const bytes = Buffer.concat(cmds);
          await writeInPieces(c, bytes, rnd, () => 1 + rnd(rnd(8) === 0 ? 90_000 : 900));
          return c.read(per * 2, 15000);
        }),
      );
      results.forEach((replies, ci) =>
        replies.forEach((r, j) => assert.equal(r.toString(), j % 2 ? bulk(val(ci, j >> 1)) : '+OK\r\n', `client ${ci} reply ${j}`)),
      );
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('a blocked client keeps the rest of its pipeline while other clients reuse the buffer', async () => {
    const a = await RawClient.connect(st.port);
    const b = await RawClient.connect(st.port);
    try {
      a.write(Buffer.concat([encodeCommand(['BLPOP', 'q', '0']), encodeCommand(['SET', 'after', 'blocked-pipeline']), encodeCommand(['GET', 'after'])]));
      await waitFor('a to block', async () => /blocked_clients:1\r\n/.test(await b.str('INFO', 'clients')), 3000);
      // Fill the shared buffer with other bytes many times over.
      b.write(Buffer.concat(Array.from({ length: 2000 }, (_, i) => encodeCommand(['SET', `noise${i}`, 'z'.repeat(100)]))));
      assert.equal((await b.read(2000)).length, 2000);
      assert.equal(await b.str('RPUSH', 'q', 'x'), ':1\r\n');
      const r = await a.read(3);
      assert.deepEqual(r.map(String), ['*2\r\n$1\r\nq\r\n$1\r\nx\r\n', '+OK\r\n', bulk('blocked-pipeline')]);
    } finally {
      a.close();
      b.close();
    }
  });
});
