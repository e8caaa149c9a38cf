// The floor of a Node.js server on `net` sockets: answers each read with one write of +PONG per
// multibulk request in it, with no parsing, routing or backend. Its CPU per request is what any
// Node proxy pays for the client side alone (one 'data' event and one write per request at -P 1).
// With `shared` it reads through the shared read buffer that resplit's proxy and store use
// (src/common/client-reads.ts) instead of 'data' events.
// Usage: node ping-floor.js <port> [shared]

import net from 'node:net';
import { readClient } from '../../src/common/client-reads';

const PONG = Buffer.from('+PONG\r\n');

function pongs(d: Buffer): Buffer {
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] === 42 /* * */) n++;
  if (n <= 1) return PONG;
  const out = Buffer.allocUnsafe(PONG.length * n);
  for (let i = 0; i < n; i++) PONG.copy(out, i * PONG.length);
  return out;
}

const server = net.createServer((sock) => {
  sock.setNoDelay(true);
  if (process.argv[3] === 'shared') readClient(sock, (d) => sock.write(pongs(d)));
  else sock.on('data', (d: Buffer) => sock.write(pongs(d)));
  sock.on('error', () => undefined);
});
server.listen(Number(process.argv[2]), '127.0.0.1');
