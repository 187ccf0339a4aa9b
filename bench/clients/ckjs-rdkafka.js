// @confluentinc/kafka-javascript through its node-rdkafka-compatible API.
'use strict';

require('./rdkafka-style').run('@confluentinc/kafka-javascript', 'confluent (rdkafka API)');
