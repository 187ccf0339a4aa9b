// KafkaJS options -> librdkafka config. Every KafkaJS option is either
// mapped to a librdkafka property here, handled by the facade itself, or
// listed as unsupported: the facade then emits ONE process warning naming
// all such options of a client at its construction (never a silent drop).
import type { OAuthBearerToken, OAuthBearerTokenProvider } from '../oauthbearer';
import { KafkaJSNonRetriableError } from './errors';

export type LibrdkafkaConfig = Record<string, string | number | boolean>;

export interface RetryOptions {
  maxRetryTime?: number;
  initialRetryTime?: number;
  factor?: number;
  multiplier?: number;
  retries?: number;
  restartOnFailure?: (error: Error) => Promise<boolean>;
}

export interface SASLOptions {
  mechanism: string;
  username?: string;
  password?: string;
  oauthBearerProvider?: () => Promise<{ value: string }>;
  [key: string]: unknown;
}

export interface SSLOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer | Array<string | Buffer>;
  key?: string | Buffer | Array<string | Buffer>;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  [key: string]: unknown;
}

export interface KafkaConfig {
  brokers: string[] | (() => string[] | Promise<string[]>);
  clientId?: string;
  ssl?: boolean | SSLOptions;
  sasl?: SASLOptions;
  connectionTimeout?: number;
  authenticationTimeout?: number;
  reauthenticationThreshold?: number;
  requestTimeout?: number;
  enforceRequestTimeout?: boolean;
  retry?: RetryOptions;
  logLevel?: number;
  logCreator?: unknown;
  socketFactory?: unknown;
}

/** What one group of options became. */
export interface MappedConfig {
  config: LibrdkafkaConfig;
  /** "option: why", for options with no librdkafka equivalent. */
  unsupported: string[];
  oauthBearerTokenProvider?: OAuthBearerTokenProvider;
}

const SASL_MECHANISMS: Record<string, string> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
  oauthbearer: 'OAUTHBEARER',
};

// TLS options librdkafka takes (as PEM strings); others of tls.connect have no equivalent.
const SSL_HANDLED = new Set(['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized']);

function pem(value: string | Buffer | Array<string | Buffer>): string {
  return (Array.isArray(value) ? value : [value]).map((item) => item.toString()).join('\n');
}

/** The options of `new Kafka()` shared by every client it creates (brokers are resolved at connect). */
export function mapKafkaConfig(options: KafkaConfig): MappedConfig {
  const config: LibrdkafkaConfig = {};
  const unsupported: string[] = [];
  if (options.clientId !== undefined) config['client.id'] = options.clientId;
  const secure = options.ssl !== undefined && options.ssl !== false;
  if (typeof options.ssl === 'object') {
    const ssl = options.ssl;
    if (ssl.ca !== undefined) config['ssl.ca.pem'] = pem(ssl.ca);
    if (ssl.cert !== undefined) config['ssl.certificate.pem'] = pem(ssl.cert);
    if (ssl.key !== undefined) config['ssl.key.pem'] = pem(ssl.key);
    if (ssl.passphrase !== undefined) config['ssl.key.password'] = ssl.passphrase;
    if (ssl.rejectUnauthorized === false) {
      config['enable.ssl.certificate.verification'] = false;
      config['ssl.endpoint.identification.algorithm'] = 'none';
    }
    for (const key of Object.keys(ssl)) {
      if (!SSL_HANDLED.has(key))
        unsupported.push(`ssl.${key}: librdkafka's TLS takes ca, cert, key, passphrase, rejectUnauthorized only`);
    }
  }
  if (options.sasl !== undefined) {
    const sasl = options.sasl;
    const mechanism = SASL_MECHANISMS[String(sasl.mechanism).toLowerCase()];
    if (mechanism === undefined) {
      throw new KafkaJSNonRetriableError(
        `SASL mechanism "${sasl.mechanism}" is not supported by rdkafka-napi/kafkajs: use plain, scram-sha-256, scram-sha-512 or oauthbearer ` +
          '(for AWS IAM, an oauthbearer provider that signs MSK IAM tokens)',
      );
    }
    config['security.protocol'] = secure ? 'sasl_ssl' : 'sasl_plaintext';
    config['sasl.mechanisms'] = mechanism;
    if (mechanism === 'OAUTHBEARER') {
      if (typeof sasl.oauthBearerProvider !== 'function') {
        throw new KafkaJSNonRetriableError(
          'sasl.oauthBearerProvider must be a function returning { value: token } for mechanism oauthbearer',
        );
      }
      const provider = sasl.oauthBearerProvider;
      return finish({ config, unsupported, oauthBearerTokenProvider: async () => toOAuthToken(await provider()) }, options);
    }
    if (sasl.username !== undefined) config['sasl.username'] = sasl.username;
    if (sasl.password !== undefined) config['sasl.password'] = sasl.password;
  } else if (secure) {
    config['security.protocol'] = 'ssl';
  }
  return finish({ config, unsupported }, options);
}

const KAFKA_KNOWN = new Set([
  'brokers',
  'clientId',
  'ssl',
  'sasl',
  'connectionTimeout',
  'authenticationTimeout',
  'reauthenticationThreshold',
  'requestTimeout',
  'enforceRequestTimeout',
  'retry',
  'logLevel',
  'logCreator',
  'socketFactory',
]);

function finish(mapped: MappedConfig, options: KafkaConfig): MappedConfig {
  const { config, unsupported } = mapped;
  for (const key of Object.keys(options)) {
    if (!KAFKA_KNOWN.has(key)) unsupported.push(`${key}: not a KafkaJS Kafka option`);
  }
  if (options.connectionTimeout !== undefined)
    config['socket.connection.setup.timeout.ms'] = Math.max(1000, options.connectionTimeout);
  if (options.requestTimeout !== undefined) config['socket.timeout.ms'] = Math.max(10, options.requestTimeout);
  if (options.authenticationTimeout !== undefined) {
    unsupported.push(
      'authenticationTimeout: librdkafka bounds authentication by socket.connection.setup.timeout.ms (connectionTimeout)',
    );
  }
  if (options.reauthenticationThreshold !== undefined) {
    unsupported.push('reauthenticationThreshold: librdkafka re-authenticates by itself before the session expires (KIP-368)');
  }
  if (options.enforceRequestTimeout === false)
    unsupported.push('enforceRequestTimeout: false: librdkafka always enforces request timeouts');
  if (options.socketFactory !== undefined) unsupported.push('socketFactory: librdkafka opens its own sockets');
  mapRetry(options.retry, 'retry', config, unsupported);
  return mapped;
}

/** retry: the backoff bounds map; the shape of KafkaJS's backoff (factor, multiplier) does not. */
export function mapRetry(retry: RetryOptions | undefined, prefix: string, config: LibrdkafkaConfig, unsupported: string[]): void {
  if (retry === undefined) return;
  if (retry.initialRetryTime !== undefined) config['retry.backoff.ms'] = Math.max(1, retry.initialRetryTime);
  if (retry.maxRetryTime !== undefined) config['retry.backoff.max.ms'] = Math.max(1, retry.maxRetryTime);
  if (retry.factor !== undefined) unsupported.push(`${prefix}.factor: librdkafka's backoff jitter is fixed at 20%`);
  if (retry.multiplier !== undefined) unsupported.push(`${prefix}.multiplier: librdkafka doubles its backoff each retry`);
  if (retry.restartOnFailure !== undefined) {
    unsupported.push(`${prefix}.restartOnFailure: librdkafka's consumer recovers by itself; a crashed run() is not restarted`);
  }
}

// KafkaJS's provider gives only the token; librdkafka also needs its lifetime
// and principal: read from the JWT when it is one, else one hour / "kafkajs".
function toOAuthToken(answer: { value: string }): OAuthBearerToken {
  const token = answer?.value;
  let lifetimeMs = Date.now() + 3_600_000;
  let principal = 'kafkajs';
  const payload = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (payload !== undefined) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number; sub?: string };
      if (typeof claims.exp === 'number') lifetimeMs = claims.exp * 1000;
      if (typeof claims.sub === 'string' && claims.sub !== '') principal = claims.sub;
    } catch {
      // not a JWT: keep the defaults
    }
  }
  return { token, lifetimeMs, principal };
}

export interface ProducerConfig {
  createPartitioner?: unknown;
  retry?: RetryOptions;
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  idempotent?: boolean;
  transactionalId?: string;
  transactionTimeout?: number;
  /** Default 5 (KafkaJS: no limit); null or 0: no limit, as in KafkaJS. */
  maxInFlightRequests?: number | null;
}

const PRODUCER_KNOWN = new Set([
  'createPartitioner',
  'retry',
  'metadataMaxAge',
  'allowAutoTopicCreation',
  'idempotent',
  'transactionalId',
  'transactionTimeout',
  'maxInFlightRequests',
]);

// librdkafka sends as soon as it can (the facade's linger.ms is 0), so while
// requests are in flight each message of a send() could be a request of its
// own; a few in flight make the rest wait and share one, as KafkaJS's one
// request per send() does. 5 is the Java producer's default. KafkaJS's
// "falsy: no limit" maps to librdkafka's largest value, except for an
// idempotent producer, which librdkafka allows 5 at most.
const DEFAULT_PRODUCER_IN_FLIGHT = 5;
const UNLIMITED_IN_FLIGHT = 1_000_000;

function producerInFlightLimit(maxInFlightRequests: number | null | undefined, idempotent: boolean): number {
  if (maxInFlightRequests === undefined) return DEFAULT_PRODUCER_IN_FLIGHT;
  if (maxInFlightRequests) return maxInFlightRequests;
  return idempotent ? DEFAULT_PRODUCER_IN_FLIGHT : UNLIMITED_IN_FLIGHT;
}

export function mapProducerConfig(options: ProducerConfig & Record<string, unknown>): MappedConfig {
  const config: LibrdkafkaConfig = {};
  const unsupported: string[] = [];
  if (options.metadataMaxAge !== undefined) config['topic.metadata.refresh.interval.ms'] = options.metadataMaxAge;
  if (options.allowAutoTopicCreation !== undefined) config['allow.auto.create.topics'] = options.allowAutoTopicCreation;
  // A transactional producer is idempotent, as in KafkaJS.
  const idempotent = Boolean(options.idempotent) || options.transactionalId !== undefined;
  if (idempotent) config['enable.idempotence'] = true;
  if (options.transactionalId !== undefined) config['transactional.id'] = options.transactionalId;
  if (options.transactionTimeout !== undefined) config['transaction.timeout.ms'] = options.transactionTimeout;
  config['max.in.flight.requests.per.connection'] = producerInFlightLimit(options.maxInFlightRequests, idempotent);
  if (options.retry?.retries !== undefined) config['message.send.max.retries'] = options.retry.retries;
  mapRetry(options.retry, 'producer retry', config, unsupported);
  for (const key of Object.keys(options)) {
    if (!PRODUCER_KNOWN.has(key)) unsupported.push(`${key}: not a KafkaJS producer option`);
  }
  return { config, unsupported };
}

export interface ConsumerConfig {
  groupId: string;
  partitionAssigners?: unknown[];
  metadataMaxAge?: number;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  maxBytesPerPartition?: number;
  minBytes?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
  retry?: RetryOptions;
  allowAutoTopicCreation?: boolean;
  maxInFlightRequests?: number;
  readUncommitted?: boolean;
  rackId?: string;
}

const CONSUMER_KNOWN = new Set([
  'groupId',
  'partitionAssigners',
  'metadataMaxAge',
  'sessionTimeout',
  'rebalanceTimeout',
  'heartbeatInterval',
  'maxBytesPerPartition',
  'minBytes',
  'maxBytes',
  'maxWaitTimeInMs',
  'retry',
  'allowAutoTopicCreation',
  'maxInFlightRequests',
  'readUncommitted',
  'rackId',
]);

/** The name a KafkaJS assigner carries, mapped to librdkafka's strategy names. */
const ASSIGNERS: Record<string, string> = {
  RoundRobinAssigner: 'roundrobin',
  RangeAssigner: 'range',
  CooperativeStickyAssigner: 'cooperative-sticky',
};

export function mapConsumerConfig(options: ConsumerConfig & Record<string, unknown>): MappedConfig {
  const config: LibrdkafkaConfig = {};
  const unsupported: string[] = [];
  config['group.id'] = options.groupId;
  if (options.sessionTimeout !== undefined) config['session.timeout.ms'] = options.sessionTimeout;
  // librdkafka sends max.poll.interval.ms as the JoinGroup rebalance timeout.
  if (options.rebalanceTimeout !== undefined)
    config['max.poll.interval.ms'] = Math.max(options.rebalanceTimeout, options.sessionTimeout ?? 0);
  if (options.heartbeatInterval !== undefined) config['heartbeat.interval.ms'] = options.heartbeatInterval;
  if (options.metadataMaxAge !== undefined) config['topic.metadata.refresh.interval.ms'] = options.metadataMaxAge;
  if (options.maxBytesPerPartition !== undefined) config['max.partition.fetch.bytes'] = options.maxBytesPerPartition;
  if (options.minBytes !== undefined) config['fetch.min.bytes'] = options.minBytes;
  if (options.maxBytes !== undefined) config['fetch.max.bytes'] = options.maxBytes;
  if (options.maxWaitTimeInMs !== undefined) config['fetch.wait.max.ms'] = options.maxWaitTimeInMs;
  // KafkaJS's consumer creates missing topics unless told not to; librdkafka's does not by default.
  config['allow.auto.create.topics'] = options.allowAutoTopicCreation ?? true;
  if (options.maxInFlightRequests !== undefined && options.maxInFlightRequests !== null) {
    config['max.in.flight.requests.per.connection'] = options.maxInFlightRequests;
  }
  config['isolation.level'] = options.readUncommitted ? 'read_uncommitted' : 'read_committed';
  if (options.rackId !== undefined) config['client.rack'] = options.rackId;
  if (options.partitionAssigners !== undefined) {
    const names: string[] = [];
    for (const assigner of options.partitionAssigners) {
      const name = (assigner as { assignerName?: string })?.assignerName;
      const strategy = name === undefined ? undefined : ASSIGNERS[name];
      if (strategy === undefined) {
        unsupported.push(
          'partitionAssigners: custom assigners: librdkafka assigns partitions itself (roundrobin, range, cooperative-sticky)',
        );
      } else names.push(strategy);
    }
    if (names.length > 0) config['partition.assignment.strategy'] = names.join(',');
  }
  mapRetry(options.retry, 'consumer retry', config, unsupported);
  for (const key of Object.keys(options)) {
    if (!CONSUMER_KNOWN.has(key)) unsupported.push(`${key}: not a KafkaJS consumer option`);
  }
  return { config, unsupported };
}

/** The one warning for a client's options that have no librdkafka equivalent. */
export function warnUnsupported(client: string, unsupported: string[]): void {
  if (unsupported.length === 0) return;
  process.emitWarning(
    `rdkafka-napi/kafkajs ${client}: ${unsupported.length === 1 ? 'this option has' : 'these options have'} no effect: ${unsupported.join('; ')}`,
    { type: 'KafkaJSCompatibilityWarning', code: 'RDKAFKA_NAPI_KAFKAJS_UNSUPPORTED' },
  );
}
