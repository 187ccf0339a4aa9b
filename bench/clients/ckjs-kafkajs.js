// @confluentinc/kafka-javascript through its KafkaJS-compatible promise API,
// used as its migration guide advises for throughput: send() of 1,000-message
// batches with several in flight, and eachBatch with a larger
// js.consumer.max.batch.size than the default 32.
'use strict';

const h = require('./harness');

const { Kafka, logLevel } = h.peerModule('@confluentinc/kafka-javascript').KafkaJS;
const CONSUMER_BATCH = Number(process.env.BENCH_CKJS_BATCH ?? 1000);
const version = () => {
  const { librdkafkaVersion } = h.peerModule('@confluentinc/kafka-javascript');
  return `${h.peerVersion('@confluentinc/kafka-javascript')} (librdkafka ${librdkafkaVersion})`;
};

function newKafka(config) {
  return new Kafka({ kafkaJS: { brokers: config.brokers.split(','), logLevel: logLevel.ERROR } });
}

function newProducer(kafka, config, lingerMs) {
  return kafka.producer({
    kafkaJS: {
      acks: config.acks === 'all' ? -1 : Number(config.acks),
      allowAutoTopicCreation: false,
      ...(config.idempotence ? { idempotent: true } : {}),
    },
    'linger.ms': lingerMs,
  });
}

async function subscribedConsumer(kafka, config) {
  const consumer = kafka.consumer({
    kafkaJS: {
      groupId: config.group,
      fromBeginning: true,
      ...(config.fetchWaitMs === undefined ? {} : { maxWaitTimeInMs: config.fetchWaitMs }),
    },
    'js.consumer.max.batch.size': CONSUMER_BATCH,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [config.topic] });
  return consumer;
}

function sender(producer, config) {
  return (messages) => producer.send({ topic: config.topic, messages });
}

h.main('confluent (KafkaJS API)', h.kafkaJsWorkloads({ newKafka, newProducer, subscribedConsumer, sender }), version);
