// Options every command that talks to a cluster shares: where it is (-b),
// extra librdkafka properties (-X key=value) and how long to wait for it.
import { AdminClient } from '../admin-client';
import type { EventEmitter } from 'node:events';

import { type OptionTable, type ParsedArgs, integerOption, keyValuePairs, listOption, stringOption } from './args';
import { UsageError } from './errors';

export const CONNECTION_OPTIONS: OptionTable = {
  brokers: {
    type: 'string',
    short: 'b',
    value: 'HOST:PORT,...',
    description: 'bootstrap servers (default: $KAFKA_BOOTSTRAP)',
  },
  property: {
    type: 'string',
    short: 'X',
    value: 'KEY=VALUE',
    multiple: true,
    description: 'a librdkafka property, e.g. -X security.protocol=ssl',
  },
  timeout: { type: 'string', value: 'MS', description: 'how long to wait for the cluster to answer', default: '10000' },
};

export interface Connection {
  config: Record<string, string>;
  timeoutMs: number;
}

export function connectionFrom(args: ParsedArgs, command: string): Connection {
  const brokers = stringOption(args, 'brokers') ?? process.env.KAFKA_BOOTSTRAP;
  if (!brokers) throw new UsageError(`--brokers is required, or set KAFKA_BOOTSTRAP (see rdkafka-napi ${command} --help)`);
  const config: Record<string, string> = { 'bootstrap.servers': brokers };
  for (const [key, value] of keyValuePairs(listOption(args, 'property'), '-X')) config[key] = value;
  return { config, timeoutMs: integerOption(args, 'timeout', 10_000, 1) };
}

/**
 * librdkafka reports passing trouble (a broker down for a moment) as 'error'
 * events and retries by itself; the command's own calls fail when it matters.
 * Listening keeps those events from becoming process warnings on stderr.
 */
export function quietTransientErrors(client: EventEmitter): void {
  client.on('error', () => {});
}

/**
 * librdkafka's consumer needs a group.id even when it only reads assigned
 * partitions; this one is never joined or committed to.
 */
export function unjoinedGroupId(): string {
  return `rdkafka-napi-cli-${process.pid}-${Date.now().toString(36)}`;
}

interface Connectable {
  connect(options: { timeoutMs?: number }): Promise<void>;
}

/** connect(), with the bootstrap servers named in the one-line failure. */
export async function connectTo<T extends Connectable>(client: T, connection: Connection): Promise<T> {
  try {
    await client.connect({ timeoutMs: connection.timeoutMs });
  } catch (error) {
    const servers = connection.config['bootstrap.servers'];
    const text = (error as Error).message;
    const message = text.startsWith('Could not reach the cluster')
      ? text.replace('Could not reach the cluster', `Could not reach the cluster at ${servers}`)
      : `Could not reach the cluster at ${servers}: ${text}`;
    throw Object.assign(new Error(message), { code: (error as { code?: unknown }).code });
  }
  return client;
}

/**
 * An AdminClient for a command: its librdkafka errors (connection retries)
 * are not printed, the command reports failures itself.
 */
export function quietAdminClient(connection: Connection): AdminClient {
  const admin = new AdminClient(connection.config);
  quietTransientErrors(admin);
  return admin;
}
