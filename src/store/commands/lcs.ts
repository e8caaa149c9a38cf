// LCS (t_string.c lcsCommand): longest common subsequence of two strings by the textbook dynamic
// program, with LEN, IDX, MINMATCHLEN and WITHMATCHLEN. The walk back through the table follows
// Redis's exactly, because which of several equally long answers is returned (and which ranges IDX
// reports) depends on the order of its choices.

import { register } from '../registry';
import { E } from '../../resp/errors';
import { parseInteger } from './args';

/** Largest DP table we allocate (entries); beyond it Redis's allocation error is returned. */
const MAX_CELLS = 1 << 26;

register({
  lcs(c, argv) {
    const va = c.db.get(argv[1]);
    const vb = c.db.get(argv[2]);
    if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
      return c.reply.error('ERR The specified keys must contain string values');
    }
    const a = (va as string | undefined) ?? '';
    const b = (vb as string | undefined) ?? '';
    let getidx = false;
    let getlen = false;
    let withmatchlen = false;
    let minmatchlen = 0;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      const more = argv.length - 1 - j;
      if (opt === 'idx') getidx = true;
      else if (opt === 'len') getlen = true;
      else if (opt === 'withmatchlen') withmatchlen = true;
      else if (opt === 'minmatchlen' && more) {
        const n = parseInteger(argv[j + 1]);
        if (n === null) return c.reply.error(E.NOT_INTEGER);
        minmatchlen = n < 0 ? 0 : n;
        j++;
      } else return c.reply.error(E.SYNTAX);
    }
    if (getidx && getlen) return c.reply.error('ERR If you want both the length and indexes, please just use IDX.');
    const alen = a.length;
    const blen = b.length;
    const w = blen + 1;
    if ((alen + 1) * w > MAX_CELLS) return c.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    const dp = new Uint32Array((alen + 1) * w);
    for (let i = 1; i <= alen; i++) {
      const ai = a.charCodeAt(i - 1);
      for (let j = 1; j <= blen; j++) {
        if (ai === b.charCodeAt(j - 1)) dp[j + i * w] = dp[j - 1 + (i - 1) * w] + 1;
        else {
          const l1 = dp[j + (i - 1) * w];
          const l2 = dp[j - 1 + i * w];
          dp[j + i * w] = l1 > l2 ? l1 : l2;
        }
      }
    }
    const total = dp[blen + alen * w];
    let idx = total;
    const computelcs = getidx || !getlen;
    const result: string[] = computelcs ? new Array<string>(total) : [];
    const ranges: number[][] = [];
    let aStart = alen;
    let aEnd = 0;
    let bStart = 0;
    let bEnd = 0;
    let i = alen;
    let j = blen;
    while (computelcs && i > 0 && j > 0) {
      let emit = false;
      if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
        result[idx - 1] = a[i - 1];
        if (aStart === alen) {
          aStart = aEnd = i - 1;
          bStart = bEnd = j - 1;
        } else if (aStart === i && bStart === j) {
          aStart--;
          bStart--;
        } else emit = true;
        if (aStart === 0 || bStart === 0) emit = true;
        idx--;
        i--;
        j--;
      } else {
        const l1 = dp[j + (i - 1) * w];
        const l2 = dp[j - 1 + i * w];
        if (l1 > l2) i--;
        else j--;
        if (aStart !== alen) emit = true;
      }
      const matchLen = aEnd - aStart + 1;
      if (emit) {
        if ((minmatchlen === 0 || matchLen >= minmatchlen) && getidx) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
        aStart = alen;
      }
    }
    if (getidx) {
      c.reply.mapLen(2);
      c.reply.bulk('matches');
      c.reply.arrayLen(ranges.length);
      for (const r of ranges) {
        c.reply.arrayLen(withmatchlen ? 3 : 2);
        c.reply.arrayLen(2);
        c.reply.int(r[0]);
        c.reply.int(r[1]);
        c.reply.arrayLen(2);
        c.reply.int(r[2]);
        c.reply.int(r[3]);
        if (withmatchlen) c.reply.int(r[4]);
      }
      c.reply.bulk('len');
      c.reply.int(total);
    } else if (getlen) c.reply.int(idx);
    else c.reply.bulk(result.join(''));
  },
});
