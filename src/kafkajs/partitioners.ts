// KafkaJS's partitioners. The partition is chosen here, in JavaScript, and
// passed explicitly to our produce, so that a service keeps the partitions
// its keys went to under KafkaJS (and a custom createPartitioner works).
import { randomBytes } from 'node:crypto';

export interface PartitionMetadata {
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  partitionErrorCode: number;
  offlineReplicas?: number[];
}

export interface PartitionerMessage {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  partition?: number | null;
  headers?: unknown;
  timestamp?: string;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: PartitionerMessage;
}

export type ICustomPartitioner = () => (args: PartitionerArgs) => number;

const SEED = 0x9747b28c;
const MULTIPLIER = 0x5bd1e995;
const SHIFT = 24;

function keyBytes(key: Buffer | string): Buffer {
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}

/**
 * The 32-bit murmur2 hash exactly as the Java client computes it (Kafka's
 * Utils.murmur2): so a key lands on the partition Java producers (and
 * KafkaJS's DefaultPartitioner) pick.
 */
export function murmur2(key: Buffer | string): number {
  const data = keyBytes(key);
  const length = data.length;
  let hash = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, MULTIPLIER);
    k ^= k >>> SHIFT;
    k = Math.imul(k, MULTIPLIER);
    hash = Math.imul(hash, MULTIPLIER) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) hash ^= data[whole + 2] << 16;
    if (rest >= 2) hash ^= data[whole + 1] << 8;
    hash ^= data[whole];
    hash = Math.imul(hash, MULTIPLIER);
  }
  hash ^= hash >>> 13;
  hash = Math.imul(hash, MULTIPLIER);
  hash ^= hash >>> 15;
  return hash | 0;
}

/**
 * The hash KafkaJS 1.x used by default (its LegacyPartitioner). It differs
 * from Java's: its multiplications are done in floating point, and its loop
 * runs over a partial last word too. Reproduced here, arithmetic for
 * arithmetic, so that topics written by KafkaJS 1.x keep their key placement.
 */
export function legacyMurmur2(key: Buffer | string): number {
  const data = keyBytes(key);
  const length = data.length;
  const byteAt = (i: number): number => (i < length ? data[i] : 0);
  let hash = SEED ^ length;
  for (let i = 0; i < length / 4; i++) {
    const at = i * 4;
    let k = byteAt(at) + (byteAt(at + 1) << 8) + (byteAt(at + 2) << 16) + (byteAt(at + 3) << 24);
    k *= MULTIPLIER;
    k ^= k >>> SHIFT;
    k *= MULTIPLIER;
    hash *= MULTIPLIER;
    hash ^= k;
  }
  const whole = length & ~3;
  const rest = length % 4;
  if (rest > 0) {
    if (rest === 3) hash ^= (data[whole + 2] & 0xff) << 16;
    if (rest >= 2) hash ^= (data[whole + 1] & 0xff) << 8;
    hash ^= data[whole] & 0xff;
    hash *= MULTIPLIER;
  }
  hash ^= hash >>> 13;
  hash *= MULTIPLIER;
  hash ^= hash >>> 15;
  return hash;
}

const toPositive = (value: number): number => value & 0x7fffffff;

// Both KafkaJS partitioners share the strategy and differ by hash: an explicit
// partition wins, a key is hashed over all partitions, no key goes round-robin
// over partitions that have a leader.
function keyHashPartitioner(hash: (key: Buffer | string) => number): ICustomPartitioner {
  return () => {
    const counters = new Map<string, number>();
    return ({ topic, partitionMetadata, message }) => {
      if (message.partition !== null && message.partition !== undefined) return message.partition;
      const count = partitionMetadata.length;
      if (message.key !== null && message.key !== undefined) return toPositive(hash(message.key)) % count;
      const next = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
      counters.set(topic, next);
      const available = partitionMetadata.filter((partition) => partition.leader >= 0);
      if (available.length > 0) return available[toPositive(next) % available.length].partitionId;
      return toPositive(next) % count;
    };
  };
}

export const DefaultPartitioner: ICustomPartitioner = keyHashPartitioner(murmur2);
export const LegacyPartitioner: ICustomPartitioner = keyHashPartitioner(legacyMurmur2);

export const Partitioners = {
  DefaultPartitioner,
  LegacyPartitioner,
  /** KafkaJS 1.x's name for DefaultPartitioner. */
  JavaCompatiblePartitioner: DefaultPartitioner,
} as const;
