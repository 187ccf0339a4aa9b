// Batch processing with manual commits: take messages in batches (one await
// per batch), process a whole batch, then commit it. A crash mid-batch
// re-delivers that batch, never skips it (at-least-once).
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 node examples/batch-processing.mjs
import { Consumer } from 'rdkafka-napi';

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const topic = process.env.TOPIC ?? 'meter-readings';
const maxMessages = Number(process.env.MAX_MESSAGES ?? Infinity);

const consumer = new Consumer({
  'bootstrap.servers': bootstrap,
  'group.id': process.env.GROUP ?? 'meter-totals',
  'auto.offset.reset': 'earliest',
  'enable.auto.commit': false,
});
await consumer.connect();
consumer.subscribe([topic]);
process.once('SIGINT', () => void consumer.disconnect());

let total = 0;
let seen = 0;
// Up to 500 messages, waiting at most 100 ms for a batch to fill.
for await (const batch of consumer.batches({ maxMessages: 500, maxWaitMs: 100 })) {
  // "Process": sum the readings of the batch (values are decimal numbers).
  const sum = batch.reduce((acc, message) => acc + Number(message.value?.toString() ?? 0), 0);
  total += sum;
  seen += batch.length;

  // Commit the end of the batch, per partition: the next offset to read.
  /** @type {Map<string, { topic: string, partition: number, offset: number }>} */
  const ends = new Map();
  for (const message of batch) {
    ends.set(`${message.topic}/${message.partition}`, {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset + 1,
    });
  }
  await consumer.commit([...ends.values()]);
  console.log(
    `batch of ${batch.length}: sum ${sum}, committed ${[...ends.values()].map((e) => `${e.partition}@${e.offset}`).join(' ')}`,
  );
  if (seen >= maxMessages) break;
}
await consumer.disconnect();
console.log(`total ${total} over ${seen} readings`);
