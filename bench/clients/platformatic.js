// @platformatic/kafka (pure JavaScript), 1.x (the line that runs on Node 20):
// send() of 1,000-message batches with several in flight, and the consumer's
// message stream in event ('data') mode.
'use strict';

const h = require('./harness');

const { Producer, Consumer, MessagesStreamModes } = h.peerModule('@platformatic/kafka');

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
  // The warm-up send connects too.
  const produced = await h.produceInBatches(
    config,
    (value) => ({ topic: config.topic, value }),
    (messages) => producer.send({ messages }),
  );
  return { ...produced, cleanup: () => producer.close() };
}

async function consume(config) {
  const { consumer, stream } = await consumerStream(config);
  let errors = 0;
  stream.on('error', () => errors++);
  const counted = await h.consumeUntilDone(config, (take) => {
    stream.on('data', (message) => take(message.value));
  });
  return { ...counted, errors, cleanup: () => consumer.close(true) };
}

async function latency(config) {
  const { consumer, stream } = await consumerStream(config);
  const producer = newProducer(config);
  let errors = 0;
  const measured = await h.latencyAtFixedRate(config, {
    listen: (arrived) => {
      stream.on('data', (message) => arrived(message.value));
    },
    send: (count) => {
      const messages = h.stampedMessages(count, config.size, (value) => ({ topic: config.topic, value }));
      producer.send({ messages }).catch(() => {
        errors += count;
      });
    },
  });
  return { ...measured, errors, cleanup: () => Promise.all([producer.close(), consumer.close(true)]) };
}

h.main('@platformatic/kafka', { produce, consume, latency }, h.peerVersion('@platformatic/kafka'));
