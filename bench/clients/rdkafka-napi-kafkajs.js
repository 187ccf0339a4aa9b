// rdkafka-napi through its KafkaJS-compatible facade (the package's
// rdkafka-napi/kafkajs entry, built), making the same calls as the kafkajs
// runner: what the facade costs over our native API, and what a KafkaJS
// service gains by changing its import.
'use strict';

const facade = require('../../dist/cjs/kafkajs');
const { librdkafkaVersion } = require('../..');

require('./kafkajs-style').run(
  'rdkafka-napi (KafkaJS API)',
  facade,
  () => `${require('../../package.json').version} (librdkafka ${librdkafkaVersion})`,
);
