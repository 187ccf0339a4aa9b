// KafkaJS options -> librdkafka properties: each mapped option lands on its
// property, and options without an equivalent produce exactly one warning
// that names them all (never a silent drop).
import { afterEach, describe, expect, it } from 'vitest';

import { mapConsumerConfig, mapKafkaConfig, mapProducerConfig } from '../../src/kafkajs/config-mapping';
import { Kafka, KafkaJSNonRetriableError, PartitionAssigners } from '../../src/kafkajs';

describe('new Kafka() options', () => {
  it('maps clientId, timeouts and retry bounds', () => {
    const { config, unsupported } = mapKafkaConfig({
      brokers: ['b:1'],
      clientId: 'svc',
      connectionTimeout: 3000,
      requestTimeout: 25000,
      retry: { initialRetryTime: 100, maxRetryTime: 5000 },
    });
    expect(config).toEqual({
      'client.id': 'svc',
      'socket.connection.setup.timeout.ms': 3000,
      'socket.timeout.ms': 25000,
      'retry.backoff.ms': 100,
      'retry.backoff.max.ms': 5000,
    });
    expect(unsupported).toEqual([]);
  });

  it('maps ssl and each SASL mechanism', () => {
    expect(mapKafkaConfig({ brokers: [], ssl: true }).config['security.protocol']).toBe('ssl');
    const tls = mapKafkaConfig({
      brokers: [],
      ssl: { ca: ['A', 'B'], cert: 'C', key: 'K', passphrase: 'p', rejectUnauthorized: false },
    });
    expect(tls.config).toMatchObject({
      'security.protocol': 'ssl',
      'ssl.ca.pem': 'A\nB',
      'ssl.certificate.pem': 'C',
      'ssl.key.pem': 'K',
      'ssl.key.password': 'p',
      'enable.ssl.certificate.verification': false,
    });
    for (const [mechanism, name] of [
      ['plain', 'PLAIN'],
      ['scram-sha-256', 'SCRAM-SHA-256'],
      ['scram-sha-512', 'SCRAM-SHA-512'],
    ]) {
      const { config } = mapKafkaConfig({ brokers: [], ssl: true, sasl: { mechanism, username: 'u', password: 'p' } });
      expect(config).toMatchObject({
        'security.protocol': 'sasl_ssl',
        'sasl.mechanisms': name,
        'sasl.username': 'u',
        'sasl.password': 'p',
      });
    }
    const oauth = mapKafkaConfig({
      brokers: [],
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 't' }) },
    });
    expect(oauth.config).toMatchObject({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': 'OAUTHBEARER' });
    expect(typeof oauth.oauthBearerTokenProvider).toBe('function');
  });

  it('an oauthbearer provider’s JWT gives the token lifetime and principal', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const payload = Buffer.from(JSON.stringify({ sub: 'svc-user', exp })).toString('base64url');
    const jwt = `e30.${payload}.sig`;
    const { oauthBearerTokenProvider } = mapKafkaConfig({
      brokers: [],
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: jwt }) },
    });
    expect(await oauthBearerTokenProvider!('')).toEqual({ token: jwt, lifetimeMs: exp * 1000, principal: 'svc-user' });
  });

  it('an unsupported SASL mechanism is refused at construction with what to use instead', () => {
    expect(() => new Kafka({ brokers: ['b:1'], sasl: { mechanism: 'aws' } })).toThrow(KafkaJSNonRetriableError);
    expect(() => new Kafka({ brokers: ['b:1'], sasl: { mechanism: 'aws' } })).toThrow(
      /plain, scram-sha-256, scram-sha-512 or oauthbearer/,
    );
  });

  it('lists options without a librdkafka equivalent, with the reason', () => {
    const { unsupported } = mapKafkaConfig({
      brokers: [],
      authenticationTimeout: 1000,
      reauthenticationThreshold: 10000,
      socketFactory: () => null,
      retry: { factor: 0.2, multiplier: 2 },
      ssl: { servername: 'x' },
      maxInFlightRequests: 5,
    } as never);
    expect(unsupported.map((entry) => entry.split(':')[0])).toEqual([
      'ssl.servername',
      'maxInFlightRequests',
      'authenticationTimeout',
      'reauthenticationThreshold',
      'socketFactory',
      'retry.factor',
      'retry.multiplier',
    ]);
  });
});

describe('producer and consumer options', () => {
  it('maps the producer options', () => {
    const { config, unsupported } = mapProducerConfig({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      metadataMaxAge: 60000,
      transactionTimeout: 30000,
      retry: { retries: 3 },
    });
    expect(config).toEqual({
      'enable.idempotence': true,
      'max.in.flight.requests.per.connection': 5,
      'allow.auto.create.topics': false,
      'topic.metadata.refresh.interval.ms': 60000,
      'transaction.timeout.ms': 30000,
      'message.send.max.retries': 3,
    });
    expect(unsupported).toEqual([]);
    expect(mapProducerConfig({ transactionalId: 'tx' }).config).toEqual({
      'enable.idempotence': true,
      'transactional.id': 'tx',
      'max.in.flight.requests.per.connection': 5,
    });
  });

  it("limits a producer to 5 requests in flight unless told otherwise; KafkaJS's falsy means no limit", () => {
    const inFlight = (options: object) => mapProducerConfig(options).config['max.in.flight.requests.per.connection'];
    expect(inFlight({})).toBe(5);
    expect(inFlight({ maxInFlightRequests: 1 })).toBe(1);
    expect(inFlight({ maxInFlightRequests: 20 })).toBe(20);
    expect(inFlight({ maxInFlightRequests: null })).toBe(1_000_000);
    expect(inFlight({ maxInFlightRequests: 0 })).toBe(1_000_000);
    expect(inFlight({ maxInFlightRequests: null, idempotent: true })).toBe(5); // librdkafka's most for idempotence
  });

  it('maps the consumer options', () => {
    const { config, unsupported } = mapConsumerConfig({
      groupId: 'g',
      sessionTimeout: 10000,
      rebalanceTimeout: 60000,
      heartbeatInterval: 1000,
      maxBytesPerPartition: 1048576,
      minBytes: 1,
      maxBytes: 10485760,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      readUncommitted: true,
      rackId: 'rack-1',
      partitionAssigners: [PartitionAssigners.roundRobin],
    });
    expect(config).toEqual({
      'group.id': 'g',
      'session.timeout.ms': 10000,
      'max.poll.interval.ms': 60000,
      'heartbeat.interval.ms': 1000,
      'max.partition.fetch.bytes': 1048576,
      'fetch.min.bytes': 1,
      'fetch.max.bytes': 10485760,
      'fetch.wait.max.ms': 100,
      'allow.auto.create.topics': false,
      'isolation.level': 'read_uncommitted',
      'client.rack': 'rack-1',
      'partition.assignment.strategy': 'roundrobin',
    });
    expect(unsupported).toEqual([]);
  });

  it('a custom partition assigner and an unknown option are listed as unsupported', () => {
    const custom = () => ({ name: 'mine', version: 1 });
    const { unsupported } = mapConsumerConfig({ groupId: 'g', partitionAssigners: [custom], fromBeginning: true } as never);
    expect(unsupported).toHaveLength(2);
    expect(unsupported[0]).toMatch(/^partitionAssigners: custom assigners/);
    expect(unsupported[1]).toMatch(/^fromBeginning: not a KafkaJS consumer option/);
  });
});

describe('the unsupported-option warning', () => {
  const warnings: Error[] = [];
  const listener = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', listener);
    warnings.length = 0;
  });

  it('is emitted once per client, naming every such option, at construction', async () => {
    process.on('warning', listener);
    const kafka = new Kafka({ brokers: ['127.0.0.1:1'], authenticationTimeout: 5000, retry: { factor: 0.3 } });
    kafka.consumer({ groupId: 'g', partitionAssigners: [() => ({})] } as never);
    kafka.producer({ idempotent: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(2);
    const [consumerWarning, producerWarning] = warnings;
    expect(consumerWarning.name).toBe('KafkaJSCompatibilityWarning');
    expect(consumerWarning.message).toMatch(
      /consumer: these options have no effect: authenticationTimeout: .*; retry.factor: .*; partitionAssigners: custom/,
    );
    expect(producerWarning.message).toMatch(/producer: these options have no effect: authenticationTimeout: .*; retry.factor/);
  });

  it("names the admin's retry options that have no effect, and not the ones its retries use", async () => {
    process.on('warning', listener);
    const kafka = new Kafka({ brokers: ['127.0.0.1:1'] });
    kafka.admin({ retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 500, factor: 0.1, multiplier: 3 } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(
      /^rdkafka-napi\/kafkajs admin: these options have no effect: admin retry\.factor: .*; admin retry\.multiplier: /,
    );
    expect(warnings[0].message).not.toMatch(/retries|initialRetryTime|maxRetryTime/);
  });

  it("a send's timeout is named once per producer, not ignored silently", async () => {
    process.on('warning', listener);
    const kafka = new Kafka({ brokers: ['127.0.0.1:1'] });
    const producer = kafka.producer();
    // Not connected: each send fails after the timeout was noted.
    await producer.send({ topic: 't', messages: [{ value: 'v' }], timeout: 1000 }).catch(() => {});
    await producer.sendBatch({ topicMessages: [], timeout: 1000 }).catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/^rdkafka-napi\/kafkajs producer: this option has no effect: send timeout: .*message\.timeout\.ms/),
    ]);
  });

  it('is not emitted when every option is supported', async () => {
    process.on('warning', listener);
    new Kafka({ brokers: ['127.0.0.1:1'], clientId: 'c' }).producer({ idempotent: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);
  });
});
