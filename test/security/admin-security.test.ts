// ACLs and SCRAM credentials made through AdminClient, on a broker of its own
// that enforces them (scripts/kafka-broker.sh --security --authorizer:
// StandardAuthorizer, User:ANONYMOUS on PLAINTEXT is the super user, the SASL
// users are ordinary principals). Not on the mock: librdkafka's mock has no
// ACL or SCRAM APIs (test/integration/admin.test.ts asserts its errors).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, KafkaError, Producer } from '../../src';
import { BrokerRun } from '../support/broker-run';
import { uniqueTopic } from '../support/mock';

const broker = new BrokerRun('acl');
let env: Record<string, string>;
let admin: AdminClient;

beforeAll(async () => {
  await broker.start('--port', process.env.KAFKA_ACL_TEST_PORT ?? '29700', '--security', '--authorizer');
  env = broker.readEnv('security.env');
  admin = new AdminClient({ 'bootstrap.servers': env.KAFKA_BOOTSTRAP });
  await admin.connect();
}, 150_000);

afterAll(async () => {
  await admin?.disconnect();
  await broker.stop();
}, 60_000);

function saslConfig(mechanism: string, username: string, password: string): Record<string, unknown> {
  return {
    'bootstrap.servers': env.KAFKA_SASL_PLAINTEXT_BOOTSTRAP,
    'security.protocol': 'sasl_plaintext',
    'sasl.mechanisms': mechanism,
    'sasl.username': username,
    'sasl.password': password,
    'message.timeout.ms': 5000,
    'socket.timeout.ms': 5000,
  };
}

const plainUser = (): Record<string, unknown> => saslConfig('PLAIN', env.KAFKA_PLAIN_USERNAME, env.KAFKA_PLAIN_PASSWORD);

/** One message sent by a fresh producer of `config`: undefined when delivered, else its error. */
async function produceAs(config: Record<string, unknown>, topic: string): Promise<KafkaError | undefined> {
  const producer = new Producer(config as never);
  try {
    await producer.connect({ timeoutMs: 5000 });
    await producer.send({ topic, value: 'acl probe' });
    return undefined;
  } catch (error) {
    if (!(error instanceof KafkaError)) throw error;
    return error;
  } finally {
    await producer.disconnect({ timeoutMs: 1000 });
  }
}

/** Repeats `attempt` until `done` holds (ACLs and credentials reach the broker's cache shortly after the call). */
async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await attempt();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${String(value)} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('ACLs enforced by the broker', () => {
  it("createAcls denies the PLAIN user's produce with TOPIC_AUTHORIZATION_FAILED, describeAcls lists it, deleteAcls lets the produce through", async () => {
    const topic = uniqueTopic('acl');
    await admin.createTopics([{ topic, partitions: 1 }]);
    expect(await produceAs(plainUser(), topic)).toBeUndefined();

    const principal = `User:${env.KAFKA_PLAIN_USERNAME}`;
    const created = await admin.createAcls([
      { resourceType: 'topic', resourceName: topic, principal, operation: 'write', permissionType: 'deny' },
      { resourceType: 'topic', resourceName: topic, principal: 'no-colon', operation: 'write', permissionType: 'deny' },
    ]);
    expect(created[0].error).toBeNull();
    expect(created[1].error).toBeInstanceOf(KafkaError);
    expect(created[1].error?.code).toBe('INVALID_REQUEST');
    expect(created[1].acl.principal).toBe('no-colon');

    expect(await admin.describeAcls({ resourceType: 'topic', resourceName: topic })).toEqual([
      {
        resourceType: 'topic',
        resourceName: topic,
        patternType: 'literal',
        principal,
        host: '*',
        operation: 'write',
        permissionType: 'deny',
      },
    ]);
    const denied = await eventually(
      () => produceAs(plainUser(), topic),
      (error) => error !== undefined,
      'produce after the DENY ACL',
    );
    expect(denied?.code).toBe('TOPIC_AUTHORIZATION_FAILED');
    // The super user is not affected.
    expect(await produceAs({ 'bootstrap.servers': env.KAFKA_BOOTSTRAP }, topic)).toBeUndefined();

    const deleted = await admin.deleteAcls([
      { resourceType: 'topic', resourceName: topic },
      { principal: `User:${uniqueTopic('nobody')}` },
    ]);
    expect(deleted[0]).toMatchObject({
      error: null,
      deleted: [expect.objectContaining({ principal, operation: 'write', permissionType: 'deny' })],
    });
    expect(deleted[1]).toMatchObject({ error: null, deleted: [] });
    expect(await admin.describeAcls({ resourceType: 'topic', resourceName: topic })).toEqual([]);
    expect(
      await eventually(
        () => produceAs(plainUser(), topic),
        (error) => error === undefined,
        'produce after deleteAcls',
      ),
    ).toBeUndefined();
  });

  it('describeConsumerGroups through the PLAIN user: a group it may not describe is GROUP_AUTHORIZATION_FAILED on that item only', async () => {
    const hidden = uniqueTopic('acl-hidden-group');
    const visible = uniqueTopic('acl-visible-group');
    const principal = `User:${env.KAFKA_PLAIN_USERNAME}`;
    const [created] = await admin.createAcls([
      { resourceType: 'group', resourceName: hidden, principal, operation: 'describe', permissionType: 'deny' },
    ]);
    expect(created.error).toBeNull();
    const restricted = new AdminClient(plainUser() as never);
    await restricted.connect();
    try {
      const results = await eventually(
        () => restricted.describeConsumerGroups([hidden, visible]),
        // The first group request of a fresh broker may meet NOT_COORDINATOR (retriable) while __consumer_offsets loads.
        (groups) =>
          groups.every((g) => (g.groupId === hidden ? g.error?.code === 'GROUP_AUTHORIZATION_FAILED' : g.error === null)),
        'describe after the DENY ACL',
      );
      expect(results.find((g) => g.groupId === hidden)?.error?.code).toBe('GROUP_AUTHORIZATION_FAILED');
      expect(results.find((g) => g.groupId === visible)?.error).toBeNull();
    } finally {
      await restricted.disconnect();
      await admin.deleteAcls([{ resourceType: 'group', resourceName: hidden }]);
    }
  });
});

describe('SCRAM credentials', () => {
  it('alterUserScramCredentials creates a user that then authenticates on the SASL listener; deleting the credential refuses it', async () => {
    const user = uniqueTopic('scram-user');
    const missing = uniqueTopic('scram-missing');
    const password = 'made-by-admin-client';
    const upserted = await admin.alterUserScramCredentials([
      { kind: 'upsert', user, mechanism: 'SCRAM-SHA-256', password, iterations: 8192 },
      { kind: 'delete', user: missing, mechanism: 'SCRAM-SHA-512' },
    ]);
    expect(upserted.find((r) => r.user === user)?.error).toBeNull();
    expect(upserted.find((r) => r.user === missing)?.error?.code).toBe('RESOURCE_NOT_FOUND');

    const described = await eventually(
      () => admin.describeUserScramCredentials([user, missing]),
      (results) => results.find((d) => d.user === user)?.error === null,
      'describe after the upsert',
    );
    expect(described.find((d) => d.user === user)).toEqual({
      user,
      error: null,
      credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }],
    });
    expect(described.find((d) => d.user === missing)?.error?.code).toBe('RESOURCE_NOT_FOUND');
    const everyone = await admin.describeUserScramCredentials();
    expect(everyone.map((d) => d.user)).toEqual(expect.arrayContaining([user, env.KAFKA_SCRAM_USERNAME]));

    const topic = uniqueTopic('scram');
    await admin.createTopics([{ topic, partitions: 1 }]);
    const asNewUser = saslConfig('SCRAM-SHA-256', user, password);
    expect(
      await eventually(
        () => produceAs(asNewUser, topic),
        (error) => error === undefined,
        'SCRAM login of the new user',
      ),
    ).toBeUndefined();
    // The wrong mechanism has no credential for this user.
    const wrongMechanism = await produceAs(saslConfig('SCRAM-SHA-512', user, password), topic);
    expect(wrongMechanism?.code).toMatch(/^(_AUTHENTICATION|SASL_AUTHENTICATION_FAILED)$/);

    const [removed] = await admin.alterUserScramCredentials([{ kind: 'delete', user, mechanism: 'SCRAM-SHA-256' }]);
    expect(removed).toEqual({ user, error: null });
    const refused = await eventually(
      () => produceAs(asNewUser, topic),
      (error) => error !== undefined,
      'SCRAM login after deletion',
    );
    expect(refused?.code).toMatch(/^(_AUTHENTICATION|SASL_AUTHENTICATION_FAILED)$/);
    expect(refused?.message).toMatch(/[Aa]uthentication/);
  });
});
