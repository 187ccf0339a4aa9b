// KafkaJS (pure JavaScript), used as its docs advise for throughput: send()
// of 1,000-message batches with several in flight, and eachBatch.
'use strict';

const h = require('./harness');

const { Kafka, logLevel } = h.peerModule('kafkajs');

function newKafka(config) {
  return new Kafka({ clientId: 'bench', brokers: config.brokers.split(','), logLevel: logLevel.ERROR });
}

// KafkaJS has no linger.ms: kafkaJsWorkloads' lingerMs argument does not apply.
function newProducer(kafka, config) {
  return kafka.producer({
    allowAutoTopicCreation: false,
    ...(config.idempotence ? { idempotent: true, maxInFlightRequests: 5 } : {}),
  });
}

async function subscribedConsumer(kafka, config) {
  const consumer = kafka.consumer({
    groupId: config.group,
    ...(config.fetchWaitMs === undefined ? {} : { maxWaitTimeInMs: config.fetchWaitMs }),
  });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  return consumer;
}

// KafkaJS takes acks per send(), not per producer.
function sender(producer, config) {
  const acks = config.acks === 'all' ? -1 : Number(config.acks);
  return (messages) => producer.send({ topic: config.topic, acks, messages });
}

h.main('kafkajs', h.kafkaJsWorkloads({ newKafka, newProducer, subscribedConsumer, sender }), h.peerVersion('kafkajs'));
