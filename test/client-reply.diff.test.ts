// CLIENT REPLY OFF|SKIP|ON against a real redis-server 7.0. With replies off there is nothing to
// read per command, so each case sends the same requests to both servers on fresh connections, ends
// with CLIENT REPLY ON and PING done, and compares every byte each connection received. Redis decides
// per write whether a reply is dropped: CLIENT REPLY ON's +OK is sent even right after SKIP, and
// pushes (subscribe confirmations, messages) bypass OFF and SKIP, in RESP2 as in RESP3.

import assert from 'node:assert/strict';
import { useDiff } from './helpers/diff';
import { RawClient } from './helpers/raw';

const END = 'CLIENT REPLY ON\r\nPING done\r\n';
const DONE = '$4\r\ndone\r\n';

describe('CLIENT REPLY (differential, raw transcripts)', function () {
  this.timeout(20000);
  const d = useDiff();
  const open: RawClient[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  /** A fresh connection to each server: [ours, theirs]. */
  async function pair(): Promise<[RawClient, RawClient]> {
    const p: [RawClient, RawClient] = [await RawClient.connect(d.store.port), await RawClient.connect(d.redis.port)];
    open.push(...p);
    return p;
  }

  /** Waits until a connection has received bytes ending with `suffix`. */
  async function until(c: RawClient, suffix: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!c.received().toString('latin1').endsWith(suffix)) {
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(suffix)} in ${JSON.stringify(c.received().toString('latin1'))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** HELLO's reply and a leading CLIENT ID carry the client id, which differs between the servers. */
  const norm = (b: Buffer): string =>
    b
      .toString('latin1')
      .replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n')
      .replace(/^:\d+\r\n/, ':ID\r\n');

  /** Ends both transcripts and compares them; returns ours. */
  async function finish([o, t]: [RawClient, RawClient]): Promise<string> {
    o.write(END);
    t.write(END);
    await Promise.all([until(o, DONE), until(t, DONE)]);
    assert.equal(norm(o.received()), norm(t.received()));
    return norm(o.received());
  }

  /** Sends `requests` (inline, one per line) to both on fresh connections and compares all replies. */
  async function transcript(requests: string[]): Promise<string> {
    const p = await pair();
    const bytes = requests.map((r) => `${r}\r\n`).join('');
    for (const c of p) c.write(bytes);
    return finish(p);
  }

  it('CLIENT REPLY ON after SKIP (or OFF, then SKIP) is answered: it lifts the flag before replying', async () => {
    // introspection.tcl's "CLIENT REPLY ON: unset SKIP flag".
    assert.equal(await transcript(['CLIENT REPLY SKIP', 'CLIENT REPLY ON', 'PING']), `+OK\r\n+PONG\r\n+OK\r\n${DONE}`);
    assert.equal(await transcript(['CLIENT REPLY OFF', 'CLIENT REPLY SKIP', 'CLIENT REPLY ON', 'PING']), `+OK\r\n+PONG\r\n+OK\r\n${DONE}`);
    await transcript(['CLIENT REPLY OFF', 'PING a', 'CLIENT REPLY SKIP', 'PING b', 'CLIENT REPLY ON', 'PING c']);
  });

  it('WAIT keeps OFF or SKIP until it replies (a master without replicas: it times out)', async () => {
    await transcript(['CLIENT REPLY OFF', 'WAIT 1 50', 'CLIENT REPLY ON', 'PING']);
    await transcript(['CLIENT REPLY SKIP', 'WAIT 1 50', 'PING']);
  });

  it('SKIP twice, an error under SKIP, RESET under SKIP and under OFF, pipelined mode changes', async () => {
    await transcript(['CLIENT REPLY SKIP', 'CLIENT REPLY SKIP', 'PING a', 'PING b']);
    await transcript(['CLIENT REPLY SKIP', 'CLIENT REPLY FOO', 'PING a']);
    await transcript(['CLIENT REPLY SKIP', 'CLIENT REPLY', 'PING a']);
    await transcript(['CLIENT REPLY SKIP', 'RESET', 'PING a']);
    await transcript(['CLIENT REPLY OFF', 'RESET', 'PING a']);
    await transcript(['PING a', 'CLIENT REPLY OFF', 'PING b', 'CLIENT REPLY ON', 'PING c', 'CLIENT REPLY SKIP', 'PING d', 'PING e']);
  });

  it('mode changes inside MULTI/EXEC take effect at once, within the EXEC reply', async () => {
    await transcript(['MULTI', 'CLIENT REPLY OFF', 'PING a', 'EXEC', 'PING b']);
    await transcript(['MULTI', 'CLIENT REPLY SKIP', 'PING a', 'EXEC', 'PING b', 'PING c']);
    await transcript(['MULTI', 'CLIENT REPLY OFF', 'CLIENT REPLY ON', 'PING a', 'EXEC', 'PING b']);
    await transcript(['CLIENT REPLY OFF', 'MULTI', 'PING a', 'CLIENT REPLY ON', 'EXEC', 'PING b']);
    // A SKIP given inside EXEC survives a later ON there and skips the command after EXEC.
    await transcript(['MULTI', 'CLIENT REPLY SKIP', 'CLIENT REPLY ON', 'EXEC', 'PING a', 'PING b']);
  });

  it('RESP2: subscribe confirmations are sent under CLIENT REPLY OFF and SKIP, other replies are not', async () => {
    await transcript(['CLIENT REPLY OFF', 'SUBSCRIBE ch', 'PSUBSCRIBE p*', 'PING a', 'SET k v', 'UNSUBSCRIBE ch', 'PUNSUBSCRIBE', 'UNSUBSCRIBE']);
    await transcript(['CLIENT REPLY SKIP', 'SUBSCRIBE ch', 'PING a', 'UNSUBSCRIBE']);
    await transcript(['CLIENT REPLY OFF', 'SSUBSCRIBE s', 'SUNSUBSCRIBE s']);
  });

  it('RESP3: confirmations and messages (also to itself) are pushed under CLIENT REPLY OFF', async () => {
    // introspection.tcl's "PubSub messages with CLIENT REPLY OFF".
    const p = await pair();
    for (const c of p) c.write('HELLO 3\r\nCLIENT REPLY OFF\r\nSUBSCRIBE channel\r\nPSUBSCRIBE p*\r\nPING a\r\n');
    await Promise.all(p.map((c) => c.read(3)));
    await d.check(['PUBLISH', 'channel', 'hi']);
    await d.check(['PUBLISH', 'px', 'yo']);
    await Promise.all(p.map((c) => c.read(2)));
    for (const c of p) c.write('PUBLISH channel self\r\nUNSUBSCRIBE channel\r\nCLIENT REPLY SKIP\r\nSPUBLISH s x\r\nSSUBSCRIBE s\r\n');
    await finish(p);
    await transcript(['HELLO 3', 'CLIENT REPLY SKIP', 'SUBSCRIBE ch', 'PING a', 'UNSUBSCRIBE']);
  });

  it('RESP2: messages from another client reach a subscriber whose replies are off', async () => {
    const p = await pair();
    for (const c of p) c.write('CLIENT REPLY OFF\r\nSUBSCRIBE channel\r\n');
    await Promise.all(p.map((c) => c.read(1)));
    await d.check(['PUBLISH', 'channel', 'hi']);
    await Promise.all(p.map((c) => c.read(1)));
    for (const c of p) c.write('UNSUBSCRIBE\r\n');
    await finish(p);
  });

  it('a blocked command keeps OFF or SKIP until it replies: served, timed out or unblocked, the reply is dropped', async () => {
    const blocked = async (): Promise<void> => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const [a, b] = await d.both('INFO', 'clients');
        if (/blocked_clients:1/.test(String(a)) && /blocked_clients:1/.test(String(b))) return;
        if (Date.now() > deadline) throw new Error('the client did not block');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    let p = await pair();
    for (const c of p) c.write('CLIENT REPLY SKIP\r\nBLPOP l 0\r\n');
    await blocked();
    await d.check(['LPUSH', 'l', 'x']);
    for (const c of p) c.write('PING a\r\n');
    await finish(p);
    p = await pair();
    for (const c of p) c.write('CLIENT REPLY OFF\r\nBLPOP l 0.05\r\nCLIENT REPLY SKIP\r\nBLPOP l 0.05\r\nPING a\r\n');
    await new Promise((r) => setTimeout(r, 300));
    await finish(p);
    p = await pair();
    const ids = await Promise.all(p.map(async (c) => String(await c.value('CLIENT', 'ID'))));
    for (const c of p) c.write('CLIENT REPLY SKIP\r\nBLPOP l 0\r\nPING a\r\n');
    await blocked();
    const [a, b] = await Promise.all([d.ours.send('CLIENT', 'UNBLOCK', ids[0], 'ERROR'), d.theirs.send('CLIENT', 'UNBLOCK', ids[1], 'ERROR')]);
    assert.equal(String(a), String(b));
    await finish(p);
  });
});
