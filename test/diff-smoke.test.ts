// Smoke test of the differential harness itself: a few connection commands, byte for byte.
import { useDiff } from './helpers/diff';

describe('differential harness (smoke)', () => {
  const d = useDiff();
  it('PING, ECHO, SET/GET and errors match redis-server byte for byte', async () => {
    await d.seq([['PING'], ['PING', 'hello'], ['ECHO', 'x y'], ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'missing'], ['GET'], ['NOSUCHCMD', 'a', 'b'], ['CLIENT', 'NOPE'], ['SELECT', '99'], ['SELECT', 'x']]);
  });
});
