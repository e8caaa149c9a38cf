// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. Tools (redis-cli --memkeys, RDB
// analysers, dashboards) call them, so they answer in Redis 7.0's shapes. USAGE reports what Redis
// 7.0 would allocate for the key, not what V8 holds: Redis's objectComputeSize on the structures
// Redis would have built (the same encoding decisions OBJECT ENCODING reports), with jemalloc's size
// classes. Strings, listpacks and intsets are computed byte for byte, quicklists as RPUSH fills their
// nodes (uncompressed); hashtables and skiplists follow Redis's sampling formula with estimated table
// sizes and skiplist levels of our own. STATS, DOCTOR and MALLOC-STATS describe this process (V8
// heap, RSS) under Redis's names.

import { register } from '../registry';
import type { Server } from '../server';
import type { Db, EncodingLimits, Value } from '../db';
import { E } from '../../resp/errors';
import { formatDouble } from '../../resp/numfmt';
import { parseInteger } from './args';
import { stringEncoding, stringEncodingOverride } from './object';
import { metricsOf } from '../info/metrics';
import { clientBuffers } from '../info/memory';
import { replState } from '../replication';
import { isIntsetMember, SetValue } from '../types/set';
import { HashValue } from '../types/hash';
import { ZSetValue } from '../types/zset';
import { ListValue } from '../types/list';
import { listpackEntrySize } from '../rdb/listpack';
import { purgeNow } from '../maxmemory';

// ---- allocation sizes (64-bit Redis 7.0 with jemalloc 5) ----

/** sizeof(robj), dictEntry, dict, quicklist, quicklistNode, zset, zskiplist. */
const ROBJ = 16;
const DICT_ENTRY = 24;
const DICT = 56;
const QUICKLIST = 40;
const QUICKLIST_NODE = 40;
const ZSET = 16;
const ZSKIPLIST = 32;
/** A skiplist node without its levels, and one level (forward pointer + span). */
const ZSL_NODE = 24;
const ZSL_LEVEL = 16;
/** The skiplist header node has all 32 levels. */
const ZSL_HEADER = ZSL_NODE + 32 * ZSL_LEVEL;
/** MEMORY USAGE samples this many nested elements unless told otherwise. */
const DEFAULT_SAMPLES = 5;

/** jemalloc's usable size for a request of n bytes (its size classes with a 16-byte quantum). */
export function mallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~15;
  // Four classes per doubling: (2^k, 2^(k+1)] is split in steps of 2^(k-2).
  const k = Math.floor(Math.log2(n - 1));
  const step = 2 ** (k - 2);
  return Math.ceil(n / step) * step;
}

/** Header size of the sds type sdsnewlen picks for a string of len bytes. */
function sdsHeader(len: number): number {
  if (len < 32) return len === 0 ? 3 : 1; // an empty sds is never SDS_TYPE_5
  if (len < 256) return 3;
  if (len < 65536) return 5;
  return len < 2 ** 32 ? 9 : 17;
}

/** zmalloc_size of an sds of len bytes made by sdsnewlen (keys, members, SET values). */
export function sdsAllocSize(len: number): number {
  return mallocSize(sdsHeader(len) + len + 1);
}

/**
 * zmalloc_size of an sds extended in place to len bytes: sdsMakeRoomFor doubles the length it needs,
 * so the room is between len and 2*len depending on when it last grew; the middle is assumed.
 */
function greedySdsAllocSize(len: number): number {
  const cap = len < 1024 * 1024 ? Math.floor(len * 1.5) : len + 512 * 1024;
  return mallocSize(Math.max(3, sdsHeader(cap)) + cap + 1);
}

/** Table size of a dict holding n entries once grown to them: powers of two from 4. */
function dictSlots(n: number): number {
  if (n === 0) return 0;
  let s = 4;
  while (s < n) s *= 2;
  return s;
}

/**
 * dictSlots of a set, hash or sorted set dict as n insertions leave it: a dict doubles when full and
 * then moves one old bucket per later insertion, so until about 63% of the old table's entries (its
 * non-empty buckets) have been inserted since, both tables count. Other accesses would finish the
 * rehash sooner; a freshly filled dict is the common case measured.
 */
function valueDictSlots(n: number): number {
  const s = dictSlots(n);
  const old = s / 2;
  return s > 4 && n - old - 1 < old * (1 - Math.exp(-1)) ? s + old : s;
}

// ---- listpack and intset sizes (listpack.c, intset.c) ----

/** Bytes one element takes in a listpack (the RDB writer's sizing: canonical int64s as integers). */
export const lpEntrySize = listpackEntrySize;

/** Bytes of an empty listpack: the 6-byte header and the end byte. */
const LP_EMPTY = 7;

/**
 * How a listpack-encoded sorted set stores a score: an integer when the double is integral and within
 * +/-2^62 (double2ll), otherwise the text d2string writes ("%.17g", "inf").
 */
function lpScoreSize(score: number): number {
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) {
    // Past 2^53 the decimal text is not exact, but every such integer takes the 64-bit encoding
    // (9 bytes) and a 1-byte backlen.
    return Math.abs(score) < 2 ** 53 ? lpEntrySize(String(score === 0 ? 0 : score)) : 10;
  }
  return lpEntrySize(formatDouble(score));
}

// ---- quicklist layout (quicklist.c, Redis 7.0) ----

/** list-max-listpack-size -1..-5: the byte limits of one node. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** A node never grows past this many bytes when its limit is an entry count. */
const SIZE_SAFETY_LIMIT = 8192;
/** _quicklistNodeAllowInsert's allowance for the entry's encoding overhead. */
const SIZE_ESTIMATE_OVERHEAD = 8;

/** _quicklistNodeAllowInsert: whether an element of sz bytes joins the node, or starts a new one. */
function allowInsert(nodeBytes: number, nodeCount: number, sz: number, fill: number): boolean {
  const next = nodeBytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0 && -fill - 1 < OPTIMIZATION_LEVEL.length && next <= OPTIMIZATION_LEVEL[-fill - 1]) return true;
  if (next > SIZE_SAFETY_LIMIT) return false;
  return nodeCount < fill;
}

/** Lists up to this long have their whole node layout computed; longer ones are extrapolated. */
const QUICKLIST_LAYOUT_MAX = 1 << 16;

/**
 * The quicklist part of a list's size, its nodes laid out as RPUSH would have filled them (exact for
 * a list that fits one node or was built by RPUSH): the first `samples` nodes averaged, times the
 * node count.
 */
function quicklistSize(l: ListValue, fill: number, samples: number): number {
  const n = l.size();
  let i = 0;
  let nodes = 0;
  let measured = 0;
  let elesize = 0;
  while (i < n && (nodes < samples || n <= QUICKLIST_LAYOUT_MAX)) {
    let bytes = LP_EMPTY;
    let count = 0;
    for (; i < n; i++) {
      const v = l.at(i) as string;
      if (count > 0 && !allowInsert(bytes, count, v.length, fill)) break;
      bytes += lpEntrySize(v);
      count++;
    }
    if (nodes++ < samples) {
      elesize += QUICKLIST_NODE + mallocSize(bytes);
      measured++;
    }
  }
  // Past the layout limit the remaining elements fill nodes as the sampled ones did on average.
  if (i < n) nodes += Math.ceil(((n - i) * nodes) / i);
  return Math.floor(ROBJ + QUICKLIST + (elesize / measured) * nodes);
}

// ---- objectComputeSize ----

/** The size Redis's objectComputeSize gives a value, sampling up to `samples` nested elements. */
export function valueSize(db: Db, key: string, v: Value, limits: EncodingLimits, samples: number): number {
  if (typeof v === 'string') {
    const enc = stringEncoding(db, key, v);
    if (enc === 'int') return ROBJ;
    if (enc === 'embstr') return mallocSize(ROBJ + 3 + v.length + 1);
    // A raw string is allocated to fit, unless APPEND, SETRANGE, SETBIT or BITFIELD extended it:
    // then its buffer grew the greedy way.
    return ROBJ + (stringEncodingOverride(db, key) === 'grown' ? greedySdsAllocSize(v.length) : sdsAllocSize(v.length));
  }
  if (v instanceof ListValue) return quicklistSize(v, limits.listMaxListpackSize, samples);
  if (v instanceof SetValue) {
    if (v.isIntset(limits)) return ROBJ + mallocSize(8 + v.intsetWidth() * v.size());
    let elesize = 0;
    let k = 0;
    for (const m of v.set) {
      if (k >= samples) break;
      elesize += DICT_ENTRY + sdsAllocSize(m.length);
      k++;
    }
    return sampled(ROBJ + DICT + 8 * valueDictSlots(v.size()), elesize, k, v.size());
  }
  if (v instanceof HashValue) {
    if (!v.isBig(limits)) {
      let bytes = LP_EMPTY;
      for (const [f, x] of v.map) bytes += lpEntrySize(f) + lpEntrySize(x);
      return ROBJ + mallocSize(bytes);
    }
    let elesize = 0;
    let k = 0;
    for (const [f, x] of v.map) {
      if (k >= samples) break;
      elesize += sdsAllocSize(f.length) + sdsAllocSize(x.length) + DICT_ENTRY;
      k++;
    }
    return sampled(ROBJ + DICT + 8 * valueDictSlots(v.size()), elesize, k, v.size());
  }
  if (v instanceof ZSetValue) {
    const nodes = v.encoding(limits) === 'skiplist' ? v.sampleNodes(samples) : null;
    if (nodes === null) {
      let bytes = LP_EMPTY;
      for (const [m, score] of v.ascending()) bytes += lpEntrySize(m) + lpScoreSize(score);
      return ROBJ + mallocSize(bytes);
    }
    let elesize = 0;
    for (const [m, level] of nodes) elesize += sdsAllocSize(m.length) + DICT_ENTRY + mallocSize(ZSL_NODE + level * ZSL_LEVEL);
    const base = ROBJ + ZSET + ZSKIPLIST + DICT + 8 * valueDictSlots(v.size()) + mallocSize(ZSL_HEADER);
    return sampled(base, elesize, nodes.length, v.size());
  }
  return ROBJ;
}

/** asize += (double)elesize/samples*n, truncated to size_t as Redis does. */
function sampled(base: number, elesize: number, samples: number, n: number): number {
  return samples ? Math.floor(base + (elesize / samples) * n) : base;
}

/** MEMORY USAGE's number: the value, the key's sds and its dictEntry. */
export function keyUsage(db: Db, key: string, v: Value, limits: EncodingLimits, samples = DEFAULT_SAMPLES): number {
  return valueSize(db, key, v, limits, samples) + sdsAllocSize(key.length) + DICT_ENTRY;
}

// ---- MEMORY STATS / DOCTOR ----

/** getMemoryOverheadData's numbers, from this process and the keyspace. */
interface Overhead {
  peak: number;
  total: number;
  startup: number;
  backlog: number;
  clientsSlaves: number;
  clientsNormal: number;
  dbs: Array<{ id: number; main: number; expires: number }>;
  overheadTotal: number;
  keys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
}

function overheadData(s: Server): Overhead {
  const m = metricsOf(s);
  const total = m.usedMemory();
  const peak = m.peakMemory;
  const startup = m.startupMemory;
  const backlog = replState(s).backlog?.size ?? 0;
  const { normal: clientsNormal, replicas: clientsSlaves } = clientBuffers(s);
  let overheadTotal = startup + backlog + clientsSlaves + clientsNormal;
  let keys = 0;
  const dbs: Overhead['dbs'] = [];
  for (const db of s.dbs) {
    const n = db.size;
    if (n === 0) continue;
    keys += n;
    const main = n * DICT_ENTRY + dictSlots(n) * 8 + n * ROBJ;
    const ex = db.expires.size;
    const expires = ex * DICT_ENTRY + dictSlots(ex) * 8;
    dbs.push({ id: db.id, main, expires });
    overheadTotal += main + expires;
  }
  const net = total > startup ? total - startup : 1;
  const dataset = Math.max(0, total - overheadTotal);
  return {
    peak,
    total,
    startup,
    backlog,
    clientsSlaves,
    clientsNormal,
    dbs,
    overheadTotal,
    keys,
    bytesPerKey: keys ? Math.floor(net / keys) : 0,
    dataset,
    datasetPerc: Math.fround((dataset * 100) / net),
    peakPerc: Math.fround((total * 100) / peak),
  };
}

/** Keys per database whose sizes are summed for DOCTOR; bigger databases are extrapolated. */
const DOCTOR_SAMPLE_KEYS = 1000;

/**
 * What Redis would hold for the keyspace (MEMORY USAGE summed; sampled past DOCTOR_SAMPLE_KEYS per
 * db), or any number above `enough` as soon as the estimate passes it: DOCTOR only asks whether the
 * instance is nearly empty, and a few big values answer that without sizing the rest.
 */
function datasetEstimate(s: Server, enough: number): number {
  let sum = 0;
  for (const db of s.dbs) {
    let k = 0;
    let part = 0;
    for (const [key, v] of db.data) {
      if (k === DOCTOR_SAMPLE_KEYS) break;
      part += keyUsage(db, key, v, s.encodingLimits);
      k++;
      if (sum + part > enough) return sum + part;
    }
    if (k) sum += (part / k) * db.size;
    if (sum > enough) return sum;
  }
  return sum;
}

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_BIG_REPLICA_BUF =
  ' * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each replica (on average). This likely means that there is some replica instance that is struggling receiving data, either because it is too slow or because of networking issues. As a result, data piles on the master output buffers. Please try to identify what replica is not receiving data correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to check the output buffers of each replica.\n\n';
const DOCTOR_BIG_CLIENT_BUF =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';

/**
 * getMemoryDoctorReport. "Empty" is judged as Redis judges it (under 5MB allocated) on what Redis
 * would allocate for the keyspace and the client buffers; of the other checks only the buffer ones
 * mean something here (peak, fragmentation and RSS ratios describe V8, not an allocator).
 */
function doctorReport(s: Server): string {
  const mh = overheadData(s);
  const small = 5 * 1024 * 1024;
  if (datasetEstimate(s, small) + mh.clientsNormal + mh.clientsSlaves + mh.backlog < small) return DOCTOR_EMPTY;
  let replicas = 0;
  for (const c of s.clients.values()) if (c.isReplica) replicas++;
  const normal = s.clients.size - replicas;
  let report = '';
  if (replicas > 0 && mh.clientsSlaves / replicas > 10 * 1024 * 1024) report += DOCTOR_BIG_REPLICA_BUF;
  if (normal > 0 && mh.clientsNormal / normal > 200 * 1024) report += DOCTOR_BIG_CLIENT_BUF;
  if (report === '') return DOCTOR_FINE;
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${report}I'm here to keep you safe, Sam. I want to help you.\n`;
}

const HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

register({
  'memory|help'(c) {
    c.reply.arrayLen(HELP.length);
    for (const l of HELP) c.reply.simple(l);
  },
  'memory|usage'(c, argv, s) {
    let samples = DEFAULT_SAMPLES;
    for (let j = 3; j < argv.length; j++) {
      if (argv[j].toLowerCase() === 'samples' && j + 1 < argv.length) {
        const n = parseInteger(argv[j + 1]);
        if (n === null) return c.reply.error(E.NOT_INTEGER);
        if (n < 0) return c.reply.error(E.SYNTAX);
        samples = n === 0 ? Infinity : n;
        j++;
      } else return c.reply.error(E.SYNTAX);
    }
    // Redis looks the key up with dictFind: no expiry check, no access time update.
    const v = c.db.data.get(argv[2]);
    if (v === undefined) return c.reply.nil();
    c.reply.int(keyUsage(c.db, argv[2], v, s.encodingLimits, samples));
  },
  'memory|stats'(c, _argv, s) {
    const mh = overheadData(s);
    const mu = process.memoryUsage();
    const rss = mu.rss;
    c.reply.mapLen(27 + mh.dbs.length);
    const int = (name: string, n: number): void => {
      c.reply.bulk(name);
      c.reply.int(Math.trunc(n));
    };
    const dbl = (name: string, d: number): void => {
      c.reply.bulk(name);
      c.reply.double(Math.fround(d));
    };
    int('peak.allocated', mh.peak);
    int('total.allocated', mh.total);
    int('startup.allocated', mh.startup);
    int('replication.backlog', mh.backlog);
    int('clients.slaves', mh.clientsSlaves);
    int('clients.normal', mh.clientsNormal);
    int('cluster.links', 0);
    int('aof.buffer', 0);
    int('lua.caches', 0);
    int('functions.caches', 0);
    for (const db of mh.dbs) {
      c.reply.bulk(`db.${db.id}`);
      c.reply.mapLen(3);
      int('overhead.hashtable.main', db.main);
      int('overhead.hashtable.expires', db.expires);
      int('overhead.hashtable.slot-to-keys', 0);
    }
    int('overhead.total', mh.overheadTotal);
    int('keys.count', mh.keys);
    int('keys.bytes-per-key', mh.bytesPerKey);
    int('dataset.bytes', mh.dataset);
    dbl('dataset.percentage', mh.datasetPerc);
    dbl('peak.percentage', mh.peakPerc);
    // The allocator is V8's heap: allocated = in use, active = reserved, resident = the process RSS.
    int('allocator.allocated', mu.heapUsed);
    int('allocator.active', mu.heapTotal);
    int('allocator.resident', rss);
    dbl('allocator-fragmentation.ratio', mu.heapTotal / Math.max(1, mu.heapUsed));
    int('allocator-fragmentation.bytes', mu.heapTotal - mu.heapUsed);
    dbl('allocator-rss.ratio', rss / Math.max(1, mu.heapTotal));
    int('allocator-rss.bytes', rss - mu.heapTotal);
    dbl('rss-overhead.ratio', 1);
    int('rss-overhead.bytes', 0);
    dbl('fragmentation', rss / Math.max(1, mh.total));
    int('fragmentation.bytes', rss - mh.total);
  },
  'memory|doctor'(c, _argv, s) {
    c.reply.verbatim(doctorReport(s));
  },
  'memory|malloc-stats'(c) {
    // What Redis answers when built without jemalloc: V8's allocator offers no such report.
    c.reply.bulk('Stats not supported for the current allocator');
  },
  'memory|purge'(c, _argv, s) {
    // The allocator's dirty pages are V8's garbage here: collect it now.
    purgeNow(s);
    c.reply.ok();
  },
});
