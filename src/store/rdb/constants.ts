// RDB format constants (redis/redis src/rdb.h): the version we write, object type bytes, opcodes and
// length/string encodings. Kept in one place so reader, writer and DUMP agree.

/** The RDB version Redis 7.0 writes (and the highest a 7.0 RESTORE accepts). */
export const RDB_VERSION = 10;
/** Highest version we read from files (7.2's 11 adds SET_LISTPACK, which we accept). */
export const RDB_MAX_READ_VERSION = 11;

/** Object type bytes (RDB_TYPE_*): the byte before each key says how its value is encoded. */
export const T = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

/** Type names for error messages. */
export const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k.toLowerCase()]));

/** Opcodes (RDB_OPCODE_*): bytes that start a record other than a key (aux field, SELECTDB, expiry, EOF, ...). */
export const OP = {
  SLOT_INFO: 244,
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Quicklist 2 node containers. */
export const QUICKLIST_NODE_PLAIN = 1;
/** A node holding a listpack (PLAIN: one large element as it is). */
export const QUICKLIST_NODE_PACKED = 2;

/** Special string encodings (the 6 low bits after a 0b11 length prefix). */
export const ENC_INT8 = 0;
/** 16-bit integer. */
export const ENC_INT16 = 1;
/** 32-bit integer. */
export const ENC_INT32 = 2;
/** LZF-compressed string. */
export const ENC_LZF = 3;

/** Redis's version string written in the redis-ver aux field. */
export const REDIS_VERSION = '7.0.15';

/** Why a file or payload was refused; the message names what is wrong (and the key when known). */
export class RdbError extends Error {
  /** Redis's rdbReportCorruptRDB reason (e.g. 'RDB CRC error'), logged as its 'Internal error in RDB reading' line. */
  readonly reason?: string;
  constructor(message: string, reason?: string) {
    super(message);
    this.reason = reason;
    this.name = 'RdbError';
  }
}

/** True for a canonical signed 64-bit decimal integer (Redis's string2ll + round trip). */
export function isCanonicalInt(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1; // "0" only; no leading zeros, no "-0"
  for (; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  if (n >= 19) {
    const b = BigInt(s);
    return b >= -9223372036854775808n && b <= 9223372036854775807n;
  }
  return true;
}
