// The one error class every failing call, callback and promise uses.
import { type ErrorCodeName, errorDescriptions, errorNames } from './generated/error-codes';

export interface KafkaErrorDetails {
  /** librdkafka's error number (negative: raised by librdkafka; positive: by the broker). */
  errno: number;
  retriable?: boolean;
  fatal?: boolean;
  txnRequiresAbort?: boolean;
  /** librdkafka's own text for the error code. */
  librdkafkaMessage?: string;
  cause?: unknown;
}

// Conditions that may clear by themselves, so retrying the same call can succeed.
// Broker codes follow the Kafka protocol's retriable errors; the rest are
// librdkafka's transient local conditions.
const RETRIABLE = new Set<string>([
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PART',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NOT_CONTROLLER',
  'KAFKA_STORAGE_ERROR',
  'FETCH_SESSION_ID_NOT_FOUND',
  'INVALID_FETCH_SESSION_EPOCH',
  'LISTENER_NOT_FOUND',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'CONCURRENT_TRANSACTIONS',
  'UNSTABLE_OFFSET_COMMIT',
  'THROTTLING_QUOTA_EXCEEDED',
  'REBALANCE_IN_PROGRESS',
  '_TRANSPORT',
  '_MSG_TIMED_OUT',
  '_TIMED_OUT',
  '_QUEUE_FULL',
  '_ALL_BROKERS_DOWN',
  '_WAIT_COORD',
  '_TIMED_OUT_QUEUE',
  '_PURGE_QUEUE',
  '_RESOLVE',
  '_LEADER_NOT_AVAILABLE',
  '_NOT_COORDINATOR',
]);

export class KafkaError extends Error {
  /** librdkafka's error name, e.g. `_QUEUE_FULL` or `TOPIC_AUTHORIZATION_FAILED`. */
  readonly code: ErrorCodeName | string;
  /** librdkafka's error number. */
  readonly errno: number;
  /** Retrying the same operation may succeed. */
  readonly retriable: boolean;
  /** The client can no longer be used: close it and create a new one. */
  readonly fatal: boolean;
  /** A transactional producer must abort the current transaction. */
  readonly txnRequiresAbort: boolean;
  /** librdkafka's own description of the code. */
  readonly librdkafkaMessage: string;

  constructor(message: string, details: KafkaErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'KafkaError';
    this.errno = details.errno;
    this.code = errorNames.get(details.errno) ?? `ERRNO_${details.errno}`;
    this.fatal = details.fatal ?? false;
    this.retriable = details.retriable ?? (!this.fatal && RETRIABLE.has(this.code));
    this.txnRequiresAbort = details.txnRequiresAbort ?? false;
    this.librdkafkaMessage = details.librdkafkaMessage ?? errorDescriptions.get(details.errno) ?? '';
  }

  /** An error for a code, with librdkafka's description when no message is given. */
  static fromCode(errno: number, message?: string, details: Omit<KafkaErrorDetails, 'errno'> = {}): KafkaError {
    const description = errorDescriptions.get(errno) ?? `librdkafka error ${errno}`;
    return new KafkaError(message ?? description, { ...details, errno });
  }
}
