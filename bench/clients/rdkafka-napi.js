// rdkafka-napi, used the fastest way its API allows: produce() in a loop
// (allocation-free fast path) falling back to produceOrWait() on _QUEUE_FULL,
// and consumer.batches().
'use strict';

const h = require('./harness');
const { Producer, Consumer, librdkafkaVersion } = require('../..');

const config = h.settings();

function producerConfig(lingerMs) {
  return {
    'bootstrap.servers': config.brokers,
    acks: config.acks === 'all' ? 'all' : config.acks,
    'linger.ms': lingerMs,
    ...(config.idempotence ? { 'enable.idempotence': true } : {}),
  };
}

function consumerConfig() {
  return { 'bootstrap.servers': config.brokers, 'group.id': config.group, 'auto.offset.reset': 'earliest' };
}

async function produce() {
  const producer = new Producer(producerConfig(5));
  let errors = 0;
  producer.on('error', () => errors++); // failed deliveries come here when nobody listens for reports
  await producer.connect();
  const message = { topic: config.topic, value: Buffer.alloc(config.size, 'x') };
  await producer.send(message); // warm-up: connections and topic metadata ready

  const measure = h.startMeasuring();
  const deadline = measure.started + config.seconds * 1000;
  let sent = 0;
  while (sent < config.max) {
    try {
      producer.produce(message);
    } catch (error) {
      if (error.code !== '_QUEUE_FULL') throw error;
      await producer.produceOrWait(message);
    }
    sent++;
    if ((sent & 1023) === 0 && h.performance.now() >= deadline) break;
  }
  await producer.flush(60_000);
  const m = measure.stop();
  await producer.disconnect();
  return { msgs: sent - errors, errors, ...m };
}

async function consume() {
  const consumer = new Consumer(consumerConfig());
  let errors = 0;
  consumer.on('error', () => errors++);
  await consumer.connect();
  consumer.subscribe([config.topic]);
  const counter = new h.ConsumeCounter(config);
  outer: for await (const batch of consumer.batches()) {
    for (const message of batch) {
      if (counter.add(message.value)) break outer;
    }
  }
  const result = counter.result();
  await consumer.disconnect();
  return { ...result, errors };
}

async function latency() {
  const consumer = new Consumer(consumerConfig());
  await consumer.connect();
  consumer.subscribe([config.topic]);
  const producer = new Producer(producerConfig(0));
  let errors = 0;
  producer.on('error', () => errors++);
  await producer.connect();

  const recorder = new h.LatencyRecorder(config);
  let measure;
  const rate = h.fixedRate(config.rate, (count) => {
    for (let i = 0; i < count; i++) producer.produce({ topic: config.topic, value: h.stampedValue(config.size) });
  });
  outer: for await (const batch of consumer.batches()) {
    for (const message of batch) {
      measure ??= h.startMeasuring();
      if (recorder.add(message.value)) break outer;
    }
  }
  const sendSeconds = rate.stop();
  const m = measure.stop();
  await producer.disconnect();
  await consumer.disconnect();
  return { msgs: recorder.measured, errors, ...m, msgsPerSec: rate.sent / sendSeconds, latencyMs: recorder.percentiles() };
}

const workloads = { produce, consume, latency };
workloads[config.workload]()
  .then((result) => h.report('rdkafka-napi', { ...result, version: `${require('../../package.json').version} (librdkafka ${librdkafkaVersion})` }))
  .catch(h.fail);
