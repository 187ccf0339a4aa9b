// Argument checks that name the parameter, what was expected and what came,
// e.g. `Expected a non-negative integer for partition but received -2 (number)`.

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  const type = typeof value;
  if (type === 'string') return `"${String(value).slice(0, 40)}" (string)`;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return `${String(value)} (${type})`;
  if (type === 'object') return `an object of type ${(value as object).constructor?.name ?? 'Object'}`;
  return `a ${type}`;
}

export function invalid(parameter: string, expected: string, received: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${parameter} but received ${describe(received)}`);
}

export function expectObject(parameter: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(parameter, 'an object', value);
}

/**
 * Refuses a key the object's type does not have: a misspelt or foreign option
 * (e.g. KafkaJS's numPartitions) would otherwise be ignored and its default
 * used silently. `hints` names what to use instead of a known foreign key.
 */
export function expectKnownKeys(
  parameter: string,
  value: Record<string, unknown>,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key) || value[key] === undefined) continue;
    const instead = Object.hasOwn(hints, key) ? `: use ${hints[key]}` : '';
    throw new TypeError(`${parameter}.${key} is not an option here (known: ${known.join(', ')})${instead}`);
  }
}

export function expectInteger(parameter: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw invalid(parameter, range, value);
  }
  return value;
}

// Kafka's own rule for topic names (legal characters, at most 249 of them).
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function expectTopicName(parameter: string, value: unknown): string {
  if (typeof value !== 'string' || !TOPIC_NAME.test(value) || value === '.' || value === '..') {
    throw invalid(parameter, "a topic name of 1-249 characters from [a-zA-Z0-9._-] (not '.' or '..')", value);
  }
  return value;
}

/** Bytes a message key, value or header value may be given as. */
export type MessageBytes = Buffer | Uint8Array | string | null;

export function isMessageBytes(value: unknown): boolean {
  return value == null || typeof value === 'string' || value instanceof Uint8Array;
}

export function expectMessageBytes(parameter: string, value: unknown): void {
  if (!isMessageBytes(value)) throw invalid(parameter, 'a Buffer, Uint8Array, string or null', value);
}
