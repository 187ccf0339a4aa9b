// `groups`: list the cluster's consumer groups, describe one (state,
// members, assignments), and a group's committed offsets and lag per partition.
import type { AdminClient } from '../../admin-client';
import { Consumer, type TopicPartition } from '../../consumer';
import { type ParsedArgs, flag, listOption } from '../args';
import { CONNECTION_OPTIONS, connectTo, connectionFrom, quietAdminClient, quietTransientErrors } from '../client-options';
import type { Command } from '../command';
import { ExitCode, UsageError } from '../errors';

const ACTIONS = ['list', 'describe', 'lag'];

export const groups: Command = {
  name: 'groups',
  summary: 'consumer groups: list, describe, committed offsets and lag per partition',
  usage: 'lag GROUP [-t TOPIC]... | list | describe GROUP  [-b BROKERS]',
  positionals: true,
  options: {
    ...CONNECTION_OPTIONS,
    topic: {
      type: 'string',
      short: 't',
      value: 'TOPIC',
      multiple: true,
      description: 'lag: only these topics (default: every topic)',
    },
    json: { type: 'boolean', short: 'J', description: 'print JSON' },
  },
  details: [
    'lag       per partition the group has committed: committed offset, end offset, lag (end - committed)',
    'list      every consumer group with its state',
    'describe  a group: state, assignor, coordinator, members and their partitions',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const [action, group, ...extra] = args.positionals;
    if (action === undefined || !ACTIONS.includes(action)) {
      throw new UsageError(
        `groups needs an action: ${ACTIONS.join(', ')}${action ? `, not "${action}"` : ''} (see rdkafka-napi groups --help)`,
      );
    }
    if (action === 'list') {
      if (group !== undefined) throw new UsageError('groups list takes no GROUP');
      return listGroups(args);
    }
    if (group === undefined || extra.length > 0) throw new UsageError(`groups ${action} needs exactly one GROUP`);
    if (action === 'describe') return describeGroup(args, group);
    const connection = connectionFrom(args, 'groups');
    // A member that never subscribes: it only reads the group's commits.
    const consumer = new Consumer({ ...connection.config, 'group.id': group, 'enable.auto.commit': false });
    quietTransientErrors(consumer);
    await connectTo(consumer, connection);
    try {
      const wanted = listOption(args, 'topic');
      const metadata = await consumer.getMetadata({ timeoutMs: connection.timeoutMs });
      const missing = wanted.filter((name) => !metadata.topics.some((topic) => topic.name === name));
      if (missing.length > 0) throw new Error(`topic ${missing[0]} does not exist`);
      const partitions: TopicPartition[] = metadata.topics
        .filter((topic) => (wanted.length > 0 ? wanted.includes(topic.name) : !topic.name.startsWith('__')))
        .flatMap((topic) => topic.partitions.map((p) => ({ topic: topic.name, partition: p.id })));
      const committed = partitions.length === 0 ? [] : await consumer.committed(partitions, connection.timeoutMs);
      const rows = [];
      for (const entry of committed.filter((c) => c.offset >= 0)) {
        const { high } = await consumer.queryWatermarkOffsets(entry.topic, entry.partition, connection.timeoutMs);
        rows.push({
          topic: entry.topic,
          partition: entry.partition,
          committed: entry.offset,
          end: high,
          lag: Math.max(0, high - entry.offset),
        });
      }
      rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      if (flag(args, 'json')) {
        process.stdout.write(`${JSON.stringify({ group, partitions: rows })}\n`);
      } else if (rows.length === 0) {
        process.stdout.write(`group ${group} has no committed offsets${wanted.length > 0 ? ` on ${wanted.join(', ')}` : ''}\n`);
      } else {
        const total = rows.reduce((sum, row) => sum + row.lag, 0);
        process.stdout.write(`group ${group}: total lag ${total}\n`);
        process.stdout.write('TOPIC\tPARTITION\tCOMMITTED\tEND\tLAG\n');
        for (const row of rows)
          process.stdout.write(`${row.topic}\t${row.partition}\t${row.committed}\t${row.end}\t${row.lag}\n`);
      }
    } finally {
      await consumer.disconnect();
    }
    return ExitCode.ok;
  },
};

async function withAdmin<T>(args: ParsedArgs, work: (admin: AdminClient, timeoutMs: number) => Promise<T>): Promise<T> {
  const connection = connectionFrom(args, 'groups');
  const admin = quietAdminClient(connection);
  await connectTo(admin, connection);
  try {
    return await work(admin, connection.timeoutMs);
  } finally {
    await admin.disconnect();
  }
}

async function listGroups(args: ParsedArgs): Promise<number> {
  const listing = await withAdmin(args, (admin, timeoutMs) => admin.listConsumerGroups({ timeoutMs }));
  const rows = [...listing.groups].sort((a, b) => a.groupId.localeCompare(b.groupId));
  if (flag(args, 'json')) {
    process.stdout.write(`${JSON.stringify({ groups: rows, errors: listing.errors.map((e) => e.message) })}\n`);
  } else {
    for (const row of rows) process.stdout.write(`${row.groupId}\t${row.state}\n`);
    for (const error of listing.errors) process.stderr.write(`rdkafka-napi groups: a broker did not answer: ${error.message}\n`);
  }
  return ExitCode.ok;
}

async function describeGroup(args: ParsedArgs, group: string): Promise<number> {
  const [description] = await withAdmin(args, (admin, timeoutMs) => admin.describeConsumerGroups([group], { timeoutMs }));
  if (description.error) throw description.error;
  if (flag(args, 'json')) {
    process.stdout.write(`${JSON.stringify(description)}\n`);
    return ExitCode.ok;
  }
  const coordinator = description.coordinator ? `${description.coordinator.host}:${description.coordinator.port}` : 'none';
  process.stdout.write(
    `group ${description.groupId}: state ${description.state}, assignor ${description.partitionAssignor ?? 'none'}, coordinator ${coordinator}, ${description.members.length} member(s)\n`,
  );
  for (const member of description.members) {
    const partitions = (member.assignment ?? []).map(({ topic, partition }) => `${topic}[${partition}]`).join(' ');
    process.stdout.write(`  ${member.memberId}\t${member.clientId}\t${member.host}\t${partitions}\n`);
  }
  return ExitCode.ok;
}
