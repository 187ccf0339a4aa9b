// rdkafka-napi, used the fastest way its API allows: produce() in a loop
// (allocation-free fast path) falling back to produceOrWait() on _QUEUE_FULL,
// and consumer.batches().
'use strict';

const h = require('./harness');
const { Producer, Consumer, librdkafkaVersion } = require('../..');

let config;

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

async function produce(settings) {
  config = settings;
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
  return { msgs: sent - errors, errors, ...m, cleanup: () => producer.disconnect() };
}

async function consume(settings) {
  config = settings;
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
  return { ...counter.result(), errors, cleanup: () => consumer.disconnect() };
}

async function latency(settings) {
  config = settings;
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
  return {
    msgs: recorder.measured,
    errors,
    ...m,
    msgsPerSec: rate.sent / sendSeconds,
    latencyMs: recorder.percentiles(),
    cleanup: () => Promise.all([producer.disconnect(), consumer.disconnect()]),
  };
}

h.main('rdkafka-napi', { produce, consume, latency }, () => `${require('../../package.json').version} (librdkafka ${librdkafkaVersion})`);
