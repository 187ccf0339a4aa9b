// The node-rdkafka API, shared by node-rdkafka and by
// @confluentinc/kafka-javascript's node-rdkafka-compatible API (a fork of it).
// Best practice as their docs give it: produce() in a loop with delivery
// reports (dr_cb) served by a poll interval, poll() and a yield when the queue
// is full. The throughput consumer calls consume(1000, cb) in a loop: flowing
// mode (consume() with 'data' events) is faster for a second, then buffers
// without bound (over 1 GB within 2 s on a pre-filled topic, then a crash), so
// flowing mode serves only the fixed-rate latency workload.
'use strict';

const h = require('./harness');

const QUEUE_FULL = -184;

function run(moduleName, client) {
  const Kafka = h.peerModule(moduleName);
  let config;
  const version = `${h.peerVersion(moduleName)} (librdkafka ${Kafka.librdkafkaVersion})`;

  function newProducer(lingerMs) {
    return new Kafka.Producer({
      'bootstrap.servers': config.brokers,
      acks: config.acks === 'all' ? -1 : Number(config.acks),
      'linger.ms': lingerMs,
      dr_cb: true,
      ...(config.idempotence ? { 'enable.idempotence': true } : {}),
    });
  }

  function connect(client) {
    return new Promise((resolve, reject) => client.connect({}, (error) => (error ? reject(error) : resolve())));
  }

  async function produce(settings) {
    config = settings;
    const producer = newProducer(5);
    let delivered = 0;
    let errors = 0;
    let waiter;
    producer.on('delivery-report', (error) => {
      if (error) errors++;
      else delivered++;
      if (waiter && delivered + errors >= waiter.count) waiter.resolve();
    });
    producer.on('event.error', () => errors++);
    await connect(producer);
    producer.setPollInterval(10);
    const value = Buffer.alloc(config.size, 'x');
    await untilDelivered(1, () => producer.produce(config.topic, null, value, null)); // warm-up
    delivered = 0;

    const measure = h.startMeasuring();
    const deadline = measure.started + config.seconds * 1000;
    let sent = 0;
    while (sent < config.max) {
      try {
        producer.produce(config.topic, null, value, null);
      } catch (error) {
        if (error.code !== QUEUE_FULL) throw error;
        producer.poll();
        await new Promise(setImmediate);
        continue;
      }
      sent++;
      if ((sent & 1023) === 0 && h.performance.now() >= deadline) break;
    }
    await untilDelivered(sent);
    const m = measure.stop();
    return { msgs: delivered, errors, ...m, cleanup: () => disconnect(producer) };

    function untilDelivered(count, start) {
      if (delivered + errors >= count) return Promise.resolve();
      waiter = h.deferred();
      waiter.count = count;
      start?.();
      return waiter.promise;
    }
  }

  function newConsumer() {
    return new Kafka.KafkaConsumer(
      {
        'bootstrap.servers': config.brokers,
        'group.id': config.group,
        'enable.auto.commit': true,
        ...(config.fetchWaitMs === undefined ? {} : { 'fetch.wait.max.ms': config.fetchWaitMs }),
      },
      { 'auto.offset.reset': 'earliest' },
    );
  }

  async function consume(settings) {
    config = settings;
    const consumer = newConsumer();
    let errors = 0;
    consumer.on('event.error', () => errors++);
    await connect(consumer);
    const counted = await h.consumeUntilDone(config, (take) => {
      consumer.subscribe([config.topic]);
      const next = () =>
        consumer.consume(1000, (error, messages) => {
          if (error) errors++;
          if (!h.feedValues(messages ?? [], take)) setImmediate(next);
        });
      next();
    });
    return { ...counted, errors, cleanup: () => disconnect(consumer) };
  }

  async function latency(settings) {
    config = settings;
    const consumer = newConsumer();
    await connect(consumer);
    const producer = newProducer(0);
    let errors = 0;
    producer.on('delivery-report', (error) => {
      if (error) errors++;
    });
    await connect(producer);
    producer.setPollInterval(10);

    const measured = await h.latencyAtFixedRate(config, {
      // Flowing mode: the client emits 'data' as messages come.
      listen: (arrived) => {
        consumer.on('data', (message) => arrived(message.value));
        consumer.subscribe([config.topic]);
        consumer.consume();
      },
      send: (count) => {
        for (let i = 0; i < count; i++) producer.produce(config.topic, null, h.stampedValue(config.size), null);
      },
    });
    return { ...measured, errors, cleanup: () => Promise.all([disconnect(producer), disconnect(consumer)]) };
  }

  h.main(client, { produce, consume, latency }, version);
}

function disconnect(client) {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}

module.exports = { run };
