// Client sockets read without Node's stream layer, for the proxy and the store alike. With 'data'
// events every read allocates a Buffer and goes through Readable's push/addChunk/emit machinery; at
// one small request per read (clients that do not pipeline) that was 1-1.5 us of the proxy's ~13 us
// per request. net.connect's documented `onread` option reads into a caller's buffer and calls a
// callback instead; net.Server offers no such option for accepted sockets, so this sets the same
// fields that option sets (found by their symbol descriptions) and switches the handle to the
// buffer, as the option does. If this Node's sockets lack them, the socket keeps its 'data' event:
// same chunks, same callback, and the caller's copies are merely redundant.

import type net from 'node:net';

/** One read buffer for every client: reads are handled synchronously, one at a time. */
const SHARED = Buffer.allocUnsafe(64 * 1024);

interface UserBufferHandle {
  useUserBuffer(buf: Uint8Array): void;
}

let symbols: { buf: symbol; cb: symbol; gen: symbol } | null | undefined;

function findSymbols(sock: net.Socket): typeof symbols {
  const own = Object.getOwnPropertySymbols(sock);
  const by = (d: string) => own.find((s) => s.description === d);
  const buf = by('kBuffer');
  const cb = by('kBufferCb');
  const gen = by('kBufferGen');
  if (!buf || !cb || !gen) return null;
  const rec = sock as unknown as Record<symbol, unknown>;
  // Fresh sockets have all three null; anything else means the fields mean something else here.
  if (rec[buf] !== null || rec[cb] !== null || rec[gen] !== null) return null;
  return { buf, cb, gen };
}

/**
 * Calls `onChunk` with each chunk the client sends. The chunk is only valid during the call (it is
 * the shared read buffer): whoever keeps bytes copies them. Returns true when the shared buffer is
 * in use, false when the socket fell back to its 'data' event (`RESPLIT_CLIENT_IO=stream` forces
 * that, for comparison).
 */
export function readClient(sock: net.Socket, onChunk: (chunk: Buffer) => void): boolean {
  const handle = (sock as unknown as { _handle: Partial<UserBufferHandle> | null })._handle;
  if (symbols === undefined) symbols = process.env.RESPLIT_CLIENT_IO === 'stream' ? null : findSymbols(sock);
  const sym = symbols;
  if (!sym || !handle || typeof handle.useUserBuffer !== 'function') {
    sock.on('data', onChunk);
    return false;
  }
  const rec = sock as unknown as Record<symbol, unknown>;
  rec[sym.buf] = SHARED;
  rec[sym.cb] = (n: number, buf: Buffer) => {
    onChunk(buf.subarray(0, n));
  };
  handle.useUserBuffer(SHARED);
  // Flowing mode, so the end of the stream (which still goes through the Readable) emits 'end'
  // and the socket closes; no data ever reaches the Readable's buffer.
  sock.resume();
  return true;
}
