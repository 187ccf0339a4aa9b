// Admin operations and options newer than the linked librdkafka reject with
// _NOT_IMPLEMENTED naming the version they need (the system-librdkafka build
// links Debian's 2.0.2); with a new enough one they are sent (on the mock
// cluster, which answers or fails them with its own errors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, ErrorCodes, KafkaError, MockCluster, librdkafkaVersion } from '../../src';

function versionNumber(version: string): number {
  const [major, minor, patch] = version.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  return major * 10_000 + minor * 100 + (patch || 0);
}

const linked = versionNumber(librdkafkaVersion);

describe(`AdminClient features by librdkafka version (linked: ${librdkafkaVersion})`, () => {
  let mock: MockCluster;
  let admin: AdminClient;

  beforeAll(async () => {
    mock = new MockCluster({ brokers: 1 });
    mock.createTopic('versions', { partitions: 1, replicationFactor: 1 });
    admin = new AdminClient({ 'bootstrap.servers': mock.bootstrapServers });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await mock?.close();
  });

  const features: Array<[string, string, (admin: AdminClient) => Promise<unknown>]> = [
    [
      'incrementalAlterConfigs',
      '2.2.0',
      (a) =>
        a.incrementalAlterConfigs(
          [{ resourceType: 'topic', resourceName: 'versions', configs: [{ name: 'retention.ms', value: 1 }] }],
          { timeoutMs: 500 },
        ),
    ],
    ['describeUserScramCredentials', '2.2.0', (a) => a.describeUserScramCredentials([], { timeoutMs: 500 })],
    [
      'alterUserScramCredentials',
      '2.2.0',
      (a) => a.alterUserScramCredentials([{ kind: 'delete', user: 'u', mechanism: 'SCRAM-SHA-256' }], { timeoutMs: 500 }),
    ],
    ['listOffsets', '2.3.0', (a) => a.listOffsets([{ topic: 'versions', partition: 0, spec: 'latest' }], { timeoutMs: 500 })],
    ['describeTopics', '2.3.0', (a) => a.describeTopics(['versions'], { timeoutMs: 500 })],
    ['describeCluster', '2.3.0', (a) => a.describeCluster({ timeoutMs: 500 })],
    [
      'includeAuthorizedOperations',
      '2.3.0',
      (a) => a.describeConsumerGroups(['g'], { timeoutMs: 500, includeAuthorizedOperations: true }),
    ],
    ['electLeaders', '2.6.0', (a) => a.electLeaders({ electionType: 'preferred' }, { timeoutMs: 500 })],
    ['types', '2.6.0', (a) => a.listConsumerGroups({ timeoutMs: 500, types: ['classic'] })],
  ];

  it.each(features)(
    '%s needs librdkafka %s: _NOT_IMPLEMENTED naming it when older, sent when new enough',
    async (feature, needed, call) => {
      const error = await call(admin).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      if (linked < versionNumber(needed)) {
        expect(error).toBeInstanceOf(KafkaError);
        expect((error as KafkaError).errno).toBe(ErrorCodes._NOT_IMPLEMENTED);
        expect((error as KafkaError).message).toContain(feature);
        expect((error as KafkaError).message).toContain(`needs librdkafka ${needed}`);
      } else {
        expect((error as KafkaError | undefined)?.errno).not.toBe(ErrorCodes._NOT_IMPLEMENTED);
      }
    },
  );
});
