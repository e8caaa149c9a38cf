// The query buffer fields of CLIENT LIST / CLIENT INFO follow Redis's buffer (Redis's own tests
// querybuf.tcl and introspection.tcl read them): the running command's bytes are still in it, an
// idle client's buffer is freed after 2 s, a big request grows it and it shrinks back to the recent
// peak. The first check is differential; the resizing is compared with what Redis's tests require.

import assert from 'node:assert/strict';
import { RawClient } from './helpers/raw';
import { useDiff } from './helpers/diff';

/** qbuf + qbuf-free of the client named `name`, read from CLIENT LIST on another connection. */
async function queryBuffer(other: RawClient, name: string): Promise<number> {
  const list = String(await other.value('CLIENT', 'LIST'));
  const line = list.split('\n').find((l) => l.includes(`name=${name} `));
  if (!line) return 0;
  const m = /qbuf=(\d+) qbuf-free=(\d+)/.exec(line)!;
  return Number(m[1]) + Number(m[2]);
}

describe('query buffer fields', function () {
  this.timeout(20000);
  const d = useDiff();

  it('CLIENT INFO shows the running command in the buffer, as Redis does', async () => {
    const [a, b] = await d.both('CLIENT', 'INFO');
    const pick = (x: Buffer) => /qbuf=\d+ qbuf-free=\d+/.exec(x.toString())![0];
    assert.equal(pick(a), pick(b));
    assert.equal(pick(a), 'qbuf=26 qbuf-free=20448');
  });

  it('an idle buffer is freed after 2 s; a big request grows it and it shrinks back (querybuf.tcl)', async () => {
    const c = await RawClient.connect(d.store.port);
    const other = await RawClient.connect(d.store.port);
    try {
      await c.send('CLIENT', 'SETNAME', 'qb');
      const first = await queryBuffer(other, 'qb');
      assert.ok(first >= 16384 && first < 32768, `initial ${first}`);
      const deadline = Date.now() + 6000;
      while ((await queryBuffer(other, 'qb')) !== 0) {
        assert.ok(Date.now() < deadline, 'the idle buffer was never freed');
        await new Promise((r) => setTimeout(r, 100));
      }
      await c.send('SET', 'x', 'A'.repeat(400000));
      const big = await queryBuffer(other, 'qb');
      assert.ok(big > 32768, `after a 400 KB request ${big}`);
      let now = big;
      const until = Date.now() + 3000;
      while (now >= big && Date.now() < until) {
        await c.send('SET', 'x', 'A'.repeat(100));
        now = await queryBuffer(other, 'qb');
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(now > 0 && now < big, `after small requests ${now} (was ${big})`);
    } finally {
      c.close();
      other.close();
    }
  });
});
