// Glob matching exactly as Redis's stringmatchlen (util.c): * ? [abc] [^a-z] and \ escapes. Used by
// KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and CLIENT KILL patterns. Strings are latin1 (byte per char).

/** Whether `str` matches `pattern`; nocase folds ASCII case. */
export function stringMatch(pattern: string, str: string, nocase = false): boolean {
  return match(pattern, 0, str, 0, nocase, 0) === 1;
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

// Returns 1 match, 0 no match, -1 "skip longer": Redis's early exit for many stars.
function match(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): number {
  if (depth > 1000) return 0;
  const pl = p.length;
  const sl = s.length;
  while (pi < pl && si < sl) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: {
        // '*'
        while (pi + 1 < pl && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === pl) return 1;
        while (si < sl) {
          const r = match(p, pi + 1, s, si, nocase, depth + 1);
          if (r !== 0) return r;
          si++;
        }
        return -1;
      }
      case 63: // '?'
        si++;
        break;
      case 91: {
        // '['
        pi++;
        const not = p.charCodeAt(pi) === 94;
        if (not) pi++;
        let matched = false;
        for (;;) {
          if (pi >= pl) {
            pi--;
            break;
          }
          const c = p.charCodeAt(pi);
          if (c === 92 && pl - pi >= 2) {
            pi++;
            if (p.charCodeAt(pi) === s.charCodeAt(si)) matched = true;
          } else if (c === 93) {
            break;
          } else if (pl - pi >= 3 && p.charCodeAt(pi + 1) === 45) {
            let start = c;
            let end = p.charCodeAt(pi + 2);
            let ch = s.charCodeAt(si);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            pi += 2;
            if (ch >= start && ch <= end) matched = true;
          } else if (nocase ? lower(c) === lower(s.charCodeAt(si)) : c === s.charCodeAt(si)) matched = true;
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return 0;
        si++;
        break;
      }
      default: {
        if (pc === 92 && pl - pi >= 2) pi++; // '\\' escapes the next pattern char
        const c = p.charCodeAt(pi);
        const sc = s.charCodeAt(si);
        if (nocase ? lower(c) !== lower(sc) : c !== sc) return 0;
        si++;
        break;
      }
    }
    pi++;
    if (si === sl) {
      while (pi < pl && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === pl && si === sl ? 1 : 0;
}
