// Compile-time checks of the AdminClient types (run by
// test/unit/admin-types.test.ts with tsc): the README's Admin examples
// compile, and enum typos do not. Each @ts-expect-error line must fail.
import { AdminClient, type GroupState, type PartitionLag } from '../../src';

export async function readmeExamples(admin: AdminClient): Promise<void> {
  const results = await admin.createTopicsWithResults([
    { topic: 'orders', partitions: 6, replicationFactor: 3, config: { 'cleanup.policy': 'compact' } },
    { topic: 'payments' },
  ]);
  for (const { topic, error } of results) if (error) console.error(topic, error.code);
  await admin.incrementalAlterConfigs([
    { resourceType: 'topic', resourceName: 'orders', configs: [{ name: 'retention.ms', value: 86_400_000 }] },
  ]);
  await admin.alterConsumerGroupOffsets('billing', [{ topic: 'orders', partition: 0, offset: 1200 }]);
  const lag: PartitionLag[] = await admin.consumerGroupLag('billing');
  void lag;
  await admin.createAcls([
    { resourceType: 'topic', resourceName: 'orders', principal: 'User:reporting', operation: 'read', permissionType: 'allow' },
  ]);
  await admin.deleteRecords([{ topic: 'orders', partition: 0, before: 5000 }]);
  const [end] = await admin.listOffsets([{ topic: 'orders', partition: 0, spec: 'latest' }]);
  const offset: number = end.offset;
  void offset;
  const [configs] = await admin.describeConfigs([{ resourceType: 'broker', resourceName: '1' }]);
  const source: 'default-config' | string = configs.configs[0].source;
  void source;
  await admin.electLeaders({ electionType: 'preferred' });
  const { groups } = await admin.listConsumerGroups({ states: ['empty'] });
  const state: GroupState = groups[0].state;
  void state;
  await admin.deleteGroups(groups.map((g) => g.groupId));
  await admin.alterUserScramCredentials([{ kind: 'upsert', user: 'alice', mechanism: 'SCRAM-SHA-512', password: 's3cret' }]);
  await admin.deleteAcls([{ principal: 'User:reporting' }]);
  const controller = new AbortController();
  await admin.describeCluster({ signal: controller.signal, timeoutMs: 1000 });
  await admin.createTopics([{ topic: 't' }], { ignoreExisting: true });
}

export async function typos(admin: AdminClient): Promise<void> {
  // @ts-expect-error resource types are a string union
  await admin.describeConfigs([{ resourceType: 2, resourceName: 't' }]);
  await admin.createAcls([
    // @ts-expect-error 'any' is a filter value, not a binding's
    { resourceType: 'topic', resourceName: 't', principal: 'User:a', operation: 'any', permissionType: 'allow' },
  ]);
  // @ts-expect-error offset specs are checked
  await admin.listOffsets([{ topic: 't', partition: 0, spec: 'newest' }]);
  // @ts-expect-error isolation levels are checked
  await admin.listOffsets([{ topic: 't', partition: 0, spec: 'latest' }], { isolationLevel: 'read_committed' });
  // @ts-expect-error group states are checked
  await admin.listConsumerGroups({ states: ['running'] });
  // @ts-expect-error a deletion takes no password
  await admin.alterUserScramCredentials([{ kind: 'delete', user: 'u', mechanism: 'SCRAM-SHA-256', password: 'p' }]);
  // @ts-expect-error incremental ops are checked
  await admin.incrementalAlterConfigs([{ resourceType: 'topic', resourceName: 't', configs: [{ name: 'a', op: 'add' }] }]);
}
