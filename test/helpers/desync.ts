// Redis's "Protocol desync regression test": a client opens with a byte that starts no valid request
// and then writes garbage without ever reading. The server must answer the protocol error and close
// the connection soon after, so that the client's writes fail, rather than read on.

import net from 'node:net';

export interface DesyncResult {
  /** Whether the server closed the connection within the time limit. */
  closed: boolean;
  /** What the server sent. */
  reply: string;
  /** Bytes written before the close. */
  sent: number;
}

/** Sends `first`, then "payload" in a loop until the connection closes or `limitMs` passes. */
export function desync(port: number, first: string, limitMs = 5000): Promise<DesyncResult> {
  return new Promise((resolve) => {
    // Half-open allowed: like Redis's Tcl client, it keeps writing after the server's FIN.
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let reply = '';
    let sent = 0;
    let done = false;
    const t0 = Date.now();
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      s.destroy();
      resolve({ closed, reply, sent });
    };
    s.on('data', (d) => (reply += d.toString('latin1')));
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.write(Buffer.from(first, 'latin1'));
    const timer = setInterval(() => {
      if (Date.now() - t0 > limitMs) return finish(false);
      for (let i = 0; i < 50; i++) s.write('payload');
      sent += 350;
    }, 1);
  });
}
