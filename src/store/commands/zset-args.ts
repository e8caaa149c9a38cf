// Argument parsing for the sorted set commands, as t_zset.c parses them: scores (getDoubleFromObject:
// strtod with no leading space, no overflow, no NaN), score ranges (zslParseRange: strtod with an
// optional "(" and nothing else checked but NaN and trailing bytes) and lex ranges
// (zslParseLexRangeItem: "-", "+", "(x", "[x").

const SPACE = /^[ \t\n\v\f\r]*/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const HEX = /^[+-]?0[xX][0-9a-fA-F]+/;
const INFNAN = /^[+-]?(infinity|inf|nan)/i;

/**
 * C's strtod over a whole string: the value and whether the parse consumed every byte. `erange`
 * reports overflow or underflow (ERANGE), which getDoubleFromObject refuses.
 */
export function strtod(s: string): { value: number; complete: boolean; erange: boolean } {
  const lead = SPACE.exec(s)![0].length;
  const rest = s.slice(lead);
  let m = INFNAN.exec(rest);
  if (m) {
    const word = m[0].replace(/^[+-]/, '').toLowerCase();
    const neg = m[0][0] === '-';
    const value = word === 'nan' ? NaN : neg ? -Infinity : Infinity;
    return { value, complete: lead + m[0].length === s.length, erange: false };
  }
  m = HEX.exec(rest);
  if (m) {
    const neg = m[0][0] === '-';
    const v = Number(m[0].replace(/^[+-]/, ''));
    return { value: neg ? -v : v, complete: lead + m[0].length === s.length, erange: !Number.isFinite(v) };
  }
  m = DECIMAL.exec(rest);
  if (!m) return { value: 0, complete: s.length === 0, erange: false };
  const v = Number(m[0]);
  const erange = !Number.isFinite(v) || (v === 0 && /[1-9]/.test(m[0].replace(/[eE].*$/, '')));
  return { value: v, complete: lead + m[0].length === s.length, erange };
}

/** A score or weight argument (getDoubleFromObject), or null when Redis refuses it. */
export function parseScore(s: string): number | null {
  if (s.length === 0) return null;
  const c = s.charCodeAt(0);
  if (c === 32 || (c >= 9 && c <= 13)) return null;
  const r = strtod(s);
  if (!r.complete || r.erange || Number.isNaN(r.value)) return null;
  return r.value;
}

/** A score range: [min, max] with exclusive ends. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function parseRangeEnd(s: string): { v: number; ex: boolean } | null {
  const ex = s.charCodeAt(0) === 40; /* ( */
  const r = strtod(ex ? s.slice(1) : s);
  if (!r.complete || Number.isNaN(r.value)) return null;
  return { v: r.value, ex };
}

/** zslParseRange; null means "ERR min or max is not a float". */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const a = parseRangeEnd(min);
  const b = parseRangeEnd(max);
  if (!a || !b) return null;
  return { min: a.v, minex: a.ex, max: b.v, maxex: b.ex };
}

/** One end of a lex range: -inf ("-"), +inf ("+") or a member, inclusive or exclusive. */
export interface LexItem {
  kind: 'min' | 'max' | 'value';
  value: string;
  ex: boolean;
}

/** A parsed ZRANGEBYLEX-style range: its two ends (parseLexRange). */
export interface LexRange {
  min: LexItem;
  max: LexItem;
}

function parseLexItem(s: string): LexItem | null {
  switch (s[0]) {
    case '+':
      return s.length === 1 ? { kind: 'max', value: '', ex: true } : null;
    case '-':
      return s.length === 1 ? { kind: 'min', value: '', ex: true } : null;
    case '(':
      return { kind: 'value', value: s.slice(1), ex: true };
    case '[':
      return { kind: 'value', value: s.slice(1), ex: false };
    default:
      return null;
  }
}

/** zslParseLexRange; null means "ERR min or max not valid string range item". */
export function parseLexRange(min: string, max: string): LexRange | null {
  const a = parseLexItem(min);
  const b = parseLexItem(max);
  if (!a || !b) return null;
  return { min: a, max: b };
}

/** Whether member is at or above the range's minimum (zslLexValueGteMin). */
export function lexGteMin(m: string, r: LexRange): boolean {
  const x = r.min;
  if (x.kind === 'min') return true;
  if (x.kind === 'max') return false;
  return x.ex ? m > x.value : m >= x.value;
}

/** Whether member is at or below the range's maximum (zslLexValueLteMax). */
export function lexLteMax(m: string, r: LexRange): boolean {
  const x = r.max;
  if (x.kind === 'max') return true;
  if (x.kind === 'min') return false;
  return x.ex ? m < x.value : m <= x.value;
}

/** Whether the lex range can hold anything (zslParseLexRange callers check zslIsInLexRange). */
export function lexRangeEmpty(r: LexRange): boolean {
  const a = r.min;
  const b = r.max;
  if (a.kind === 'max' || b.kind === 'min') return true;
  if (a.kind === 'min' || b.kind === 'max') return false;
  return a.value > b.value || (a.value === b.value && (a.ex || b.ex));
}

/** Whether a score is at or above the range's minimum (zslValueGteMin). */
export function scoreGteMin(s: number, r: ScoreRange): boolean {
  return r.minex ? s > r.min : s >= r.min;
}

/** Whether a score is at or below the range's maximum (zslValueLteMax). */
export function scoreLteMax(s: number, r: ScoreRange): boolean {
  return r.maxex ? s < r.max : s <= r.max;
}

/** Whether the score range is empty (zslIsInRange's first test). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}
