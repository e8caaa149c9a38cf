// Configuration: the YAML file and flags are validated at start (a bad value is refused with a
// message naming the setting), flags override the file, and bin/resplit runs with a file in front of
// real redis-server backends and stops cleanly on SIGTERM.

import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildConfig, configFromArgs, ConfigError, SETTINGS } from '../src/proxy/config';
import { ROOT, freePort, tmpDir, startRedis, waitForPing } from './helpers/servers';
import { ask } from './proxy-helpers';

function runResplit(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'resplit'), ...args], { timeout: 10000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: stdout + stderr }),
    );
  });
}

describe('proxy configuration', function () {
  this.timeout(30000);

  it('refuses bad values naming the setting', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ port: 'abc' }, /^port: expected an integer/],
      [{ port: 70000 }, /^port: 70000 is out of range/],
      [{ port: '0x1F90' }, /^port: expected an integer, got "0x1F90"/],
      [{ 'fall': '1e1' }, /^fall: expected an integer/],
      [{ bind: '' }, /^bind: may not be empty/],
      [{ bind: null }, /^bind: may not be empty/],
      [{ 'embedded-dir': ' ' }, /^embedded-dir: may not be empty/],
      [{ master: 'nohost' }, /^master: expected "host:port"/],
      [{ master: 'a:1', replicas: ['b:2', 'x'] }, /^replicas\[1\]: expected "host:port"/],
      [{ replicas: ['b:2'] }, /^replicas: external replicas need an external master/],
      [{ 'read-mode': 'sometimes' }, /^read-mode: expected one of replica, master/],
      [{ 'read-mode': ['master'] }, /^read-mode: expected one of replica, master, got \["master"\]/],
      [{ bind: '999.1.1.1' }, /^bind: expected an IP address, got "999.1.1.1"/],
      [{ 'embedded-port': 65535 }, /^embedded-port: 65535 leaves no room for 2 replicas/],
      [{ 'embedded-port': 6379 }, /^embedded-port: the embedded servers' ports 6379-6381 include the proxy's port 6379/],
      [{ port: 6381 }, /^embedded-port: the embedded servers' ports 6380-6382 include the proxy's port 6381/],
      [{ bogus: 1 }, /^bogus: unknown setting/],
      [{ maxclients: 1e400 }, /^maxclients: expected an integer, got Infinity$/],
      [{ 'backend-username': 'bob' }, /^backend-username: needs backend-password/],
      [{ 'client-output-limit-bytes': 2000, 'client-output-pause-bytes': 100000 }, /^client-output-limit-bytes: must not be below client-output-pause-bytes/],
      [{ 'log-file': '/dev/null/resplit.log' }, /^log-file: cannot open \/dev\/null\/resplit\.log: E(EXIST|NOTDIR)/],
    ];
    for (const [layer, re] of bad) assert.throws(() => buildConfig(layer), (e: Error) => e instanceof ConfigError && re.test(e.message), JSON.stringify(layer));
  });

  it('reads YAML, and flags override it', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'r.yaml');
    fs.writeFileSync(file, 'port: 7000\nmaster: 10.0.0.1:6380\nreplicas:\n  - 10.0.0.2:6380\n  - 10.0.0.3:6380\nrise: 3\n');
    const cfg = configFromArgs(['--config', file, '--port', '7001', '--fall', '4']);
    assert.equal(cfg.port, 7001);
    assert.equal(cfg.rise, 3);
    assert.equal(cfg.fall, 4);
    assert.equal(cfg.master!.name, '10.0.0.1:6380');
    assert.deepEqual(cfg.replicas.map((r) => r.name), ['10.0.0.2:6380', '10.0.0.3:6380']);
    fs.rmSync(dir, { recursive: true });
  });

  it('config/resplit.yaml documents every setting and is valid', () => {
    const text = fs.readFileSync(path.join(ROOT, 'config', 'resplit.yaml'), 'utf8');
    for (const s of SETTINGS) assert.match(text, new RegExp(`^#? ?${s.key}:`, 'm'), `${s.key} is not documented`);
    configFromArgs(['--config', path.join(ROOT, 'config', 'resplit.yaml')]);
  });

  it('without --config the shipped file applies (its values are the defaults); flags override it', () => {
    assert.deepEqual(configFromArgs([]), buildConfig({}, {}));
    const dir = tmpDir();
    const file = path.join(dir, 'resplit.yaml');
    fs.writeFileSync(file, 'port: 7100\nrise: 5\n');
    const cfg = configFromArgs(['--rise', '6'], file);
    assert.equal(cfg.port, 7100);
    assert.equal(cfg.rise, 6);
    // A missing default file is no error: the built-in defaults apply.
    assert.equal(configFromArgs([], path.join(dir, 'none.yaml')).port, 6379);
    fs.rmSync(dir, { recursive: true });
  });

  it('--help prints the usage once', async () => {
    const r = await runResplit(['--help']);
    assert.equal(r.code, 0);
    assert.equal(r.out.split('Usage:').length, 2, r.out);
  });

  it('bin/resplit exits with the setting named on a bad configuration', async () => {
    const r = await runResplit(['--port', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.out, /bad configuration: port: expected an integer/);
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'master: 127.0.0.1:1\nhealth-check-interval-ms: -5\n');
    const r2 = await runResplit(['--config', path.join(dir, 'bad.yaml')]);
    assert.equal(r2.code, 2);
    assert.match(r2.out, /health-check-interval-ms: -5 is out of range/);
    fs.rmSync(dir, { recursive: true });
    // Two names of one server (what the name check cannot see).
    const r3 = await runResplit(['--port', '0', '--master', 'localhost:6390', '--replicas', '127.0.0.1:6391,127.0.0.1:6390']);
    assert.equal(r3.code, 2);
    assert.match(r3.out, /bad configuration: replicas: localhost:6390 and 127\.0\.0\.1:6390 are the same server \(127\.0\.0\.1:6390\)/);
  });

  it('bin/resplit serves external backends from a config file and stops on SIGTERM', async function () {
    const master = await startRedis([]);
    if (!master) this.skip();
    const dir = tmpDir();
    try {
      const port = await freePort();
      const file = path.join(dir, 'ok.yaml');
      fs.writeFileSync(file, `port: ${port}\nmaster: 127.0.0.1:${master!.port}\nlog-level: silent\n`);
      const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'resplit'), '--config', file], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      try {
        await waitForPing(port);
        assert.equal(await ask(port, 'SET', 'a', '1'), '+OK\r\n');
        assert.equal(await ask(port, 'GET', 'a'), '$1\r\n1\r\n');
      } finally {
        proc.kill('SIGTERM');
      }
      assert.equal(await exited, 0);
    } finally {
      await master!.stop();
      fs.rmSync(dir, { recursive: true });
    }
  });
});
