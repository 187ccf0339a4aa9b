#!/usr/bin/env node
// Demo: starts the embedded mock cluster, produces 100-byte messages as fast
// as the fire-and-forget path allows, and prints the throughput.
'use strict';

const { MockCluster, Producer, librdkafkaVersion } = require('..');

const MESSAGES = Number(process.env.DEMO_MESSAGES ?? 1_000_000);
const TOPIC = 'demo';

async function main() {
  const cluster = new MockCluster({ brokers: 1 });
  cluster.createTopic(TOPIC, { partitions: 1 });
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 });
  await producer.connect();

  // No per-message listener: deliveryCounts tallies reports per batch, and a
  // failed delivery without a 'delivery-report' listener still surfaces as an
  // 'error' event or process warning, never silently.
  const value = Buffer.alloc(100, 'x');
  const started = process.hrtime.bigint();
  for (let i = 0; i < MESSAGES; i++) {
    try {
      producer.produce({ topic: TOPIC, value });
    } catch (error) {
      if (error.code !== '_QUEUE_FULL') throw error;
      await producer.produceOrWait({ topic: TOPIC, value });
    }
  }
  await producer.flush(60_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const { delivered, failed } = producer.deliveryCounts;
  await producer.disconnect();
  await cluster.close();
  const rate = Math.round(MESSAGES / seconds);
  console.log(
    `rdkafka-napi (librdkafka ${librdkafkaVersion}): produced ${MESSAGES.toLocaleString('en')} messages of 100 B ` +
      `to the embedded mock cluster in ${seconds.toFixed(2)} s = ${rate.toLocaleString('en')} msg/s ` +
      `(${delivered.toLocaleString('en')} delivered, ${failed} failed)`,
  );
  if (delivered !== MESSAGES) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
