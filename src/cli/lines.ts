// Input of `produce`: byte-exact lines of a stream (no decoding, no trimming).
import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

/** Yields each line without its "\n"; a last line without "\n" counts too. */
export async function* readLines(input: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    let start = 0;
    for (let end = data.indexOf(NEWLINE, start); end >= 0; end = data.indexOf(NEWLINE, start)) {
      yield data.subarray(start, end);
      start = end + 1;
    }
    data = data.subarray(start);
    pending = data.length > 0 ? Buffer.from(data) : undefined;
  }
  if (pending !== undefined) yield pending;
}

/** Splits "key<delimiter>value" at the first delimiter; no delimiter means no key. */
export function splitKey(line: Buffer, delimiter: Buffer): { key: Buffer | null; value: Buffer } {
  const at = line.indexOf(delimiter);
  if (at < 0) return { key: null, value: line };
  return { key: line.subarray(0, at), value: line.subarray(at + delimiter.length) };
}
