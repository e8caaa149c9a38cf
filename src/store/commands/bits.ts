// Bit commands (bitops.c): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO. Strings are
// latin1 JS strings; writers copy into a Buffer, change it and store it back (O(length) per write,
// acceptable for the sizes these commands see, and it keeps strings immutable for snapshots).
// Range arithmetic, masks and overflow rules are ported step by step so edge cases answer as Redis.

import { register } from '../registry';
import { E } from '../../resp/errors';
import type { Client } from '../client';
import type { Server } from '../server';
import { parseInteger } from './args';
import { getString, getStringForWrite, MAX_STRING_BYTES } from './strings';
import { markStringEncoding, rawOverride } from './object';

const ERR_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** getBitOffsetFromArgument: a bit offset ("#n" = n * bits when hash), below proto-max-bulk-len bytes. */
function bitOffset(c: Client, s: Server, text: string, hash: boolean, bits: number): number | null {
  const usehash = hash && bits > 0 && text[0] === '#';
  const n = parseInteger(usehash ? text.slice(1) : text);
  if (n === null) {
    c.reply.error(E.BIT_OFFSET);
    return null;
  }
  const off = usehash ? n * bits : n;
  if (off < 0 || (!c.isMaster && Math.floor(off / 8) >= s.config.getInt('proto-max-bulk-len'))) {
    c.reply.error(E.BIT_OFFSET);
    return null;
  }
  return off;
}

/**
 * lookupStringForBitCommand: the key's bytes grown (zero padded) to hold bit `maxbit`, creating the
 * key if missing; null after replying an error (WRONGTYPE, or a string too long to hold). `grew` tells whether the key was created or grew.
 * `extended`: an existing string grew (Redis grows its buffer greedily, which MEMORY USAGE counts).
 */
function bytesForWrite(c: Client, key: string, maxbit: number): { buf: Buffer; grew: boolean; extended: boolean } | null {
  const cur = getStringForWrite(c, key);
  if (cur === undefined) return null;
  const need = Math.floor(maxbit / 8) + 1;
  // Values are latin1 JS strings, which V8 caps just under 512 MB (proto-max-bulk-len's default):
  // a string that long cannot be stored, so it is refused as SETRANGE refuses it, not thrown.
  if (need > MAX_STRING_BYTES) {
    c.reply.error(E.STRING_TOO_LONG);
    return null;
  }
  const old = cur ?? '';
  if (cur !== null && old.length >= need) return { buf: Buffer.from(old, 'latin1'), grew: false, extended: false };
  const buf = Buffer.alloc(Math.max(need, old.length));
  buf.latin1Write(old, 0);
  return { buf, grew: true, extended: cur !== null };
}

/** Stores a changed byte string back (Redis leaves such a string "raw" encoded; `extended`: it grew). */
function storeBytes(c: Client, key: string, buf: Buffer, changed: boolean, extended: boolean): void {
  const enc = rawOverride(c.db, key, extended);
  if (changed) c.db.set(key, buf.latin1Slice(0, buf.length), true);
  markStringEncoding(c.db, key, enc);
}

function popcount(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end; i++) {
    let b = buf[i];
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    n += (b + (b >> 4)) & 0x0f;
  }
  return n;
}

/** redisBitpos over count bytes from start: first bit equal to `bit`, -1 (bit 1) or count*8 (bit 0) if none. */
function bitpos(bytes: ArrayLike<number>, start: number, count: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = bytes[start + i];
    if (b !== skip) {
      for (let k = 0; k < 8; k++) if (((b >> (7 - k)) & 1) === bit) return i * 8 + k;
    }
  }
  return bit ? -1 : count * 8;
}

function getUnsigned(buf: ArrayLike<number>, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++) {
    const o = offset + j;
    const byte = buf[Math.floor(o / 8)] ?? 0;
    v = (v << 1n) | BigInt((byte >> (7 - (o % 8))) & 1);
  }
  return v;
}

function getSigned(buf: ArrayLike<number>, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsigned(buf, offset, bits));
}

function setBits(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(bits, value);
  for (let j = 0; j < bits; j++) {
    const bitval = Number((v >> BigInt(bits - 1 - j)) & 1n);
    const o = offset + j;
    const idx = Math.floor(o / 8);
    const mask = 1 << (7 - (o % 8));
    buf[idx] = bitval ? buf[idx] | mask : buf[idx] & ~mask;
  }
}

const WRAP = 0;
const SAT = 1;
const FAIL = 2;

interface FieldOp {
  op: 'get' | 'set' | 'incrby';
  sign: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
}

/**
 * The result of storing value+incr in a field (checkSigned/UnsignedBitfieldOverflow): the value to
 * store and whether it overflowed.
 */
function fieldResult(sign: boolean, bits: number, value: bigint, incr: bigint, ow: number): { v: bigint; overflow: boolean } {
  const max = sign ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = sign ? -max - 1n : 0n;
  const sum = value + incr;
  if (sum > max || sum < min) {
    if (ow === SAT) return { v: sum > max ? max : min, overflow: true };
    return { v: sign ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum), overflow: true };
  }
  return { v: sum, overflow: false };
}

function bitfield(c: Client, argv: string[], s: Server, readonlyCmd: boolean): void {
  const ops: FieldOp[] = [];
  let ow = WRAP;
  let readonly = true;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j].toLowerCase();
    let op: FieldOp['op'];
    if (sub === 'get' && rem >= 2) op = 'get';
    else if (sub === 'set' && rem >= 3) op = 'set';
    else if (sub === 'incrby' && rem >= 3) op = 'incrby';
    else if (sub === 'overflow' && rem >= 1) {
      const t = argv[++j].toLowerCase();
      if (t === 'wrap') ow = WRAP;
      else if (t === 'sat') ow = SAT;
      else if (t === 'fail') ow = FAIL;
      else return c.reply.error('ERR Invalid OVERFLOW type specified');
      continue;
    } else return c.reply.error(E.SYNTAX);
    const type = argv[j + 1];
    const sign = type[0] === 'i';
    if (!sign && type[0] !== 'u') return c.reply.error(ERR_BITFIELD_TYPE);
    const nul = type.indexOf('\0');
    const bits = parseInteger(type.slice(1, nul < 0 ? undefined : nul));
    if (bits === null || bits < 1 || (sign && bits > 64) || (!sign && bits > 63)) return c.reply.error(ERR_BITFIELD_TYPE);
    const offset = bitOffset(c, s, argv[j + 2], true, bits);
    if (offset === null) return;
    let value = 0n;
    if (op !== 'get') {
      readonly = false;
      if (highest < offset + bits - 1) highest = offset + bits - 1;
      if (parseInteger(argv[j + 3]) === null) return c.reply.error(E.NOT_INTEGER);
      value = BigInt(argv[j + 3]);
    }
    ops.push({ op, sign, bits, offset, value, overflow: ow });
    j += op === 'get' ? 2 : 3;
  }
  const key = argv[1];
  let buf: Buffer | null = null;
  let grew = false;
  let extended = false;
  if (readonly) {
    const v = getString(c, key);
    if (v === undefined) return;
    if (v !== null) buf = Buffer.from(v, 'latin1');
  } else {
    if (readonlyCmd) return c.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
    const r = bytesForWrite(c, key, highest);
    if (r === null) return;
    buf = r.buf;
    grew = r.grew;
    extended = r.extended;
  }
  c.reply.arrayLen(ops.length);
  let changes = 0;
  for (const o of ops) {
    if (o.op === 'get') {
      const src = buf ?? Buffer.alloc(0);
      c.reply.int(o.sign ? getSigned(src, o.offset, o.bits) : getUnsigned(src, o.offset, o.bits));
      continue;
    }
    const b = buf as Buffer;
    const old = o.sign ? getSigned(b, o.offset, o.bits) : getUnsigned(b, o.offset, o.bits);
    let r: { v: bigint; overflow: boolean };
    let ret: bigint;
    if (o.op === 'incrby') {
      r = fieldResult(o.sign, o.bits, old, o.value, o.overflow);
      ret = r.v;
    } else {
      // SET: an unsigned field sees the argument as a uint64 (so -1 is a huge value that overflows high).
      r = fieldResult(o.sign, o.bits, o.sign ? o.value : BigInt.asUintN(64, o.value), 0n, o.overflow);
      ret = old;
    }
    if (r.overflow && o.overflow === FAIL) c.reply.nil();
    else {
      c.reply.int(ret);
      setBits(b, o.offset, o.bits, r.v);
      // As Redis counts it: a change when the field's value differs, or the string was created or grew.
      if (grew || old !== r.v) changes++;
    }
  }
  if (readonly) return;
  storeBytes(c, key, buf as Buffer, changes > 0 || grew, extended);
  if (changes > 1) c.db.modified(key, changes - 1);
  // Created or grown by FAILed operations only: Redis keeps the padded string yet counts no change
  // (so it is not propagated either).
  else if (changes === 0 && grew) s.addDirty(-1);
}

/**
 * BITCOUNT/BITPOS's start/end over a string of strlen bytes, in BYTE or BIT units: negative offsets
 * count from the end and are clamped, as Redis does; BIT ranges become a byte range plus masks of the
 * bits outside the range in its first and last byte.
 */
function byteRange(strlen: number, start: number, end: number, isbit: boolean): { start: number; end: number; firstMask: number; lastMask: number } {
  const totlen = isbit ? strlen * 8 : strlen;
  let firstMask = 0;
  let lastMask = 0;
  if (start < 0) start = totlen + start;
  if (end < 0) end = totlen + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= totlen) end = totlen - 1;
  if (isbit && start <= end) {
    firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    lastMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

register({
  setbit(c, argv, s) {
    const off = bitOffset(c, s, argv[2], false, 0);
    if (off === null) return;
    const on = parseInteger(argv[3]);
    if (on === null || (on !== 0 && on !== 1)) return c.reply.error(E.BIT_VALUE);
    const r = bytesForWrite(c, argv[1], off);
    if (r === null) return;
    const byte = Math.floor(off / 8);
    const mask = 1 << (7 - (off % 8));
    const bitval = (r.buf[byte] & mask) !== 0 ? 1 : 0;
    const changed = r.grew || bitval !== on;
    if (changed) r.buf[byte] = on ? r.buf[byte] | mask : r.buf[byte] & ~mask;
    storeBytes(c, argv[1], r.buf, changed, r.extended);
    c.reply.int(bitval);
  },
  getbit(c, argv, s) {
    const off = bitOffset(c, s, argv[2], false, 0);
    if (off === null) return;
    const v = getString(c, argv[1]);
    if (v === undefined) return;
    if (v === null) return c.reply.int(0);
    const byte = Math.floor(off / 8);
    if (byte >= v.length) return c.reply.int(0);
    c.reply.int((v.charCodeAt(byte) >> (7 - (off % 8))) & 1);
  },
  bitcount(c, argv) {
    const v = getString(c, argv[1]);
    if (v === undefined) return;
    if (v === null) return c.reply.int(0);
    const strlen = v.length;
    let start: number;
    let end: number;
    let firstMask = 0;
    let lastMask = 0;
    if (argv.length === 4 || argv.length === 5) {
      const s0 = parseInteger(argv[2]);
      if (s0 === null) return c.reply.error(E.NOT_INTEGER);
      const e0 = parseInteger(argv[3]);
      if (e0 === null) return c.reply.error(E.NOT_INTEGER);
      start = s0;
      end = e0;
      if (start < 0 && end < 0 && start > end) return c.reply.int(0);
      let isbit = false;
      if (argv.length === 5) {
        const u = argv[4].toLowerCase();
        if (u === 'bit') isbit = true;
        else if (u !== 'byte') return c.reply.error(E.SYNTAX);
      }
      ({ start, end, firstMask, lastMask } = byteRange(strlen, start, end, isbit));
    } else if (argv.length === 2) {
      start = 0;
      end = strlen - 1;
    } else return c.reply.error(E.SYNTAX);
    if (start > end) return c.reply.int(0);
    const buf = Buffer.from(v.slice(start, end + 1), 'latin1');
    let count = popcount(buf, 0, buf.length - 1);
    if (firstMask !== 0 || lastMask !== 0) {
      const fl = Buffer.from([firstMask ? buf[0] & firstMask : 0, lastMask ? buf[buf.length - 1] & lastMask : 0]);
      count -= popcount(fl, 0, 1);
    }
    c.reply.int(count);
  },
  bitpos(c, argv) {
    const bit = parseInteger(argv[2]);
    if (bit === null) return c.reply.error(E.NOT_INTEGER);
    if (bit !== 0 && bit !== 1) return c.reply.error('ERR The bit argument must be 1 or 0.');
    const v = c.db.get(argv[1]);
    if (v === undefined) return c.reply.int(bit ? -1 : 0);
    if (typeof v !== 'string') return c.reply.error(E.WRONGTYPE);
    const strlen = v.length;
    let start: number;
    let end: number;
    let endGiven = false;
    let firstMask = 0;
    let lastMask = 0;
    if (argv.length >= 4 && argv.length <= 6) {
      const s0 = parseInteger(argv[3]);
      if (s0 === null) return c.reply.error(E.NOT_INTEGER);
      start = s0;
      let isbit = false;
      if (argv.length === 6) {
        const u = argv[5].toLowerCase();
        if (u === 'bit') isbit = true;
        else if (u !== 'byte') return c.reply.error(E.SYNTAX);
      }
      if (argv.length >= 5) {
        const e0 = parseInteger(argv[4]);
        if (e0 === null) return c.reply.error(E.NOT_INTEGER);
        end = e0;
        endGiven = true;
      } else end = isbit ? strlen * 8 + 7 : strlen - 1;
      ({ start, end, firstMask, lastMask } = byteRange(strlen, start, end, isbit));
    } else if (argv.length === 3) {
      start = 0;
      end = strlen - 1;
    } else return c.reply.error(E.SYNTAX);
    if (start > end) return c.reply.int(-1);
    const p = Buffer.from(v, 'latin1');
    let bytes = end - start + 1;
    let pos: number;
    found: {
      if (firstMask) {
        let t = bit ? p[start] & ~firstMask & 0xff : (p[start] | firstMask) & 0xff;
        if (lastMask && bytes === 1) t = bit ? t & ~lastMask & 0xff : (t | lastMask) & 0xff;
        pos = bitpos([t], 0, 1, bit);
        if (bytes === 1 || (pos !== -1 && pos !== 8)) break found;
        start++;
        bytes--;
      }
      const cur = bytes - (lastMask ? 1 : 0);
      if (cur > 0) {
        pos = bitpos(p, start, cur, bit);
        if (bytes === cur || (pos !== -1 && pos !== cur * 8)) break found;
        start += cur;
        bytes -= cur;
      }
      const t = bit ? p[end] & ~lastMask & 0xff : (p[end] | lastMask) & 0xff;
      pos = bitpos([t], 0, 1, bit);
    }
    if (endGiven && bit === 0 && pos === bytes * 8) return c.reply.int(-1);
    if (pos !== -1) pos += start * 8;
    c.reply.int(pos);
  },
  bitop(c, argv) {
    const op = argv[1].toLowerCase();
    if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') return c.reply.error(E.SYNTAX);
    if (op === 'not' && argv.length !== 4) return c.reply.error('ERR BITOP NOT must be called with a single source key.');
    const srcs: Buffer[] = [];
    let maxlen = 0;
    for (let j = 3; j < argv.length; j++) {
      const v = getString(c, argv[j]);
      if (v === undefined) return;
      const b = v === null ? Buffer.alloc(0) : Buffer.from(v, 'latin1');
      srcs.push(b);
      if (b.length > maxlen) maxlen = b.length;
    }
    const target = argv[2];
    if (maxlen) {
      const res = Buffer.alloc(maxlen);
      for (let i = 0; i < maxlen; i++) {
        let out = srcs[0].length <= i ? 0 : srcs[0][i];
        if (op === 'not') out = ~out & 0xff;
        for (let j = 1; j < srcs.length; j++) {
          const b = srcs[j].length <= i ? 0 : srcs[j][i];
          if (op === 'and') out &= b;
          else if (op === 'or') out |= b;
          else out ^= b;
        }
        res[i] = out;
      }
      c.db.set(target, res.latin1Slice(0, maxlen));
      markStringEncoding(c.db, target, 'raw');
    } else c.db.delete(target);
    c.reply.int(maxlen);
  },
  bitfield(c, argv, s) {
    bitfield(c, argv, s, false);
  },
  bitfield_ro(c, argv, s) {
    bitfield(c, argv, s, true);
  },
});
