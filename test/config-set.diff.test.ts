// CONFIG SET against a real redis-server 7.0, byte for byte, where introspection.tcl found gaps: the
// rollback of every setting when one fails to apply (a busy port), maxmemory-clients' percent values,
// and the hidden debug configs that only an exact CONFIG GET shows (rdb-key-save-delay's effect is in
// rdb-key-save-delay.test.ts).

import assert from 'node:assert/strict';
import net from 'node:net';
import { useDiff } from './helpers/diff';

/** A listener holding a loopback port, so that a server asked to move there cannot. */
async function holdPort(): Promise<net.Server> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

describe('CONFIG SET (differential)', function () {
  this.timeout(20000);
  const d = useDiff();

  it('a failed apply (busy port) rolls back every value of the CONFIG SET', async () => {
    const busy = await holdPort();
    const port = (busy.address() as net.AddressInfo).port;
    const names = ['maxmemory', 'client-query-buffer-limit', 'port', 'hz'];
    const before = await Promise.all([d.ours.send('CONFIG', 'GET', ...names), d.theirs.send('CONFIG', 'GET', ...names)]);
    try {
      await d.check(['CONFIG', 'SET', 'maxmemory', '10000001', 'port', String(port), 'client-query-buffer-limit', '10m']);
      await d.check(['CONFIG', 'SET', 'hz', '50', 'maxmemory', '10000002', 'bind', '127.0.0.1 192.0.2.1']);
      const after = await Promise.all([d.ours.send('CONFIG', 'GET', ...names), d.theirs.send('CONFIG', 'GET', ...names)]);
      assert.deepEqual(after.map(String), before.map(String));
      // Still listening where it was, and the rolled-back maxmemory is not enforced.
      await d.check(['SET', 'k', 'x'.repeat(100)]);
      await d.check(['PING']);
    } finally {
      busy.close();
      await d.both('CONFIG', 'SET', 'maxmemory', '0', 'client-query-buffer-limit', '1gb', 'hz', '10');
    }
  });

  it('maxmemory-clients takes a memory value or a percentage up to 100%', async () => {
    try {
      for (const v of ['10%', '100%', '0%', '1gb', '9223372036854775807', '18446744073709551615', '18446744073709551516', '0']) {
        await d.check(['CONFIG', 'SET', 'maxmemory-clients', v]);
        await d.check(['CONFIG', 'GET', 'maxmemory-clients']);
      }
      for (const v of ['200%', '101%', '9223372036854775808', '18446744073709551515', '18446744073709551616', '-5%', '01%', '+1%', '-0%', '5.5%', 'x%', '%', '1k%', '100%%', ' 5%', '-1']) {
        await d.check(['CONFIG', 'SET', 'maxmemory-clients', v]);
      }
      await d.check(['CONFIG', 'GET', 'maxmemory-clients']);
      // Only maxmemory-clients takes percentages. memtoull's edges: "" is 0, overflow saturates,
      // maxmemory is unsigned (up to ULLONG_MAX), no spaces or signs.
      for (const v of ['10%', '', '18446744073709551615', '99999999999999999999999', '18446744073709551616', ' 5', '5 ', '-0', '1KB', '0x10', '1 kb']) {
        await d.check(['CONFIG', 'SET', 'maxmemory', v]);
        await d.check(['CONFIG', 'GET', 'maxmemory']);
      }
    } finally {
      await d.both('CONFIG', 'SET', 'maxmemory-clients', '0', 'maxmemory', '0');
    }
  });

  it('hidden debug configs: CONFIG GET by exact name only, CONFIG SET with their ranges', async () => {
    const hidden = ['key-load-delay', 'rdb-key-save-delay', 'loading-process-events-interval-bytes', 'watchdog-period', 'use-exit-on-panic', 'lua-enable-deprecated-api'];
    try {
      for (const n of hidden) {
        await d.check(['CONFIG', 'GET', n]);
        await d.check(['CONFIG', 'GET', n.toUpperCase()]);
        for (const v of ['-5', '2147483648', '-2147483649', 'x', 'yes', '1500']) await d.check(['CONFIG', 'SET', n, v]);
        await d.check(['CONFIG', 'GET', n]);
      }
      // A glob never matches them.
      await d.check(['CONFIG', 'GET', '*delay*'], { unordered: 'pairs' });
      await d.check(['CONFIG', 'GET', 'key-load-*', 'rdb-key-save-dela?', '*panic*', '*-period', 'loading-*'], { unordered: 'pairs' });
      await d.check(['CONFIG', 'GET', 'key-load-delay', 'key-load-delay', 'rdb-key-save-delay'], { unordered: 'pairs' });
    } finally {
      await d.both('CONFIG', 'SET', 'key-load-delay', '0', 'rdb-key-save-delay', '0', 'loading-process-events-interval-bytes', '2097152', 'watchdog-period', '0');
    }
  });

  it("notify-keyspace-events reads back in Redis's order, bad letters refused", async () => {
    try {
      for (const v of ['KA', 'EA', 'gKE', '$lshzxeKE', 'g$lshzxet', 'g$lshzxetd', 'g$lshzxetmdnKE', 'EKx', 'Am', 'An', 'Ad', 'At', 'KEA', 'nd', '', 'q', 'Kq']) {
        await d.check(['CONFIG', 'SET', 'notify-keyspace-events', v]);
        await d.check(['CONFIG', 'GET', 'notify-keyspace-events']);
      }
    } finally {
      await d.both('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});
