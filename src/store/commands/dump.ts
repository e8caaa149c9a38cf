// DUMP and RESTORE in Redis's serialized format (value in RDB encoding + RDB version + CRC-64), so a
// payload moves between resplit and redis-server 7.0 in both directions.

import { register } from '../registry';
import { E } from '../../resp/errors';
import { parseInteger } from './args';
import { dumpPayload, restorePayload, verifyPayload } from '../rdb/dump-payload';
import { ZSetValue } from '../types/zset';
import { lfuPolicy, setKeyFreq } from '../lfu';
import { RdbError } from '../rdb/constants';

register({
  dump(c, argv, s) {
    const v = c.db.get(argv[1]);
    if (v === undefined) return c.reply.nil();
    let p: Buffer;
    try {
      p = dumpPayload(v, s.encodingLimits, s.config.getBool('rdbcompression'));
    } catch (err) {
      return c.reply.error(`ERR ${(err as Error).message}`);
    }
    c.reply.bulkBuf(p);
  },
  restore(c, argv, s) {
    const key = argv[1];
    let replace = false;
    let absttl = false;
    let idle = -1;
    let freq = -1;
    for (let j = 4; j < argv.length; j++) {
      const o = argv[j].toLowerCase();
      const more = argv.length - j - 1;
      if (o === 'replace') replace = true;
      else if (o === 'absttl') absttl = true;
      else if (o === 'idletime' && more >= 1 && freq === -1) {
        const n = parseInteger(argv[j + 1]);
        if (n === null) return c.reply.error(E.NOT_INTEGER);
        if (n < 0) return c.reply.error('ERR Invalid IDLETIME value, must be >= 0');
        idle = n;
        j++;
      } else if (o === 'freq' && more >= 1 && idle === -1) {
        const n = parseInteger(argv[j + 1]);
        if (n === null) return c.reply.error(E.NOT_INTEGER);
        if (n < 0 || n > 255) return c.reply.error('ERR Invalid FREQ value, must be >= 0 and <= 255');
        freq = n;
        j++;
      } else return c.reply.error(E.SYNTAX);
    }
    const db = c.db;
    if (!replace && db.get(key, true) !== undefined) return c.reply.error(E.BUSYKEY);
    let ttl = parseInteger(argv[2]);
    if (ttl === null) return c.reply.error(E.NOT_INTEGER);
    if (ttl < 0) return c.reply.error('ERR Invalid TTL value, must be >= 0');
    const payload = Buffer.from(argv[3], 'latin1');
    if (!verifyPayload(payload, !s.ext.skipChecksumValidation)) return c.reply.error('ERR DUMP payload version or checksum are wrong');
    let v;
    try {
      v = restorePayload(payload, key);
    } catch (err) {
      // Redis's rdbReportCorruptRDB logs why a payload was refused (e.g. 'Hash ziplist integrity check failed.').
      if (err instanceof RdbError) s.log.warn(`Internal error in RDB reading offset 0, function at rdb.c:0 -> ${err.reason ?? err.message}`);
      return c.reply.error('ERR Bad data format');
    }
    const deleted = replace ? db.delete(key) : false;
    // Redis adds the time in a long long: a TTL that overflows wraps to the past (the key expires).
    if (ttl && !absttl) ttl = ttl + s.cmdTime > 9.2e18 ? Number(BigInt.asIntN(64, BigInt(argv[2]) + BigInt(s.cmdTime))) : ttl + s.cmdTime;
    if (ttl && ttl <= s.cmdTime && !s.isReplica) {
      // Already expired: nothing is stored; a replaced key is gone, replicated as DEL.
      if (deleted) s.rewrittenArgv = ['DEL', key];
      return c.reply.ok();
    }
    // The encoding is decided now, from the value as loaded, as RESTORE does in Redis (a listpack drops
    // the sign of -0); decided later, a removal first would make {a, 1} minus a an intset.
    if (v instanceof ZSetValue) v.recomputeEncoding(s.encodingLimits);
    else if (typeof v !== 'string') v.encoding(s.encodingLimits);
    db.set(key, v);
    if (ttl) db.setExpire(key, ttl);
    // Replicas get the absolute expiry time, as Redis propagates it: RESTORE key <unix-ms> payload ... ABSTTL.
    if (ttl && !absttl) s.rewrittenArgv = [...argv.slice(0, 2), String(ttl), ...argv.slice(3), 'ABSTTL'];
    // objectSetLRUOrLFU: under an LFU policy only FREQ is taken, under any other only IDLETIME.
    if (idle >= 0 && !lfuPolicy(s)) db.lru.set(key, Math.floor(s.cmdTime / 1000) - idle);
    if (freq >= 0) setKeyFreq(s, db, key, freq);
    c.reply.ok();
  },
});
