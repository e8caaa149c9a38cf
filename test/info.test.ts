// INFO: the sections printed for each argument form, the field names and their order per section
// (compared with a real redis-server 7.0), and the formats of the computed lines (commandstats,
// errorstats, keyspace). Feature sections (persistence, replication) come from providers when set.

import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { startStore } from './helpers/servers';
import { RawClient } from './helpers/raw';

/** Section titles and, per section, field names in order. */
function parse(info: string): { titles: string[]; fields: Record<string, string[]>; values: Record<string, string> } {
  const titles: string[] = [];
  const fields: Record<string, string[]> = {};
  const values: Record<string, string> = {};
  let cur = '';
  for (const line of info.split('\r\n')) {
    if (line.startsWith('# ')) {
      cur = line.slice(2);
      titles.push(cur);
      fields[cur] = [];
    } else if (line) {
      const i = line.indexOf(':');
      fields[cur].push(line.slice(0, i));
      values[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return { titles, fields, values };
}

/** The bulk payload of an INFO reply. */
function body(b: Buffer): string {
  const s = b.toString('latin1');
  return s.slice(s.indexOf('\r\n') + 2, -2);
}

describe('INFO (differential)', function () {
  this.timeout(20000);
  const d = useDiff();

  for (const args of [[], ['default'], ['all'], ['everything'], ['server', 'KEYSPACE'], ['default', 'commandstats'], ['modules'], ['module_list'], ['Errorstats', 'errorstats'], ['nosuch']]) {
    it(`INFO ${args.join(' ')} prints the same sections`, async () => {
      const [a, b] = await d.both('INFO', ...args);
      assert.deepEqual(parse(body(a)).titles, parse(body(b)).titles);
    });
  }

  it('each section has the same fields in the same order', async () => {
    await d.both('SET', 'k', 'v');
    const [a, b] = await d.both('INFO', 'everything');
    const pa = parse(body(a));
    const pb = parse(body(b));
    // Named relaxation: fields only resplit has, appended at the end of their section.
    const resplitOnly = new Set(['eventloop_max_stall_ms']);
    for (const t of ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Cluster', 'Keyspace']) {
      assert.deepEqual(pa.fields[t].filter((f) => !resplitOnly.has(f)), pb.fields[t], `section ${t}`);
    }
  });

  it('an empty section and the separators are byte-identical', async () => {
    await d.check(['INFO', 'modules']);
    await d.check(['INFO', 'cluster', 'modules']);
    await d.check(['INFO', 'nosuch']);
    await d.check(['INFO', 'keyspace']);
    await d.both('SET', 'a', '1');
    await d.both('SET', 'b', '1', 'EX', '1000');
    await d.both('SELECT', '3');
    await d.both('SET', 'c', '1');
    await d.both('SELECT', '0');
    const [a, b] = await d.both('INFO', 'keyspace');
    const norm = (x: Buffer) => x.toString().replace(/avg_ttl=\d+/g, 'avg_ttl=N');
    assert.equal(norm(a), norm(b));
  });

  it('commandstats and errorstats lines have Redis format', async () => {
    await d.both('CONFIG', 'RESETSTAT');
    await d.both('GET', 'x');
    await d.both('GET', 'x');
    await d.both('NOSUCHCMD');
    await d.both('SET', 'x');
    await d.both('SET', 'k', 'v');
    await d.both('SADD', 'k', 'v');
    const [a, b] = await d.both('INFO', 'commandstats', 'errorstats');
    const norm = (x: Buffer) =>
      body(x)
        .split('\r\n')
        .filter((l) => !l.startsWith('cmdstat_info') && !l.startsWith('cmdstat_config'))
        .map((l) => l.replace(/usec=\d+,usec_per_call=\d+\.\d\d/, 'usec=U,usec_per_call=P'))
        .sort();
    assert.deepEqual(norm(a), norm(b));
    assert.match(body(a), /cmdstat_get:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0/);
    assert.match(body(a), /errorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1/);
    const total = parse(body((await d.both('INFO', 'stats'))[0])).values.total_error_replies;
    assert.equal(total, '3');
  });

  it('RESP3 replies a verbatim string', async () => {
    await d.both('HELLO', '3');
    const [a, b] = await d.both('INFO', 'modules');
    assert.equal(a.toString(), b.toString());
    assert.ok(a.toString().startsWith('=15\r\ntxt:# Modules'));
    await d.both('HELLO', '2');
  });
});

describe('INFO providers and defaults', () => {
  it('uses registered persistence/replication providers, else a fresh master default', async () => {
    const st = await startStore();
    const c = await RawClient.connect(st.port);
    try {
      const v = String(await c.value('INFO', 'replication', 'persistence'));
      const p = parse(v);
      assert.equal(p.values.role, 'master');
      assert.equal(p.values.connected_slaves, '0');
      assert.equal(p.values.rdb_bgsave_in_progress, '0');
      assert.match(p.values.master_replid, /^[0-9a-f]{40}$/);
      st.server.infoSections.set('replication', () => [['role', 'slave'], ['master_host', '127.0.0.1']]);
      const v2 = parse(String(await c.value('INFO', 'replication')));
      assert.deepEqual(v2.fields.Replication, ['role', 'master_host']);
      assert.equal(v2.values.role, 'slave');
      const srv = parse(String(await c.value('INFO', 'server')));
      assert.equal(srv.values.tcp_port, String(st.port));
      assert.equal(srv.values.redis_version, '7.0.15');
      assert.equal(srv.values.process_id, String(process.pid));
      const cl = parse(String(await c.value('INFO', 'clients')));
      assert.equal(cl.values.connected_clients, '1');
      await c.send('SET', 'a', '1');
      await c.send('PEXPIRE', 'a', '100000');
      const ks = parse(String(await c.value('INFO', 'keyspace')));
      assert.match(ks.values.db0, /^keys=1,expires=1,avg_ttl=\d+$/);
    } finally {
      c.close();
      await st.stop();
    }
  });

  it('an error inside EXEC is counted once, against the queued command, not EXEC (unit/info.tcl)', async () => {
    const st = await startStore();
    const c = await RawClient.connect(st.port);
    try {
      await c.send('MULTI');
      await c.send('SET', 'a', 'b');
      await c.send('AUTH', 'a');
      await c.send('EXEC');
      const p = parse(String(await c.value('INFO', 'errorstats', 'stats', 'commandstats')));
      assert.equal(p.values.errorstat_ERR, 'count=1');
      assert.equal(p.values.total_error_replies, '1');
      assert.match(p.values.cmdstat_auth, /calls=1,.*,rejected_calls=0,failed_calls=1$/);
      assert.match(p.values.cmdstat_exec, /calls=1,.*,rejected_calls=0,failed_calls=0$/);
      assert.match(p.values.cmdstat_set, /calls=1,.*,rejected_calls=0,failed_calls=0$/);
      // EXEC's own error still counts against EXEC.
      await c.send('EXEC');
      const q = parse(String(await c.value('INFO', 'errorstats', 'stats', 'commandstats')));
      assert.equal(q.values.errorstat_ERR, 'count=2');
      assert.equal(q.values.total_error_replies, '2');
      assert.match(q.values.cmdstat_exec, /calls=2,.*,rejected_calls=0,failed_calls=1$/);
    } finally {
      c.close();
      await st.stop();
    }
  });

  it('CLIENT UNBLOCK ... ERROR counts the UNBLOCKED error and a failed call (unit/info.tcl)', async () => {
    const st = await startStore();
    const c = await RawClient.connect(st.port);
    const rd = await RawClient.connect(st.port);
    try {
      const id = String(await rd.value('CLIENT', 'ID'));
      rd.write('*3\r\n$5\r\nBLPOP\r\n$5\r\nlist1\r\n$1\r\n0\r\n');
      for (let i = 0; i < 100 && !/blocked_clients:1/.test(String(await c.value('INFO', 'clients'))); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(String(await c.value('CLIENT', 'UNBLOCK', id, 'ERROR')), '1');
      const [err] = await rd.read(1);
      assert.match(err.toString(), /^-UNBLOCKED client unblocked via CLIENT UNBLOCK/);
      const p = parse(String(await c.value('INFO', 'errorstats', 'stats', 'commandstats')));
      assert.equal(p.values.errorstat_UNBLOCKED, 'count=1');
      assert.equal(p.values.total_error_replies, '1');
      assert.match(p.values.cmdstat_blpop, /calls=1,.*,rejected_calls=0,failed_calls=1$/);
    } finally {
      c.close();
      rd.close();
      await st.stop();
    }
  });

  it('instantaneous_ops_per_sec reflects recent traffic', async function () {
    this.timeout(5000);
    const st = await startStore({ hz: '100' });
    const c = await RawClient.connect(st.port);
    try {
      const until = Date.now() + 600;
      while (Date.now() < until) {
        c.write('PING\r\nPING\r\nPING\r\nPING\r\nPING\r\n');
        await c.read(5);
      }
      const p = parse(String(await c.value('INFO', 'stats')));
      assert.ok(Number(p.values.instantaneous_ops_per_sec) > 0, `ops/sec ${p.values.instantaneous_ops_per_sec}`);
      assert.ok(Number(p.values.total_commands_processed) > 10);
    } finally {
      c.close();
      await st.stop();
    }
  });
});
