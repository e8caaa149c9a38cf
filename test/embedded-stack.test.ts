// The default deployment, end to end: `bin/resplit` with no master configured starts an embedded
// master and two embedded replicas (bin/resplit-server child processes replicating over loopback),
// here on free ports and a temp data dir. Writes go to the master, reads spread over both replicas,
// each server answers directly, a replica killed with -9 under pipelined reads costs no read, and the
// servers stop with the proxy (SIGTERM, and also when the proxy itself is killed with -9).

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RawClient } from './helpers/raw';
import { ROOT, freePort, tmpDir, waitForPing } from './helpers/servers';
import { encodeCommand } from '../src/resp/encode';
import { ask, calls, infoField, waitFor } from './proxy-helpers';

interface Running {
  proc: ChildProcess;
  port: number;
  dir: string;
  /** master first, then the replicas. */
  ports: number[];
  pids: number[];
  output: () => string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts bin/resplit in embedded mode on free ports; resolves once all backends serve. */
async function startResplit(replicas: number): Promise<Running> {
  const dir = tmpDir('resplit-embedded-');
  const port = await freePort();
  const args = [
    path.join(ROOT, 'bin', 'resplit'),
    '--port', String(port),
    '--embedded-port', '0',
    '--embedded-dir', path.join(dir, 'data'),
    '--embedded-replicas', String(replicas),
    '--health-check-interval-ms', '50',
    '--health-check-timeout-ms', '400',
    '--rise', '1',
    '--log-level', 'warn',
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    if (out.length < 1 << 20) out += d.toString();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  try {
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`bin/resplit exited with code ${code}`))));
    exited.catch(() => undefined);
    await Promise.race([waitForPing(port, 20000), exited]);
    const lines: string[] = [];
    await waitFor(
      'every embedded backend serving',
      async () => {
        const v = (await RawClient.connect(port).then(async (c) => {
          try {
            return await c.value('RESPLIT', 'BACKENDS');
          } finally {
            c.close();
          }
        })) as Buffer[];
        lines.splice(0, lines.length, ...v.map((b) => b.toString()));
        return lines.length === replicas + 1 && lines.every((l) => / serving /.test(l));
      },
      20000,
    );
    const ports = lines.map((l) => Number(/^127\.0\.0\.1:(\d+) /.exec(l)![1]));
    const pids = await Promise.all(ports.map(async (p) => Number(await infoField(p, 'server', 'process_id'))));
    return { proc, port, dir, ports, pids, output: () => out };
  } catch (err) {
    proc.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${out}`);
  }
}

describe('embedded stack (bin/resplit with no master)', function () {
  this.timeout(60000);
  let st: Running | null = null;

  before(async () => {
    st = await startResplit(2);
  });
  after(async () => {
    if (!st) return;
    if (st.proc.exitCode === null) st.proc.kill('SIGKILL');
    for (const pid of st.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(st.dir, { recursive: true, force: true });
  });

  it('runs a master and two replicas of it, each on its own port and data dir', async () => {
    const [m, r1, r2] = st!.ports;
    assert.match(await ask(m, 'ROLE'), /^\*3\r\n\$6\r\nmaster\r\n/);
    for (const r of [r1, r2]) {
      assert.equal(await infoField(r, 'replication', 'role'), 'slave');
      assert.equal(await infoField(r, 'replication', 'master_port'), String(m));
      assert.equal(await infoField(r, 'replication', 'master_link_status'), 'up');
    }
    assert.equal(await infoField(m, 'replication', 'connected_slaves'), '2');
    for (const name of ['master', 'replica1', 'replica2']) {
      const d = (await ask(st!.ports[['master', 'replica1', 'replica2'].indexOf(name)], 'CONFIG', 'GET', 'dir')).split('\r\n')[4];
      assert.equal(d, path.join(st!.dir, 'data', name));
    }
  });

  it('sends writes to the master and spreads reads over both replicas', async () => {
    const [m, r1, r2] = st!.ports;
    const before = { mset: await calls(m, 'set'), mget: await calls(m, 'get'), g1: await calls(r1, 'get'), g2: await calls(r2, 'get') };
    const c = await RawClient.connect(st!.port);
    try {
      c.write(Buffer.concat(Array.from({ length: 100 }, (_, i) => encodeCommand(['SET', `k${i}`, `v${i}`]))));
      for (const r of await c.read(100)) assert.equal(r.toString(), '+OK\r\n');
      await waitFor('replicas to apply the writes', async () => (await ask(r1, 'GET', 'k99')) === '$3\r\nv99\r\n' && (await ask(r2, 'GET', 'k99')) === '$3\r\nv99\r\n');
      const b1 = await calls(r1, 'get');
      const b2 = await calls(r2, 'get');
      c.write(Buffer.concat(Array.from({ length: 200 }, (_, i) => encodeCommand(['GET', `k${i % 100}`]))));
      const replies = await c.read(200);
      replies.forEach((r, i) => assert.equal(r.toString(), `$${String(`v${i % 100}`).length}\r\nv${i % 100}\r\n`));
      assert.equal((await calls(m, 'set')) - before.mset, 100, 'every SET ran on the master');
      assert.equal((await calls(m, 'get')) - before.mget, 0, 'no GET ran on the master');
      const d1 = (await calls(r1, 'get')) - b1;
      const d2 = (await calls(r2, 'get')) - b2;
      assert.equal(d1 + d2, 200);
      assert.ok(d1 >= 60 && d2 >= 60, `reads spread over both replicas (${d1} / ${d2})`);
    } finally {
      c.close();
    }
  });

  it('makes a key written through the proxy readable on each replica directly', async () => {
    assert.equal(await ask(st!.port, 'SET', 'through-proxy', 'hello'), '+OK\r\n');
    for (const p of st!.ports) {
      await waitFor(`the key on port ${p}`, async () => (await ask(p, 'GET', 'through-proxy')) === '$5\r\nhello\r\n');
    }
  });

  it('loses no read when an embedded replica is killed with -9 during pipelined reads', async () => {
    assert.equal(await ask(st!.port, 'SET', 'key', 'v'), '+OK\r\n');
    await waitFor('replicas to have the key', async () => {
      for (const p of st!.ports) if ((await ask(p, 'GET', 'key')) !== '$1\r\nv\r\n') return false;
      return true;
    });
    let running = true;
    let total = 0;
    const bad: string[] = [];
    const loops = Array.from({ length: 4 }, async () => {
      const c = await RawClient.connect(st!.port);
      try {
        const batch = Buffer.concat(Array.from({ length: 50 }, () => encodeCommand(['GET', 'key'])));
        while (running) {
          c.write(batch);
          for (const r of await c.read(50, 10000)) {
            total++;
            if (r.toString() !== '$1\r\nv\r\n') bad.push(r.toString());
          }
        }
      } finally {
        c.close();
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const victim = st!.pids[1];
    process.kill(victim, 'SIGKILL');
    await waitFor('the replica to be gone', () => !alive(victim));
    const atKill = total;
    await new Promise((r) => setTimeout(r, 700));
    running = false;
    await Promise.all(loops);
    assert.deepEqual(bad.slice(0, 5), []);
    assert.ok(total - atKill > 200, `reads went on after the kill (${total - atKill})`);
    const lines = ((await RawClient.connect(st!.port).then(async (c) => {
      try {
        return await c.value('RESPLIT', 'BACKENDS');
      } finally {
        c.close();
      }
    })) as Buffer[]).map(String);
    assert.match(lines[1], / out /);
    assert.match(lines[2], / serving /);
  });

  it('restarts a killed embedded replica, which resyncs and serves reads again', async () => {
    const port = st!.ports[1];
    await waitFor(
      'the replica to be back and linked',
      async () => {
        try {
          return (await infoField(port, 'replication', 'master_link_status')) === 'up';
        } catch {
          return false;
        }
      },
      20000,
    );
    const pid = Number(await infoField(port, 'server', 'process_id'));
    assert.notEqual(pid, st!.pids[1]);
    st!.pids.push(pid); // the SIGTERM test checks it stops too
    assert.equal(await ask(port, 'GET', 'key'), '$1\r\nv\r\n');
    await waitFor('the proxy to read from it again', async () => {
      const c = await RawClient.connect(st!.port);
      try {
        return String(((await c.value('RESPLIT', 'BACKENDS')) as Buffer[])[1]).includes(' serving ');
      } finally {
        c.close();
      }
    }, 20000);
  });

  it('restarts a killed embedded master with the data of its most advanced replica; writes resume', async () => {
    const c = await RawClient.connect(st!.port);
    try {
      // Written after any snapshot the master made: only the replicas have these when it dies.
      for (let i = 0; i < 500; i += 100) {
        const args = ['MSET'];
        for (let j = i; j < i + 100; j++) args.push(`m:${j}`, String(j));
        assert.equal(await c.str(...args), '+OK\r\n');
      }
      assert.equal(await c.str('WAIT', '2', '5000'), ':2\r\n');
      process.kill(st!.pids[0], 'SIGKILL');
      await waitFor('writes to resume', async () => (await c.str('SET', 'after', 'x')) === '+OK\r\n', 30000);
      const pid = Number(await infoField(st!.ports[0], 'server', 'process_id'));
      assert.notEqual(pid, st!.pids[0]);
      st!.pids.push(pid);
      // Nothing acknowledged before the crash was lost: on the new master, and on the replicas after their resync.
      assert.equal(await ask(st!.ports[0], 'GET', 'm:499'), '$3\r\n499\r\n');
      assert.equal(await ask(st!.ports[0], 'EXISTS', ...Array.from({ length: 500 }, (_, j) => `m:${j}`)), ':500\r\n');
      assert.equal(await c.str('WAIT', '2', '10000'), ':2\r\n');
      for (const p of st!.ports.slice(1)) assert.equal(await ask(p, 'GET', 'after'), '$1\r\nx\r\n');
      assert.match(st!.output(), /embedded master: data recovered from a replica/);
    } finally {
      c.close();
    }
  });

  it('stops every embedded server on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => st!.proc.once('exit', (code) => r(code)));
    st!.proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    await waitFor('the embedded servers to exit', () => st!.pids.every((p) => !alive(p)), 10000);
  });
});

describe('embedded stack when the proxy dies', function () {
  this.timeout(60000);

  it('stops the embedded servers when the proxy is killed with -9', async () => {
    const st = await startResplit(1);
    try {
      st.proc.kill('SIGKILL');
      await waitFor('the embedded servers to exit', () => st.pids.every((p) => !alive(p)), 10000);
    } finally {
      for (const pid of st.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      fs.rmSync(st.dir, { recursive: true, force: true });
    }
  });
});

/** Runs bin/resplit (proxy on a free port) until it exits on its own: its status and output. */
function runToExit(args: string[]): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'resplit'), '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    proc.stdout!.on('data', (d) => (text += d));
    proc.stderr!.on('data', (d) => (text += d));
    proc.once('exit', (code) => resolve({ code, text }));
  });
}

describe('embedded stack and ports held by other processes', function () {
  this.timeout(60000);

  it('refuses to start on an embedded port another server answers on, leaving its data alone', async () => {
    const dir = tmpDir('resplit-embedded-');
    const foreign = net.createServer((c) => c.end('-ERR not yours\r\n'));
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', () => r()));
    const fport = (foreign.address() as net.AddressInfo).port;
    try {
      const out = await runToExit(['--embedded-port', String(fport), '--embedded-replicas', '1', '--embedded-dir', path.join(dir, 'data')]);
      assert.equal(out.code, 1);
      assert.match(out.text, new RegExp(`embedded-port: 127\\.0\\.0\\.1:${fport} is already in use`));
      // Nothing was started against it.
      assert.ok(!fs.existsSync(path.join(dir, 'data', 'replica1')), 'a replica was started');
    } finally {
      foreign.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a port taken on a replica before starting any server, and a data directory another running resplit holds', async () => {
    const dir = tmpDir('resplit-embedded-');
    const data = path.join(dir, 'data');
    const base = await freePort();
    // Taken: the second replica's port. Nothing may start (a started master saves over its snapshot when stopped).
    const foreign = net.createServer((c) => c.destroy());
    const run = (args: string[]) => runToExit(['--embedded-dir', data, ...args]);
    try {
      const taken = await new Promise<number>((r, j) => foreign.once('error', j).listen(base + 2, '127.0.0.1', () => r(base + 2))).catch(() => 0);
      if (taken) {
        const out = await run(['--embedded-port', String(base), '--embedded-replicas', '2']);
        assert.equal(out.code, 1);
        assert.match(out.text, new RegExp(`embedded-port: 127\\.0\\.0\\.1:${taken} is already in use`));
        assert.ok(!fs.existsSync(path.join(data, 'master')), 'the master was started before the ports were checked');
      }
      // A live process holds the directory: refused, naming it.
      fs.mkdirSync(data, { recursive: true });
      fs.writeFileSync(path.join(data, 'resplit.pid'), `${process.pid}\n`);
      const held = await run(['--embedded-port', '0', '--embedded-replicas', '1']);
      assert.equal(held.code, 1);
      assert.match(held.text, new RegExp(`embedded-dir: .* is in use by another resplit \\(pid ${process.pid}\\)`));
      assert.ok(!fs.existsSync(path.join(data, 'master')));
    } finally {
      foreign.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('while a dead master waits to restart (crash-loop backoff), its port is held so nothing else can take it', async () => {
    const st = await startResplit(1);
    try {
      assert.equal(await ask(st.port, 'SET', 'k', 'v'), '+OK\r\n');
      process.kill(st.pids[0], 'SIGKILL');
      await waitFor('writes to resume', async () => (await ask(st.port, 'SET', 'k', 'v2')) === '+OK\r\n', 30000);
      const second = Number(await infoField(st.ports[0], 'server', 'process_id'));
      st.pids.push(second);
      // A second crash within 30 s: restarted after a 2 s backoff, during which the port is the stand-in's.
      process.kill(second, 'SIGKILL');
      // Once resplit has seen it exit (the moment between the death and that is nobody's to hold).
      await waitFor('resplit to see the second exit', () => (st.output().match(/embedded master exited/g) ?? []).length === 2, 5000);
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 5; i++) {
        const got = await new Promise<boolean>((r) => {
          const probe = net.createServer();
          probe.once('error', () => r(false));
          probe.listen(st.ports[0], '127.0.0.1', () => probe.close(() => r(true)));
        });
        assert.equal(got, false, 'the dead master\'s port could be taken');
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor('writes to resume after the backoff', async () => (await ask(st.port, 'SET', 'k', 'v4')) === '+OK\r\n', 30000);
      st.pids.push(Number(await infoField(st.ports[0], 'server', 'process_id')));
    } finally {
      st.proc.kill('SIGTERM');
      await waitFor('the embedded servers to exit', () => st.pids.every((p) => !alive(p)), 15000).catch(() => undefined);
      for (const pid of st.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      fs.rmSync(st.dir, { recursive: true, force: true });
    }
  });

  it("a dead master whose port another process took is not restarted, nor its data rotated, until the port is free", async () => {
    const st = await startResplit(2);
    let holder: net.Server | null = null;
    try {
      assert.equal(await ask(st.port, 'SET', 'k', 'v'), '+OK\r\n');
      assert.equal(await ask(st.ports[0], 'SAVE'), '+OK\r\n');
      const mdir = path.join(st.dir, 'data', 'master');
      const own = fs.readFileSync(path.join(mdir, 'dump.rdb'));
      // The proxy is stopped while its master dies and another process takes the port.
      st.proc.kill('SIGSTOP');
      try {
        process.kill(st.pids[0], 'SIGKILL');
        // (A zombie until the stopped proxy reaps it, but its port is free once it is dead.)
        holder = net.createServer((c) => c.destroy());
        const h = holder;
        await waitFor('the port to be taken over', () => new Promise<boolean>((r) => {
          h.once('error', () => r(false));
          h.listen(st.ports[0], '127.0.0.1', () => r(true));
        }), 5000);
      } finally {
        st.proc.kill('SIGCONT');
      }
      await waitFor('the proxy to see the port taken', () => /embedded master cannot restart: its port is in use by another process/.test(st.output()), 10000);
      assert.ok(!fs.existsSync(path.join(mdir, 'dump.rdb.before-recovery')), 'the master snapshot was rotated');
      assert.ok(fs.readFileSync(path.join(mdir, 'dump.rdb')).equals(own));
      await waitFor('writes to get the master-down error', async () => /^-MASTERDOWN /.test(await ask(st.port, 'SET', 'k2', 'v')), 10000);
      // Freed: the master comes back (from a replica's data) and writes resume.
      await new Promise<void>((r) => holder!.close(() => r()));
      holder = null;
      await waitFor('writes to resume', async () => (await ask(st.port, 'SET', 'k2', 'v')) === '+OK\r\n', 40000);
      assert.equal(await ask(st.port, 'GET', 'k'), '$1\r\nv\r\n');
      const pid = Number(await infoField(st.ports[0], 'server', 'process_id'));
      st.pids.push(pid);
    } finally {
      holder?.close();
      st.proc.kill('SIGTERM');
      await waitFor('the embedded servers to exit', () => st.pids.every((p) => !alive(p)), 15000).catch(() => undefined);
      for (const pid of st.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      if (alive(st.proc.pid!)) st.proc.kill('SIGKILL');
      fs.rmSync(st.dir, { recursive: true, force: true });
    }
  });
});
