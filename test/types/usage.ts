// Compile-time checks of the public types (run by test/unit/types.test.ts with
// tsc). Each @ts-expect-error line must fail to compile, or tsc reports it.
import { Consumer, KafkaError, Producer, type DeliveryReport, type Message } from '../../src';

const producer = new Producer({ 'bootstrap.servers': 'localhost:9092', 'linger.ms': 5, acks: 'all', 'compression.codec': 'zstd' });

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
