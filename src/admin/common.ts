// What every admin operation shares: request options (timeout, AbortSignal),
// the enum tables that turn librdkafka's numbers into string unions, and the
// one rule for failures:
//
//   The promise REJECTS when the request as a whole failed: bad arguments
//   (TypeError), a client that is not connected, a timeout or broker failure of
//   the whole request, an option or feature the linked librdkafka lacks, an
//   aborted signal. Otherwise it RESOLVES, and every item Kafka answers for
//   (topic, partition, resource, group, ACL, user) carries `error: KafkaError |
//   null`, so one failed item never hides the others' success.
//
// Operations that fan out one request per group (the group-offset calls)
// apply the same rule per group: that group's whole-request failure becomes
// that group's `error`.
import { expectInteger, expectObject, invalid } from '../validation';

export interface AdminRequestOptions {
  /** How long librdkafka waits for the cluster's answer (default 30 s). */
  timeoutMs?: number;
  /**
   * Rejects the call with an AbortError when aborted. The request already sent
   * is not recalled: it ends in the background within `timeoutMs`.
   */
  signal?: AbortSignal;
}

/** The error an aborted `signal` rejects with; `cause` is the signal's reason. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(what: string, reason: unknown) {
    super(`${what} was aborted`, { cause: reason });
    this.name = 'AbortError';
  }
}

/** The native options object: only the keys an operation takes. */
export type NativeAdminOptions = Record<string, number | boolean | number[]>;

export function requestOptions(
  what: string,
  options: unknown,
  defaultTimeoutMs = 30_000,
): { native: NativeAdminOptions; timeoutMs: number; signal: AbortSignal | undefined; raw: Record<string, unknown> } {
  if (options === undefined) options = {};
  expectObject('options', options);
  const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? defaultTimeoutMs, 1, 2_147_483_647 - 5_000);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', signal);
  if (signal?.aborted) throw new AbortError(what, signal.reason);
  return { native: { timeoutMs }, timeoutMs, signal, raw: options };
}

export function expectBooleanOption(parameter: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(parameter, 'a boolean', value);
  return value;
}

/**
 * Settles with the native request, or rejects with an AbortError as soon as
 * the signal aborts. The native promise is always observed, so a late
 * rejection is never unhandled.
 */
export function abortable<T>(what: string, request: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return request;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError(what, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    request.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function expectNonEmptyArray<T = unknown>(parameter: string, value: unknown, of: string): T[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(parameter, `a non-empty array of ${of}`, value);
  return value as T[];
}

export function expectArray<T = unknown>(parameter: string, value: unknown, of: string): T[] {
  if (!Array.isArray(value)) throw invalid(parameter, `an array of ${of}`, value);
  return value as T[];
}

export function expectNonEmptyString(parameter: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(parameter, 'a non-empty string', value);
  return value;
}

/** A librdkafka enum as a table of string names to numbers. */
export type EnumTable = Readonly<Record<string, number>>;

export function enumValue<T extends EnumTable>(parameter: string, table: T, value: unknown, exclude: string[] = []): number {
  if (typeof value !== 'string' || !(value in table) || exclude.includes(value)) {
    const names = Object.keys(table).filter((name) => !exclude.includes(name));
    throw invalid(parameter, `one of ${names.map((name) => `'${name}'`).join(', ')}`, value);
  }
  return table[value];
}

export function enumName<T extends EnumTable>(table: T, value: number, fallback: keyof T & string): keyof T & string {
  for (const [name, number] of Object.entries(table)) if (number === value) return name;
  return fallback;
}

// librdkafka's rd_kafka_ResourceType_t.
export const ResourceTypes = {
  unknown: 0,
  any: 1,
  topic: 2,
  group: 3,
  broker: 4,
  'transactional-id': 5,
} as const;
export type ResourceType = keyof typeof ResourceTypes;

// rd_kafka_AclOperation_t.
export const AclOperations = {
  unknown: 0,
  any: 1,
  all: 2,
  read: 3,
  write: 4,
  create: 5,
  delete: 6,
  alter: 7,
  describe: 8,
  'cluster-action': 9,
  'describe-configs': 10,
  'alter-configs': 11,
  'idempotent-write': 12,
} as const;
export type AclOperation = keyof typeof AclOperations;

export function aclOperationNames(values: number[] | null | undefined): AclOperation[] | null {
  return values == null ? null : values.map((value) => enumName(AclOperations, value, 'unknown'));
}

/** A broker as admin results name it. */
export interface BrokerNode {
  id: number;
  host: string;
  port: number;
  /** Absent when the broker has none, or with librdkafka < 2.3. */
  rack?: string | null;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function expectTopicPartition(
  parameter: string,
  value: unknown,
  expectTopic: (p: string, v: unknown) => string,
): TopicPartition {
  expectObject(parameter, value);
  return {
    topic: expectTopic(`${parameter}.topic`, value.topic),
    partition: expectInteger(`${parameter}.partition`, value.partition, 0, 2_147_483_647),
  };
}
