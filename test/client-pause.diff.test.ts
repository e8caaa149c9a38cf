// CLIENT PAUSE against a real redis-server 7.0, byte for byte: which requests a pause holds (WRITE:
// writes and may-replicate commands such as PUBLISH, also inside MULTI, and EXEC of a queue holding
// one; ALL: everything), which are answered at once because Redis rejects them before its pause
// check (unknown command, arity, a doomed transaction's EXEC), and in what order held replies come.

import { useDiff } from './helpers/diff';
import { Twin } from './helpers/twin';
import { encodeCommand } from '../src/resp/encode';

describe('CLIENT PAUSE (differential)', function () {
  this.timeout(10000);
  const d = useDiff();
  const open: Twin[] = [];
  const twin = async (): Promise<Twin> => {
    const t = await Twin.open(d);
    open.push(t);
    return t;
  };
  afterEach(async () => {
    await d.both('CLIENT', 'UNPAUSE');
    for (const t of open.splice(0)) t.close();
  });

  /** Sends a request that the pause must hold: both servers stay silent for a while. */
  async function held(t: Twin, args: string[]): Promise<void> {
    const bytes = encodeCommand(args);
    t.ours.write(bytes);
    t.theirs.write(bytes);
    await t.quiet(100);
  }

  it('PAUSE WRITE answers bad requests at once (unknown command, arity, unknown subcommand)', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['SET', 'FOO']);
    await b.send(['FOOBAR']);
    await b.send(['SET']);
    await b.send(['CONFIG', 'FOO']);
    await b.send(['PUBLISH', 'ch']);
    // Inside MULTI too: the queueing error is immediate and EXEC (nothing writing queued) aborts at once.
    await b.send(['MULTI']);
    await b.send(['SET', 'x']);
    await b.send(['GET', 'x']);
    await b.send(['EXEC']);
    await b.send(['GET', 'FOO']);
  });

  it('PAUSE WRITE holds PUBLISH and SPUBLISH, and writes inside MULTI; held replies come in order after UNPAUSE', async () => {
    const a = Twin.of(d);
    const b = await twin();
    const sub = await twin();
    await sub.send(['SUBSCRIBE', 'ch']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await held(b, ['PUBLISH', 'ch', 'hello']);
    await a.send(['GET', 'k']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.expect(1);
    await sub.expect(1);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await held(b, ['SPUBLISH', 'ch', 'x']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.expect(1);
    await b.send(['MULTI']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await held(b, ['SET', 'k', 'v']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.expect(1);
    await b.send(['GET', 'k']);
    await b.send(['EXEC']);
  });

  it('PAUSE WRITE holds EXEC of a queue with a write or PUBLISH, not of reads nor of a doomed transaction', async () => {
    const a = Twin.of(d);
    const b = await twin();
    for (const q of [['PUBLISH', 'ch', 'm'], ['SET', 'k', '1']]) {
      await b.send(['MULTI']);
      await b.send(['GET', 'k']);
      await b.send(q);
      await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
      await held(b, ['EXEC']);
      await a.send(['CLIENT', 'UNPAUSE']);
      await b.expect(1);
    }
    await b.send(['MULTI']);
    await b.send(['GET', 'k']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['EXEC']);
    await a.send(['CLIENT', 'UNPAUSE']);
    // A queueing error: what follows is not queued, so EXEC holds nothing writing and aborts at once.
    await b.send(['MULTI']);
    await b.send(['SET', 'x']);
    await b.send(['SET', 'y', '1']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['EXEC']);
    await a.send(['CLIENT', 'UNPAUSE']);
    // A WATCHed key touched before the write was queued: EXEC answers nil at once.
    await b.send(['WATCH', 'w']);
    await a.send(['SET', 'w', '1']);
    await b.send(['MULTI']);
    await b.send(['SET', 'y', '1']);
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.send(['EXEC']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.send(['EXISTS', 'y']);
  });

  it('a held request keeps its CLIENT REPLY SKIP: its reply is dropped when it runs, the next one is sent', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    const skip = encodeCommand(['CLIENT', 'REPLY', 'SKIP']);
    b.ours.write(skip);
    b.theirs.write(skip);
    await held(b, ['SET', 'k', 'v']);
    await a.send(['CLIENT', 'UNPAUSE']);
    await b.send(['GET', 'k']);
  });

  it('PAUSE ALL still answers bad requests at once and holds the rest, CLIENT UNPAUSE included', async () => {
    const a = Twin.of(d);
    const b = await twin();
    await a.send(['CLIENT', 'PAUSE', '800', 'ALL']);
    await b.send(['SET', 'FOO']);
    await b.send(['NOSUCH']);
    await held(b, ['CLIENT', 'UNPAUSE']);
    await held(b, ['GET', 'k']);
    // The pause runs out: the held requests run in order.
    await b.expect(2);
  });
});
