// The consumers a test file opens: made with the suite's usual settings and
// all closed in its afterAll.
import { Consumer } from '../../src';

type ConsumerOptions = ConstructorParameters<typeof Consumer>[1];

export class TestConsumers {
  readonly #bootstrapServers: () => string;
  readonly #open: Consumer[] = [];

  constructor(bootstrapServers: () => string) {
    this.#bootstrapServers = bootstrapServers;
  }

  /**
   * A consumer reading from the earliest offset; under the classic group
   * protocol with short session and heartbeat timeouts, so a group settles
   * quickly (KIP-848 groups take those from the broker).
   */
  create(config: Record<string, unknown> = {}, options: ConsumerOptions = {}): Consumer {
    const classic = config['group.protocol'] !== 'consumer';
    const consumer = new Consumer(
      {
        'bootstrap.servers': this.#bootstrapServers(),
        'auto.offset.reset': 'earliest',
        ...(classic ? { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 } : {}),
        ...config,
      } as never,
      options,
    );
    this.#open.push(consumer);
    return consumer;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((consumer) => consumer.disconnect()));
  }
}
