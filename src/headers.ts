// Message headers: several values per name allowed, binary values kept byte for byte.
import { invalid, isMessageBytes, type MessageBytes } from './validation';

/** Headers as given to produce: an object (a value or a list of values per name) or [name, value] pairs. */
export type MessageHeaders = Record<string, MessageBytes | MessageBytes[]> | Array<[string, MessageBytes]>;

/** A header as consumed: the value's bytes exactly as stored, or null. */
export interface MessageHeader {
  key: string;
  value: Buffer | null;
}

// The native side takes one flat [name, value, name, value, ...] array.
export function flattenHeaders(headers: MessageHeaders): unknown[] {
  const flat: unknown[] = [];
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string') throw invalid('message.headers name', 'a string', name);
    // librdkafka hands header names back as C strings: a NUL would cut the name short.
    if (name.includes('\u0000')) throw invalid('message.headers name', 'a string without NUL characters', name);
    if (!isMessageBytes(value)) throw invalid(`message.headers["${name}"]`, 'a Buffer, Uint8Array, string or null', value);
    flat.push(name, value ?? null);
  };
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) throw invalid('message.headers entry', 'a [name, value] pair', pair);
      add(pair[0], pair[1]);
    }
  } else if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(value)) for (const item of value) add(name, item);
      else add(name, value);
    }
  } else {
    throw invalid('message.headers', 'an object or an array of [name, value] pairs', headers);
  }
  return flat;
}
