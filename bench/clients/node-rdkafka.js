// node-rdkafka (Blizzard's NAN binding), with its own API.
'use strict';

require('./rdkafka-style').run('node-rdkafka', 'node-rdkafka');
