// Writes below Node's Writable stream. A socket.write() that the kernel takes at once (nearly every
// reply to a client or batch to a backend) still builds a WriteWrap object, runs the Writable's
// state machine and queues an after-write tick: about 0.3 us per write on this machine, the same
// order as the JavaScript of a whole proxied request. This writes through the socket's handle as
// Node's own stream code does (handle.writeBuffer with a write request object), reusing one request
// object while writes complete synchronously; a write the kernel cannot take at once stays queued in
// libuv (in order with any later write, whichever path it takes), is counted as pending and its
// completion reported. Node's internal stream_wrap binding is reached through process.binding (in
// Node's allow list); where it is missing, or with RESPLIT_CLIENT_IO=stream, socket.write is used.

import type net from 'node:net';

interface WriteReq {
  handle: unknown;
  buffer: Buffer | null;
  oncomplete: ((status: number) => void) | null;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

interface WritableHandle {
  writeBuffer(req: WriteReq, data: Buffer): number;
}

function loadBinding(): StreamWrapBinding | null {
  if (process.env.RESPLIT_CLIENT_IO === 'stream') return null;
  // Newer Nodes may warn that process.binding is deprecated; the use here is deliberate and has a
  // fallback, so the warning would only be noise for the user.
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding('stream_wrap');
    if (typeof b.WriteWrap !== 'function' || !(b.streamBaseState instanceof Int32Array) || typeof b.kLastWriteWasAsync !== 'number') return null;
    return b as StreamWrapBinding;
  } catch {
    return null;
  } finally {
    process.noDeprecation = quiet;
  }
}

let binding: StreamWrapBinding | null | undefined;
/** The request object for synchronous writes (never referenced by libuv after the call returns). */
let spare: WriteReq | null = null;

/**
 * One socket's output: write() sends at once, pending counts bytes the kernel has not taken yet
 * (direct writes still queued in libuv plus whatever the Writable holds), onDrain is called when
 * writes that had to wait (on either path) have all gone out.
 */
export class SocketWriter {
  /** Bytes of direct writes still queued in libuv. */
  private queued = 0;
  private readonly direct: boolean;

  private readonly afterWrite = (): void => {
    if (this.pending === 0) this.onDrain();
  };

  constructor(private readonly sock: net.Socket, private readonly onDrain: () => void) {
    if (binding === undefined) binding = loadBinding();
    const h = (sock as unknown as { _handle: Partial<WritableHandle> | null })._handle;
    this.direct = binding !== null && h !== null && typeof h.writeBuffer === 'function';
  }

  /** Bytes written and not yet taken by the kernel. */
  get pending(): number {
    return this.queued + this.sock.writableLength;
  }

  /** Whether writes bypass the Writable (false: the fallback, socket.write). */
  get isDirect(): boolean {
    return this.direct;
  }

  write(buf: Buffer): void {
    const sock = this.sock;
    const handle = (sock as unknown as { _handle: WritableHandle | null })._handle;
    // Bytes already in the Writable go first: it writes them to the handle in order.
    if (!this.direct || handle === null || sock.writableLength > 0 || sock.destroyed) {
      // The Writable's own 'drain' only follows a write() that returned false; this tells the owner
      // whenever the last byte of either path has gone.
      if (!sock.destroyed) sock.write(buf, this.afterWrite);
      return;
    }
    const b = binding!;
    // Nothing is set on the request before the call: Node's C++ only wraps it (and libuv only
    // keeps it) if the write has to wait, and then the fields are set below, before any callback.
    const req = spare ?? new b.WriteWrap();
    spare = null;
    const err = handle.writeBuffer(req, buf);
    if (err !== 0) {
      sock.destroy();
      return;
    }
    if (b.streamBaseState[b.kLastWriteWasAsync] === 0) {
      spare = req;
      return;
    }
    // libuv keeps the request until the kernel has taken the rest; the buffer must stay alive too.
    const n = buf.length;
    this.queued += n;
    req.handle = handle;
    req.buffer = buf;
    req.oncomplete = (status: number) => {
      req.buffer = null;
      this.queued -= n;
      if (status < 0) sock.destroy();
      else if (this.queued === 0) this.onDrain();
    };
  }
}
