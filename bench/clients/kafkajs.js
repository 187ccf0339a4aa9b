// KafkaJS (pure JavaScript), used as its docs advise for throughput: send()
// of 1,000-message batches with several in flight, and eachBatch.
'use strict';

const h = require('./harness');

const { Kafka, logLevel } = h.peerModule('kafkajs');
const BATCH = 1000;
const IN_FLIGHT = 4;

function newKafka(config) {
  return new Kafka({ clientId: 'bench', brokers: config.brokers.split(','), logLevel: logLevel.ERROR });
}

function newProducer(kafka, config) {
  return kafka.producer({
    allowAutoTopicCreation: false,
    ...(config.idempotence ? { idempotent: true, maxInFlightRequests: 5 } : {}),
  });
}

function newConsumer(kafka, config) {
  return kafka.consumer({
    groupId: config.group,
    ...(config.fetchWaitMs === undefined ? {} : { maxWaitTimeInMs: config.fetchWaitMs }),
  });
}

const acksOf = (config) => (config.acks === 'all' ? -1 : Number(config.acks));

async function produce(config) {
  const kafka = newKafka(config);
  const producer = newProducer(kafka, config);
  await producer.connect();
  const acks = acksOf(config);
  const value = Buffer.alloc(config.size, 'x');
  const messages = Array.from({ length: BATCH }, () => ({ value }));
  await producer.send({ topic: config.topic, acks, messages: [{ value }] }); // warm-up

  const measure = h.startMeasuring();
  const deadline = measure.started + config.seconds * 1000;
  let sent = 0;
  let errors = 0;
  const inFlight = new Set();
  while (sent < config.max && h.performance.now() < deadline) {
    const request = producer.send({ topic: config.topic, acks, messages }).catch(() => {
      errors += BATCH;
    });
    inFlight.add(request);
    request.then(() => inFlight.delete(request));
    sent += BATCH;
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const m = measure.stop();
  return { msgs: sent - errors, errors, ...m, cleanup: () => producer.disconnect() };
}

async function consume(config) {
  const kafka = newKafka(config);
  const consumer = newConsumer(kafka, config);
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  const finished = h.deferred();
  const counter = new h.ConsumeCounter(config, finished.resolve);
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (counter.done) return;
      for (const message of batch.messages) {
        if (counter.add(message.value)) return;
      }
    },
  });
  await finished.promise;
  return { ...counter.result, cleanup: () => consumer.disconnect() };
}

async function latency(config) {
  const kafka = newKafka(config);
  const consumer = newConsumer(kafka, config);
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  const producer = newProducer(kafka, config);
  await producer.connect();
  const acks = acksOf(config);

  const recorder = new h.LatencyRecorder(config);
  const finished = h.deferred();
  let measure;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        measure ??= h.startMeasuring();
        if (recorder.add(message.value)) return finished.resolve();
      }
    },
  });
  let errors = 0;
  const rate = h.fixedRate(config.rate, (count) => {
    const messages = [];
    for (let i = 0; i < count; i++) messages.push({ value: h.stampedValue(config.size) });
    producer.send({ topic: config.topic, acks, messages }).catch(() => {
      errors += count;
    });
  });
  await finished.promise;
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

h.main('kafkajs', { produce, consume, latency }, h.peerVersion('kafkajs'));
