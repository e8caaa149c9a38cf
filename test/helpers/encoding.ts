// OBJECT ENCODING comparison for differential tests of collection types: asks the real Redis, and
// asks our store both over the wire (when OBJECT is served) and from the stored value directly, so
// that encoding rules are checked even before the OBJECT command exists.
import assert from 'node:assert/strict';
import type { DiffPair } from './diff';

/** Asserts that our encoding of `key` in db 0 equals redis-server's OBJECT ENCODING answer. */
export async function checkEncoding(d: DiffPair, key: string, db = 0): Promise<void> {
  const theirs = (await d.theirs.send('OBJECT', 'ENCODING', key)).toString('latin1');
  const v = d.store.server.dbs[db].peek(key);
  const direct = v === undefined ? '_' : typeof v === 'string' ? 'string' : v.encoding(d.store.server.encodingLimits);
  const expected = theirs.startsWith('$') ? theirs.split('\r\n')[1] : '_';
  assert.equal(direct, expected, `encoding of ${key}`);
  const ours = (await d.ours.send('OBJECT', 'ENCODING', key)).toString('latin1');
  if (!ours.startsWith('-ERR unknown command')) assert.equal(ours, theirs, `OBJECT ENCODING ${key}`);
}
