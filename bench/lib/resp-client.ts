// A minimal command client for benchmarks: one loopback connection, one command at a time, replies
// decoded with the project's ReplyDecoder. Benchmarks poll INFO many times a second while a load
// runs; spawning redis-cli for each poll would add its own CPU noise on a 2-core machine.

import net from 'node:net';
import { ReplyDecoder, ReplyError, NEED_MORE, type ReplyValue } from '../../src/resp/decoder';
import { encodeCommand } from '../../src/resp/encode';

export class RespClient {
  private readonly dec = new ReplyDecoder();
  private readonly waiting: Array<{ resolve: (v: ReplyValue) => void; reject: (e: Error) => void }> = [];
  private closedErr: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (chunk) => {
      this.dec.feed(chunk);
      for (;;) {
        const v = this.dec.next();
        if (v === NEED_MORE) break;
        this.waiting.shift()?.resolve(v);
      }
    });
    const fail = (err: Error) => {
      this.closedErr = err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static connect(port: number, timeoutMs = 2000): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      const t = setTimeout(() => {
        sock.destroy();
        reject(new Error(`connect to ${port} timed out`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(t);
        sock.removeAllListeners('error');
        resolve(new RespClient(sock));
      });
      sock.once('error', (err) => {
        clearTimeout(t);
        reject(err);
      });
    });
  }

  /** Sends one command; resolves with its reply (error replies resolve as ReplyError). */
  call(...args: Array<string | number>): Promise<ReplyValue> {
    if (this.closedErr) return Promise.reject(this.closedErr);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.sock.write(encodeCommand(args.map(String)));
    });
  }

  /** Like call(), but an error reply rejects and a bulk reply comes back as a string. */
  async cmd(...args: Array<string | number>): Promise<string | number> {
    const v = await this.call(...args);
    if (v instanceof ReplyError) throw new Error(`${args.join(' ')}: ${v.message}`);
    if (Buffer.isBuffer(v)) return v.toString('latin1');
    if (typeof v === 'string' || typeof v === 'number') return v;
    throw new Error(`${args.join(' ')}: unexpected reply ${String(v)}`);
  }

  /** INFO <section> as a field -> value map. */
  async info(section: string): Promise<Record<string, string>> {
    const text = String(await this.cmd('INFO', section));
    const out: Record<string, string> = {};
    for (const line of text.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Connects and runs fn with a client, always closing it. */
export async function withClient<T>(port: number, fn: (c: RespClient) => Promise<T>): Promise<T> {
  const c = await RespClient.connect(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
