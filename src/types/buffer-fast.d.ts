// Node's Buffer has fast latin1 slice/write methods that @types/node does not declare. They are the
// cheapest way to move bytes between Buffers and one-byte-per-char JS strings (the store's key and
// value representation), so we declare them here.
export {};
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}
