// The query buffer as Redis reports it (CLIENT LIST qbuf/qbuf-free, tot-mem). The parser holds only
// the bytes it still needs, so the size of the buffer Redis would have is followed alongside: the
// first read makes room for 16 KB (20474 usable bytes), a bigger request grows it, and the cron
// shrinks it as Redis's clientsCronResizeQueryBuffer does: freed after 2 s idle, cut to the recent
// peak when it is over 32 KB and more than twice that peak. Redis's own tests read these fields.

import type { Client } from './client';
import type { Server } from './server';

/** Usable bytes of Redis's first query buffer (16 KB of room, as jemalloc sizes it). */
const INITIAL = 20474;
/** PROTO_IOBUF_LEN: the room made for each read. */
const READ_ROOM = 16 * 1024;
/** PROTO_RESIZE_THRESHOLD. */
const RESIZE_THRESHOLD = 32 * 1024;

/** After bytes were fed to the client's parser. */
export function noteRead(c: Client): void {
  const held = c.parser.heldBytes;
  if (held > c.qbufPeak) c.qbufPeak = held;
  const need = held + READ_ROOM;
  if (c.qbufAlloc < need) c.qbufAlloc = need <= INITIAL ? INITIAL : need;
}

/** qbuf: what the buffer holds, the running command's own bytes included (as Redis still has them). */
export function qbufLen(s: Server, c: Client): number {
  return s.current === c ? c.parser.heldBytes : c.parser.pendingBytes;
}

/** qbuf-free. */
export function qbufFree(s: Server, c: Client): number {
  return Math.max(0, c.qbufAlloc - qbufLen(s, c));
}

/** clientsCronResizeQueryBuffer, for every client once per cron tick. */
export function resizeQueryBuffers(s: Server, now: number): void {
  for (const c of s.clients.values()) {
    const len = c.parser.pendingBytes;
    if (c.qbufAlloc - len > 4096) {
      if (now - c.lastInteraction > 2000) c.qbufAlloc = len;
      else if (c.qbufAlloc > RESIZE_THRESHOLD && c.qbufAlloc / 2 > c.qbufPeak) c.qbufAlloc = Math.max(len, c.qbufPeak);
    }
    c.qbufPeak = len;
  }
}
