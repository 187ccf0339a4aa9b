// Bad input to every public method of Producer, Consumer and MockCluster
// (AdminClient's operations have their own table: test/unit/admin-arguments.test.ts),
// each answered at once with a TypeError or KafkaError whose message names the
// argument (or, for a closed client, says what to do), and the clients still
// usable afterwards: a message makes the round trip on the real broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, KafkaError, MockCluster, Offsets, Producer } from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

type ErrorClass = typeof TypeError | typeof KafkaError;
interface Case {
  what: string;
  call: () => unknown;
  error: ErrorClass;
  message: RegExp;
}

let cluster: ClusterTarget;
let producer: Producer;
let consumer: Consumer;
let mock: MockCluster;
let closedProducer: Producer;
let closedConsumer: Consumer;
let idleConsumer: Consumer;
const topic = uniqueTopic('bad-input');

beforeAll(async () => {
  cluster = await startKafkaTarget();
  await cluster.createTopic(topic, 1);
  producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
  await producer.connect();
  consumer = new Consumer({
    'bootstrap.servers': cluster.bootstrapServers,
    'group.id': uniqueTopic('bad-input'),
    'auto.offset.reset': 'earliest',
  });
  await consumer.connect();
  closedProducer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
  await closedProducer.connect();
  await closedProducer.disconnect();
  closedConsumer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'closed' });
  await closedConsumer.connect();
  await closedConsumer.disconnect();
  idleConsumer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'idle' });
  mock = new MockCluster();
  mock.createTopic(topic);
});

afterAll(async () => {
  await consumer?.disconnect();
  await producer?.disconnect();
  await mock?.close();
  await cluster?.close();
});

const bootstrap = (): string => cluster.bootstrapServers;
const t = (what: string, call: () => unknown, error: ErrorClass, message: RegExp): Case => ({ what, call, error, message });

const cases: Case[] = [
  // Configuration
  t('Producer config not an object', () => new Producer('x' as never), TypeError, /for config but received "x"/),
  t('config value an object', () => new Producer({ 'linger.ms': {} as never }), TypeError, /config\["linger\.ms"\]/),
  t('config value NaN', () => new Producer({ 'linger.ms': Number.NaN }), TypeError, /config\["linger\.ms"\]/),
  t('config value a function', () => new Producer({ 'client.id': (() => 1) as never }), TypeError, /config\["client\.id"\]/),
  t('reserved config key', () => new Producer({ dr_cb: 'x' } as never), TypeError, /"dr_cb" is managed by rdkafka-napi/),
  t('unknown config key', () => new Producer({ 'no.such.property': 'x' } as never), KafkaError, /no\.such\.property/),
  t('config value out of range', () => new Producer({ 'linger.ms': -5 }), KafkaError, /linger\.ms/),
  t(
    'config value not in its enum',
    () => new Producer({ 'compression.type': 'brotli' as never }),
    KafkaError,
    /compression\.type/,
  ),
  t(
    'token provider not a function',
    () => new Producer({ 'bootstrap.servers': bootstrap() }, { oauthBearerTokenProvider: 5 as never }),
    TypeError,
    /oauthBearerTokenProvider/,
  ),
  t('Consumer without group.id', () => new Consumer({ 'bootstrap.servers': bootstrap() }), KafkaError, /group\.id/),
  t('maxBatchSize 0', () => new Consumer({ 'group.id': 'g' }, { maxBatchSize: 0 }), TypeError, /options\.maxBatchSize/),
  t(
    'maxBatchSize too large',
    () => new Consumer({ 'group.id': 'g' }, { maxBatchSize: 100_001 }),
    TypeError,
    /options\.maxBatchSize/,
  ),
  t(
    'rebalance not a function',
    () => new Consumer({ 'group.id': 'g' }, { rebalance: 'x' as never }),
    TypeError,
    /options\.rebalance/,
  ),
  // Producer.produce / send / produceOrWait
  t('message null', () => producer.produce(null as never), TypeError, /for message but received null/),
  t('message a string', () => producer.produce('m' as never), TypeError, /for message but received "m"/),
  t('topic empty', () => producer.produce({ topic: '' }), TypeError, /for message\.topic but received ""/),
  t('topic with a space', () => producer.produce({ topic: 'a b' }), TypeError, /for message\.topic/),
  t('topic of 250 characters', () => producer.produce({ topic: 'x'.repeat(250) }), TypeError, /for message\.topic/),
  t('topic ..', () => producer.produce({ topic: '..' }), TypeError, /for message\.topic/),
  t('topic a number', () => producer.produce({ topic: 5 as never }), TypeError, /for message\.topic but received 5/),
  t('partition -2', () => producer.produce({ topic, partition: -2 }), TypeError, /for message\.partition but received -2/),
  t('partition 1.5', () => producer.produce({ topic, partition: 1.5 }), TypeError, /for message\.partition/),
  t('partition 2^31', () => producer.produce({ topic, partition: 2 ** 31 }), TypeError, /for message\.partition/),
  t('value a number', () => producer.produce({ topic, value: 5 as never }), TypeError, /for message\.value but received 5/),
  t('value an object', () => producer.produce({ topic, value: {} as never }), TypeError, /for message\.value/),
  t('key a number', () => producer.produce({ topic, value: 'v', key: 42 as never }), TypeError, /for message\.key/),
  t('key a boolean', () => producer.produce({ topic, key: true as never }), TypeError, /for message\.key/),
  t('headers a string', () => producer.produce({ topic, headers: 'h' as never }), TypeError, /for message\.headers/),
  t('header pair of one', () => producer.produce({ topic, headers: [['a']] as never }), TypeError, /message\.headers entry/),
  t('header value a number', () => producer.produce({ topic, headers: { a: 5 as never } }), TypeError, /message\.headers\["a"\]/),
  t('header name a number', () => producer.produce({ topic, headers: [[5, 'v']] as never }), TypeError, /message\.headers name/),
  t('header name with a NUL', () => producer.produce({ topic, headers: { 'a\u0000b': 'v' } }), TypeError, /without NUL/),
  t('timestamp -1', () => producer.produce({ topic, timestamp: -1 }), TypeError, /for message\.timestamp/),
  t(
    'timestamp 0 (librdkafka: now)',
    () => producer.produce({ topic, timestamp: 0 }),
    TypeError,
    /integer >= 1 for message\.timestamp/,
  ),
  t('timestamp a string', () => producer.produce({ topic, timestamp: 'now' as never }), TypeError, /for message\.timestamp/),
  t(
    'timestamp an invalid Date',
    () => producer.produce({ topic, timestamp: new Date('x') }),
    TypeError,
    /for message\.timestamp/,
  ),
  t(
    'value over message.max.bytes',
    () => producer.produce({ topic, value: Buffer.alloc(2_000_000) }),
    KafkaError,
    /larger than message\.max\.bytes/,
  ),
  t('send(undefined)', () => producer.send(undefined as never), TypeError, /for message but received a undefined/),
  t('send with a bad topic', () => producer.send({ topic: 'bad name' }), TypeError, /for message\.topic/),
  t('send to a partition that does not exist', () => producer.send({ topic, partition: 99 }), KafkaError, /99|partition/i),
  t('produceOrWait with a bad value', () => producer.produceOrWait({ topic, value: [] as never }), TypeError, /message\.value/),
  t('flush(-2)', () => producer.flush(-2), TypeError, /for timeoutMs but received -2/),
  t('flush(1.5)', () => producer.flush(1.5), TypeError, /for timeoutMs/),
  t('flush("10")', () => producer.flush('10' as never), TypeError, /for timeoutMs but received "10"/),
  t('disconnect timeout a string', () => producer.disconnect({ timeoutMs: 'x' as never }), TypeError, /options\.timeoutMs/),
  t('getMetadata topic ..', () => producer.getMetadata({ topic: '..' }), TypeError, /options\.topic/),
  t('getMetadata timeout 0', () => producer.getMetadata({ timeoutMs: 0 }), TypeError, /options\.timeoutMs/),
  t('beginTransaction without transactional.id', () => producer.beginTransaction(), KafkaError, /transactional\.id/),
  t('initTransactions without transactional.id', () => producer.initTransactions(), KafkaError, /transactional\.id/),
  t(
    'sendOffsetsToTransaction without transactional.id',
    () => producer.sendOffsetsToTransaction([], Buffer.alloc(0)),
    KafkaError,
    /transactional\.id/,
  ),
  // Consumer
  t('subscribe([])', () => consumer.subscribe([]), TypeError, /at least one topic or pattern for topics/),
  t('subscribe(5)', () => consumer.subscribe(5 as never), TypeError, /for topics\[0\] but received 5/),
  t('subscribe a RegExp with flags', () => consumer.subscribe(/x/i), TypeError, /RegExp without flags .*topics\[0\]/),
  t('subscribe an invalid pattern', () => consumer.subscribe('^(unclosed'), TypeError, /Invalid topic pattern for topics\[0\]/),
  t('subscribe a bad second name', () => consumer.subscribe([topic, 'bad name']), TypeError, /for topics\[1\]/),
  t('assign a string', () => consumer.assign(topic as never), TypeError, /for partitions but received/),
  t('assign [null]', () => consumer.assign([null as never]), TypeError, /for partitions\[0\] but received null/),
  t('assign partition -1', () => consumer.assign([{ topic, partition: -1 }]), TypeError, /partitions\[0\]\.partition/),
  t('assign offset -5', () => consumer.assign([{ topic, partition: 0, offset: -5 }]), TypeError, /partitions\[0\]\.offset/),
  t(
    'assign leaderEpoch -2',
    () => consumer.assign([{ topic, partition: 0, leaderEpoch: -2 } as never]),
    TypeError,
    /partitions\[0\]\.leaderEpoch/,
  ),
  t('incrementalAssign an object', () => consumer.incrementalAssign({} as never), TypeError, /for partitions/),
  t(
    'incrementalUnassign a numeric topic',
    () => consumer.incrementalUnassign([{ topic: 7 as never, partition: 0 }]),
    TypeError,
    /partitions\[0\]\.topic/,
  ),
  t(
    'commit a string offset',
    () => consumer.commit([{ topic, partition: 0, offset: 'x' as never }]),
    TypeError,
    /offsets\[0\]\.offset/,
  ),
  t('commit a string', () => consumer.commit('all' as never), TypeError, /for offsets but received "all"/),
  t('committed timeout -1', () => consumer.committed([{ topic, partition: 0 }], -1), TypeError, /for timeoutMs but received -1/),
  t('position without topic', () => consumer.position([{ partition: 0 } as never]), TypeError, /partitions\[0\]\.topic/),
  t(
    'storeOffsets NaN',
    () => consumer.storeOffsets([{ topic, partition: 0, offset: Number.NaN }]),
    TypeError,
    /offsets\[0\]\.offset/,
  ),
  t('seek without offset', () => consumer.seek({ topic, partition: 0 } as never), TypeError, /position\.offset/),
  t('seek offset 1.5', () => consumer.seek({ topic, partition: 0, offset: 1.5 }), TypeError, /position\[0\]\.offset/),
  t(
    'pause a string partition',
    () => consumer.pause([{ topic, partition: 'a' as never }]),
    TypeError,
    /partitions\[0\]\.partition/,
  ),
  t('resume(null)', () => consumer.resume(null as never), TypeError, /for partitions but received null/),
  t('queryWatermarkOffsets empty topic', () => consumer.queryWatermarkOffsets('', 0), TypeError, /for topic but received ""/),
  t('queryWatermarkOffsets partition -1', () => consumer.queryWatermarkOffsets(topic, -1), TypeError, /for partition but/),
  t('queryWatermarkOffsets timeout -1', () => consumer.queryWatermarkOffsets(topic, 0, -1), TypeError, /for timeoutMs/),
  t(
    'offsetsForTimes timestamp -9',
    () => consumer.offsetsForTimes([{ topic, partition: 0, offset: -9 }]),
    TypeError,
    /partitions\[0\]\.offset/,
  ),
  t('batches maxMessages 0', () => consumer.batches({ maxMessages: 0 }).next(), TypeError, /options\.maxMessages/),
  t('batches maxWaitMs -1', () => consumer.batches({ maxWaitMs: -1 }).next(), TypeError, /options\.maxWaitMs/),
  t('connect timeout 0', () => idleConsumer.connect({ timeoutMs: 0 }), TypeError, /options\.timeoutMs/),
  // MockCluster
  t('MockCluster brokers 0', () => new MockCluster({ brokers: 0 }), TypeError, /options\.brokers/),
  t('MockCluster brokers 65', () => new MockCluster({ brokers: 65 }), TypeError, /options\.brokers/),
  t(
    'MockCluster rebalance delay -1',
    () => new MockCluster({ groupInitialRebalanceDelayMs: -1 }),
    TypeError,
    /options\.groupInitialRebalanceDelayMs/,
  ),
  t('createTopic bad name', () => mock.createTopic('bad name'), TypeError, /for name/),
  t('createTopic partitions 0', () => mock.createTopic('ok', { partitions: 0 }), TypeError, /options\.partitions/),
  t('pushRequestErrors apiKey -1', () => mock.pushRequestErrors(-1, [6]), TypeError, /for apiKey/),
  t('pushRequestErrors unknown name', () => mock.pushRequestErrors(0, ['NO_SUCH_ERROR' as never]), TypeError, /for error/),
  t('setBrokerDown(0)', () => mock.setBrokerDown(0), TypeError, /for brokerId but received 0/),
  t('setBrokerRtt negative', () => mock.setBrokerRtt(1, -5), TypeError, /for rttMs but received -5/),
  t('setPartitionLeader partition -1', () => mock.setPartitionLeader(topic, -1, 1), TypeError, /for partition/),
  t('setTopicError unknown name', () => mock.setTopicError(topic, 'NOPE' as never), TypeError, /for error/),
  // Use after close, before connect
  t(
    'produce after disconnect',
    () => closedProducer.produce({ topic }),
    KafkaError,
    /Producer is closed: .*create a new Producer/,
  ),
  t('send after disconnect', () => closedProducer.send({ topic }), KafkaError, /Producer is closed/),
  t('flush after disconnect', () => closedProducer.flush(), KafkaError, /Producer is closed/),
  t('connect after disconnect', () => closedProducer.connect(), KafkaError, /Cannot connect a producer that is closed/),
  t('subscribe after disconnect', () => closedConsumer.subscribe(topic), KafkaError, /Consumer is closed/),
  t('commit after disconnect', () => closedConsumer.commit(), KafkaError, /Consumer is closed/),
  t(
    'assign before connect',
    () => idleConsumer.assign([{ topic, partition: 0 }]),
    KafkaError,
    /not connected: call await consumer\.connect\(\) first/,
  ),
  t('connect twice', () => producer.connect(), KafkaError, /Cannot connect a producer that is connected/),
];

/** Runs a call and returns what it threw or rejected with (undefined when it succeeded). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result && typeof (result as Promise<unknown>).then === 'function') await result;
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('bad input, table-driven', () => {
  it(`has at least 60 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const error = await failure(c.call);
    expect(error).toBeInstanceOf(c.error);
    if (c.error === TypeError) expect(error).not.toBeInstanceOf(KafkaError);
    expect((error as Error).message).toMatch(c.message);
    if (error instanceof KafkaError) expect(error.fatal).toBe(false);
  });

  it('concurrent calls: two disconnects share one close, two connects get one refusal', async () => {
    const twice = new Producer({ 'bootstrap.servers': bootstrap() });
    const [first, second] = await Promise.allSettled([twice.connect(), twice.connect()]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: '_STATE' } });
    const closing = [twice.disconnect(), twice.disconnect()];
    expect(closing[0]).toBe(closing[1]);
    await Promise.all(closing);
    const reader = new Consumer({ 'bootstrap.servers': bootstrap(), 'group.id': uniqueTopic('two-loops') });
    await reader.connect();
    reader.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    // Two loops at once: the newer one takes over, the older one ends (no error, no message twice).
    const older = reader[Symbol.asyncIterator]();
    const olderNext = older.next();
    const newer = reader.batches()[Symbol.asyncIterator]();
    const newerNext = newer.next();
    await producer.send({ topic, partition: 0, value: 'for the newer loop' });
    expect(await olderNext).toEqual({ done: true, value: undefined });
    const batch = (await newerNext).value;
    expect(batch?.length).toBeGreaterThan(0);
    await reader.disconnect();
  });

  it('leaves the clients usable: a message makes the round trip afterwards', async () => {
    const report = await producer.send({ topic, value: 'still fine', headers: { h: 'v' } });
    expect(report.offset).toBeGreaterThanOrEqual(0);
    consumer.assign([{ topic, partition: 0, offset: report.offset }]);
    const [message] = await collect(consumer, 1, 20_000);
    expect(message?.value?.toString()).toBe('still fine');
    expect(mock.bootstrapServers).toMatch(/127\.0\.0\.1/);
    mock.createTopic(uniqueTopic('after-bad-input'));
    // A producer whose disconnect was refused a bad timeout still closes.
    const closable = new Producer({ 'bootstrap.servers': bootstrap() });
    await closable.connect();
    await expect(closable.disconnect({ timeoutMs: -7 })).rejects.toThrow(/options\.timeoutMs/);
    await closable.disconnect();
    expect(closable.isConnected).toBe(false);
  });
});
