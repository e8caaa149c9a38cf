// MULTI/EXEC/DISCARD/WATCH/UNWATCH against a real redis-server, byte for byte: queueing errors and
// EXECABORT, per-command errors inside EXEC, nesting, no_multi commands, rejected EXEC, and WATCH
// invalidation by another client's changes, expiry, deletion, FLUSHDB/FLUSHALL, SWAPDB and RENAME.
import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { Twin } from './helpers/twin';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('transactions (differential)', function () {
  this.timeout(10000);
  const d = useDiff({ 'enable-debug-command': 'yes' });
  const open: Twin[] = [];
  const twin = async (): Promise<Twin> => {
    const t = await Twin.open(d);
    open.push(t);
    return t;
  };
  afterEach(() => {
    for (const t of open.splice(0)) t.close();
  });

  /** Runs WATCH keys on `a`, then `meddle` (other clients' commands), then MULTI/INCR/EXEC on `a`. */
  async function watchThen(keys: string[], meddle: () => Promise<void>, setup: Array<Array<string | number>> = []): Promise<void> {
    const a = await twin();
    for (const c of setup) await a.send(c);
    await a.send(['WATCH', ...keys]);
    await meddle();
    await a.send(['MULTI']);
    await a.send(['INCR', 'counter']);
    await a.send(['EXEC']);
    await a.send(['GET', 'counter']);
  }

  it('queues, executes, and reports errors per command', async () => {
    await d.seq([
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['SADD', 'a', 'x'],
      ['GET', 'a'],
      ['PING'],
      ['ECHO', 'hi'],
      ['EXEC'],
      ['GET', 'a'],
      ['MULTI'],
      ['EXEC'],
    ]);
  });

  it('a queueing error (unknown command, arity, no_multi) aborts EXEC with EXECABORT', async () => {
    await d.seq([['MULTI'], ['SET', 'a', '1'], ['NOSUCH', 'x'], ['SET', 'b', '2'], ['EXEC'], ['EXISTS', 'a'], ['MULTI'], ['SET', 'a'], ['EXEC'], ['MULTI'], ['SYNC'], ['SAVE'], ['EXEC'], ['MULTI'], ['GET'], ['DISCARD'], ['GET', 'a']]);
  });

  it('nesting, WATCH inside MULTI, DISCARD, and EXEC/DISCARD without MULTI', async () => {
    await d.seq([
      ['EXEC'],
      ['DISCARD'],
      ['MULTI'],
      ['MULTI'],
      ['WATCH', 'k'],
      ['SET', 'k', 'v'],
      ['EXEC'],
      ['GET', 'k'],
      ['MULTI'],
      ['SET', 'k', 'w'],
      ['DISCARD'],
      ['GET', 'k'],
      ['MULTI', 'x'],
      ['EXEC', 'x'],
      ['MULTI'],
      ['SET', 'k', 'z'],
      ['EXEC', 'x'],
      ['EXEC'],
      ['GET', 'k'],
      ['MULTI'],
      ['DISCARD', 'x'],
      ['EXEC'],
      ['UNWATCH', 'x'],
      ['WATCH'],
    ]);
  });

  it('SELECT inside MULTI, RESET and QUIT-free cleanup', async () => {
    await d.seq([['MULTI'], ['SELECT', '1'], ['SET', 'q', '1'], ['SELECT', '99'], ['EXEC'], ['GET', 'q'], ['SELECT', '0'], ['GET', 'q'], ['MULTI'], ['SET', 'q', '2'], ['RESET'], ['EXEC'], ['GET', 'q']]);
  });

  it('RESP3: QUEUED, an aborted EXEC is a null, EXEC replies nest RESP3 types', async () => {
    const t = await twin();
    await Promise.all([t.ours.send('HELLO', '3'), t.theirs.send('HELLO', '3')]);
    const u = await twin();
    await t.send(['WATCH', 'w']);
    await u.send(['SET', 'w', '1']);
    await t.send(['MULTI']);
    await t.send(['GET', 'w']);
    await t.send(['EXEC']);
    await t.send(['MULTI']);
    await t.send(['GET', 'missing']);
    await t.send(['SET', 'w', '2', 'GET']);
    await t.send(['EXEC']);
  });

  it('WATCH: a change by another client aborts EXEC (nil); unrelated changes do not', async () => {
    const other = await twin();
    await watchThen(['k'], async () => {
      await other.send(['SET', 'k', 'v']);
    });
    await watchThen(['k'], async () => {
      await other.send(['SET', 'unrelated', 'v']);
      await other.send(['SET', 'k2', 'v']);
    });
  });

  it('WATCH: own changes before MULTI count; UNWATCH and EXEC forget watched keys', async () => {
    const a = await twin();
    await a.send(['WATCH', 'k']);
    await a.send(['SET', 'k', '1']);
    await a.send(['MULTI']);
    await a.send(['INCR', 'k']);
    await a.send(['EXEC']);
    // EXEC unwatched everything: the next transaction runs.
    await a.send(['SET', 'k', '5']);
    await a.send(['MULTI']);
    await a.send(['INCR', 'k']);
    await a.send(['EXEC']);
    await a.send(['WATCH', 'k']);
    await a.send(['UNWATCH']);
    await a.send(['SET', 'k', '1']);
    await a.send(['MULTI']);
    await a.send(['INCR', 'k']);
    await a.send(['EXEC']);
    // A DISCARDed transaction unwatches too.
    await a.send(['WATCH', 'k']);
    await a.send(['MULTI']);
    await a.send(['DISCARD']);
    await a.send(['SET', 'k', '9']);
    await a.send(['MULTI']);
    await a.send(['GET', 'k']);
    await a.send(['EXEC']);
  });

  it('WATCH: deletion, RENAME (either side), EXPIRE, PERSIST and same-value SET all abort', async () => {
    const o = await twin();
    const setup = [['SET', 'k', 'v'], ['SET', 'src', 's']];
    await watchThen(['k'], () => o.send(['DEL', 'k']).then(() => undefined), setup);
    await watchThen(['k'], () => o.send(['RENAME', 'k', 'k9']).then(() => undefined), setup);
    await watchThen(['k'], () => o.send(['RENAME', 'src', 'k']).then(() => undefined), setup);
    await watchThen(['k'], () => o.send(['EXPIRE', 'k', '100']).then(() => undefined), setup);
    await watchThen(['k'], () => o.send(['SET', 'k', 'v']).then(() => undefined), setup);
    await watchThen(['k'], () => o.send(['APPEND', 'k', '']).then(() => undefined), setup);
    await watchThen(
      ['k'],
      async () => {
        await o.send(['PERSIST', 'k']);
      },
      [['SET', 'k', 'v', 'EX', '100']],
    );
  });

  it('WATCH: failed or no-op commands on the key do not abort', async () => {
    const o = await twin();
    await watchThen(
      ['k'],
      async () => {
        await o.send(['INCR', 'k']);
        await o.send(['DEL', 'nokey']);
        await o.send(['PERSIST', 'k']);
        await o.send(['GET', 'k']);
        await o.send(['SET', 'k', 'x', 'NX']);
      },
      [['SET', 'k', 'notanumber']],
    );
  });

  it('WATCH: FLUSHDB, FLUSHALL and SWAPDB abort only when the watched key existed on either side', async () => {
    const o = await twin();
    await watchThen(['k'], () => o.send(['FLUSHALL']).then(() => undefined), [['SET', 'k', 'v']]);
    await watchThen(['k'], () => o.send(['FLUSHDB']).then(() => undefined), [['SET', 'k', 'v']]);
    await watchThen(['absent'], () => o.send(['FLUSHALL']).then(() => undefined), [['SET', 'k', 'v']]);
    // The key exists only in db 1: swapping brings it in.
    await watchThen(
      ['k'],
      async () => {
        await o.send(['SELECT', '1']);
        await o.send(['SET', 'k', 'from1']);
        await o.send(['SWAPDB', '0', '1']);
        await o.send(['FLUSHALL']);
        await o.send(['SELECT', '0']);
      },
      [['DEL', 'k']],
    );
    await watchThen(['nowhere'], () => o.send(['SWAPDB', '0', '1']).then(() => undefined));
  });

  it('WATCH is per database: the same name in another db is another key', async () => {
    const o = await twin();
    await watchThen(
      ['k'],
      async () => {
        await o.send(['SELECT', '1']);
        await o.send(['SET', 'k', 'v']);
        await o.send(['SELECT', '0']);
      },
      [['SELECT', '0']],
    );
    // Watching in db 1, the transaction runs in db 1 as well.
    await watchThen(
      ['k'],
      async () => {
        await o.send(['SELECT', '1']);
        await o.send(['SET', 'k', 'v']);
        await o.send(['SELECT', '0']);
      },
      [['SELECT', '1']],
    );
    await d.both('SELECT', '1');
    await d.both('FLUSHDB');
    await d.both('SELECT', '0');
  });

  it('EXEC re-checks the replica state: queued reads on a now stale replica get MASTERDOWN, queued writes READONLY', async () => {
    // multi.tcl's "exec with read commands and stale replica state change" and "exec with write
    // commands and state change": another client makes the server a replica (of a port nobody
    // listens on, so its link stays down) between queueing and EXEC.
    const a = await twin();
    const b = await twin();
    try {
      await a.send(['CONFIG', 'SET', 'replica-serve-stale-data', 'no']);
      await a.send(['SET', 'xx', '1']);
      for (const queued of [['GET', 'xx'], ['PING']]) {
        await a.send(['MULTI']);
        await a.send(queued);
        await b.send(['REPLICAOF', '127.0.0.1', '1']);
        assert.match((await a.send(['EXEC']))[0], /^-EXECABORT .* MASTERDOWN /);
        await b.send(['REPLICAOF', 'NO', 'ONE']);
      }
      // MULTI itself is allowed on a stale replica; once it is a master again, EXEC runs.
      await b.send(['REPLICAOF', '127.0.0.1', '1']);
      await a.send(['MULTI']);
      await b.send(['REPLICAOF', 'NO', 'ONE']);
      await a.send(['GET', 'xx']);
      await a.send(['EXEC']);
      // Stale data served: reads in EXEC run, queued writes are refused by the read-only replica.
      await a.send(['CONFIG', 'SET', 'replica-serve-stale-data', 'yes']);
      await a.send(['MULTI']);
      await a.send(['GET', 'xx']);
      await b.send(['REPLICAOF', '127.0.0.1', '1']);
      await a.send(['EXEC']);
      await b.send(['REPLICAOF', 'NO', 'ONE']);
      await a.send(['MULTI']);
      await a.send(['SET', 'xx', '2']);
      await a.send(['GET', 'xx']);
      await b.send(['REPLICAOF', '127.0.0.1', '1']);
      assert.match((await a.send(['EXEC']))[0], /^-EXECABORT .* READONLY /);
    } finally {
      await d.both('REPLICAOF', 'NO', 'ONE');
      await d.both('CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
    }
  });

  describe('WATCH and expiry (active expiry off on both sides)', () => {
    beforeEach(async () => {
      await d.theirs.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      d.store.server.activeExpire = false;
    });
    after(async () => {
      await d.theirs.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      d.store.server.activeExpire = true;
    });

    it('a watched key that expires before EXEC aborts it', async () => {
      await watchThen(['k'], () => sleep(120), [['SET', 'k', 'v', 'PX', '60']]);
    });

    it('a watched key that expires and is lazily deleted by another client aborts it', async () => {
      const o = await twin();
      await watchThen(
        ['k'],
        async () => {
          await sleep(120);
          await o.send(['GET', 'k']);
        },
        [['SET', 'k', 'v', 'PX', '60']],
      );
    });

    it('a key already expired at WATCH time: deletion is no change, a new value is', async () => {
      const o = await twin();
      const wait = (): Promise<void> => sleep(60);
      const a = await twin();
      // Expired before WATCH and still in the keyspace: EXEC runs.
      await a.send(['SET', 'k', 'v', 'PX', '20']);
      await wait();
      await a.send(['WATCH', 'k']);
      await a.send(['MULTI']);
      await a.send(['INCR', 'counter']);
      await a.send(['EXEC']);
      await a.send(['SET', 'k', 'v', 'PX', '20']);
      await wait();
      await a.send(['WATCH', 'k']);
      await o.send(['EXISTS', 'k']); // lazy deletion
      await a.send(['MULTI']);
      await a.send(['INCR', 'counter']);
      await a.send(['EXEC']);
      await a.send(['SET', 'k', 'v', 'PX', '20']);
      await wait();
      await a.send(['WATCH', 'k']);
      await o.send(['FLUSHALL']);
      await a.send(['MULTI']);
      await a.send(['INCR', 'counter']);
      await a.send(['EXEC']);
      await a.send(['SET', 'k', 'v', 'PX', '20']);
      await wait();
      await a.send(['WATCH', 'k']);
      await o.send(['SET', 'k', 'new']);
      await a.send(['MULTI']);
      await a.send(['INCR', 'counter']);
      await a.send(['EXEC']);
    });
  });
});
