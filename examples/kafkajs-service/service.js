// A small KafkaJS service, written against the `kafkajs` package: it creates
// its topics (admin), publishes orders keyed by customer (producer), totals
// them per customer in a consumer group (eachMessage, autoCommit), publishes
// the totals (sendBatch), and reports what it saw. To run it on rdkafka-napi,
// change only the require below to require('rdkafka-napi/kafkajs').
//
//   BROKERS=127.0.0.1:9092 TOPIC=orders GROUP=totals node examples/kafkajs-service/service.js
'use strict';

const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const CUSTOMERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
const ORDERS = 60;

async function main() {
  const brokers = (process.env.BROKERS ?? '127.0.0.1:9092').split(',');
  const topic = process.env.TOPIC ?? 'orders';
  const totalsTopic = `${topic}-totals`;
  const groupId = process.env.GROUP ?? 'order-totals';
  const kafka = new Kafka({ clientId: 'order-service', brokers, logLevel: logLevel.ERROR });

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: 3 },
      { topic: totalsTopic, numPartitions: 1 },
    ],
  });

  const producer = kafka.producer();
  await producer.connect();
  const orders = Array.from({ length: ORDERS }, (_, i) => ({
    key: CUSTOMERS[i % CUSTOMERS.length],
    value: JSON.stringify({ order: i, amount: (i % 9) + 1 }),
    headers: { source: 'web', 'order-id': String(i) },
  }));
  // Half with the default settings, half compressed in one batch.
  await producer.send({ topic, messages: orders.slice(0, ORDERS / 2) });
  await producer.sendBatch({
    compression: CompressionTypes.GZIP,
    topicMessages: [{ topic, messages: orders.slice(ORDERS / 2) }],
  });

  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const totals = {};
  const partitionOf = {};
  const sources = new Set();
  let seen = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const customer = message.key.toString();
          totals[customer] = (totals[customer] ?? 0) + JSON.parse(message.value.toString()).amount;
          partitionOf[customer] = partition;
          sources.add(message.headers.source.toString());
          seen++;
          if (seen === ORDERS) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  await producer.sendBatch({
    topicMessages: [
      {
        topic: totalsTopic,
        messages: Object.entries(totals).map(([customer, total]) => ({ key: customer, value: String(total) })),
      },
    ],
  });

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic, totalsTopic] });
  const groups = await admin.listGroups();
  await producer.disconnect();
  await admin.disconnect();

  // Neither client promises an order of partitions in these answers.
  const byPartition = (list) => [...list].sort((a, b) => a.partition - b.partition);
  const sorted = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
  console.log(
    JSON.stringify({
      consumed: seen,
      totals: sorted(totals),
      partitionOf: sorted(partitionOf),
      headerSources: [...sources],
      committed: byPartition(committed[0].partitions.map(({ partition, offset }) => ({ partition, offset }))),
      logEnds: byPartition(ends.map(({ partition, high }) => ({ partition, high }))),
      partitionCounts: metadata.topics.map(({ partitions }) => partitions.length).sort(),
      groupListed: groups.groups.some((group) => group.groupId === groupId),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
