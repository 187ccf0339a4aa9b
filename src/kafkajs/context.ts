// What a Kafka object shares with the producers, consumers and admins it
// creates: the mapped common options, the logger, broker resolution, and the
// consumers it made (a transaction's sendOffsets takes the group's metadata
// from one of them, for fencing).
import type { ConsumerGroupMetadata } from '../transaction';
import { type LibrdkafkaConfig, type MappedConfig, warnUnsupported } from './config-mapping';
import type { Logger } from './logging';

export interface GroupMember {
  groupId: string;
  /** The consumer's current group metadata, or undefined while it is not connected. */
  groupMetadata(): ConsumerGroupMetadata | undefined;
}

export class KafkaContext {
  readonly logger: Logger;
  readonly #common: MappedConfig;
  readonly #brokers: string[] | (() => string[] | Promise<string[]>);
  readonly #members = new Set<GroupMember>();

  constructor(common: MappedConfig, brokers: string[] | (() => string[] | Promise<string[]>), logger: Logger) {
    this.#common = common;
    this.#brokers = brokers;
    this.logger = logger;
  }

  /** A client's full librdkafka config: common options, then its own; warns once for unsupported ones. */
  async clientConfig(own: MappedConfig, extra: LibrdkafkaConfig = {}): Promise<LibrdkafkaConfig> {
    const brokers = typeof this.#brokers === 'function' ? await this.#brokers() : this.#brokers;
    return { ...this.#common.config, ...own.config, ...extra, 'bootstrap.servers': brokers.join(',') };
  }

  /** The one warning of a client at construction: common unsupported options, then its own. */
  warnAtConstruction(client: string, own: MappedConfig): void {
    warnUnsupported(client, [...this.#common.unsupported, ...own.unsupported]);
  }

  get oauthBearerTokenProvider(): MappedConfig['oauthBearerTokenProvider'] {
    return this.#common.oauthBearerTokenProvider;
  }

  addMember(member: GroupMember): () => void {
    this.#members.add(member);
    return () => this.#members.delete(member);
  }

  groupMetadataFor(groupId: string): ConsumerGroupMetadata | undefined {
    for (const member of this.#members) {
      if (member.groupId !== groupId) continue;
      const metadata = member.groupMetadata();
      if (metadata !== undefined) return metadata;
    }
    return undefined;
  }
}

// librdkafka's serialized consumer group metadata (rd_kafka_consumer_group_metadata_write,
// format "CGMDv2"): what rd_kafka_consumer_group_metadata_new(groupId) gives, for a
// sendOffsets whose group has no consumer in this process (no generation: no fencing).
export function groupOnlyMetadata(groupId: string): ConsumerGroupMetadata {
  const generation = Buffer.alloc(4);
  generation.writeInt32LE(-1);
  return Buffer.concat([
    Buffer.from('CGMDv2:', 'latin1'),
    generation,
    Buffer.from(`${groupId}\0`, 'utf8'),
    Buffer.from('\0', 'latin1'), // member id: empty
    Buffer.from([1]), // group instance id: null
  ]);
}
