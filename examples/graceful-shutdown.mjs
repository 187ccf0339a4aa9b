// Graceful shutdown on SIGTERM (what a container orchestrator sends): stop
// taking messages, finish the one in hand, commit, leave the group, flush the
// producer, exit 0. Nothing processed is lost or processed twice by the next
// member.
//
// The service reads "orders", and writes a confirmation for each to
// "confirmations".
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 node examples/graceful-shutdown.mjs   (then: kill -TERM <pid>)
import { Consumer, Producer } from 'rdkafka-napi';

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const input = process.env.TOPIC ?? 'orders';
const output = process.env.OUTPUT_TOPIC ?? 'confirmations';

const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 5 });
const consumer = new Consumer(
  { 'bootstrap.servers': bootstrap, 'group.id': process.env.GROUP ?? 'order-confirmations', 'auto.offset.reset': 'earliest' },
  {
    // On every revocation (a rebalance, or the final one of disconnect()):
    // make what was sent durable, then commit what was processed. During
    // disconnect() the consumer is closing and its own final auto-commit
    // commits the processed offsets.
    rebalance: async (event, member) => {
      if (event.type === 'revoke' && !event.lost) {
        await producer.flush(10_000);
        if (member.isConnected) await member.commit();
      }
    },
  },
);
await producer.connect();
await consumer.connect();
consumer.subscribe([input]);

let stopping = false;
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => {
    console.log(`${signal}: finishing the current message, then shutting down`);
    stopping = true;
    // Ends the loop below at the next pull; the message in hand is finished.
    void consumer.disconnect();
  });
}
console.log('ready');

let processed = 0;
for await (const message of consumer) {
  await producer.send({ topic: output, key: message.key, value: `confirmed ${message.value?.toString() ?? ''}` });
  processed++;
  console.log(`processed ${message.topic}[${message.partition}]@${message.offset}`);
  if (stopping) break;
}
// disconnect() ran the final revocation (flush), committed and left the group.
await consumer.disconnect();
await producer.disconnect();
console.log(`stopped cleanly after ${processed} messages`);
