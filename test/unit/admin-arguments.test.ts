// Bad input to every AdminClient operation: a TypeError that names the
// argument, thrown before anything is sent (so no broker is needed: the
// client here is never connected, and a valid call says so instead).
import { describe, expect, it } from 'vitest';

import { AdminClient, KafkaError } from '../../src';

const admin = new AdminClient({ 'bootstrap.servers': '127.0.0.1:1' });
const acl = {
  resourceType: 'topic',
  resourceName: 't',
  principal: 'User:a',
  operation: 'read',
  permissionType: 'allow',
} as const;

type Case = [operation: string, call: () => Promise<unknown>, message: RegExp];

const cases: Case[] = [
  [
    'createTopicsWithResults',
    () => admin.createTopicsWithResults([]),
    /Expected a non-empty array of NewTopic for topics but received an array/,
  ],
  [
    'createTopicsWithResults',
    () => admin.createTopicsWithResults([{ topic: 'bad name' }]),
    /for topics\[0\]\.topic but received "bad name"/,
  ],
  [
    'createTopicsWithResults',
    () => admin.createTopicsWithResults([{ topic: 't', partitions: 0 }]),
    /an integer >= 1, or -1 for the broker default for topics\[0\]\.partitions but received 0/,
  ],
  [
    'createTopicsWithResults',
    () => admin.createTopicsWithResults([{ topic: 't', replicaAssignment: [[]] }]),
    /topics\[0\]\.replicaAssignment\[0\]/,
  ],
  [
    'createTopicsWithResults',
    () => admin.createTopicsWithResults([{ topic: 't', config: { a: {} as never } }]),
    /topics\[0\]\.config\['a'\]/,
  ],
  [
    'createTopicsWithResults',
    () => admin.createTopicsWithResults([{ topic: 't' }], { validateOnly: 'yes' as never }),
    /options\.validateOnly/,
  ],
  ['createTopics', () => admin.createTopics('t' as never), /for topics but received "t"/],
  // KafkaJS's name for the count would otherwise be ignored and the topic get 1 partition.
  [
    'createTopics',
    () => admin.createTopics([{ topic: 't', numPartitions: 8 } as never]),
    /topics\[0\]\.numPartitions is not an option here .*: use partitions$/,
  ],
  ['createTopics', () => admin.createTopics([{ topic: 't', partiton: 8 } as never]), /topics\[0\]\.partiton is not an option/],
  ['deleteTopicsWithResults', () => admin.deleteTopicsWithResults([]), /non-empty array of topic names for topics/],
  ['deleteTopics', () => admin.deleteTopics(['ok', '..']), /for topics\[1\]/],
  [
    'createPartitions',
    () => admin.createPartitions([{ topic: 't', count: 0 }]),
    /integer from 1 to \d+ for partitions\[0\]\.count but received 0/,
  ],
  ['createPartitions', () => admin.createPartitions({} as never), /non-empty array .* for partitions/],
  [
    'createPartitions',
    () => admin.createPartitions([{ topic: 't', count: 3, assignments: [] } as never]),
    /partitions\[0\]\.assignments is not an option here .*: use replicaAssignment/,
  ],
  [
    'deleteRecords',
    () => admin.deleteRecords([{ topic: 't', partition: 0, before: -5 }]),
    /integer >= 0 for partitions\[0\]\.before but received -5/,
  ],
  [
    'deleteRecords',
    () => admin.deleteRecords([{ topic: 't', partition: 1.5, before: 1 }]),
    /partitions\[0\]\.partition but received 1\.5/,
  ],
  ['describeTopics', () => admin.describeTopics([]), /non-empty array of topic names for topics/],
  [
    'describeTopics',
    () => admin.describeTopics(['t'], { includeAuthorizedOperations: 1 as never }),
    /a boolean for options\.includeAuthorizedOperations/,
  ],
  [
    'listOffsets',
    () => admin.listOffsets([{ topic: 't', partition: 0, spec: 'newest' as never }]),
    /'earliest', 'latest', 'max-timestamp' or \{ timestamp \} for partitions\[0\]\.spec/,
  ],
  [
    'listOffsets',
    () => admin.listOffsets([{ topic: 't', partition: 0, spec: { timestamp: -1 } }]),
    /partitions\[0\]\.spec\.timestamp/,
  ],
  [
    'listOffsets',
    () => admin.listOffsets([{ topic: 't', partition: 0, spec: 'latest' }], { isolationLevel: 'dirty' as never }),
    /'read-uncommitted', 'read-committed' for options\.isolationLevel/,
  ],
  [
    'electLeaders',
    () => admin.electLeaders({ electionType: 'random' as never }),
    /'preferred', 'unclean' for request\.electionType/,
  ],
  [
    'electLeaders',
    () => admin.electLeaders({ electionType: 'preferred', partitions: [] }),
    /non-empty array .* for request\.partitions/,
  ],
  [
    'describeConfigs',
    () => admin.describeConfigs([{ resourceType: 'any' as never, resourceName: 't' }]),
    /'topic', 'group', 'broker', 'transactional-id' for resources\[0\]\.resourceType but received "any"/,
  ],
  [
    'describeConfigs',
    () => admin.describeConfigs([{ resourceType: 'topic', resourceName: '' }]),
    /non-empty string for resources\[0\]\.resourceName/,
  ],
  [
    'alterConfigs',
    () => admin.alterConfigs([{ resourceType: 'topic', resourceName: 't', configs: null as never }]),
    /an object for resources\[0\]\.configs/,
  ],
  [
    'alterConfigs',
    () => admin.alterConfigs([{ resourceType: 'topic', resourceName: 't', configs: {} }], { validateOnly: 'no' as never }),
    /options\.validateOnly/,
  ],
  [
    'incrementalAlterConfigs',
    () => admin.incrementalAlterConfigs([{ resourceType: 'topic', resourceName: 't', configs: [] }]),
    /for resources\[0\]\.configs/,
  ],
  [
    'incrementalAlterConfigs',
    () =>
      admin.incrementalAlterConfigs([
        { resourceType: 'topic', resourceName: 't', configs: [{ name: 'a', op: 'add' as never, value: 1 }] },
      ]),
    /'set', 'delete', 'append', 'subtract' for resources\[0\]\.configs\[0\]\.op/,
  ],
  [
    'incrementalAlterConfigs',
    () => admin.incrementalAlterConfigs([{ resourceType: 'topic', resourceName: 't', configs: [{ name: 'a' }] }]),
    /resources\[0\]\.configs\[0\]\.value/,
  ],
  [
    'listConsumerGroups',
    () => admin.listConsumerGroups({ states: ['sleeping' as never] }),
    /for options\.states\[0\] but received "sleeping"/,
  ],
  [
    'listConsumerGroups',
    () => admin.listConsumerGroups({ types: ['unknown' as never] }),
    /'consumer', 'classic' for options\.types\[0\]/,
  ],
  ['describeConsumerGroups', () => admin.describeConsumerGroups([]), /non-empty array of group ids for groupIds/],
  ['describeConsumerGroups', () => admin.describeConsumerGroups(['g', ''] as string[]), /non-empty string for groupIds\[1\]/],
  ['deleteGroups', () => admin.deleteGroups('g' as never), /for groupIds but received "g"/],
  ['listConsumerGroupOffsets', () => admin.listConsumerGroupOffsets([]), /for groups but received an array/],
  [
    'listConsumerGroupOffsets',
    () => admin.listConsumerGroupOffsets([{ groupId: 'g', partitions: [{ topic: 't', partition: -1 }] }]),
    /groups\[0\]\.partitions\[0\]\.partition/,
  ],
  [
    'listConsumerGroupOffsets',
    () => admin.listConsumerGroupOffsets(['g'], { requireStableOffsets: 'yes' as never }),
    /options\.requireStableOffsets/,
  ],
  [
    'alterConsumerGroupOffsets',
    () => admin.alterConsumerGroupOffsets('', [{ topic: 't', partition: 0, offset: 1 }]),
    /non-empty string for groupId/,
  ],
  [
    'alterConsumerGroupOffsets',
    () => admin.alterConsumerGroupOffsets('g', [{ topic: 't', partition: 0, offset: -1 }]),
    /integer >= 0 for partitions\[0\]\.offset/,
  ],
  [
    'alterConsumerGroupOffsets',
    () => admin.alterConsumerGroupOffsets('g', [{ topic: 't', partition: 0, offset: 1, metadata: 5 as never }]),
    /a string for partitions\[0\]\.metadata/,
  ],
  ['deleteConsumerGroupOffsets', () => admin.deleteConsumerGroupOffsets('g', []), /for partitions but received an array/],
  ['consumerGroupLag', () => admin.consumerGroupLag(7 as never), /non-empty string for groupId but received 7/],
  ['createAcls', () => admin.createAcls([]), /non-empty array of AclBinding for acls/],
  ['createAcls', () => admin.createAcls([{ ...acl, operation: 'any' as never }]), /for acls\[0\]\.operation but received "any"/],
  [
    'createAcls',
    () => admin.createAcls([{ ...acl, principal: undefined as never }]),
    /non-empty string for acls\[0\]\.principal/,
  ],
  [
    'createAcls',
    () => admin.createAcls([{ ...acl, patternType: 'match' as never }]),
    /'literal', 'prefixed' for acls\[0\]\.patternType/,
  ],
  ['describeAcls', () => admin.describeAcls(null as never), /an object for filter but received null/],
  ['describeAcls', () => admin.describeAcls({ permissionType: 'maybe' as never }), /for filter\.permissionType/],
  ['deleteAcls', () => admin.deleteAcls([{ resourceName: '' }]), /non-empty string for filters\[0\]\.resourceName/],
  [
    'describeCluster',
    () => admin.describeCluster({ timeoutMs: 0 }),
    /integer from 1 to \d+ for options\.timeoutMs but received 0/,
  ],
  ['describeCluster', () => admin.describeCluster({ signal: {} as never }), /an AbortSignal for options\.signal/],
  ['describeUserScramCredentials', () => admin.describeUserScramCredentials([''] as string[]), /non-empty string for users\[0\]/],
  [
    'alterUserScramCredentials',
    () => admin.alterUserScramCredentials([{ kind: 'upsert', user: 'u', mechanism: 'SCRAM-SHA-1' as never, password: 'p' }]),
    /'SCRAM-SHA-256', 'SCRAM-SHA-512' for alterations\[0\]\.mechanism/,
  ],
  [
    'alterUserScramCredentials',
    () => admin.alterUserScramCredentials([{ kind: 'upsert', user: 'u', mechanism: 'SCRAM-SHA-256', password: '' }]),
    /non-empty string or Buffer for alterations\[0\]\.password/,
  ],
  [
    'alterUserScramCredentials',
    () =>
      admin.alterUserScramCredentials([{ kind: 'upsert', user: 'u', mechanism: 'SCRAM-SHA-256', password: 'p', iterations: 10 }]),
    /integer from 4096 to 16384 for alterations\[0\]\.iterations/,
  ],
  [
    'alterUserScramCredentials',
    () => admin.alterUserScramCredentials([{ kind: 'rename' as never, user: 'u', mechanism: 'SCRAM-SHA-256' }]),
    /'upsert' or 'delete' for alterations\[0\]\.kind/,
  ],
];

describe('AdminClient argument checks', () => {
  it.each(cases)('%s, bad input case %#: a TypeError naming the argument', async (_operation, call, message) => {
    const error = await call().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toMatch(message);
  });

  it('every operation is covered by the table', () => {
    const operations = new Set(cases.map(([operation]) => operation));
    const methods = Object.getOwnPropertyNames(AdminClient.prototype).filter(
      (name) =>
        !['constructor', 'connect', 'disconnect', 'getMetadata', 'closeAfterFailedConnect', 'handleNativeEvent'].includes(name),
    );
    expect(methods.filter((name) => !operations.has(name))).toEqual([]);
  });

  it('valid arguments on a client that is not connected reject with KafkaError _STATE, not a TypeError', async () => {
    const error = await admin.describeCluster().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).code).toBe('_STATE');
    expect((error as KafkaError).message).toContain('connect()');
  });
});
