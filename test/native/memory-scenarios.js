#!/usr/bin/env node
// Memory scenarios: drives every native path of the addon end to end on the
// embedded MockCluster, for scripts/check-native-memory.sh to run under
// AddressSanitizer/UBSan and valgrind. A plain Node script (no test runner),
// so the sanitizer or valgrind sees nothing but node, the addon and this file.
//
//   node --expose-gc test/native/memory-scenarios.js [main|teardown]
//
// Groups (one process each):
//   main      MockCluster lifecycle, KafkaError paths (bad config, refusals),
//             producer (10k messages, send, flush, purge with the broker
//             down), consumer (subscribe/consume/commit/seek/pause/resume/
//             committed/watermarks with a rebalance, eager and cooperative;
//             close during a rebalance), transactions, AdminClient, create/close cycles, a
//             worker thread, and clients left open at exit (cleanup hooks).
//   teardown  workers terminated while operations run on their own threads
//             (flush, metadata, committed, watermarks, commit, admin requests,
//             a transaction commit, consumer close): the threads finish after the environment is gone.
//
// Environment:
//   RDKAFKA_NAPI_ADDON_PATH    the addon to load, <dir>/build/Release/rdkafka_napi.node
//                              (default: this checkout's build, via node-gyp-build)
//   MEMORY_SCENARIOS_CYCLES    create/close cycles (default 200)
//   MEMORY_SCENARIOS_MESSAGES  messages of the producer scenario (default 10000)
//   MEMORY_SCENARIOS_SLOWDOWN  multiplies client-side timeouts (valgrind: 4)
//   MEMORY_SCENARIOS_ONLY      comma-separated scenario names (default: the whole group)
//
// Exit code 0 when every scenario passed. The clients left open on purpose at
// the end are torn down by the addon's environment cleanup hooks.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker, isMainThread, workerData } = require('node:worker_threads');

const root = path.resolve(__dirname, '..', '..');

// ------------------------------------------------------------------ loading
const addonPath = process.env.RDKAFKA_NAPI_ADDON_PATH ? path.resolve(process.env.RDKAFKA_NAPI_ADDON_PATH) : undefined;
if (addonPath) {
  // src/native.ts loads the addon through node-gyp-build, which honours
  // <PACKAGE_NAME>_PREBUILD=<dir> and then loads <dir>/build/Release/*.node.
  const release = path.dirname(addonPath);
  if (path.basename(release) !== 'Release' || path.basename(path.dirname(release)) !== 'build') {
    console.error(`RDKAFKA_NAPI_ADDON_PATH must be <dir>/build/Release/<name>.node, got ${addonPath}`);
    process.exit(2);
  }
  process.env.RDKAFKA_NAPI_PREBUILD = path.dirname(path.dirname(release));
}
const kafka = require(path.join(root, 'dist', 'cjs'));
const { native } = require(path.join(root, 'dist', 'cjs', 'native'));
const { AdminClient, Consumer, KafkaError, MockCluster, ApiKeys, Offsets, Producer, ErrorCodes } = kafka;

const loadedAddons = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
if (addonPath && !loadedAddons.includes(addonPath)) {
  console.error(`loaded ${loadedAddons.join(', ') || 'no addon'} instead of ${addonPath}`);
  process.exit(2);
}

const CYCLES = Number(process.env.MEMORY_SCENARIOS_CYCLES ?? 200);
const MESSAGES = Number(process.env.MEMORY_SCENARIOS_MESSAGES ?? 10_000);
const SLOWDOWN = Number(process.env.MEMORY_SCENARIOS_SLOWDOWN ?? 1);
const ONLY = process.env.MEMORY_SCENARIOS_ONLY ? new Set(process.env.MEMORY_SCENARIOS_ONLY.split(',')) : undefined;

const gc = typeof global.gc === 'function' ? global.gc : () => {};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (base) => Math.round(base * SLOWDOWN);
let topicSerial = 0;
const topicName = (prefix) => `${prefix}-${process.pid}-${++topicSerial}`;

async function expectKafkaError(promiseOrFn, code, what) {
  let error;
  try {
    const value = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
    await value;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `${what}: expected a KafkaError ${code ?? ''}, nothing was thrown`);
  assert.ok(error instanceof KafkaError, `${what}: expected a KafkaError, got ${error?.stack ?? error}`);
  if (code !== undefined) assert.equal(error.code, code, `${what}: ${error.message}`);
  return error;
}

function expectTypeError(fn, what) {
  assert.throws(fn, TypeError, what);
}

async function waitFor(condition, timeoutMs, what) {
  const deadline = Date.now() + ms(timeoutMs);
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms(timeoutMs)} ms waiting for ${what}`);
    await sleep(5);
  }
}

// Errors and logs a client reports go to a sink so nothing turns into warnings.
function quiet(client, sink = []) {
  client.on('error', (error) => sink.push(error));
  return sink;
}

function consumerConfig(bootstrapServers, extra = {}) {
  return {
    'bootstrap.servers': bootstrapServers,
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 200,
    'topic.metadata.refresh.interval.ms': 1000,
    ...extra,
  };
}

async function fill(bootstrapServers, topic, partitions, perPartition, withHeaders = false) {
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers, 'linger.ms': 2 });
  quiet(producer);
  await producer.connect({ timeoutMs: ms(10_000) });
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      const message = { topic, partition: p, key: `k${p}-${i}`, value: `v${p}-${i}` };
      if (withHeaders && i % 3 === 0) message.headers = { n: String(i), bin: Buffer.from([p, i & 255, 0]), nul: null };
      await producer.produceOrWait(message);
    }
  }
  await producer.flush(ms(30_000));
  await producer.disconnect();
}

// ------------------------------------------------------------------ scenarios

async function mockClusterLifecycle() {
  const cluster = await MockCluster.start({ brokers: 3 });
  const topic = topicName('mock');
  cluster.createTopic(topic, { partitions: 3, replicationFactor: 3 });
  cluster.pushRequestErrors(ApiKeys.Produce, ['NOT_LEADER_FOR_PARTITION', 'REQUEST_TIMED_OUT']);
  cluster.pushRequestErrors(ApiKeys.Metadata, ['LEADER_NOT_AVAILABLE'], { brokerId: 2, rttMs: 5 });
  cluster.clearRequestErrors(ApiKeys.Produce);
  cluster.clearRequestErrors(ApiKeys.Metadata);
  cluster.setBrokerRtt(1, 5);
  cluster.setBrokerRtt(1, 0);
  cluster.setPartitionLeader(topic, 0, 2);
  cluster.setTopicError(topic, 'TOPIC_AUTHORIZATION_FAILED');
  cluster.setTopicError(topic, 'NO_ERROR');
  cluster.setBrokerDown(3);
  cluster.setBrokerUp(3);
  // Native failures become KafkaErrors.
  await expectKafkaError(() => cluster.setBrokerDown(42), undefined, 'setBrokerDown(unknown broker)');
  await maybeKafkaError(() => cluster.setPartitionLeader('no-such-topic', 7, 1), 'setPartitionLeader(unknown)');

  // A producer uses it, with the injected errors retried.
  cluster.pushRequestErrors(ApiKeys.Produce, ['NOT_ENOUGH_REPLICAS']);
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
  quiet(producer);
  await producer.connect({ timeoutMs: ms(10_000) });
  const report = await producer.send({ topic, partition: 0, value: 'through the mock' });
  assert.equal(report.partition, 0);
  await producer.disconnect();

  await cluster.close();
  await cluster.close(); // idempotent
  await expectKafkaError(() => cluster.createTopic('after-close'), '_STATE', 'createTopic after close');

  // Clusters dropped without close() stay open (they are held until close) and the exit hook tears them down.
  for (let i = 0; i < 3; i++) new MockCluster({ brokers: 1 }).createTopic('dropped');
  gc();
  await sleep(10);
  gc();
}

async function errorPaths(bootstrapServers, cluster) {
  // Library facts (native tables).
  assert.ok(native.configurationTable().length > 1000);
  assert.ok(native.errorTable().length > 50);
  assert.equal(native.errorName(ErrorCodes._QUEUE_FULL), '_QUEUE_FULL');
  assert.ok(kafka.librdkafkaFeatures.includes('ssl'));

  // librdkafka refuses a property or a value while building the conf.
  for (const Client of [Producer, Consumer, AdminClient]) {
    await expectKafkaError(() => new Client({ 'no.such.property': 'x' }), '_INVALID_ARG', `${Client.name}: unknown property`);
    await expectKafkaError(() => new Client({ 'socket.timeout.ms': 'soon' }), '_INVALID_ARG', `${Client.name}: bad value`);
    expectTypeError(() => new Client({ dr_cb: 'x' }), `${Client.name}: reserved property`);
  }
  // The addon's own argument checks (TypeError thrown from a constructor).
  expectTypeError(() => new native.NativeProducer({}), 'NativeProducer without arguments');
  expectTypeError(() => new native.NativeConsumer({}, new Float64Array(12), () => {}), 'NativeConsumer missing onEvent');
  expectTypeError(
    () =>
      new native.NativeProducer(
        { 'linger.ms': 5 },
        new Float64Array(6),
        () => {},
        () => {},
      ),
    'NativeProducer with an unprepared config value',
  );

  // rd_kafka_new fails after the conf was accepted: conf stays ours, then is freed.
  const failingConfigs = [
    { 'bootstrap.servers': bootstrapServers, 'security.protocol': 'ssl', 'ssl.ca.location': '/nonexistent/ca.pem' },
    { 'bootstrap.servers': bootstrapServers, 'transactional.id': 'tx', 'enable.idempotence': false },
  ];
  for (const config of failingConfigs) {
    const producer = new Producer(config);
    await expectKafkaError(producer.connect({ timeoutMs: ms(1000) }), undefined, 'producer rd_kafka_new failure');
  }
  const badConsumer = new Consumer({ ...failingConfigs[0], 'group.id': 'g' });
  await expectKafkaError(badConsumer.connect({ timeoutMs: ms(1000) }), undefined, 'consumer rd_kafka_new failure');
  const badAdmin = new AdminClient(failingConfigs[0]);
  await expectKafkaError(badAdmin.connect({ timeoutMs: ms(1000) }), undefined, 'admin rd_kafka_new failure');

  // Nobody answers: connect times out, the client is closed again.
  const nowhere = '127.0.0.1:1';
  const lonelyProducer = new Producer({ 'bootstrap.servers': nowhere });
  quiet(lonelyProducer);
  await expectKafkaError(lonelyProducer.connect({ timeoutMs: ms(300) }), undefined, 'producer connect timeout');
  const lonelyConsumer = new Consumer({ 'bootstrap.servers': nowhere, 'group.id': 'nobody' });
  quiet(lonelyConsumer);
  await expectKafkaError(lonelyConsumer.connect({ timeoutMs: ms(300) }), undefined, 'consumer connect timeout');
  const lonelyAdmin = new AdminClient({ 'bootstrap.servers': nowhere });
  await expectKafkaError(lonelyAdmin.connect({ timeoutMs: ms(300) }), undefined, 'admin connect timeout');

  // Produce-time refusals (error codes turned into KafkaErrors / TypeErrors).
  const topic = topicName('errors');
  cluster.createTopic(topic, { partitions: 1 });
  const producer = withNative(new Producer({ 'bootstrap.servers': bootstrapServers, 'message.max.bytes': 2000 }));
  quiet(producer);
  await expectKafkaError(producer.flush(1000), '_STATE', 'flush before connect');
  await producer.connect({ timeoutMs: ms(10_000) });
  await producer.send({ topic, value: 'creates the topic' });
  await expectKafkaError(() => producer.produce({ topic, partition: 7, value: 'x' }), '_UNKNOWN_PARTITION', 'unknown partition');
  await expectKafkaError(() => producer.produce({ topic, value: Buffer.alloc(5000) }), 'MSG_SIZE_TOO_LARGE', 'too large');
  expectTypeError(() => producer.produce({ topic, value: 42 }), 'number value');
  expectTypeError(() => producer.produce({ topic, value: 'v', key: {} }), 'object key');
  expectTypeError(() => producer.produce({ topic, value: 'v', headers: { h: 42 } }), 'number header (TS check)');
  // Past the TypeScript checks: the native header loop bails out mid-way.
  const nativeProducer = getNative(producer);
  const index = nativeProducer.topicIndex(topic);
  assert.equal(
    nativeProducer.produceWithExtras(index, -1, 'v', null, 0, 0, ['a', 'ok', 'b', 42, 'c', 'never']),
    ErrorCodes._INVALID_TYPE,
  );
  assert.equal(nativeProducer.produce(9999, -1, 'v', null), ErrorCodes._UNKNOWN_TOPIC);
  await producer.disconnect();
  await expectKafkaError(() => producer.produce({ topic, value: 'late' }), '_STATE', 'produce after disconnect');
  await expectKafkaError(() => nativeProducer.topicIndex('late'), '_STATE', 'native call after close');
  await expectKafkaError(() => nativeProducer.flush(10), '_STATE', 'native flush after close');
  await nativeProducer.close(); // closing twice resolves

  // Consumer refusals.
  const consumer = withNative(new Consumer(consumerConfig(bootstrapServers, { 'group.id': topicName('g-err') })));
  quiet(consumer);
  await expectKafkaError(() => consumer.subscribe(topic), '_STATE', 'subscribe before connect');
  await consumer.connect({ timeoutMs: ms(10_000) });
  const notAssigned = [{ topic, partition: 0 }];
  const paused = getNative(consumer).pause(notAssigned);
  assert.equal(paused.length, 1);
  await maybeKafkaError(consumer.commit(), 'commit with nothing assigned');
  await maybeKafkaError(consumer.seek({ topic, partition: 0, offset: 0 }, ms(500)), 'seek unassigned');
  await maybeKafkaError(() => consumer.incrementalUnassign(notAssigned), 'incrementalUnassign unassigned');
  await maybeKafkaError(consumer.committed([{ topic, partition: 0 }], ms(2000)), 'committed unassigned');
  await maybeKafkaError(
    consumer.queryWatermarkOffsets('no-such-topic-here', 0, ms(500)),
    undefined,
    'queryWatermarkOffsets unknown topic',
    // (maybeKafkaError takes no code)
  );
  expectTypeError(() => getNative(consumer).assign([{ topic: 5, partition: 0 }]), 'native assign bad entry');
  expectTypeError(() => getNative(consumer).storeOffsets([null]), 'native storeOffsets bad entry');
  await consumer.disconnect();
  await expectKafkaError(() => getNative(consumer).assignment(), '_STATE', 'native call after close');
}

// The native object behind a client (its #native field is private): the
// constructors are wrapped once so the latest native instance is on record.
const nativeOf = new WeakMap();
let lastNative;
for (const name of ['NativeProducer', 'NativeConsumer']) {
  const Original = native[name];
  native[name] = new Proxy(Original, {
    construct(target, args) {
      lastNative = Reflect.construct(target, args);
      return lastNative;
    },
  });
}
function withNative(client) {
  nativeOf.set(client, lastNative);
  return client;
}
function getNative(client) {
  const handle = nativeOf.get(client);
  assert.ok(handle, 'client was created through withNative()');
  return handle;
}

// Settles either way, but anything thrown must be a KafkaError.
async function maybeKafkaError(promiseOrFn, what) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    assert.ok(error instanceof KafkaError, `${what}: expected a KafkaError, got ${error?.stack ?? error}`);
  }
}

async function producerScenario(bootstrapServers, cluster) {
  const topic = topicName('produce');
  const second = topicName('produce-b');
  cluster.createTopic(topic, { partitions: 4 });
  cluster.createTopic(second, { partitions: 2 });
  const producer = new Producer({
    'bootstrap.servers': bootstrapServers,
    'linger.ms': 5,
    'statistics.interval.ms': 200,
    'queue.buffering.max.messages': 100_000,
  });
  const errors = quiet(producer);
  producer.on('stats', () => {}); // stats JSON and log lines travel through the event path
  producer.on('log', () => {});
  let reports = 0;
  let failed = 0;
  producer.on('delivery-report', (report) => {
    reports++;
    if (report.error) failed++;
  });
  await producer.connect({ timeoutMs: ms(10_000) });

  let produced = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const message = { topic: i % 7 === 0 ? second : topic, value: `value-${i}`, key: i % 2 ? `key-${i}` : null };
    if (i % 5 === 0) message.value = Buffer.from(message.value);
    if (i % 11 === 0) message.key = new Uint8Array([1, 2, 3, i & 255]);
    if (i % 13 === 0) message.value = null; // tombstone
    if (i % 17 === 0) message.value = new Uint8Array(0);
    if (i % 10 === 0) {
      message.headers = [
        ['trace', `t-${i}`],
        ['bin', Buffer.from([i & 255])],
        ['trace', null],
      ];
      message.timestamp = Date.now();
      message.opaque = { i };
    }
    if (i % 97 === 0) message.partition = i % 4;
    if (message.partition !== undefined && message.topic === second) delete message.partition;
    await producer.produceOrWait(message);
    produced++;
  }
  const sends = [];
  for (let i = 0; i < 50; i++) sends.push(producer.send({ topic, value: `sent-${i}`, headers: { i: String(i) } }));
  const settled = await Promise.all(sends);
  assert.equal(settled.length, 50);
  await producer.flush(ms(30_000));
  await waitFor(() => reports === produced, 30_000, `${produced} delivery reports (have ${reports})`);
  assert.equal(failed, 0, 'no delivery failures');
  assert.equal(producer.inFlight, 0);
  const metadata = await producer.getMetadata({ topic });
  assert.equal(metadata.topics[0].partitions.length, 4);
  await producer.getMetadata();
  await producer.disconnect();
  await producer.disconnect();
  assert.ok(errors.length === 0, `producer errors: ${errors.map((e) => e.message).join('; ')}`);

  // A tiny queue: produceOrWait waits for room, produce() fails with _QUEUE_FULL.
  const small = new Producer({ 'bootstrap.servers': bootstrapServers, 'queue.buffering.max.messages': 50, 'linger.ms': 20 });
  quiet(small);
  await small.connect({ timeoutMs: ms(10_000) });
  let queueFull = 0;
  for (let i = 0; i < 600; i++) {
    try {
      small.produce({ topic, value: `q${i}` });
    } catch (error) {
      assert.equal(error.code, '_QUEUE_FULL');
      queueFull++;
      await small.produceOrWait({ topic, value: `q${i}` });
    }
  }
  assert.ok(queueFull > 0, 'the queue filled up');
  await small.disconnect();
}

async function producerPurgeScenario() {
  // Its own cluster: the broker goes down and stays down until the end.
  const cluster = new MockCluster({ brokers: 1 });
  const topic = topicName('purge');
  cluster.createTopic(topic, { partitions: 2 });
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'linger.ms': 50,
    'message.timeout.ms': 120_000,
    'reconnect.backoff.max.ms': 100,
  });
  quiet(producer);
  const failures = [];
  producer.on('delivery-report', (report) => {
    if (report.error) failures.push(report);
  });
  await producer.connect({ timeoutMs: ms(10_000) });
  await producer.send({ topic, value: 'warm-up' });
  cluster.setBrokerDown(1);
  await sleep(50);
  for (let i = 0; i < 2000; i++) producer.produce({ topic, key: `k${i}`, value: `v${i}`, headers: { i: String(i) } });
  const sends = [];
  for (let i = 0; i < 20; i++)
    sends.push(
      producer.send({ topic, value: `tracked-${i}` }).then(
        () => null,
        (error) => error,
      ),
    );
  await producer.disconnect({ timeoutMs: ms(300) });
  const rejected = await Promise.all(sends);
  assert.ok(
    rejected.every((error) => error instanceof KafkaError),
    'tracked sends rejected',
  );
  assert.ok(failures.length > 0, 'purged messages reported');
  assert.ok(
    failures.every((r) => r.error.code.startsWith('_PURGE') || r.error.code === '_DESTROY' || r.error.code === '_MSG_TIMED_OUT'),
  );
  assert.ok(
    failures.some((r) => Buffer.isBuffer(r.value) && Buffer.isBuffer(r.key)),
    'failed reports carry their bytes',
  );

  // Delivery timeouts while the broker is down: _MSG_TIMED_OUT reports.
  const timingOut = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'message.timeout.ms': ms(300),
    'reconnect.backoff.max.ms': 100,
  });
  quiet(timingOut);
  const timedOut = [];
  timingOut.on('delivery-report', (report) => report.error && timedOut.push(report.error.code));
  // connect() needs an answer: bring the broker up for it, down again after.
  cluster.setBrokerUp(1);
  await timingOut.connect({ timeoutMs: ms(10_000) });
  await timingOut.send({ topic, value: 'warm-up' });
  cluster.setBrokerDown(1);
  await sleep(50);
  for (let i = 0; i < 100; i++) timingOut.produce({ topic, value: `t${i}`, key: Buffer.from([i]) });
  await timingOut.flush(ms(20_000));
  assert.ok(timedOut.length > 0 && timedOut.every((code) => code === '_MSG_TIMED_OUT'), `timeouts: ${timedOut.slice(0, 3)}`);
  await timingOut.disconnect({ timeoutMs: 0 });

  cluster.setBrokerUp(1);
  await cluster.close();
}

// Transactions: init, commit with offsets (group metadata written and read
// back), abort (purged messages), misuse errors, the helper, and a producer
// closed with a transaction open.
async function transactionScenario(bootstrapServers, cluster) {
  const topic = topicName('tx');
  cluster.createTopic(topic, { partitions: 1, replicationFactor: 3 });
  const consumer = new Consumer(
    consumerConfig(bootstrapServers, { 'group.id': topicName('tx-group'), 'enable.auto.commit': false }),
  );
  quiet(consumer);
  await consumer.connect({ timeoutMs: ms(10_000) });
  assert.equal(consumer.memberId(), null);
  const producer = new Producer({
    'bootstrap.servers': bootstrapServers,
    'transactional.id': topicName('tx-id'),
    'linger.ms': 50,
  });
  quiet(producer);
  await producer.connect({ timeoutMs: ms(10_000) });
  await expectKafkaError(() => producer.produce({ topic, value: 'early' }), '_STATE', 'produce before initTransactions');
  await producer.initTransactions({ timeoutMs: ms(10_000) });
  for (let round = 0; round < 5; round++) {
    producer.beginTransaction();
    await expectKafkaError(() => producer.beginTransaction(), '_STATE', 'begin twice');
    for (let i = 0; i < 200; i++) producer.produce({ topic, partition: 0, value: `tx ${round} ${i}` });
    await producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: round + 1 }], consumer.groupMetadata());
    await assert.rejects(
      producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1 }], Buffer.from('garbage')),
      TypeError,
      'unparsable group metadata',
    );
    if (round % 2 === 0) await producer.commitTransaction();
    else await producer.abortTransaction(); // purges what is still lingering
  }
  await producer.transaction(async (tx) => {
    await tx.send({ topic, partition: 0, value: 'helper' });
  });
  producer.beginTransaction();
  for (let i = 0; i < 100; i++) producer.produce({ topic, partition: 0, value: `left open ${i}` });
  await producer.disconnect(); // aborts the open transaction
  await consumer.disconnect();
}

async function consumerScenario(bootstrapServers, cluster, strategy) {
  const topic = topicName(`consume-${strategy}`);
  const partitions = 6;
  const perPartition = 250;
  const total = partitions * perPartition;
  cluster.createTopic(topic, { partitions });
  await fill(bootstrapServers, topic, partitions, perPartition, true);

  const groupId = topicName(`group-${strategy}`);
  const rebalances = [];
  const options = {
    maxBatchSize: 300,
    rebalance: async (event, consumer) => {
      rebalances.push(event);
      if (event.type === 'revoke' && !event.lost) await consumer.commit().catch(() => {});
    },
  };
  const config = consumerConfig(bootstrapServers, {
    'group.id': groupId,
    'partition.assignment.strategy': strategy,
    'enable.partition.eof': true,
    'statistics.interval.ms': 250,
    'auto.commit.interval.ms': 100,
  });
  const a = new Consumer(config, options);
  quiet(a); // transient coordinator errors during the rebalances are fine
  a.on('partition-eof', () => {});
  a.on('stats', () => {});
  a.on('log', () => {});
  const commits = [];
  a.on('commit', (error, offsets) => commits.push({ error, offsets }));
  await a.connect({ timeoutMs: ms(10_000) });
  a.subscribe([topic]);
  assert.deepEqual(a.subscription(), [topic]);

  const seen = new Set();
  const add = (message) => seen.add(`${message.partition}:${message.offset}`);
  // Phase 1: `a` alone reads part of the topic. (Whole batches: leaving a
  // message loop mid-batch drops the rest of that batch for this session.)
  for await (const batch of a.batches({ maxMessages: 100 })) {
    for (const message of batch) {
      add(message);
      if (message.headers.length > 0) assert.equal(message.headers[0].key, 'n');
    }
    if (seen.size >= total / 3) break;
  }
  const assigned = a.assignment();
  assert.equal(assigned.length, partitions);
  assert.ok(['EAGER', 'COOPERATIVE'].includes(a.rebalanceProtocol()));
  const committed = await a.commit();
  assert.ok(Array.isArray(committed));
  const committedOffsets = await a.committed(undefined, ms(5000));
  assert.equal(committedOffsets.length, partitions);
  // Positions (next offsets) of whole batches handed out: storing or
  // committing them skips nothing.
  const positions = a.position().filter((entry) => entry.offset >= 0);
  const marks = await a.queryWatermarkOffsets(topic, 0, ms(5000));
  assert.equal(marks.high, perPartition);
  await a.offsetsForTimes([{ topic, partition: 0, offset: 0 }], ms(5000));
  await a.getMetadata({ topic });
  if (positions.length > 0) {
    a.storeOffsets(positions.map((entry) => ({ ...entry, metadata: 'stored by hand' })));
    await a.commit(positions.map((entry) => ({ topic, partition: entry.partition, offset: entry.offset, metadata: 'explicit' })));
  }
  a.commitAsync();
  a.pause([{ topic, partition: 0 }]);
  a.resume([{ topic, partition: 0 }]);
  await a.seek({ topic, partition: 0, offset: Offsets.BEGINNING }, ms(5000));
  await a.seek([{ topic, partition: 1, offset: 0, leaderEpoch: -1 }], ms(5000));
  await waitFor(() => commits.length > 0, 10_000, 'commitAsync result');

  // Phase 2: `b` joins the group, both read in batches until all was seen.
  const b = new Consumer(config, options);
  quiet(b);
  await b.connect({ timeoutMs: ms(10_000) });
  b.subscribe(topic);
  const readers = [a, b].map((consumer) =>
    (async () => {
      for await (const batch of consumer.batches({ maxMessages: 100, maxWaitMs: 20 })) {
        for (const message of batch) add(message);
      }
    })(),
  );
  // Until everything was read and `b` got partitions (both loops keep polling,
  // so both take part in the rebalance).
  const done = () => seen.size >= total && b.assignment().length > 0 && rebalances.some((e) => e.type === 'revoke');
  await waitFor(done, 60_000, `all ${total} messages and a rebalance`).catch((error) => {
    const missing = [];
    for (let p = 0; p < partitions; p++) {
      let count = 0;
      for (let o = 0; o < perPartition; o++) if (!seen.has(`${p}:${o}`)) count++;
      if (count) missing.push(`${p}:${count}`);
    }
    error.message += ` (have ${seen.size}; missing per partition ${missing.join(' ')}; a has ${JSON.stringify(a.assignment())}, b has ${JSON.stringify(b.assignment())}; rebalances ${JSON.stringify(rebalances)})`;
    throw error;
  });
  await b.commit().catch(() => {});
  await b.disconnect(); // ends b's loop if it still waits
  // A newer loop on `a` supersedes its batch loop and takes the partitions back.
  const back = a[Symbol.asyncIterator]();
  const firstBack = back.next();
  await Promise.race([firstBack, sleep(ms(1500))]);
  await a.disconnect();
  await firstBack;
  await Promise.all(readers);

  // Manual assignment, incremental assign/unassign, then unassign.
  const manual = new Consumer(consumerConfig(bootstrapServers, { 'group.id': topicName('manual') }));
  quiet(manual);
  await manual.connect({ timeoutMs: ms(10_000) });
  manual.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
  manual.incrementalAssign([{ topic, partition: 1, offset: 5 }]);
  let manualSeen = 0;
  for await (const message of manual) {
    void message;
    if (++manualSeen >= 300) break;
  }
  manual.incrementalUnassign([{ topic, partition: 1 }]);
  manual.unassign();
  await manual.disconnect();
}

// A revocation handler still running when disconnect() comes: close applies
// the stashed rebalance itself.
async function consumerCloseMidRebalance(bootstrapServers, cluster) {
  const topic = topicName('midrebalance');
  cluster.createTopic(topic, { partitions: 4 });
  await fill(bootstrapServers, topic, 4, 50);
  const groupId = topicName('group-mid');
  let releaseHandler;
  let revokeStarted;
  const revoking = new Promise((resolve) => {
    revokeStarted = resolve;
  });
  const slow = new Consumer(consumerConfig(bootstrapServers, { 'group.id': groupId }), {
    rebalance: async (event) => {
      if (event.type !== 'revoke') return;
      revokeStarted();
      await new Promise((resolve) => {
        releaseHandler = resolve;
        setTimeout(resolve, ms(1500));
      });
    },
  });
  quiet(slow);
  await slow.connect({ timeoutMs: ms(10_000) });
  slow.subscribe(topic);
  const reader = (async () => {
    for await (const message of slow) void message;
  })();
  await waitFor(() => slow.assignment().length === 4, 20_000, 'slow consumer assignment');
  const other = new Consumer(consumerConfig(bootstrapServers, { 'group.id': groupId }));
  quiet(other);
  await other.connect({ timeoutMs: ms(10_000) });
  other.subscribe(topic);
  const otherReader = (async () => {
    for await (const message of other) void message;
  })();
  await Promise.race([revoking, sleep(ms(20_000))]);
  await slow.disconnect();
  releaseHandler?.();
  await reader;
  await other.disconnect();
  await otherReader;
}

// librdkafka's mock cluster has no CreateTopics/DeleteTopics handlers and
// names no controller, so both requests end in a timeout there; what runs is
// the request building, the queue round trip and the error settlement.
async function adminScenario(bootstrapServers) {
  const admin = new AdminClient({ 'bootstrap.servers': bootstrapServers });
  await admin.connect({ timeoutMs: ms(10_000) });
  const metadata = await admin.getMetadata();
  assert.ok(metadata.brokers.length >= 1);
  await admin.getMetadata({ topic: topicName('admin-meta') }).catch((error) => assert.ok(error instanceof KafkaError));
  const one = topicName('admin');
  const two = topicName('admin');
  await maybeKafkaError(
    admin.createTopics(
      [
        { topic: one, partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'retention.ms': 60_000 } },
        { topic: two },
      ],
      { timeoutMs: ms(500) },
    ),
    'createTopics',
  );
  await maybeKafkaError(admin.createTopics([{ topic: one }], { ignoreExisting: true, timeoutMs: ms(300) }), 'createTopics again');
  // librdkafka refuses the second spec locally: the first is freed on the way out.
  await expectKafkaError(
    () =>
      admin.createTopics([
        { topic: one, config: { a: 'b' } },
        { topic: two, partitions: 200_000 },
      ]),
    '_INVALID_ARG',
    'createTopics with an invalid spec',
  );
  await maybeKafkaError(admin.deleteTopics([one, two], { timeoutMs: ms(500) }), 'deleteTopics');
  await maybeKafkaError(admin.deleteTopics([], { timeoutMs: ms(300) }), 'deleteTopics of nothing');
  await admin.disconnect();
  await admin.disconnect();
  await expectKafkaError(() => admin.createTopics([{ topic: 'late' }]), '_STATE', 'admin after disconnect');

  // Requests in flight while the client closes.
  const closing = new AdminClient({ 'bootstrap.servers': bootstrapServers });
  await closing.connect({ timeoutMs: ms(10_000) });
  const pending = closing.createTopics([{ topic: topicName('closing') }], { timeoutMs: ms(2000) }).catch((error) => error);
  await sleep(50);
  await closing.disconnect();
  assert.ok((await pending) instanceof KafkaError);
}

// What the running scenario awaits, if it says: a timeout names the stuck step.
let scenarioStep = '';

async function createCloseCycles(bootstrapServers, cluster) {
  const topic = topicName('cycles');
  cluster.createTopic(topic, { partitions: 2 });
  const step = async (i, what, promise) => {
    scenarioStep = `cycle ${i}: ${what}`;
    await promise;
  };
  for (let i = 0; i < CYCLES; i++) {
    switch (i % 5) {
      case 0: {
        const producer = new Producer({ 'bootstrap.servers': bootstrapServers, 'linger.ms': 0 });
        quiet(producer);
        await step(i, 'producer.connect', producer.connect({ timeoutMs: ms(10_000) }));
        producer.produce({ topic, value: `cycle-${i}`, headers: { c: String(i) } });
        await step(i, 'producer.disconnect', producer.disconnect());
        break;
      }
      case 1: {
        const consumer = new Consumer(consumerConfig(bootstrapServers, { 'group.id': `cycle-${i % 3}` }));
        quiet(consumer);
        await step(i, 'consumer.connect', consumer.connect({ timeoutMs: ms(10_000) }));
        consumer.subscribe(topic);
        await step(i, 'consumer.disconnect', consumer.disconnect());
        break;
      }
      case 2: {
        const admin = new AdminClient({ 'bootstrap.servers': bootstrapServers });
        await step(i, 'admin.connect', admin.connect({ timeoutMs: ms(10_000) }));
        await step(i, 'admin.disconnect', admin.disconnect());
        break;
      }
      case 3: {
        // Created, never connected, dropped: only finalizers clean up.
        new Producer({ 'bootstrap.servers': bootstrapServers });
        new Consumer({ 'bootstrap.servers': bootstrapServers, 'group.id': 'never' });
        new AdminClient({ 'bootstrap.servers': bootstrapServers });
        // Connected and closed, then dropped.
        const producer = new Producer({ 'bootstrap.servers': bootstrapServers });
        quiet(producer);
        await step(i, 'producer.connect (then dropped)', producer.connect({ timeoutMs: ms(10_000) }));
        await step(i, 'producer.disconnect({ timeoutMs: 0 })', producer.disconnect({ timeoutMs: 0 }));
        break;
      }
      default: {
        const mock = new MockCluster({ brokers: 1 });
        mock.createTopic('c');
        await step(i, 'mock.close', mock.close());
      }
    }
    if (i % 20 === 19) gc();
  }
  scenarioStep = 'after the cycles';
  gc();
  await sleep(20);
  gc();
}

// Runs in a worker thread: loads the addon in a second environment, uses it,
// and ends with everything still open (worker teardown runs cleanup hooks).
async function workerBody() {
  const cluster = new MockCluster({ brokers: 1 });
  cluster.createTopic('in-worker', { partitions: 1 });
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
  quiet(producer);
  await producer.connect({ timeoutMs: ms(10_000) });
  await producer.send({ topic: 'in-worker', value: 'from a worker' });
  producer.produce({ topic: 'in-worker', value: 'left in flight' });
  const consumer = new Consumer(consumerConfig(cluster.bootstrapServers, { 'group.id': 'worker' }));
  quiet(consumer);
  await consumer.connect({ timeoutMs: ms(10_000) });
  consumer.subscribe('in-worker');
}

async function workerScenario() {
  const worker = new Worker(__filename, {
    workerData: { role: 'worker' },
    env: { ...process.env },
  });
  const exitCode = await new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
  assert.equal(exitCode, 0, 'worker exit code');
}

// ------------------------------------------------------------------ teardown group
// A worker is terminated while operations run on their own threads: the
// environment goes away first, and those threads finish afterwards.
// Long enough to outlast the worker's teardown, so the operations' threads
// finish after its environment (and the thread-safe functions) are gone.
const OPERATION_TIMEOUT_MS = ms(2000);
const ADMIN_TIMEOUT_MS = ms(500); // AwaitAdminEvent waits this plus 5 s

async function busyWorkerBody(bootstrapServers, kind) {
  const { parentPort } = require('node:worker_threads');
  if (kind === 'closing') {
    // consumer.disconnect() still running (the broker answers slowly).
    const consumer = new Consumer(consumerConfig(bootstrapServers, { 'group.id': `closing-${process.pid}` }));
    quiet(consumer);
    await consumer.connect({ timeoutMs: ms(10_000) });
    consumer.subscribe('teardown');
    const reader = consumer[Symbol.asyncIterator]();
    reader.next().catch(() => {});
    await waitFor(() => consumer.assignment().length > 0, 30_000, 'assignment in the worker');
    parentPort.postMessage('ready');
    await new Promise((resolve) => parentPort.once('message', resolve)); // the broker is slow now
    consumer.disconnect().catch(() => {});
    await sleep(100);
    parentPort.postMessage('busy');
    return;
  }
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers });
  quiet(producer);
  const consumer = new Consumer(consumerConfig(bootstrapServers, { 'group.id': `busy-${process.pid}` }));
  quiet(consumer);
  const admin = new AdminClient({ 'bootstrap.servers': bootstrapServers });
  const transactional = new Producer({ 'bootstrap.servers': bootstrapServers, 'transactional.id': `busy-${process.pid}` });
  quiet(transactional);
  await producer.connect({ timeoutMs: ms(10_000) });
  await consumer.connect({ timeoutMs: ms(10_000) });
  await admin.connect({ timeoutMs: ms(10_000) });
  await transactional.connect({ timeoutMs: ms(10_000) });
  await transactional.initTransactions({ timeoutMs: ms(10_000) });
  consumer.assign([{ topic: 'teardown', partition: 0, offset: Offsets.BEGINNING }]);
  await producer.send({ topic: 'teardown', value: 'before the broker went down' });
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve)); // the broker is down now
  await sleep(100);
  const t = OPERATION_TIMEOUT_MS;
  for (let i = 0; i < 100; i++) producer.produce({ topic: 'teardown', value: `stuck ${i}` });
  transactional.beginTransaction();
  transactional.produce({ topic: 'teardown', value: 'in a transaction' });
  const pending = [
    transactional.commitTransaction({ timeoutMs: t }),
    producer.flush(t),
    producer.getMetadata({ topic: 'teardown', timeoutMs: t }),
    consumer.committed([{ topic: 'teardown', partition: 0 }], t),
    consumer.queryWatermarkOffsets('teardown', 0, t),
    consumer.offsetsForTimes([{ topic: 'teardown', partition: 0, offset: 0 }], t),
    consumer.commit([{ topic: 'teardown', partition: 0, offset: 1 }]),
    consumer.getMetadata({ timeoutMs: t }),
    admin.createTopics([{ topic: 'never' }], { timeoutMs: ADMIN_TIMEOUT_MS }),
    admin.deleteTopics(['never'], { timeoutMs: ADMIN_TIMEOUT_MS }),
  ];
  for (const promise of pending) promise.catch(() => {});
  parentPort.postMessage('busy');
}

async function workerTerminatedMidOperation() {
  for (const kind of ['operations', 'closing']) {
    const cluster = new MockCluster({ brokers: 1 });
    cluster.createTopic('teardown', { partitions: 1 });
    const worker = new Worker(__filename, {
      workerData: { role: 'busy-worker', kind, bootstrapServers: cluster.bootstrapServers },
      env: { ...process.env },
    });
    const failed = new Promise((_, reject) => worker.on('error', reject));
    failed.catch(() => {});
    const next = () => Promise.race([new Promise((resolve) => worker.once('message', resolve)), failed]);
    assert.equal(await next(), 'ready');
    if (kind === 'closing') cluster.setBrokerRtt(1, 3000);
    else cluster.setBrokerDown(1);
    worker.postMessage('go');
    assert.equal(await next(), 'busy');
    await sleep(200);
    await worker.terminate();
    // The operations' threads finish after the environment is gone.
    await sleep(Math.max(OPERATION_TIMEOUT_MS, ADMIN_TIMEOUT_MS + 5000) + ms(1000) + 500);
    cluster.setBrokerUp(1);
    cluster.setBrokerRtt(1, 0);
    await cluster.close();
  }
}

// Left open at exit: the environment cleanup hooks must tear these down.
async function leaveOpenAtExit() {
  const cluster = new MockCluster({ brokers: 1 });
  const topic = topicName('exit');
  cluster.createTopic(topic, { partitions: 2 });
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 1000 });
  quiet(producer);
  await producer.connect({ timeoutMs: ms(10_000) });
  await producer.send({ topic, value: 'delivered' });
  for (let i = 0; i < 100; i++) producer.produce({ topic, value: `in flight ${i}` }); // still lingering at exit
  const consumer = new Consumer(consumerConfig(cluster.bootstrapServers, { 'group.id': topicName('exit') }));
  quiet(consumer);
  await consumer.connect({ timeoutMs: ms(10_000) });
  consumer.subscribe(topic);
  const assignedConsumer = new Consumer(consumerConfig(cluster.bootstrapServers, { 'group.id': topicName('exit-b') }));
  quiet(assignedConsumer);
  await assignedConsumer.connect({ timeoutMs: ms(10_000) });
  assignedConsumer.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
  const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
  await admin.connect({ timeoutMs: ms(10_000) });
  // Cleanup hooks run last-registered first: this cluster goes before the clients.
  const late = new MockCluster({ brokers: 1 });
  keepAlive.push(cluster, producer, consumer, assignedConsumer, admin, late);
}
const keepAlive = [];

// ------------------------------------------------------------------ runner

async function main(group) {
  const started = Date.now();
  const cluster = new MockCluster({ brokers: 3 });
  const bootstrapServers = cluster.bootstrapServers;
  const teardown = [['worker-terminated-mid-operation', () => workerTerminatedMidOperation()]];
  const scenarios =
    group === 'teardown'
      ? teardown
      : [
          ['mock-cluster-lifecycle', () => mockClusterLifecycle()],
          ['error-paths', () => errorPaths(bootstrapServers, cluster)],
          ['producer', () => producerScenario(bootstrapServers, cluster)],
          ['producer-purge', () => producerPurgeScenario()],
          ['transactions', () => transactionScenario(bootstrapServers, cluster)],
          ['consumer-range', () => consumerScenario(bootstrapServers, cluster, 'range')],
          ['consumer-cooperative', () => consumerScenario(bootstrapServers, cluster, 'cooperative-sticky')],
          ['consumer-close-mid-rebalance', () => consumerCloseMidRebalance(bootstrapServers, cluster)],
          ['admin', () => adminScenario(bootstrapServers)],
          ['create-close-cycles', () => createCloseCycles(bootstrapServers, cluster)],
          ['worker-thread', () => workerScenario()],
          ['left-open-at-exit', () => leaveOpenAtExit()],
        ];
  let failures = 0;
  let ran = 0;
  for (const [name, run] of scenarios) {
    if (ONLY && !ONLY.has(name)) continue;
    const t0 = Date.now();
    let timer;
    scenarioStep = '';
    try {
      await Promise.race([
        run(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`scenario timed out after ${ms(180_000)} ms${scenarioStep ? ` at ${scenarioStep}` : ''}`)),
            ms(180_000),
          );
        }),
      ]);
      ran++;
      console.log(`memory-scenarios: ok   ${name} (${Date.now() - t0} ms)`);
    } catch (error) {
      failures++;
      console.log(`memory-scenarios: FAIL ${name} (${Date.now() - t0} ms): ${error?.stack ?? error}`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (group === 'main' && (!ONLY || ONLY.has('left-open-at-exit'))) {
    // The shared cluster stays open too.
    keepAlive.push(cluster);
  } else {
    await cluster.close();
  }
  gc();
  console.log(
    `memory-scenarios: ${failures === 0 ? 'PASS' : 'FAIL'} [${group}] ${ran} passed, ${failures} failed in ${Date.now() - started} ms; exiting with clients open`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
  // Exit must come by itself (nothing keeps the loop alive); say so if it does not.
  setTimeout(() => {
    console.log('memory-scenarios: FAIL the process did not exit by itself within 60 s of the last scenario');
    process.exit(3);
  }, ms(60_000)).unref();
}

if (isMainThread) {
  const group = process.argv[2] ?? 'main';
  if (group !== 'main' && group !== 'teardown') {
    console.error(`usage: node --expose-gc ${path.relative(process.cwd(), __filename)} [main|teardown]`);
    process.exit(2);
  }
  main(group).catch((error) => {
    console.log(`memory-scenarios: FAIL ${error?.stack ?? error}`);
    process.exitCode = 1;
  });
} else if (workerData?.role === 'busy-worker') {
  busyWorkerBody(workerData.bootstrapServers, workerData.kind).catch((error) => {
    console.log(`memory-scenarios: FAIL in busy worker ${error?.stack ?? error}`);
    process.exitCode = 1;
  });
} else if (workerData?.role === 'worker') {
  workerBody().catch((error) => {
    console.log(`memory-scenarios: FAIL in worker ${error?.stack ?? error}`);
    process.exitCode = 1;
  });
}
