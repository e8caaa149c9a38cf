// CLIENT PAUSE on a replica holds its master link too (Redis 7.0 exempts only clients that are
// replicas): the stream is read (slave_read_repl_offset grows) but not applied (slave_repl_offset and
// the data stay) until the pause ends (unit/pause.tcl, "Test when replica paused, offset would not grow").

import assert from 'node:assert/strict';
import { startStore, tmpDir, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { replState } from '../src/store/replication';
import { until } from './replication-helpers';
import { unpauseClients } from '../src/store/client-pause';

/** A field of the replica's INFO replication, read in-process (PAUSE ALL would hold an INFO command). */
function replField(s: InProcessStore, name: string): string {
  const f = s.server.infoSections.get('replication')?.().find(([k]) => k === name);
  return f ? String(f[1]) : '';
}

describe('CLIENT PAUSE on a replica holds the master link', function () {
  this.timeout(20000);
  let m: InProcessStore;
  let r: InProcessStore;

  before(async () => {
    m = await startStore({ 'repl-diskless-sync-delay': '0', 'repl-ping-replica-period': '3600', dir: tmpDir() });
    r = await startStore({ dir: tmpDir() });
  });
  after(async () => {
    await Promise.all([r?.stop(), m?.stop()]);
  });

  for (const mode of ['WRITE', 'ALL']) {
    it(`PAUSE ${mode}: writes are read but applied only after CLIENT UNPAUSE`, async () => {
      const cm = await RawClient.connect(m.port);
      const cr = await RawClient.connect(r.port);
      try {
        if (replState(r.server).linkState !== 'connected') {
          assert.equal(await cr.str('REPLICAOF', '127.0.0.1', m.port), '+OK\r\n');
          await until('linked', () => replState(r.server).linkState === 'connected');
        }
        await cm.send('SET', 'foo', 'bar');
        await until('caught up', () => replState(r.server).offset === replState(m.server).offset);
        const old = replState(m.server).offset;
        const keys = r.server.dbs[0].size;
        assert.equal(await cr.str('CLIENT', 'PAUSE', '100000', mode), '+OK\r\n');
        await cm.send('SET', `foo-${mode}`, 'bar2');
        await cm.send('INCR', `n-${mode}`);
        const target = replState(m.server).offset;
        await until('read', () => replField(r, 'slave_read_repl_offset') === String(target));
        await new Promise((res) => setTimeout(res, 50));
        assert.equal(replState(r.server).offset, old);
        assert.equal(replField(r, 'slave_repl_offset'), String(old));
        assert.equal(r.server.dbs[0].size, keys);
        // PAUSE ALL would hold a CLIENT UNPAUSE too: ended in-process.
        unpauseClients(r.server);
        await until('applied', () => replState(r.server).offset === target);
        assert.equal(await cr.str('GET', `foo-${mode}`), '$4\r\nbar2\r\n');
        assert.equal(await cr.str('GET', `n-${mode}`), '$1\r\n1\r\n');
        await cm.send('SET', 'after', mode);
        await until('still streaming', () => replState(r.server).offset === replState(m.server).offset);
        assert.equal(await cr.str('GET', 'after'), `$${mode.length}\r\n${mode}\r\n`);
      } finally {
        cm.close();
        cr.close();
      }
    });
  }
});
