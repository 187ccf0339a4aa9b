// KafkaJS's error classes, and the mapping from our KafkaError (librdkafka
// codes) to them. Every error thrown by the facade is a KafkaJSError whose
// `cause` is the KafkaError it came from, so nothing of librdkafka's detail
// (errno, fatal, txnRequiresAbort) is lost.
import { ErrorCodes } from '../generated/error-codes';
import { KafkaError } from '../kafka-error';

export interface KafkaJSErrorOptions {
  retriable?: boolean;
  cause?: unknown;
}

export class KafkaJSError extends Error {
  readonly retriable: boolean;
  readonly helpUrl?: string;
  /** The librdkafka error name when the error came from librdkafka, e.g. `_TRANSPORT`. */
  readonly code?: string;

  constructor(messageOrError: string | Error, options: KafkaJSErrorOptions = {}) {
    const message = typeof messageOrError === 'string' ? messageOrError : messageOrError.message;
    const cause = options.cause ?? (typeof messageOrError === 'string' ? undefined : messageOrError);
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'KafkaJSError';
    this.retriable = options.retriable ?? true;
    if (cause instanceof KafkaError) this.code = cause.code;
  }
}

export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(messageOrError: string | Error, options: Omit<KafkaJSErrorOptions, 'retriable'> = {}) {
    super(messageOrError, { ...options, retriable: false });
    this.name = 'KafkaJSNonRetriableError';
  }
}

// Protocol error codes whose librdkafka name differs from the one KafkaJS
// gives them (the protocol's own name); the others are the same.
const KAFKAJS_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [2, 'CORRUPT_MESSAGE'],
  [3, 'UNKNOWN_TOPIC_OR_PARTITION'],
  [4, 'INVALID_FETCH_SIZE'],
  [10, 'MESSAGE_TOO_LARGE'],
  [11, 'STALE_CONTROLLER_EPOCH'],
  [14, 'GROUP_LOAD_IN_PROGRESS'],
  [15, 'GROUP_COORDINATOR_NOT_AVAILABLE'],
  [16, 'NOT_COORDINATOR_FOR_GROUP'],
  [17, 'INVALID_TOPIC_EXCEPTION'],
]);

/** A broker answered with an error code: `type` is KafkaJS's name for it (e.g. TOPIC_ALREADY_EXISTS). */
export class KafkaJSProtocolError extends KafkaJSError {
  readonly type: string;
  /** The Kafka protocol error code (the positive librdkafka errno). */
  readonly errorCode: number;

  constructor(error: KafkaError, options: KafkaJSErrorOptions = {}) {
    super(error, { retriable: error.retriable, ...options });
    this.name = 'KafkaJSProtocolError';
    this.type = KAFKAJS_TYPE_NAMES.get(error.errno) ?? error.code.replace(/^_/, '');
    this.errorCode = error.errno;
  }
}

export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  readonly topic?: string;
  readonly partition?: number;
  constructor(error: KafkaError, where: { topic?: string; partition?: number } = {}) {
    super(error);
    this.name = 'KafkaJSOffsetOutOfRange';
    this.topic = where.topic;
    this.partition = where.partition;
  }
}

export class KafkaJSCreateTopicError extends KafkaJSProtocolError {
  readonly topic: string;
  constructor(error: KafkaError, topic: string) {
    super(error);
    this.name = 'KafkaJSCreateTopicError';
    this.topic = topic;
  }
}

export class KafkaJSConnectionError extends KafkaJSError {
  readonly broker?: string;
  constructor(messageOrError: string | Error, options: KafkaJSErrorOptions & { broker?: string } = {}) {
    super(messageOrError, options);
    this.name = 'KafkaJSConnectionError';
    this.broker = options.broker;
  }
}

export class KafkaJSConnectionClosedError extends KafkaJSConnectionError {
  constructor(messageOrError: string | Error, options: KafkaJSErrorOptions & { broker?: string } = {}) {
    super(messageOrError, options);
    this.name = 'KafkaJSConnectionClosedError';
  }
}

export class KafkaJSRequestTimeoutError extends KafkaJSError {
  constructor(messageOrError: string | Error, options: KafkaJSErrorOptions = {}) {
    super(messageOrError, options);
    this.name = 'KafkaJSRequestTimeoutError';
  }
}

export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {
  constructor(messageOrError: string | Error, options: Omit<KafkaJSErrorOptions, 'retriable'> = {}) {
    super(messageOrError, options);
    this.name = 'KafkaJSSASLAuthenticationError';
  }
}

export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  readonly retryCount: number;
  readonly retryTime: number;
  constructor(error: Error, details: { retryCount: number; retryTime: number }) {
    super(error, { cause: error });
    this.name = 'KafkaJSNumberOfRetriesExceeded';
    this.retryCount = details.retryCount;
    this.retryTime = details.retryTime;
  }
}

// Classes that only carry a name (and KafkaJS's retriable default).
function named(name: string, retriable: boolean) {
  const Base = retriable ? KafkaJSError : KafkaJSNonRetriableError;
  return class extends Base {
    constructor(messageOrError: string | Error, options: KafkaJSErrorOptions = {}) {
      super(messageOrError, retriable ? options : { cause: options.cause });
      this.name = name;
    }
  };
}

export class KafkaJSMetadataNotLoaded extends named('KafkaJSMetadataNotLoaded', true) {}
export class KafkaJSTopicMetadataNotLoaded extends named('KafkaJSTopicMetadataNotLoaded', true) {}
export class KafkaJSStaleTopicMetadataAssignment extends named('KafkaJSStaleTopicMetadataAssignment', true) {}
export class KafkaJSBrokerNotFound extends named('KafkaJSBrokerNotFound', true) {}
export class KafkaJSNoBrokerAvailableError extends named('KafkaJSNoBrokerAvailableError', true) {}
export class KafkaJSGroupCoordinatorNotFound extends named('KafkaJSGroupCoordinatorNotFound', false) {}
export class KafkaJSNotImplemented extends named('KafkaJSNotImplemented', false) {}
export class KafkaJSTimeout extends named('KafkaJSTimeout', false) {}
export class KafkaJSLockTimeout extends named('KafkaJSLockTimeout', false) {}
export class KafkaJSServerDoesNotSupportApiKey extends named('KafkaJSServerDoesNotSupportApiKey', false) {}
export class KafkaJSPartialMessageError extends named('KafkaJSPartialMessageError', false) {}
export class KafkaJSInvariantViolation extends named('KafkaJSInvariantViolation', false) {}

export class KafkaJSDeleteGroupsError extends KafkaJSError {
  readonly groups: Array<{ groupId: string; errorCode: number; error: KafkaJSError }>;
  constructor(message: string, groups: KafkaJSDeleteGroupsError['groups']) {
    super(message, { retriable: groups.every(({ error }) => error.retriable) });
    this.name = 'KafkaJSDeleteGroupsError';
    this.groups = groups;
  }
}

export class KafkaJSDeleteTopicRecordsError extends KafkaJSError {
  readonly partitions: Array<{ partition: number; offset: string; error: KafkaJSError }>;
  constructor(partitions: KafkaJSDeleteTopicRecordsError['partitions']) {
    super('Error while deleting records', { retriable: partitions.every(({ error }) => error.retriable) });
    this.name = 'KafkaJSDeleteTopicRecordsError';
    this.partitions = partitions;
  }
}

export class KafkaJSAggregateError extends Error {
  readonly errors: Error[];
  constructor(message: string, errors: Error[]) {
    super(message);
    this.name = 'KafkaJSAggregateError';
    this.errors = errors;
  }
}

const CONNECTION_CODES = new Set<number>([
  ErrorCodes._TRANSPORT,
  ErrorCodes._ALL_BROKERS_DOWN,
  ErrorCodes._RESOLVE,
  ErrorCodes._SSL,
]);
const TIMEOUT_CODES = new Set<number>([ErrorCodes._TIMED_OUT, ErrorCodes._MSG_TIMED_OUT, ErrorCodes.REQUEST_TIMED_OUT]);
const SASL_CODES = new Set<number>([
  ErrorCodes._AUTHENTICATION,
  ErrorCodes.SASL_AUTHENTICATION_FAILED,
  ErrorCodes.UNSUPPORTED_SASL_MECHANISM,
  ErrorCodes.ILLEGAL_SASL_STATE,
]);

/**
 * The KafkaJS error for any error our clients raise: broker codes become
 * KafkaJSProtocolError (type = the protocol name), connection and timeout
 * conditions their KafkaJS classes, TypeErrors stay as they are (bad
 * arguments), and anything else a KafkaJSError; `retriable` is kept.
 */
export function toKafkaJSError(error: unknown, where: { topic?: string; partition?: number } = {}): Error {
  if (error instanceof KafkaJSError || error instanceof TypeError || error instanceof KafkaJSAggregateError) return error;
  if (!(error instanceof KafkaError)) {
    return error instanceof Error ? new KafkaJSError(error, { retriable: false }) : new KafkaJSError(String(error));
  }
  const options = { retriable: error.retriable, cause: error };
  if (SASL_CODES.has(error.errno)) return new KafkaJSSASLAuthenticationError(error.message, { cause: error });
  if (CONNECTION_CODES.has(error.errno)) return new KafkaJSConnectionError(error.message, options);
  if (TIMEOUT_CODES.has(error.errno)) return new KafkaJSRequestTimeoutError(error.message, options);
  if (error.errno === ErrorCodes.OFFSET_OUT_OF_RANGE) return new KafkaJSOffsetOutOfRange(error, where);
  if (error.errno > 0) return new KafkaJSProtocolError(error);
  return error.retriable ? new KafkaJSError(error.message, options) : new KafkaJSNonRetriableError(error.message, options);
}

/** KafkaJS's own check: is this error one of its classes? */
export function isKafkaJSError(error: unknown): error is KafkaJSError {
  return error instanceof KafkaJSError;
}

const REBALANCING_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'ILLEGAL_GENERATION',
]);

/** KafkaJS's check for errors that mean the group is rebalancing. */
export function isRebalancing(error: unknown): boolean {
  return error instanceof KafkaJSProtocolError && REBALANCING_TYPES.has(error.type);
}

/** Runs an operation of our clients and rethrows its failure as a KafkaJS error. */
export async function asKafkaJS<T>(operation: () => Promise<T> | T, where?: { topic?: string; partition?: number }): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toKafkaJSError(error, where);
  }
}
