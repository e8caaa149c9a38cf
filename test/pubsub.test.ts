// Pub/sub internals that a differential test cannot see: PUBLISH/SPUBLISH propagation to the
// replication feed (Redis forces it although no key changes), messages arriving over a replica's
// master link reaching local subscribers, the INFO counts, and cleanup of the server-wide maps when
// subscribers disconnect or RESET.
import assert from 'node:assert/strict';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';
import { dispatch } from '../src/store/dispatch';
import { pubsubOf } from '../src/store/pubsub';

describe('pub/sub (store internals)', function () {
  this.timeout(10000);
  let st: InProcessStore;
  let fed: Array<[number, string[]]>;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const c = await RawClient.connect(st.port);
    clients.push(c);
    return c;
  };
  before(async () => {
    st = await startStore();
  });
  beforeEach(() => {
    fed = [];
    st.server.replicationFeed = (db, argv) => fed.push([db, argv]);
  });
  afterEach(() => {
    st.server.replicationFeed = null;
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => {
    await st?.stop();
  });

  /** Waits until the server-wide maps hold exactly `n` channels + patterns + shard channels. */
  async function mapsSettle(n: number): Promise<void> {
    const ps = pubsubOf(st.server);
    const deadline = Date.now() + 3000;
    while (ps.channels.size + ps.patterns.size + ps.shardChannels.size !== n) {
      if (Date.now() > deadline) assert.fail(`pub/sub maps still hold ${ps.channels.size}/${ps.patterns.size}/${ps.shardChannels.size}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('PUBLISH and SPUBLISH are propagated even with no receivers; inside MULTI they are wrapped with the writes', async () => {
    const c = await connect();
    assert.equal(await c.str('PUBLISH', 'ch', 'm'), ':0\r\n');
    assert.equal(await c.str('SPUBLISH', 'sh', 'm2'), ':0\r\n');
    assert.deepEqual(fed, [
      [0, ['PUBLISH', 'ch', 'm']],
      [0, ['SPUBLISH', 'sh', 'm2']],
    ]);
    fed = [];
    await c.send('SELECT', '3');
    await c.send('MULTI');
    await c.send('SET', 'k', 'v');
    await c.send('PUBLISH', 'ch', 'x');
    await c.send('GET', 'k');
    assert.equal(await c.str('EXEC'), '*3\r\n+OK\r\n:0\r\n$1\r\nv\r\n');
    assert.deepEqual(
      fed.map(([, a]) => a),
      [['MULTI'], ['SET', 'k', 'v'], ['PUBLISH', 'ch', 'x'], ['EXEC']],
    );
    assert.deepEqual(new Set(fed.map(([db]) => db)), new Set([3]));
  });

  it("PUBLISH arriving on the master link reaches local subscribers and is fed on to sub-replicas", async () => {
    const sub = await connect();
    await sub.send('SUBSCRIBE', 'from-master');
    await sub.send('PSUBSCRIBE', 'from-*');
    const link = st.server.createClient(null);
    link.isMaster = true;
    try {
      dispatch(st.server, link, ['PUBLISH', 'from-master', 'hello']);
      const got = await sub.read(2);
      assert.deepEqual(
        got.map((b) => b.toString()),
        ['*3\r\n$7\r\nmessage\r\n$11\r\nfrom-master\r\n$5\r\nhello\r\n', '*4\r\n$8\r\npmessage\r\n$6\r\nfrom-*\r\n$11\r\nfrom-master\r\n$5\r\nhello\r\n'],
      );
      assert.deepEqual(fed, [[0, ['PUBLISH', 'from-master', 'hello']]]);
    } finally {
      st.server.freeClient(link);
    }
  });

  it('exposes distinct channel / pattern / shard channel counts for INFO and the CLIENT_PUBSUB flag', async () => {
    const a = await connect();
    const b = await connect();
    await a.send('SUBSCRIBE', 'c1');
    await a.send('SUBSCRIBE', 'c2');
    await b.send('SUBSCRIBE', 'c1');
    await a.send('PSUBSCRIBE', 'p*');
    await b.send('PSUBSCRIBE', 'p*');
    await b.send('PSUBSCRIBE', 'q*');
    await b.send('SSUBSCRIBE', 's1');
    const counts = (st.server.ext.pubsubCounts as () => { channels: number; patterns: number; shard: number })();
    assert.deepEqual(counts, { channels: 2, patterns: 2, shard: 1 });
    const info = await (await connect()).str('INFO', 'stats');
    assert.match(info, /pubsub_channels:2\r\n/);
    assert.match(info, /pubsub_patterns:2\r\n/);
    assert.match(info, /pubsubshard_channels:1\r\n/);
    const flags = [...st.server.clients.values()].filter((c) => c.isPubSub).length;
    assert.equal(flags, 2);
  });

  it('a disconnect or RESET removes every subscription from the server-wide maps', async () => {
    await mapsSettle(0);
    const a = await connect();
    const b = await connect();
    await a.send('SUBSCRIBE', 'x1');
    await a.send('SUBSCRIBE', 'x2');
    await a.send('PSUBSCRIBE', 'x*');
    await a.send('SSUBSCRIBE', 'xs');
    await b.send('SUBSCRIBE', 'x1');
    await b.send('SSUBSCRIBE', 'ys');
    await mapsSettle(5);
    a.close();
    await mapsSettle(2);
    assert.equal(await b.str('RESET'), '+RESET\r\n');
    await mapsSettle(0);
    assert.equal(await b.str('PUBLISH', 'x1', 'm'), ':0\r\n');
  });

  it('many subscribers each get every message, in order, when the publisher pipelines', async () => {
    const subs = await Promise.all(Array.from({ length: 5 }, () => connect()));
    for (const s of subs) await s.send('SUBSCRIBE', 'fan');
    const pub = await connect();
    const n = 200;
    pub.write(Array.from({ length: n }, (_, i) => `PUBLISH fan m${i}\r\n`).join(''));
    const replies = await pub.read(n);
    assert.ok(replies.every((r) => r.toString() === ':5\r\n'));
    for (const s of subs) {
      const got = await s.read(n);
      assert.equal(got[n - 1].toString(), `*3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$${String(`m${n - 1}`.length)}\r\nm${n - 1}\r\n`);
      assert.ok(got.every((g, i) => g.toString().endsWith(`m${i}\r\n`)));
    }
  });
});
