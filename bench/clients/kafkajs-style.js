// KafkaJS's own API, shared by the kafkajs package and by rdkafka-napi's
// KafkaJS facade (rdkafka-napi/kafkajs): one definition of the calls and
// options, so the two are measured doing exactly the same thing. Used as
// KafkaJS's docs advise for throughput: send() of 1,000-message batches with
// several in flight, and eachBatch.
'use strict';

const h = require('./harness');

function run(client, { Kafka, logLevel }, version) {
  function newKafka(config) {
    return new Kafka({ clientId: 'bench', brokers: config.brokers.split(','), logLevel: logLevel.ERROR });
  }

  // KafkaJS has no linger.ms (and the facade sets 0, as KafkaJS sends each
  // send() at once): kafkaJsWorkloads' lingerMs argument does not apply.
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

  h.main(client, h.kafkaJsWorkloads({ newKafka, newProducer, subscribedConsumer, sender }), version);
}

module.exports = { run };
