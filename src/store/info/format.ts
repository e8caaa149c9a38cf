// Formatting shared by the INFO section builders: a section is a list of name/value fields printed as
// "name:value\r\n" under "# Title\r\n", and byte counts are shown the way Redis's bytesToHuman does.

/** One INFO section's fields, in print order. */
export type Fields = Array<[string, string | number]>;

/** Renders one section ("# Title\r\n" then one line per field). */
export function renderSection(title: string, fields: Fields): string {
  let out = `# ${title}\r\n`;
  for (const [k, v] of fields) out += `${k}:${v}\r\n`;
  return out;
}

/** Redis's bytesToHuman: "123B", "1.50K", "2.00M", ... with two decimals. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  if (n < 1024) return `${Math.floor(n)}B`;
  let d = n / 1024;
  let i = 0;
  while (d >= 1024 && i < units.length - 1) {
    d /= 1024;
    i++;
  }
  return `${d.toFixed(2)}${units[i]}`;
}

/** "%.2f" as C prints it. */
export function f2(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '0.00';
}

/** A CPU time in microseconds as "%ld.%06ld" seconds. */
export function cpuSeconds(usec: number): string {
  return `${Math.floor(usec / 1e6)}.${String(Math.floor(usec % 1e6)).padStart(6, '0')}`;
}
