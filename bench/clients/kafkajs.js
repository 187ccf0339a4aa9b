// KafkaJS (pure JavaScript), with its own API.
'use strict';

const h = require('./harness');

require('./kafkajs-style').run('kafkajs', h.peerModule('kafkajs'), h.peerVersion('kafkajs'));
