// Producer quick start (the confluent-kafka Python "getting started" producer,
// translated): a few purchase events, a delivery report for each, then flush.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 node examples/producer.mjs
import { Producer } from 'rdkafka-napi';

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const topic = process.env.TOPIC ?? 'purchases';
const count = Number(process.env.MESSAGES ?? 10);

const producer = new Producer({ 'bootstrap.servers': bootstrap, acks: 'all' });

// The delivery callback of the Python client is the 'delivery-report' event:
// one per message produce() accepted, in batches, without polling.
producer.on('delivery-report', (report) => {
  if (report.error) {
    console.error(`Delivery failed: ${report.error.code}: ${report.error.message}`);
    process.exitCode = 1;
  } else {
    console.log(`Produced event to topic ${report.topic} partition ${report.partition} offset ${report.offset}`);
  }
});

await producer.connect();

const users = ['eabara', 'jsmith', 'sgarcia', 'jbernard', 'htanaka', 'awalther'];
const products = ['book', 'alarm clock', 't-shirts', 'gift card', 'batteries'];
for (let i = 0; i < count; i++) {
  const user = users[i % users.length];
  const product = products[i % products.length];
  // Same key, same partition: one user's events stay in order.
  producer.produce({ topic, key: user, value: product });
}

// Waits (off the event loop) until every message is delivered or failed.
await producer.flush(10_000);
await producer.disconnect();
