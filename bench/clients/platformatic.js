// @platformatic/kafka (pure JavaScript), 1.x (the line that runs on Node 20):
// send() of 1,000-message batches with several in flight, and the consumer's
// message stream in event ('data') mode.
'use strict';

const h = require('./harness');

const { Producer, Consumer, MessagesStreamModes } = h.peerModule('@platformatic/kafka');
const BATCH = 1000;
const IN_FLIGHT = 4;

function newProducer(config) {
  return new Producer({
    clientId: 'bench',
    bootstrapBrokers: config.brokers.split(','),
    acks: config.acks === 'all' ? -1 : Number(config.acks),
    autocreateTopics: false,
    ...(config.idempotence ? { idempotent: true } : {}),
  });
}

async function consumerStream(config) {
  const consumer = new Consumer({ clientId: 'bench', groupId: config.group, bootstrapBrokers: config.brokers.split(',') });
  const stream = await consumer.consume({
    topics: [config.topic],
    mode: MessagesStreamModes.EARLIEST,
    autocommit: true,
    ...(config.fetchWaitMs === undefined ? {} : { maxWaitTime: config.fetchWaitMs }),
  });
  return { consumer, stream };
}

async function produce(config) {
  const producer = newProducer(config);
  const value = Buffer.alloc(config.size, 'x');
  const messages = Array.from({ length: BATCH }, () => ({ topic: config.topic, value }));
  await producer.send({ messages: [{ topic: config.topic, value }] }); // warm-up (and connect)

  const measure = h.startMeasuring();
  const deadline = measure.started + config.seconds * 1000;
  let sent = 0;
  let errors = 0;
  const inFlight = new Set();
  while (sent < config.max && h.performance.now() < deadline) {
    const request = producer.send({ messages }).catch(() => {
      errors += BATCH;
    });
    inFlight.add(request);
    request.then(() => inFlight.delete(request));
    sent += BATCH;
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const m = measure.stop();
  return { msgs: sent - errors, errors, ...m, cleanup: () => producer.close() };
}

async function consume(config) {
  const { consumer, stream } = await consumerStream(config);
  const finished = h.deferred();
  const counter = new h.ConsumeCounter(config, finished.resolve);
  let errors = 0;
  stream.on('error', () => errors++);
  stream.on('data', (message) => {
    if (!counter.done) counter.add(message.value);
  });
  await finished.promise;
  return { ...counter.result, errors, cleanup: () => consumer.close(true) };
}

async function latency(config) {
  const { consumer, stream } = await consumerStream(config);
  const producer = newProducer(config);
  const recorder = new h.LatencyRecorder(config);
  const finished = h.deferred();
  let measure;
  stream.on('data', (message) => {
    measure ??= h.startMeasuring();
    if (recorder.add(message.value)) finished.resolve();
  });
  let errors = 0;
  const rate = h.fixedRate(config.rate, (count) => {
    const messages = [];
    for (let i = 0; i < count; i++) messages.push({ topic: config.topic, value: h.stampedValue(config.size) });
    producer.send({ messages }).catch(() => {
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
    cleanup: () => Promise.all([producer.close(), consumer.close(true)]),
  };
}

h.main('@platformatic/kafka', { produce, consume, latency }, h.peerVersion('@platformatic/kafka'));
