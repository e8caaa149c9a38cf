// Pub/sub against a real redis-server, byte for byte: subscription replies and counts, RESP2 subscriber
// mode, RESP3 pushes, message delivery (channels, patterns, shard channels), PUBSUB introspection,
// pub/sub inside MULTI, RESET, and cleanup when a subscriber disconnects.
import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { Twin } from './helpers/twin';

describe('pub/sub (differential)', function () {
  this.timeout(10000);
  const d = useDiff();
  const open: Twin[] = [];
  const twin = async (): Promise<Twin> => {
    const t = await Twin.open(d);
    open.push(t);
    return t;
  };
  afterEach(() => {
    for (const t of open.splice(0)) t.close();
  });

  it('unsubscribing with nothing subscribed answers once with a null name', async () => {
    const t = await twin();
    await t.send(['UNSUBSCRIBE']);
    await t.send(['PUNSUBSCRIBE']);
    await t.send(['SUNSUBSCRIBE']);
    await t.send(['UNSUBSCRIBE', 'never']);
    await t.send(['PUNSUBSCRIBE', 'never*', 'x']);
    await t.send(['SUNSUBSCRIBE', 'never']);
    // Still a normal client: nothing was subscribed.
    await t.send(['PING']);
    await t.send(['SET', 'k', 'v']);
  });

  it('counts channels + patterns together and shard channels apart; subscriber mode refuses other commands', async () => {
    const t = await twin();
    await t.send(['SUBSCRIBE', 'a', 'b', 'a'], 3);
    await t.send(['PSUBSCRIBE', 'a*', 'h?llo', 'a*'], 3);
    await t.send(['SSUBSCRIBE', 's1', 's2'], 2);
    await t.send(['PING']);
    await t.send(['PING', 'payload']);
    await t.send(['GET', 'x']);
    await t.send(['MULTI']);
    await t.send(['HELLO', '3']);
    await t.send(['PUBSUB', 'NUMPAT']);
    await t.send(['UNSUBSCRIBE', 'a', 'zz'], 2);
    await t.send(['PUNSUBSCRIBE', 'h?llo'], 1);
    await t.send(['SUNSUBSCRIBE', 's2'], 1);
    await t.send(['UNSUBSCRIBE', 'b'], 1);
    await t.send(['PUNSUBSCRIBE'], 1);
    // Only a shard channel left: still in subscriber mode, with a channel count of 0.
    await t.send(['UNSUBSCRIBE']);
    await t.send(['GET', 'x']);
    await t.send(['SUNSUBSCRIBE'], 1);
    await t.send(['PING']);
    await t.send(['GET', 'x']);
  });

  it('delivers messages to channel and pattern subscribers and counts receivers', async () => {
    const sub = await twin();
    const sub2 = await twin();
    const pub = await twin();
    await sub.send(['SUBSCRIBE', 'news.tech'], 1);
    await sub.send(['PSUBSCRIBE', 'news.*'], 1);
    await sub2.send(['PSUBSCRIBE', 'n[aeiou]ws.?ech'], 1);
    await sub2.send(['SUBSCRIBE', 'news.tech', 'other'], 2);
    await pub.send(['PUBLISH', 'news.tech', 'hello world']);
    await sub.expect(2, 'messages to sub');
    await sub2.expect(2, 'messages to sub2');
    await pub.send(['PUBLISH', 'news.sport', 'goal']);
    await sub.expect(1, 'pattern message');
    await pub.send(['PUBLISH', 'other', Buffer.from([0, 1, 255, 13, 10])]);
    await sub2.expect(1, 'binary message');
    await pub.send(['PUBLISH', 'nobody', 'x']);
    await pub.send(['PUBLISH', 'news.tech', '']);
    await sub.expect(2);
    await sub2.expect(2);
    await sub.quiet();
    await sub2.quiet();
  });

  it('glob patterns follow stringmatchlen: escapes, classes, negation, ranges', async () => {
    const sub = await twin();
    const pub = await twin();
    await sub.send(['PSUBSCRIBE', 'a\\*b', '[^x]y', '[a-c]z', '*end', 'h[]'], 5);
    for (const ch of ['a*b', 'axb', 'qy', 'xy', 'bz', 'dz', 'the end', 'h]', 'h[]']) {
      const [n] = await pub.send(['PUBLISH', ch, 'm']);
      const count = Number(n.slice(1, -2));
      if (count) await sub.expect(count, `pmessage for ${ch}`);
    }
    await sub.quiet();
  });

  it('PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB and their errors', async () => {
    const a = await twin();
    const b = await twin();
    await a.send(['SUBSCRIBE', 'c1', 'c2', 'x:1'], 3);
    await b.send(['SUBSCRIBE', 'c1'], 1);
    await a.send(['PSUBSCRIBE', 'p*', 'q*'], 2);
    await b.send(['PSUBSCRIBE', 'p*'], 1);
    await a.send(['SSUBSCRIBE', 'sh1'], 1);
    await d.check(['PUBSUB', 'CHANNELS'], { unordered: 'elements' });
    await d.check(['PUBSUB', 'CHANNELS', 'c*'], { unordered: 'elements' });
    await d.check(['PUBSUB', 'CHANNELS', 'x:?']);
    await d.check(['PUBSUB', 'CHANNELS', 'none*']);
    await d.seq([
      ['PUBSUB', 'NUMSUB', 'c1', 'c2', 'p*', 'sh1', 'nope'],
      ['PUBSUB', 'NUMSUB'],
      ['PUBSUB', 'NUMPAT'],
      ['PUBSUB', 'SHARDCHANNELS'],
      ['PUBSUB', 'SHARDCHANNELS', 's*'],
      ['PUBSUB', 'SHARDCHANNELS', 'q*'],
      ['PUBSUB', 'SHARDNUMSUB', 'sh1', 'c1'],
      ['PUBSUB', 'SHARDNUMSUB'],
      ['PUBSUB', 'CHANNELS', 'a', 'b'],
      ['pubsub', 'shardchannels', 'a', 'b'],
      ['PUBSUB', 'NUMPAT', 'x'],
      ['PUBSUB'],
      ['PUBSUB', 'NOPE'],
      ['PUBSUB', 'HELP'],
      ['PUBSUB', 'HELP', 'x'],
      ['PUBLISH', 'c1'],
      ['PUBLISH', 'c1', 'm', 'extra'],
      ['SPUBLISH', 'c1'],
      ['SUBSCRIBE'],
      ['PSUBSCRIBE'],
      ['SSUBSCRIBE'],
    ]);
  });

  it('SPUBLISH reaches shard subscribers only; PUBLISH does not reach them', async () => {
    const sub = await twin();
    const pub = await twin();
    await sub.send(['SSUBSCRIBE', 'orders'], 1);
    await sub.send(['PSUBSCRIBE', 'ord*'], 1);
    await pub.send(['SPUBLISH', 'orders', 'o1']);
    await sub.expect(1, 'smessage');
    await pub.send(['PUBLISH', 'orders', 'o2']);
    await sub.expect(1, 'pmessage only');
    await pub.send(['SPUBLISH', 'nobody', 'o3']);
    await sub.quiet();
  });

  it('RESP3: confirmations and messages are pushes, normal commands work while subscribed', async () => {
    const t = await twin();
    // HELLO's reply carries the client id, which differs between the servers.
    await Promise.all([t.ours.send('HELLO', '3'), t.theirs.send('HELLO', '3')]);
    await t.send(['UNSUBSCRIBE']);
    await t.send(['SUBSCRIBE', 'r3'], 1);
    await t.send(['PSUBSCRIBE', 'r*'], 1);
    await t.send(['SSUBSCRIBE', 'sr3'], 1);
    // Publishing to itself: the pushes come before the reply.
    await t.send(['PUBLISH', 'r3', 'self'], 3);
    await t.send(['SPUBLISH', 'sr3', 'self'], 2);
    await t.send(['SET', 'k', 'v']);
    await t.send(['GET', 'k']);
    await t.send(['GET', 'missing']);
    await t.send(['PING']);
    await t.send(['PING', 'x']);
    // Back to RESP2 with subscriptions: subscriber mode applies again.
    const hello = await Promise.all([t.ours.send('HELLO', '2'), t.theirs.send('HELLO', '2')]);
    assert.equal(hello[0].subarray(0, 4).toString(), '*14\r');
    await t.send(['GET', 'k']);
    await t.send(['HELLO', '3']);
    await t.send(['PING']);
    await t.send(['UNSUBSCRIBE'], 1);
    await t.send(['PUNSUBSCRIBE'], 1);
    await t.send(['SUNSUBSCRIBE'], 1);
    await t.send(['GET', 'k']);
  });

  it('inside MULTI: SUBSCRIBE works, SSUBSCRIBE is refused, messages interleave with the EXEC reply', async () => {
    const t = await twin();
    await t.send(['MULTI']);
    await t.send(['SUBSCRIBE', 'm1']);
    await t.send(['SSUBSCRIBE', 'm2']);
    await t.send(['PSUBSCRIBE', 'm*']);
    await t.send(['PUBLISH', 'm1', 'x']);
    await t.send(['SPUBLISH', 'm2', 'y']);
    // The two message pushes land inside EXEC's array (as Redis writes them), so a decoder sees *5
    // holding them, then the two remaining replies.
    const [exec] = await t.send(['EXEC'], 3);
    assert.match(exec, /^\*5\r\n.*\$7\r\nmessage\r\n.*\$8\r\npmessage\r\n/s);
    await t.send(['PING']);
    await t.send(['GET', 'x']);
  });

  it('RESET drops subscriptions; a closed subscriber disappears from PUBSUB NUMSUB', async () => {
    const t = await twin();
    const u = await twin();
    await t.send(['SUBSCRIBE', 'r1'], 1);
    await t.send(['PSUBSCRIBE', 'r*'], 1);
    await t.send(['SSUBSCRIBE', 'rs'], 1);
    await u.send(['SUBSCRIBE', 'r1'], 1);
    await t.send(['RESET']);
    await t.send(['GET', 'x']);
    await d.check(['PUBSUB', 'NUMSUB', 'r1']);
    await d.check(['PUBSUB', 'NUMPAT']);
    await d.check(['PUBSUB', 'SHARDNUMSUB', 'rs']);
    await d.check(['PUBLISH', 'r1', 'only-u']);
    await u.expect(1);
    u.close();
    const deadline = Date.now() + 3000;
    for (;;) {
      const [a, b] = await d.both('PUBSUB', 'NUMSUB', 'r1');
      if (a.equals(b) && a.toString().endsWith(':0\r\n')) break;
      if (Date.now() > deadline) assert.fail(`NUMSUB after close: ${a} / ${b}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await d.check(['PUBSUB', 'CHANNELS']);
  });
});
