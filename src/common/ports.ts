// Ephemeral loopback ports and waiting until a server on one answers PING. Everything that starts a
// server as a child process needs both (the proxy's embedded stack, the test helpers, the
// benchmarks), so they live here once instead of in each caller.

import net from 'node:net';

/** Why a listener cannot take host:port now (EADDRINUSE, EADDRNOTAVAIL, ...), or null when it can. */
export function listenError(port: number, host = '127.0.0.1'): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    srv.listen(port, host, () => srv.close(() => resolve(null)));
  });
}

/** Whether a listener can take host:port now (nothing else listens there). */
export async function canListen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await listenError(port, host)) === null;
}

/** An ephemeral loopback port that was free a moment ago (for programs that cannot bind port 0 themselves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

/** How one PING attempt is made and judged. */
export interface PingOptions {
  /** Send PING as a multibulk request (twemproxy does not take inline commands). Default inline. */
  multibulk?: boolean;
  /** Whether the first reply bytes mean "up"; default: +PONG only (-LOADING is not up). */
  accept?: (reply: string) => boolean;
  /** How long one attempt may take, in ms. Default 500. */
  attemptMs?: number;
}

const INLINE_PING = Buffer.from('PING\r\n');
const MULTIBULK_PING = Buffer.from('*1\r\n$4\r\nPING\r\n');
const isPong = (reply: string): boolean => reply.startsWith('+PONG');

/** Connects once, sends PING and resolves whether the reply counts as up (false on any failure). */
export function pingOnce(port: number, opts: PingOptions = {}): Promise<boolean> {
  const accept = opts.accept ?? isPong;
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), opts.attemptMs ?? 500);
    s.once('connect', () => s.write(opts.multibulk ? MULTIBULK_PING : INLINE_PING));
    s.once('data', (d) => done(accept(d.toString('latin1'))));
    s.once('error', () => done(false));
  });
}

/** How long and how often waitForPing tries. */
export interface WaitOptions extends PingOptions {
  /** Give up after this many ms. Default 10000. */
  timeoutMs?: number;
  /** Pause between attempts, in ms. Default 50. */
  intervalMs?: number;
  /** Checked before each attempt: a text (e.g. "the process exited") ends the wait with that error. */
  abort?: () => string | null;
}

/** Resolves once the port answers PING as `accept` wants; rejects after timeoutMs or on abort. */
export async function waitForPing(port: number, opts: WaitOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = opts.abort?.();
    if (why) throw new Error(why);
    if (await pingOnce(port, opts)) return;
    if (Date.now() > deadline) throw new Error(`nothing answered PING on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}
