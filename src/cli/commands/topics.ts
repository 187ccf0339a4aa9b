// `topics`: list, describe, create and delete topics through the AdminClient.
import type { AdminClient } from '../../admin-client';
import type { TopicMetadata } from '../../metadata';
import { type ParsedArgs, flag, integerOption, keyValuePairs, listOption } from '../args';
import { CONNECTION_OPTIONS, quietAdminClient, connectTo, connectionFrom } from '../client-options';
import type { Command } from '../command';
import { ExitCode, UsageError } from '../errors';

const ACTIONS = ['list', 'describe', 'create', 'delete'];

export const topics: Command = {
  name: 'topics',
  summary: 'list, describe, create or delete topics',
  usage: 'list | describe [TOPIC...] | create TOPIC... [-P N] [-r N] [--config K=V] | delete TOPIC...  [-b BROKERS]',
  positionals: true,
  options: {
    ...CONNECTION_OPTIONS,
    partitions: { type: 'string', short: 'P', value: 'N', description: 'create: partitions of each topic', default: '1' },
    'replication-factor': {
      type: 'string',
      short: 'r',
      value: 'N',
      description: "create: replicas of each partition (default: the broker's default)",
    },
    config: {
      type: 'string',
      short: 'c',
      value: 'KEY=VALUE',
      multiple: true,
      description: 'create: a topic config, e.g. cleanup.policy=compact',
    },
    'if-not-exists': { type: 'boolean', description: 'create: a topic that exists already is not an error' },
    json: { type: 'boolean', short: 'J', description: 'list/describe: print JSON' },
  },
  details: [
    'list      one line per topic: name and partition count (internal topics starting with "__" left out)',
    'describe  per partition: leader, replicas, in-sync replicas (all topics without TOPIC)',
    '',
    'Example:  rdkafka-napi topics create orders -P 8 -b 127.0.0.1:9092',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const [action, ...names] = args.positionals;
    if (action === undefined || !ACTIONS.includes(action)) {
      throw new UsageError(
        `topics needs an action: ${ACTIONS.join(', ')}${action ? `, not "${action}"` : ''} (see rdkafka-napi topics --help)`,
      );
    }
    if ((action === 'create' || action === 'delete') && names.length === 0) {
      throw new UsageError(`topics ${action} needs at least one TOPIC`);
    }
    if (action === 'list' && names.length > 0)
      throw new UsageError(`topics list takes no TOPIC (use topics describe ${names[0]})`);
    const connection = connectionFrom(args, 'topics');
    // Checked before connecting, so a typo fails at once.
    const partitions = integerOption(args, 'partitions', 1, 1);
    const replicationFactor = integerOption(args, 'replication-factor', -1, -1);
    const config = Object.fromEntries(keyValuePairs(listOption(args, 'config'), '--config'));
    const admin = await connectTo(quietAdminClient(connection), connection);
    try {
      switch (action) {
        case 'list': {
          const metadata = await admin.getMetadata({ timeoutMs: connection.timeoutMs });
          const shown = sortTopics(metadata.topics).filter((topic) => !topic.name.startsWith('__'));
          if (flag(args, 'json')) print(JSON.stringify(shown.map((t) => ({ name: t.name, partitions: t.partitions.length }))));
          else for (const topic of shown) print(`${topic.name}\t${topic.partitions.length}`);
          break;
        }
        case 'describe': {
          const described = await describeTopics(admin, names, connection.timeoutMs);
          if (flag(args, 'json')) {
            print(
              JSON.stringify(
                described.map((t) => ({
                  name: t.name,
                  partitions: t.partitions.map(({ id, leader, replicas, isr }) => ({ id, leader, replicas, isr })),
                })),
              ),
            );
          } else {
            for (const topic of described) {
              print(`topic ${topic.name}: ${topic.partitions.length} partition${topic.partitions.length === 1 ? '' : 's'}`);
              for (const p of [...topic.partitions].sort((a, b) => a.id - b.id)) {
                print(`  partition ${p.id}\tleader ${p.leader}\treplicas ${p.replicas.join(',')}\tisr ${p.isr.join(',')}`);
              }
            }
          }
          break;
        }
        case 'create':
          await admin.createTopics(
            names.map((topic) => ({
              topic,
              partitions,
              replicationFactor,
              ...(Object.keys(config).length > 0 ? { config } : {}),
            })),
            { timeoutMs: connection.timeoutMs, ignoreExisting: flag(args, 'if-not-exists') },
          );
          for (const name of names) print(`created ${name}`);
          break;
        case 'delete':
          await admin.deleteTopics(names, { timeoutMs: connection.timeoutMs });
          for (const name of names) print(`deleted ${name}`);
          break;
      }
    } finally {
      await admin.disconnect();
    }
    return ExitCode.ok;
  },
};

// From the metadata of every topic: asking for one by name would create it
// on a cluster that auto-creates topics.
async function describeTopics(admin: AdminClient, names: string[], timeoutMs: number): Promise<TopicMetadata[]> {
  const all = sortTopics((await admin.getMetadata({ timeoutMs })).topics);
  if (names.length === 0) return all.filter((topic) => !topic.name.startsWith('__'));
  return names.map((name) => {
    const topic = all.find((candidate) => candidate.name === name);
    if (!topic || topic.error || topic.partitions.length === 0) {
      throw new Error(`topic ${name} does not exist${topic?.error ? ` (${topic.error.code})` : ''}`);
    }
    return topic;
  });
}

function sortTopics(list: TopicMetadata[]): TopicMetadata[] {
  return [...list].sort((a, b) => a.name.localeCompare(b.name));
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
