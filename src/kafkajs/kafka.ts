// `new Kafka(config)`: the KafkaJS entry object. It maps the shared options
// once and hands them to each producer, consumer and admin it creates.
import { KafkaJSAdmin } from './admin';
import { type ConsumerConfig, type KafkaConfig, type ProducerConfig, type RetryOptions, mapKafkaConfig } from './config-mapping';
import { KafkaContext } from './context';
import { KafkaJSNonRetriableError } from './errors';
import { KafkaJSConsumer } from './consumer';
import { createLogger, type LogCreator, type LogLevel, type Logger } from './logging';
import { KafkaJSProducer } from './producer';

export class Kafka {
  readonly #context: KafkaContext;
  readonly #defaultRetry: RetryOptions;

  constructor(config: KafkaConfig) {
    if (typeof config !== 'object' || config === null) throw new KafkaJSNonRetriableError('new Kafka() needs a config object');
    const brokers = config.brokers;
    const validBrokers =
      typeof brokers === 'function' ||
      (Array.isArray(brokers) && brokers.length > 0 && brokers.every((b) => typeof b === 'string'));
    if (!validBrokers) {
      throw new KafkaJSNonRetriableError(
        'Failed to connect: expected brokers array and got nothing, or a function returning brokers',
      );
    }
    const logger = createLogger({
      level: config.logLevel as LogLevel | undefined,
      logCreator: config.logCreator as LogCreator | undefined,
    });
    this.#context = new KafkaContext(mapKafkaConfig(config), brokers, logger);
    const { retries, initialRetryTime, maxRetryTime } = config.retry ?? {};
    this.#defaultRetry = Object.fromEntries(
      Object.entries({ retries, initialRetryTime, maxRetryTime }).filter(([, value]) => value !== undefined),
    );
  }

  // As in KafkaJS, the retry given to new Kafka() is each client's default,
  // under what the client's own retry says (its unmapped keys are warned once, here).
  #withDefaultRetry<T extends { retry?: RetryOptions }>(config: T): T {
    if (Object.keys(this.#defaultRetry).length === 0) return config;
    return { ...config, retry: { ...this.#defaultRetry, ...config?.retry } };
  }

  producer(config: ProducerConfig = {}): KafkaJSProducer {
    return new KafkaJSProducer(this.#context, this.#withDefaultRetry(config));
  }

  consumer(config: ConsumerConfig): KafkaJSConsumer {
    return new KafkaJSConsumer(this.#context, this.#withDefaultRetry(config));
  }

  admin(config: { retry?: RetryOptions } = {}): KafkaJSAdmin {
    return new KafkaJSAdmin(this.#context, this.#withDefaultRetry(config));
  }

  logger(): Logger {
    return this.#context.logger;
  }
}
