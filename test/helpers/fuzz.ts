// A seeded differential driver for the proxy: the same random command scripts go to (A) resplit in
// front of a real redis-server master and two replicas and (B) one redis-server alone, over raw RESP
// connections, and the replies are compared byte for byte (sets of keys/members where Redis's own
// order depends on the process's hash seed; TTLs by sign). Several connection indexes run at once,
// each with the same script on both sides and its own keys and channels, so every difference is the
// proxy's. Reads on side A go to the master (RESPLIT READMODE MASTER) for parts of the run; in the
// replica parts a `WAIT 2 1000` (side A only, checked to be :2) makes replicas current first.

import { RawClient, seeded } from './raw';
import { decode } from './diff';
import { encodeCommand } from '../../src/resp/encode';

/** How a reply is compared. */
type Cmp = 'exact' | 'unordered' | 'ttl' | 'hello';

interface Cmd {
  args: string[];
  cmp: Cmp;
  inline?: boolean;
}

/** One step of a connection index's script, run on both sides. */
type Step =
  | { kind: 'pipe'; cmds: Cmd[]; mode: 'master' | 'replica' | null }
  | { kind: 'watch'; key: string; db: number; cmds: Cmd[] }
  | { kind: 'pubsub'; resp3: boolean }
  | { kind: 'scan'; args: string[] };

export interface Difference {
  seed: number;
  conn: number;
  step: number;
  what: string;
  a: string[];
  b: string[];
  script: string[];
  full: string[];
}

interface State {
  db: number;
  proto: 2 | 3;
  multi: boolean;
}

const TYPES = ['s', 'l', 'h', 'S', 'z'];

/** Generates connection `i`'s commands. */
class Gen {
  constructor(
    readonly i: number,
    readonly r: (m: number) => number,
  ) {}

  pick<T>(xs: readonly T[]): T {
    return xs[this.r(xs.length)];
  }

  key(t?: string): string {
    return `k${this.i}:${t ?? this.pick(TYPES)}${this.r(3)}`;
  }

  val(): string {
    const r = this.r(10);
    if (r < 4) return String(this.r(20) - 5);
    if (r < 5) return 'x'.repeat(this.r(80));
    if (r < 6) return String(this.r(1000000) * 1.5);
    return this.pick(['a', 'b', 'c', 'd', 'e', 'foo', 'bar', '']) + (this.r(2) ? String(this.r(5)) : '');
  }

  member(): string {
    return this.r(3) ? String.fromCharCode(97 + this.r(6)) : String(this.r(300));
  }

  /** One random command for state `st` (which it updates as the command will). */
  cmd(st: State): Cmd {
    const inMulti = st.multi;
    const c = this.cmd1(st);
    // EXEC's array is compared byte for byte: nothing order- or time-dependent is queued.
    if (inMulti && c.cmp !== 'exact') return { args: ['SCARD', c.args[1] ?? 'x'], cmp: 'exact' };
    return c;
  }

  cmd1(st: State): Cmd {
    const c = (args: Array<string | number>, cmp: Cmp = 'exact'): Cmd => ({ args: args.map(String), cmp });
    const k = this.key();
    const r = this.r(100);
    if (r < 3) {
      const db = this.r(20) === 0 ? this.pick(['16', '-1', 'x']) : String(this.r(16));
      if (/^\d+$/.test(db) && Number(db) < 16) st.db = Number(db);
      return c(['SELECT', db]);
    }
    if (r < 6 && !st.multi) {
      // MULTI / nested MULTI / EXEC / DISCARD / WATCH inside MULTI
      const x = this.r(4);
      if (x === 0) st.multi = true;
      if (x === 0) return c(['MULTI']);
      if (x === 1) return c(['EXEC']);
      if (x === 2) return c(['DISCARD']);
      return c(['WATCH', this.key()]);
    }
    if (r < 10 && st.multi) {
      const x = this.r(5);
      if (x === 0) return c(['MULTI']);
      if (x === 1) return c(['WATCH', this.key()]);
      if (x === 2) return c(['UNWATCH']);
      st.multi = false;
      return c([x === 3 ? 'EXEC' : 'DISCARD']);
    }
    if (r < 12 && !st.multi) {
      const p = this.r(6) === 0 ? this.pick(['4', 'x', '1']) : this.pick(['2', '3']);
      if (p === '2' || p === '3') st.proto = Number(p) as 2 | 3;
      if (this.r(3) === 0 && (p === '2' || p === '3')) return c(['HELLO', p, 'SETNAME', `n${this.i}${this.r(3)}`], 'hello');
      return c(p === '2' && this.r(4) === 0 ? ['HELLO'] : ['HELLO', p], 'hello');
    }
    if (r < 14 && !st.multi) {
      const x = this.r(6);
      if (x === 0) return c(['CLIENT', 'SETNAME', `cn${this.i}-${this.r(3)}`]);
      if (x === 1) return c(['CLIENT', 'SETNAME', 'bad name']);
      if (x === 2) return c(['CLIENT', 'FOOBAR']);
      if (x === 3) return c(['CLIENT', 'SETNAME', '']);
      return c(['CLIENT', 'GETNAME']);
    }
    if (r < 16) return c(this.pick([['PING'], ['PING', 'hi'], ['PING', 'a', 'b'], ['ECHO', 'yo'], ['ECHO'], ['ECHO', '']]));
    if (r < 18)
      return c(this.pick([['GET'], ['SET', k], ['HSET', k, 'f'], ['FOOBAR', 'x'], ['CONFIG', 'FOOBAR'], ['OBJECT', 'FOO', k], ['LPUSH'], ['XYZZY'], ['COMMAND', 'FOO']]));
    if (r < 19 && !st.multi) return c(['BLPOP', this.key('l'), this.key('l'), '0.01']);
    if (r < 20 && !st.multi) return c(['BLMOVE', this.key('l'), this.key('l'), this.pick(['LEFT', 'RIGHT']), this.pick(['LEFT', 'RIGHT']), '0.01']);
    if (r < 22) return c(this.pick([['TYPE', k], ['EXISTS', k, this.key()], ['OBJECT', 'ENCODING', k], ['EXPIRE', k, '1000'], ['PERSIST', k]]));
    if (r < 23) return c([this.pick(['TTL', 'PTTL']), k], 'ttl');
    if (r < 24) return c(this.pick([['COMMAND', 'COUNT'], ['COMMAND', 'INFO', 'get'], ['COMMAND', 'INFO', 'nosuch'], ['CONFIG', 'GET', 'maxmemory-policy'], ['CONFIG', 'GET', 'databases'], ['CONFIG', 'GET', 'hash-max-listpack-entries']]));
    if (r < 25) return c(['CONFIG', 'GET', '*max-*-entries'], 'unordered');
    if (r < 30) {
      const x = this.r(20);
      const k2 = this.key();
      if (x === 0) return c(['RENAME', k, k2]);
      if (x === 1) return c(['RENAMENX', k, k2]);
      if (x === 2) return c(['COPY', k, k2, ...(this.r(2) ? ['REPLACE'] : [])]);
      if (x === 3) return c(['MOVE', k, String(this.r(16))]);
      if (x === 4) return c(['SET', this.key('s'), this.val(), 'EX', '1000']);
      if (x === 5) return c(['GETEX', this.key('s'), 'PX', '900000']);
      if (x === 6) return c(['PEXPIRE', k, '500000', this.pick(['NX', 'XX', 'GT', 'LT'])]);
      if (x === 7) return c(['LMPOP', '2', this.key('l'), this.key('l'), this.pick(['LEFT', 'RIGHT']), 'COUNT', '2']);
      if (x === 8) return c(['ZMPOP', '1', this.key('z'), 'MIN']);
      if (x === 9) return c(['SORT', this.key('l'), 'ALPHA', 'LIMIT', '0', '5']);
      if (x === 10) return c(['PUBLISH', `ch${this.i}z`, 'm']);
      if (x === 11) return c(['PUBSUB', 'NUMSUB', `ch${this.i}a`]);
      // (OBJECT REFCOUNT differs: a master with replicas holds more references to a value.)
      if (x === 12) return c(['OBJECT', 'ENCODING', k]);
      if (x === 13 && !st.multi) return c(this.pick([['AUTH', 'x'], ['AUTH', 'default', 'x'], ['AUTH'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'NO-EVICT', 'maybe']]));
      if (x === 14 && !st.multi) return c(['BLPOP', this.key('l'), '0.01']);
      if (x === 15 && this.r(6) === 0) return c(['SET', this.key('s'), 'y'.repeat(1200000 + this.r(1000))]);
      if (x === 16) return c(['GETRANGE', this.key('s'), '0', '-1']);
      if (x === 17) return c(['EXISTS', k, k, this.key()]);
      if (x === 18) return c(['ECHO', 'x'.repeat(this.r(3) * 1000)]);
      return c(['TOUCH', k, this.key()]);
    }
    if (r < 26) return c(['DEL', k, this.key()]);
    if (r < 27 && !st.multi && this.r(2) === 0) {
      st.db = 0;
      st.proto = 2;
      return c(['RESET']);
    }
    // Data commands by type.
    const t = this.r(5);
    if (t === 0) {
      const s = this.key('s');
      return c(
        this.pick([
          ['SET', s, this.val()],
          ['SET', s, this.val(), 'NX'],
          ['SET', s, this.val(), 'XX', 'GET'],
          ['GET', s],
          ['INCR', s],
          ['INCRBY', s, String(this.r(100) - 50)],
          ['INCRBYFLOAT', s, '1.5'],
          ['APPEND', s, this.val()],
          ['STRLEN', s],
          ['GETRANGE', s, '0', String(this.r(5))],
          ['MGET', s, this.key(), this.key('s')],
          ['MSET', s, this.val(), this.key('s'), this.val()],
          ['GETDEL', s],
          ['SETRANGE', s, String(this.r(10)), 'zz'],
          ['DECR', s],
          ['GET', k],
        ]),
      );
    }
    if (t === 1) {
      const l = this.key('l');
      return c(
        this.pick([
          ['RPUSH', l, this.val(), this.val()],
          ['LPUSH', l, this.val()],
          ['LRANGE', l, '0', '-1'],
          ['LPOP', l],
          ['RPOP', l, String(this.r(3))],
          ['LLEN', l],
          ['LINDEX', l, String(this.r(4) - 1)],
          ['LSET', l, '0', 'q'],
          ['LREM', l, '0', 'a'],
          ['LMOVE', l, this.key('l'), 'LEFT', 'RIGHT'],
          ['LPOS', l, 'a'],
          ['LINSERT', l, 'BEFORE', 'a', 'n'],
          ['LTRIM', l, '1', '-1'],
          ['LRANGE', k, '0', '2'],
        ]),
      );
    }
    if (t === 2) {
      const h = this.key('h');
      const many: string[] = [];
      if (this.r(8) === 0) for (let j = 0; j < 140; j++) many.push(`f${j}`, String(j));
      return c(
        ...(this.pick<[string[], Cmp?]>([
          [['HSET', h, this.member(), this.val(), ...many]],
          [['HGET', h, this.member()]],
          [['HGETALL', h], 'unordered'],
          [['HKEYS', h], 'unordered'],
          [['HVALS', h], 'unordered'],
          [['HDEL', h, this.member()]],
          [['HLEN', h]],
          [['HINCRBY', h, this.member(), '3']],
          [['HMGET', h, this.member(), this.member()]],
          [['HEXISTS', h, this.member()]],
          [['HSETNX', h, this.member(), 'v']],
          [['HSTRLEN', h, this.member()]],
        ]) as [string[], Cmp?]),
      );
    }
    if (t === 3) {
      const S = this.key('S');
      const many: string[] = [];
      if (this.r(8) === 0) for (let j = 0; j < 140; j++) many.push(String(j * 7));
      return c(
        ...(this.pick<[string[], Cmp?]>([
          [['SADD', S, this.member(), this.member(), ...many]],
          [['SREM', S, this.member()]],
          [['SMEMBERS', S], 'unordered'],
          [['SISMEMBER', S, this.member()]],
          [['SMISMEMBER', S, this.member(), this.member()]],
          [['SCARD', S]],
          [['SINTER', S, this.key('S')], 'unordered'],
          [['SUNION', S, this.key('S')], 'unordered'],
          [['SDIFF', S, this.key('S')], 'unordered'],
          [['SUNIONSTORE', this.key('S'), S, this.key('S')]],
          [['SMOVE', S, this.key('S'), this.member()]],
          [['SINTERCARD', '2', S, this.key('S')]],
        ]) as [string[], Cmp?]),
      );
    }
    const z = this.key('z');
    return c(
      this.pick([
        ['ZADD', z, String(this.r(10)), this.member(), String(this.r(10) / 4), this.member()],
        ['ZADD', z, 'INCR', '2', this.member()],
        ['ZRANGE', z, '0', '-1', 'WITHSCORES'],
        ['ZRANGEBYSCORE', z, '-inf', '+inf'],
        ['ZSCORE', z, this.member()],
        ['ZMSCORE', z, this.member(), this.member()],
        ['ZINCRBY', z, '1.5', this.member()],
        ['ZREM', z, this.member()],
        ['ZCARD', z],
        ['ZRANK', z, this.member()],
        ['ZPOPMIN', z],
        ['ZREVRANGE', z, '0', '2'],
        ['ZCOUNT', z, '1', '5'],
        ['ZUNIONSTORE', this.key('z'), '2', z, this.key('z')],
        ['ZRANGE', z, '0', '-1', 'WITHSCORES'],
      ]),
    );
  }
}

/** Makes connection i's script. */
function script(seed: number, i: number, steps: number): Step[] {
  const r = seeded(seed * 1000 + i + 1);
  const g = new Gen(i, r);
  const st: State = { db: 0, proto: 2, multi: false };
  const out: Step[] = [];
  let mode: 'master' | 'replica' = r(2) ? 'master' : 'replica';
  for (let n = 0; n < steps; n++) {
    const x = r(20);
    if (!st.multi && x === 0) {
      out.push({ kind: 'pubsub', resp3: st.proto === 3 });
      continue;
    }
    if (!st.multi && x === 1) {
      const t = g.pick(['S', 'h', 'z']);
      out.push({ kind: 'scan', args: [{ S: 'SSCAN', h: 'HSCAN', z: 'ZSCAN' }[t]!, g.key(t)] });
      continue;
    }
    if (!st.multi && x === 2) {
      const cmds: Cmd[] = [];
      const body = 1 + r(3);
      for (let j = 0; j < body; j++) cmds.push(g.cmd({ ...st, multi: true }));
      out.push({ kind: 'watch', key: g.key('s'), db: st.db, cmds: cmds.filter((c) => !['MULTI', 'EXEC', 'DISCARD', 'RESET', 'SELECT'].includes(c.args[0])) });
      continue;
    }
    let newMode: 'master' | 'replica' | null = null;
    if (!st.multi && r(6) === 0) mode = newMode = mode === 'master' ? 'replica' : 'master';
    const len = 1 + r(r(4) === 0 ? 12 : 4);
    const cmds: Cmd[] = [];
    for (let j = 0; j < len; j++) {
      const cm = g.cmd(st);
      if (r(10) === 0 && cm.args.every((a) => a.length <= 64 && /^[A-Za-z0-9:._*-]+$/.test(a))) cm.inline = true;
      cmds.push(cm);
      // RESET also resets RESPLIT READMODE to the configured mode (replica): it ends the pipeline,
      // so that the next step's reads are made current first (WAIT).
      if (cm.args[0] === 'RESET') {
        mode = 'replica';
        break;
      }
    }
    out.push({ kind: 'pipe', cmds, mode: newMode });
  }
  return out;
}

function enc(c: Cmd): Buffer {
  return c.inline ? Buffer.from(`${c.args.join(' ')}\r\n`, 'latin1') : encodeCommand(c.args);
}

function stringify(v: unknown): string {
  if (Buffer.isBuffer(v)) return `b:${v.toString('latin1')}`;
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([a, b]) => `${stringify(a)}=>${stringify(b)}`).join(',')}}`;
  if (v instanceof Set) return `set(${[...v].map(stringify).join(',')})`;
  if (v && typeof v === 'object') return `${v.constructor.name}(${JSON.stringify(v, (_k, x) => (Buffer.isBuffer(x) ? x.toString('latin1') : typeof x === 'bigint' ? String(x) : x))})`;
  return typeof v === 'bigint' ? `n:${v}` : JSON.stringify(v) ?? String(v);
}

/** A reply as compared. */
export function norm(cmp: Cmp, b: Buffer): string {
  const s = b.toString('latin1');
  if (cmp === 'exact' || s[0] === '-' || s[0] === '!') return s;
  if (cmp === 'ttl') return s[0] === ':' && Number(s.slice(1)) > 0 ? ':<positive>' : s;
  if (cmp === 'hello') return s.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:<id>\r\n');
  const v = decode(b);
  let items: unknown[] | null = null;
  if (Array.isArray(v)) items = v;
  else if (v instanceof Set) items = [...v];
  else if (v instanceof Map) items = [...v].map(([a, c]) => [a, c]);
  if (!items) return s;
  return `${s[0]}${items.length}:${items.map(stringify).sort().join('|')}`;
}

interface Side {
  main: RawClient[];
  aux: RawClient[];
}

export interface FuzzOptions {
  seed: number;
  conns: number;
  steps: number;
  /** Port of the proxy (side A) and of the lone redis-server (side B). */
  proxyPort: number;
  redisPort: number;
  /** Reads that must wait, in ms, before a hang is reported. */
  timeoutMs?: number;
  log?: (s: string) => void;
}

/** Runs one seed; returns the first difference found, or null. Closes every connection it opened. */
export async function fuzzSeed(o: FuzzOptions): Promise<Difference | null> {
  const timeout = o.timeoutMs ?? 5000;
  const open = async (port: number): Promise<Side> => {
    const main: RawClient[] = [];
    const aux: RawClient[] = [];
    for (let i = 0; i < o.conns; i++) {
      main.push(await RawClient.connect(port));
      aux.push(await RawClient.connect(port));
    }
    return { main, aux };
  };
  const A = await open(o.proxyPort);
  const B = await open(o.redisPort);
  const scripts = Array.from({ length: o.conns }, (_, i) => script(o.seed, i, o.steps));
  const transcripts: string[][] = scripts.map(() => []);
  let diff: Difference | null = null;
  const fail = (i: number, step: number, what: string, a: string[], b: string[]) => {
    diff ??= { seed: o.seed, conn: i, step, what, a, b, script: transcripts[i].slice(-12), full: transcripts[i].slice() };
  };
  // Side A only: commands whose replies are checked, never compared.
  const aOnly = async (c: RawClient, args: string[], want: string): Promise<boolean> => {
    const got = (await c.send(...args)).toString('latin1');
    return got === want;
  };
  const readBoth = async (a: RawClient, b: RawClient, n: number): Promise<[Buffer[], Buffer[]]> => {
    return Promise.all([a.read(n, timeout), b.read(n, timeout)]).then(([x, y]) => {
      if (x.length < n) throw new Error(`side A closed the connection (got ${x.length} of ${n} replies)`);
      if (y.length < n) throw new Error(`side B closed the connection (got ${y.length} of ${n} replies)`);
      return [x, y];
    });
  };
  // Per connection: 'replica' reads need a WAIT first (side A only).
  const mode: Array<'master' | 'replica'> = [];
  const st: State[] = [];
  for (let i = 0; i < o.conns; i++) {
    const r = seeded(o.seed * 1000 + i + 1);
    mode.push(r(2) ? 'master' : 'replica');
    st.push({ db: 0, proto: 2, multi: false });
  }
  // Replays the generator's state to know when a WAIT may be sent (not inside MULTI).
  const track = (s: State, c: Cmd, i: number) => {
    const n = c.args[0].toUpperCase();
    if (n === 'RESET') mode[i] = 'replica';
    if (n === 'SELECT' && !s.multi && /^\d+$/.test(c.args[1] ?? '') && Number(c.args[1]) < 16) s.db = Number(c.args[1]);
    if (n === 'MULTI') s.multi = true;
    else if ((n === 'EXEC' || n === 'DISCARD') && s.multi) s.multi = false;
    else if (n === 'RESET') Object.assign(s, { db: 0, proto: 2, multi: false });
    else if (n === 'HELLO' && (c.args[1] === '2' || c.args[1] === '3')) s.proto = Number(c.args[1]) as 2 | 3;
  };
  const syncA = async (i: number, step: number): Promise<void> => {
    if (st[i].multi) return;
    for (const c of [A.aux[i], A.main[i]]) {
      const got = (await c.send('WAIT', '2', '1000')).toString('latin1');
      if (got !== ':2\r\n') fail(i, step, `WAIT 2 1000 on side A answered ${JSON.stringify(got)}`, [got], []);
    }
  };
  const runStep = async (i: number, n: number, s: Step): Promise<void> => {
    const am = A.main[i];
    const bm = B.main[i];
    const ax = A.aux[i];
    const bx = B.aux[i];
    const log = transcripts[i];
    if (s.kind === 'pipe' && s.mode) {
      mode[i] = s.mode;
      if (!(await aOnly(am, ['RESPLIT', 'READMODE', s.mode.toUpperCase()], '+OK\r\n'))) fail(i, n, 'RESPLIT READMODE refused', [], []);
    }
    if (mode[i] === 'replica') await syncA(i, n);
    if (s.kind === 'pipe') {
      const bytes = Buffer.concat(s.cmds.map(enc));
      am.write(bytes);
      bm.write(bytes);
      const [ra, rb] = await readBoth(am, bm, s.cmds.length);
      for (let j = 0; j < s.cmds.length; j++) {
        const c = s.cmds[j];
        log.push(`${c.inline ? 'inline ' : ''}${JSON.stringify(c.args)} -> ${JSON.stringify(rb[j].toString('latin1').slice(0, 200))}`);
        track(st[i], c, i);
        const x = norm(c.cmp, ra[j]);
        const y = norm(c.cmp, rb[j]);
        if (x !== y) return fail(i, n, `reply to ${JSON.stringify(c.args)} (pipeline of ${s.cmds.length}, #${j}; db ${st[i].db}, mode ${mode[i]}, proto ${st[i].proto})`, [ra[j].toString('latin1')], [rb[j].toString('latin1')]);
      }
      return;
    }
    if (s.kind === 'watch') {
      // WATCH on main, a write from aux (same db) on one of two paths, then MULTI ... EXEC.
      const touch = n % 2 === 0;
      const seq: Array<[RawClient, RawClient, string[], Cmp]> = [
        [am, bm, ['WATCH', s.key], 'exact'],
        ...(touch ? ([[ax, bx, ['SELECT', String(s.db)], 'exact'], [ax, bx, ['SET', s.key, `w${n}`], 'exact']] as Array<[RawClient, RawClient, string[], Cmp]>) : []),
        [am, bm, ['MULTI'], 'exact'],
        ...s.cmds.map((c) => [am, bm, c.args, c.cmp] as [RawClient, RawClient, string[], Cmp]),
        [am, bm, ['EXEC'], 'exact'],
      ];
      for (const [ca, cb, args, cmp] of seq) {
        const b = encodeCommand(args);
        ca.write(b);
        cb.write(b);
        const [[ra], [rb]] = await readBoth(ca, cb, 1);
        log.push(`${ca === am ? '' : 'aux '}${JSON.stringify(args)} -> ${JSON.stringify(rb.toString('latin1').slice(0, 200))}`);
        // EXEC's elements are compared exactly (small collections) except where the command is unordered.
        const x = args[0] === 'EXEC' ? ra.toString('latin1') : norm(cmp, ra);
        const y = args[0] === 'EXEC' ? rb.toString('latin1') : norm(cmp, rb);
        if (x !== y && !(args[0] === 'EXEC' && s.cmds.some((c) => c.cmp !== 'exact'))) return fail(i, n, `watch step: reply to ${JSON.stringify(args)}`, [ra.toString('latin1')], [rb.toString('latin1')]);
        if (ca === ax && args[0] === 'SET') await aOnly(ax, ['WAIT', '2', '1000'], ':2\r\n');
      }
      return;
    }
    if (s.kind === 'pubsub') {
      const ch = [`ch${i}a`, `ch${i}b`];
      const steps: Array<[RawClient, RawClient, string[], number]> = [
        [am, bm, ['SUBSCRIBE', ...ch], 2],
        [ax, bx, ['PUBLISH', ch[0], `m${n}`], 1],
        [am, bm, [], 1],
        [am, bm, ['PING'], 1],
        [am, bm, ['PING', 'x'], 1],
        [am, bm, ['PSUBSCRIBE', `ch${i}*`], 1],
        [ax, bx, ['PUBLISH', ch[1], `p${n}`], 1],
        [am, bm, [], 2],
        [am, bm, ['SUBSCRIBE', ch[0]], 1],
        [am, bm, ['UNSUBSCRIBE', ch[0]], 1],
        [am, bm, ['GET', 'x'], 1],
        [am, bm, ['PUNSUBSCRIBE', `ch${i}*`], 1],
        [am, bm, ['UNSUBSCRIBE', ch[1]], 1],
        [am, bm, ['PING'], 1],
        [am, bm, ['UNSUBSCRIBE'], 1],
      ];
      for (const [ca, cb, args, k] of steps) {
        if (args.length) {
          const b = encodeCommand(args);
          ca.write(b);
          cb.write(b);
        }
        const [ra, rb] = await readBoth(ca, cb, k);
        log.push(`${ca === am ? '' : 'aux '}${JSON.stringify(args)} -> ${JSON.stringify(rb.map((x) => x.toString('latin1')).join(''))}`);
        const x = ra.map((q) => q.toString('latin1')).join('');
        const y = rb.map((q) => q.toString('latin1')).join('');
        if (x !== y) return fail(i, n, `pubsub step: reply to ${JSON.stringify(args)}`, [x], [y]);
      }
      return;
    }
    // scan: a full iteration on each side; the sets of elements returned are compared.
    const full = async (c: RawClient): Promise<string> => {
      const seen = new Set<string>();
      let cursor = '0';
      let guard = 0;
      do {
        const v = decode(await c.send(s.args[0], s.args[1], cursor, 'COUNT', '5'));
        if (!Array.isArray(v)) return `error:${stringify(v)}`;
        cursor = (v[0] as Buffer).toString('latin1');
        const items = v[1] as Buffer[] | Set<Buffer>;
        for (const it of items as Iterable<Buffer>) seen.add(it.toString('latin1'));
        if (++guard > 10000) return 'scan did not end';
      } while (cursor !== '0');
      return [...seen].sort().join('|');
    };
    const [x, y] = await Promise.all([full(am), full(bm)]);
    log.push(`full ${s.args.join(' ')} -> ${y.slice(0, 200)}`);
    if (x !== y) fail(i, n, `full ${s.args.join(' ')}`, [x], [y]);
  };
  // The keyspace-wide step, run alone: FLUSHDB/DBSIZE/SCAN/KEYS from connection `i` in its db.
  const solo = async (i: number, n: number, r: (m: number) => number): Promise<void> => {
    const am = A.main[i];
    const bm = B.main[i];
    if (st[i].multi) return;
    if (mode[i] === 'replica') await syncA(i, n);
    const cmds: Cmd[] = [
      { args: ['DBSIZE'], cmp: 'exact' },
      { args: ['KEYS', '*'], cmp: 'unordered' },
      { args: ['EXISTS', 'k0:s0', 'k1:l1'], cmp: 'exact' },
    ];
    if (r(3) === 0) cmds.push({ args: [r(4) === 0 ? 'FLUSHALL' : 'FLUSHDB'], cmp: 'exact' }, { args: ['DBSIZE'], cmp: 'exact' });
    for (const c of cmds) {
      // A read right after FLUSHDB's reply: the replicas apply it first (side A only).
      if (c.args[0] === 'DBSIZE' && c !== cmds[0]) await syncA(i, n);
      const b = encodeCommand(c.args);
      am.write(b);
      bm.write(b);
      const [[ra], [rb]] = await readBoth(am, bm, 1);
      transcripts[i].push(`solo ${JSON.stringify(c.args)} -> ${JSON.stringify(rb.toString('latin1').slice(0, 200))}`);
      if (norm(c.cmp, ra) !== norm(c.cmp, rb)) return fail(i, n, `solo ${c.args.join(' ')}`, [ra.toString('latin1')], [rb.toString('latin1')]);
    }
    // SCAN over the whole db, compared as sets.
    const full = async (c: RawClient): Promise<string> => {
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const v = decode(await c.send('SCAN', cursor, 'COUNT', String(1 + r(7))));
        if (!Array.isArray(v)) return `error:${stringify(v)}`;
        cursor = (v[0] as Buffer).toString('latin1');
        for (const it of v[1] as Buffer[]) seen.add(it.toString('latin1'));
      } while (cursor !== '0');
      return [...seen].sort().join('|');
    };
    if (mode[i] === 'replica') await syncA(i, n);
    const [x, y] = [await full(am), await full(bm)];
    if (x !== y) fail(i, n, 'solo SCAN', [x], [y]);
    const got = await am.send('WAIT', '2', '1000');
    if (got.toString('latin1') !== ':2\r\n' && !st[i].multi) fail(i, n, 'WAIT after solo', [got.toString('latin1')], []);
  };
  const rr = seeded(o.seed);
  try {
    for (let n = 0; n < o.steps && !diff; n++) {
      await Promise.all(
        scripts.map(async (sc, i) => {
          try {
            await runStep(i, n, sc[n]);
          } catch (err) {
            fail(i, n, `error: ${(err as Error).message}`, [], []);
          }
        }),
      );
      if (rr(8) === 0 && !diff) {
        const i = rr(o.conns);
        try {
          await solo(i, n, rr);
        } catch (err) {
          fail(i, n, `solo error: ${(err as Error).message}`, [], []);
        }
      }
    }
  } finally {
    for (const c of [...A.main, ...A.aux, ...B.main, ...B.aux]) c.close();
  }
  return diff;
}
