// A client closed after its reply (QUIT, a protocol error) is still read, so that its FIN is seen,
// and what it sends is dropped. A peer that keeps sending is not reading what it was told (a
// protocol desync, Redis's tests send garbage in a loop): once the reply has been with the kernel
// for CLOSE_GRACE_MS, its next input closes the socket at once, as Redis's close() does (the peer's
// writes then fail), instead of reading on until the 30 s drain limit.

import type net from 'node:net';

/** How long the reply gets to travel before more input from the peer closes the socket. */
export const CLOSE_GRACE_MS = 200;

/** Call on input from a client whose close began at `closedAt` (ms) with `unsent` bytes still queued. */
export function inputAfterClose(sock: net.Socket, closedAt: number, unsent: number): void {
  if (closedAt > 0 && unsent === 0 && Date.now() - closedAt >= CLOSE_GRACE_MS) sock.destroy();
}
