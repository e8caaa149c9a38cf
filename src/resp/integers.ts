// Redis's strict integer syntax (util.c string2ll), shared by the places that must accept and refuse
// exactly what Redis does: an optional minus, no '+', no spaces, no leading zeros ("-0" included),
// within 64 bits. Replies differ by it ("Invalid client ID" for "007", NOPROTO vs "not an integer").

/** The value of `s` as Redis's string2ll reads it, or null where Redis refuses it. */
export function string2ll(s: string): bigint | null {
  if (s.length > 20 || !/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  return n > 9223372036854775807n || n < -9223372036854775808n ? null : n;
}
