// Transactions inside the store: what EXEC propagates to replicas (a MULTI/EXEC wrapper only around
// several commands, nothing for aborted or read-only transactions, lazy-expiry DELs inside the wrapper)
// and EXEC rejected by a dispatcher rung (write gates, read-only replica) at queue time and at EXEC time.
import assert from 'node:assert/strict';
import { startStore, type InProcessStore } from './helpers/servers';
import { RawClient } from './helpers/raw';

describe('transactions (store internals)', function () {
  this.timeout(10000);
  let st: InProcessStore;
  let c: RawClient;
  let fed: string[][];
  before(async () => {
    st = await startStore();
  });
  beforeEach(async () => {
    c = await RawClient.connect(st.port);
    await c.send('FLUSHALL');
    fed = [];
    st.server.replicationFeed = (_db, argv) => fed.push(argv);
  });
  afterEach(() => {
    st.server.replicationFeed = null;
    st.server.writeGates.length = 0;
    st.server.isReplica = false;
    c.close();
  });
  after(async () => {
    await st?.stop();
  });

  async function tx(cmds: string[][]): Promise<string> {
    await c.send('MULTI');
    for (const cmd of cmds) await c.send(...cmd);
    return c.str('EXEC');
  }

  it('several writes are wrapped in MULTI/EXEC; a single write is not; reads propagate nothing', async () => {
    await tx([['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a']]);
    assert.deepEqual(fed, [['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['EXEC']]);
    fed = [];
    await tx([['SET', 'b', '1'], ['GET', 'b']]);
    assert.deepEqual(fed, [['SET', 'b', '1']]);
    fed = [];
    await tx([['GET', 'b'], ['EXISTS', 'b']]);
    assert.deepEqual(fed, []);
  });

  it('aborted transactions (EXECABORT, WATCH) propagate nothing', async () => {
    await c.send('MULTI');
    await c.send('SET', 'a', '1');
    await c.send('NOSUCH');
    assert.match(await c.str('EXEC'), /^-EXECABORT/);
    const other = await RawClient.connect(st.port);
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', '1');
    fed = [];
    assert.equal(await tx([['SET', 'a', '2']]), '*-1\r\n');
    assert.deepEqual(fed, []);
    other.close();
  });

  it('a key that lazily expires inside EXEC is deleted within the wrapper', async () => {
    await c.send('SET', 'old', 'v', 'PX', '20');
    await new Promise((r) => setTimeout(r, 50));
    fed = [];
    assert.equal(await tx([['GET', 'old'], ['SET', 'new', '1']]), '*2\r\n$-1\r\n+OK\r\n');
    assert.deepEqual(fed, [['MULTI'], ['DEL', 'old'], ['SET', 'new', '1'], ['EXEC']]);
  });

  it('a write gate refusing at queue time poisons the transaction; refusing at EXEC time aborts it with the reason', async () => {
    const msg = 'NOREPLICAS Not enough good replicas to write.';
    // Like min-replicas-to-write: the refused SET is not queued, so EXEC has no write to refuse.
    st.server.writeGates.push((_cl, cmd) => (cmd.name === 'exec' ? null : msg));
    await c.send('MULTI');
    assert.equal(await c.str('SET', 'a', '1'), `-${msg}\r\n`);
    assert.equal(await c.str('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
    st.server.writeGates.length = 0;
    await c.send('MULTI');
    assert.equal(await c.str('SET', 'a', '1'), '+QUEUED\r\n');
    st.server.writeGates.push((_cl, cmd) => (cmd.name === 'exec' ? msg : null));
    assert.equal(await c.str('EXEC'), `-EXECABORT Transaction discarded because of: ${msg}\r\n`);
    // The transaction is over.
    st.server.writeGates.length = 0;
    assert.equal(await c.str('EXEC'), '-ERR EXEC without MULTI\r\n');
    assert.equal(await c.str('EXISTS', 'a'), ':0\r\n');
  });

  it('on a read-only replica, EXEC of a transaction queued with writes is refused with READONLY', async () => {
    await c.send('MULTI');
    assert.equal(await c.str('SET', 'a', '1'), '+QUEUED\r\n');
    st.server.isReplica = true;
    assert.equal(await c.str('EXEC'), "-EXECABORT Transaction discarded because of: READONLY You can't write against a read only replica.\r\n");
    await c.send('MULTI');
    assert.equal(await c.str('GET', 'a'), '+QUEUED\r\n');
    assert.equal(await c.str('EXEC'), '*1\r\n$-1\r\n');
  });
});
