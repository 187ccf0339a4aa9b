// How `consume` prints a message: the value alone, a JSON line with its
// metadata, or a kcat-style format string (-f '%t %p %o %k %s\n').
import type { Message } from '../consumer-message';
import { UsageError } from './errors';

export type MessageFormatter = (message: Message) => Buffer | string;

const FORMAT_TOKENS: Record<string, (message: Message) => Buffer | string> = {
  s: (m) => m.value ?? '',
  k: (m) => m.key ?? '',
  S: (m) => String(m.value?.length ?? -1),
  K: (m) => String(m.key?.length ?? -1),
  t: (m) => m.topic,
  p: (m) => String(m.partition),
  o: (m) => String(m.offset),
  T: (m) => String(m.timestamp),
  h: (m) => m.headers.map((header) => `${header.key}=${header.value?.toString() ?? ''}`).join(','),
  '%': () => '%',
};

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };

/** Compiles a format string once; unknown %-tokens are a usage error. */
export function formatString(format: string): MessageFormatter {
  const parts: Array<string | ((message: Message) => Buffer | string)> = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i];
    if (char === '\\' && i + 1 < format.length && format[i + 1] in ESCAPES) {
      literal += ESCAPES[format[++i]];
    } else if (char === '%') {
      const token = format[++i];
      const render = token === undefined ? undefined : FORMAT_TOKENS[token];
      if (render === undefined) {
        throw new UsageError(
          `unknown token %${token ?? ''} in --format; tokens: ${Object.keys(FORMAT_TOKENS)
            .map((t) => `%${t}`)
            .join(' ')}`,
        );
      }
      if (literal) parts.push(literal);
      literal = '';
      parts.push(render);
    } else {
      literal += char;
    }
  }
  if (literal) parts.push(literal);
  return (message) => Buffer.concat(parts.map((part) => toBuffer(typeof part === 'string' ? part : part(message))));
}

/** The value alone, one a line (the default). */
export const valueOnly: MessageFormatter = (message) => (message.value === null ? '\n' : Buffer.concat([message.value, NEWLINE]));

/** One JSON object a line; keys, values and headers as UTF-8 text (null stays null). */
export const jsonLine: MessageFormatter = (message) =>
  `${JSON.stringify({
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    timestampType: message.timestampType,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: message.headers.map((header) => ({ key: header.key, value: header.value?.toString() ?? null })),
  })}\n`;

const NEWLINE = Buffer.from('\n');

function toBuffer(part: Buffer | string): Buffer {
  return typeof part === 'string' ? Buffer.from(part) : part;
}
