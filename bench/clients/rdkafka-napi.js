// rdkafka-napi, used the fastest way its API allows: produce() in a loop
// (allocation-free fast path) falling back to produceOrWait() on _QUEUE_FULL,
// and consumer.batches().
'use strict';

const h = require('./harness');
const { Producer, Consumer, librdkafkaVersion } = require('../..');

function producerConfig(config, lingerMs) {
  return {
    'bootstrap.servers': config.brokers,
    acks: config.acks,
    'linger.ms': lingerMs,
    ...(config.idempotence ? { 'enable.idempotence': true } : {}),
  };
}

function newConsumer(config) {
  return new Consumer({
    'bootstrap.servers': config.brokers,
    'group.id': config.group,
    'auto.offset.reset': 'earliest',
    ...(config.fetchWaitMs === undefined ? {} : { 'fetch.wait.max.ms': config.fetchWaitMs }),
  });
}

// The loop an application that must stay responsive would write: produce()
// back to back, and let the event loop run every YIELD_EVERY_MS.
const YIELD_EVERY_MS = 4;

async function produceLoop(producer, message, max, deadline, onMillion) {
  let sent = 0;
  let lastYield = h.performance.now();
  while (sent < max) {
    try {
      producer.produce(message);
    } catch (error) {
      if (error.code !== '_QUEUE_FULL') throw error;
      await producer.produceOrWait(message);
    }
    sent++;
    if ((sent & 255) === 0) {
      const now = h.performance.now();
      if (now >= deadline) break;
      if (now - lastYield >= YIELD_EVERY_MS) {
        await new Promise(setImmediate);
        lastYield = h.performance.now();
      }
      if (onMillion && sent % 1_000_000 < 256) await onMillion(sent);
    }
  }
  return sent;
}

async function produce(config) {
  const producer = new Producer(producerConfig(config, 5));
  let errors = 0;
  producer.on('error', () => errors++); // failed deliveries come here when nobody listens for reports
  await producer.connect();
  const message = { topic: config.topic, value: Buffer.alloc(config.size, 'x') };
  await producer.send(message); // warm-up: connections and topic metadata ready

  const measure = h.startMeasuring();
  const sent = await produceLoop(producer, message, config.max, measure.started + config.seconds * 1000);
  await producer.flush(120_000);
  const m = measure.stop();
  return { msgs: sent - errors, errors, ...m, cleanup: () => producer.disconnect() };
}

// Transactions of config.transactionSize messages back to back: begin,
// produce() them, commit (which delivers them first); counted when committed.
async function txproduce(config) {
  const producer = new Producer({
    ...producerConfig(config, 5),
    'transactional.id': `bench-tx-${config.group}`,
  });
  let errors = 0;
  producer.on('error', () => errors++);
  await producer.connect();
  await producer.initTransactions();
  const message = { topic: config.topic, value: Buffer.alloc(config.size, 'x') };
  await producer.transaction((tx) => tx.send(message)); // warm-up: coordinator, connections and metadata ready

  const size = config.transactionSize;
  const measure = h.startMeasuring();
  const deadline = measure.started + config.seconds * 1000;
  let committed = 0;
  while (committed < config.max && h.performance.now() < deadline) {
    producer.beginTransaction();
    for (let i = 0; i < size; i++) {
      try {
        producer.produce(message);
      } catch (error) {
        if (error.code !== '_QUEUE_FULL') throw error;
        await producer.produceOrWait(message);
      }
    }
    await producer.commitTransaction();
    committed += size;
  }
  const m = measure.stop();
  return { msgs: committed, errors, ...m, cleanup: () => producer.disconnect() };
}

async function consume(config) {
  const consumer = newConsumer(config);
  let errors = 0;
  consumer.on('error', () => errors++);
  await consumer.connect();
  consumer.subscribe([config.topic]);
  // Ending by time or idleness while the loop waits for messages: disconnect ends the loop.
  const counter = new h.ConsumeCounter(config, () => consumer.disconnect());
  if (config.handler === 'eachMessage') {
    for await (const message of consumer.messages()) {
      if (counter.add(message.value)) break;
    }
    return { ...counter.result, errors, cleanup: () => consumer.disconnect() };
  }
  outer: for await (const batch of consumer.batches()) {
    for (const message of batch) {
      if (counter.add(message.value)) break outer;
    }
  }
  return { ...counter.result, errors, cleanup: () => consumer.disconnect() };
}

// config.consumers consumers in one process, each in its own group (so each
// reads the whole topic), each running consume()'s batches() loop; one that
// got its first batch before the others waits for them (h.AllReadingWindow).
async function multiconsume(config) {
  const consumers = Array.from({ length: config.consumers }, (_, i) => newConsumer({ ...config, group: `${config.group}-${i}` }));
  let errors = 0;
  const disconnectAll = () => Promise.all(consumers.map((consumer) => consumer.disconnect()));
  for (const consumer of consumers) consumer.on('error', () => errors++);
  await Promise.all(consumers.map((consumer) => consumer.connect()));
  for (const consumer of consumers) consumer.subscribe([config.topic]);
  // Ending while the loops wait for messages: disconnecting ends them.
  const window = new h.AllReadingWindow(config, consumers.length, disconnectAll);
  await Promise.all(
    consumers.map(async (consumer, index) => {
      outer: for await (const batch of consumer.batches()) {
        for (const message of batch) {
          if (window.add(index, message.value)) break outer;
        }
        if (!window.isOpen) await window.opened;
      }
    }),
  );
  return { ...window.result, errors, cleanup: disconnectAll };
}

async function latency(config) {
  const consumer = newConsumer(config);
  await consumer.connect();
  consumer.subscribe([config.topic]);
  const producer = new Producer(producerConfig(config, 0));
  let errors = 0;
  producer.on('error', () => errors++);
  await producer.connect();

  const measured = await h.latencyAtFixedRate(config, {
    send: (count) => {
      for (let i = 0; i < count; i++) producer.produce({ topic: config.topic, value: h.stampedValue(config.size) });
    },
    pull: async (arrived) => {
      for await (const batch of consumer.batches()) {
        if (h.feedValues(batch, arrived)) break;
      }
    },
  });
  return { ...measured, errors, cleanup: () => Promise.all([producer.disconnect(), consumer.disconnect()]) };
}

// Awaited sends, for the same calls made through the KafkaJS facade: sendBatch()
// of config.batch messages with a few in flight, and one awaited send() at a
// time; linger.ms 0, as the facade (and KafkaJS) send at once.
async function sendbatch(config) {
  const producer = new Producer(producerConfig(config, 0));
  await producer.connect();
  const produced = await h.produceInBatches(
    config,
    (value) => ({ topic: config.topic, value }),
    (messages) => producer.sendBatch(messages),
  );
  return { ...produced, cleanup: () => producer.disconnect() };
}

async function sendone(config) {
  const producer = new Producer(producerConfig(config, 0));
  await producer.connect();
  const message = { topic: config.topic, value: Buffer.alloc(config.size, 'x') };
  const measured = await h.awaitedSends(config, () => producer.send(message));
  return { ...measured, cleanup: () => producer.disconnect() };
}

// Memory over a long run (--long): produce `max` messages, then consume them,
// sampling memory after a forced GC (node --expose-gc) at every million.
async function soak(config) {
  const sample = () => {
    global.gc?.();
    const usage = process.memoryUsage();
    return {
      rssMB: round1(usage.rss / 2 ** 20),
      heapMB: round1(usage.heapUsed / 2 ** 20),
      externalMB: round1(usage.external / 2 ** 20),
    };
  };
  const producer = new Producer(producerConfig(config, 5));
  let errors = 0;
  producer.on('error', () => errors++);
  await producer.connect();
  const message = { topic: config.topic, value: Buffer.alloc(config.size, 'x') };
  const produced = [];
  const measure = h.startMeasuring();
  const sent = await produceLoop(producer, message, config.max, Infinity, async () => {
    produced.push(sample());
  });
  await producer.flush(300_000);
  if (produced.length < Math.floor(sent / 1_000_000)) produced.push(sample()); // the last million ends the loop
  const produceSeconds = (h.performance.now() - measure.started) / 1000;
  await producer.disconnect();

  const consumer = newConsumer(config);
  consumer.on('error', () => errors++);
  await consumer.connect();
  consumer.subscribe([config.topic]);
  const consumed = [];
  let count = 0;
  let consumeStarted = 0;
  outer: for await (const batch of consumer.batches()) {
    consumeStarted ||= h.performance.now();
    for (let i = 0; i < batch.length; i++) {
      if (++count % 1_000_000 === 0) consumed.push(sample());
      if (count >= sent) break outer;
    }
  }
  const consumeSeconds = (h.performance.now() - consumeStarted) / 1000;
  const m = measure.stop();
  return {
    msgs: count,
    errors,
    ...m,
    msgsPerSec: count / consumeSeconds,
    extra: {
      produced: sent,
      produceSeconds: round1(produceSeconds),
      consumeSeconds: round1(consumeSeconds),
      memory: { produced, consumed },
    },
    cleanup: () => consumer.disconnect(),
  };
}

function round1(value) {
  return Math.round(value * 10) / 10;
}

h.main(
  'rdkafka-napi',
  { produce, txproduce, consume, multiconsume, latency, sendbatch, sendone, soak },
  () => `${require('../../package.json').version} (librdkafka ${librdkafkaVersion})`,
);
