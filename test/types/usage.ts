// Compile-time checks of the public types (run by test/unit/types.test.ts with
// tsc). Each @ts-expect-error line must fail to compile, or tsc reports it.
import {
  Consumer,
  KafkaError,
  Producer,
  offsetsAfter,
  type ConsumerGroupMetadata,
  type DeliveryReport,
  type Message,
} from '../../src';

const producer = new Producer({
  'bootstrap.servers': 'localhost:9092',
  'linger.ms': 5,
  acks: 'all',
  'compression.codec': 'zstd',
});

// @ts-expect-error a misspelt property does not compile
new Producer({ 'linger.msec': 5 });
// @ts-expect-error values have the property's type
new Producer({ 'linger.ms': 'soon' });
// @ts-expect-error enums are checked
new Producer({ 'compression.codec': 'brotli' });
// @ts-expect-error consumer-only properties are not producer config
new Producer({ 'group.id': 'nope' });

new Consumer({ 'bootstrap.servers': 'x', 'group.id': 'g', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed' });
// @ts-expect-error producer-only properties are not consumer config
new Consumer({ 'group.id': 'g', 'linger.ms': 5 });

async function typed(consumer: Consumer): Promise<void> {
  const report: DeliveryReport = await producer.send({ topic: 't', value: 'v', headers: { a: ['1', Buffer.from([1])] } });
  const offset: number = report.offset;
  // @ts-expect-error value must be bytes, a string or null
  producer.produce({ topic: 't', value: 42 });
  for await (const message of consumer) {
    const value: Buffer | null = message.value;
    const m: Message = message;
    void value;
    void m;
  }
  producer.on('delivery-report', (r) => {
    const error: KafkaError | undefined = r.error;
    void error;
  });
  void offset;
}
void typed;

// OAUTHBEARER token providers: the same option on every client, a typed token.
const provider = async (config: string) => ({ token: config, lifetimeMs: Date.now() + 60_000, principal: 'p' });
const oauthConfig = { 'security.protocol': 'sasl_ssl', 'sasl.mechanisms': 'OAUTHBEARER' } as const;
new Producer(oauthConfig, { oauthBearerTokenProvider: provider });
new Consumer({ ...oauthConfig, 'group.id': 'g' }, { oauthBearerTokenProvider: provider });
// @ts-expect-error a token needs its expiry and principal
new Producer(oauthConfig, { oauthBearerTokenProvider: async () => ({ token: 't' }) });
// OIDC keys are offered: the bundled librdkafka can use them.
new Producer({ ...oauthConfig, 'sasl.oauthbearer.method': 'oidc', 'sasl.oauthbearer.client.secret': 's' });
async function transactional(consumer: Consumer, batch: Message[]): Promise<number> {
  await producer.initTransactions({ timeoutMs: 10_000 });
  const metadata: ConsumerGroupMetadata = consumer.groupMetadata();
  const memberId: string | null = consumer.memberId();
  void memberId;
  const count: number = await producer.transaction(
    async (tx) => {
      await tx.send({ topic: 'out', value: 'v' });
      await tx.sendOffsetsToTransaction(offsetsAfter(batch), metadata);
      return batch.length;
    },
    { retries: 2, onAbort: () => undefined },
  );
  // @ts-expect-error offsets need an offset
  await producer.sendOffsetsToTransaction([{ topic: 't', partition: 0 }], metadata);
  // @ts-expect-error the group metadata is a Buffer from consumer.groupMetadata()
  await producer.sendOffsetsToTransaction(offsetsAfter(batch), 'group');
  // @ts-expect-error retries is a number
  await producer.transaction(() => undefined, { retries: 'twice' });
  return count;
}
void transactional;
