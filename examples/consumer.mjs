// Consumer quick start (the confluent-kafka Python "getting started" consumer,
// translated): a group member that prints each event and commits what it has
// processed, until Ctrl-C (or MAX_MESSAGES).
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 node examples/consumer.mjs
import { Consumer } from 'rdkafka-napi';

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const topic = process.env.TOPIC ?? 'purchases';
const group = process.env.GROUP ?? 'kafka-javascript-getting-started';
const maxMessages = Number(process.env.MAX_MESSAGES ?? Infinity);
const COMMIT_EVERY = 5;

const consumer = new Consumer({
  'bootstrap.servers': bootstrap,
  'group.id': group,
  'auto.offset.reset': 'earliest',
  // Commit ourselves, after processing, instead of on a timer.
  'enable.auto.commit': false,
});
await consumer.connect();
consumer.subscribe([topic]);

// Ctrl-C ends the loop below; disconnect() leaves the group cleanly.
process.once('SIGINT', () => void consumer.disconnect());

let seen = 0;
for await (const message of consumer) {
  console.log(
    `Consumed event from topic ${message.topic}: key = ${message.key?.toString() ?? ''} value = ${message.value?.toString() ?? ''}`,
  );
  seen++;
  if (seen % COMMIT_EVERY === 0) await commitThrough(message);
  if (seen >= maxMessages) {
    await commitThrough(message);
    break;
  }
}
await consumer.disconnect();

/**
 * Commits up to and including this message. (A bare commit() commits what
 * finished loop steps processed: this message's step is still running.)
 * @param {import('rdkafka-napi').Message} message
 */
async function commitThrough(message) {
  await consumer.commit([{ topic: message.topic, partition: message.partition, offset: message.offset + 1 }]);
}
