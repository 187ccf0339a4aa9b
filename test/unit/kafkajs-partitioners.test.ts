// KafkaJS's partitioners, recomputed in our facade: the hash values and the
// partitions must be exactly those of KafkaJS 2.2.4 (DefaultPartitioner is
// the Java client's murmur2; LegacyPartitioner is KafkaJS 1.x's own hash), so
// a service moved to rdkafka-napi/kafkajs keeps every key on its partition.
// The expected values were computed once with the kafkajs package itself;
// the last test compares against it live for many random keys.
import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { DefaultPartitioner, LegacyPartitioner, legacyMurmur2, murmur2, Partitioners } from '../../src/kafkajs';

// [key, Java murmur2, legacy murmur2, default partition for 3/7/100 partitions, legacy partition for 3/7/100]
const KNOWN: Array<[string | Buffer, number, number, number[], number[]]> = [
  ['', 275646681, 275646684, [0, 2, 81], [0, 5, 84]],
  ['a', -1563381124, -809885833, [1, 5, 24], [1, 1, 15]],
  ['ab', 316155434, -1686076413, [2, 0, 34], [2, 2, 35]],
  ['abc', 479470107, 1545667907, [0, 4, 7], [2, 0, 7]],
  ['abcd', -1323649548, -2139815384, [2, 5, 0], [0, 2, 64]],
  ['abcde', 461995741, 1468550417, [1, 4, 41], [2, 5, 17]],
  ['hello world', 1221641059, 1620997181, [1, 2, 59], [2, 6, 81]],
  ['order-42', 501153024, -1977366203, [0, 1, 24], [0, 1, 45]],
  ['ключ', 2122343024, 1321446022, [2, 4, 24], [1, 1, 22]],
  ['😀 emoji', 1991772780, -766613473, [0, 4, 80], [1, 6, 75]],
  ['x'.repeat(37), -278642013, -617746856, [2, 3, 35], [0, 3, 92]],
  [Buffer.from([255, 128, 0, 127, 254]), 768357719, 2100979317, [2, 3, 19], [0, 3, 17]],
  [Buffer.from([222, 173, 190, 239, 1, 2, 3]), 571205928, 1217668009, [0, 6, 28], [1, 5, 9]],
];

const partitions = (count: number, leaderless: number[] = []) =>
  Array.from({ length: count }, (_, id) => ({
    partitionId: id,
    leader: leaderless.includes(id) ? -1 : 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));

describe('murmur2 hashes', () => {
  it.each(KNOWN)('%s hashes as the Java client and as KafkaJS 1.x did', (key, java, legacy) => {
    expect(murmur2(key)).toBe(java);
    expect(legacyMurmur2(key)).toBe(legacy);
  });

  it('a string key hashes as its UTF-8 bytes', () => {
    expect(murmur2('ключ')).toBe(murmur2(Buffer.from('ключ', 'utf8')));
  });
});

describe('DefaultPartitioner and LegacyPartitioner', () => {
  it.each(KNOWN)('key %s goes to the partition KafkaJS picks', (key, _java, _legacy, byDefault, byLegacy) => {
    [3, 7, 100].forEach((count, i) => {
      const args = { topic: 't', partitionMetadata: partitions(count), message: { key, value: 'v' } };
      expect(DefaultPartitioner()(args)).toBe(byDefault[i]);
      expect(LegacyPartitioner()(args)).toBe(byLegacy[i]);
    });
  });

  it('an explicit partition wins over the key', () => {
    const choose = DefaultPartitioner();
    expect(choose({ topic: 't', partitionMetadata: partitions(3), message: { key: 'a', value: 'v', partition: 2 } })).toBe(2);
  });

  it('messages without a key go round-robin over the partitions that have a leader', () => {
    const choose = DefaultPartitioner();
    const metadata = partitions(4, [1]);
    const chosen = Array.from({ length: 9 }, () => choose({ topic: 't', partitionMetadata: metadata, message: { value: 'v' } }));
    expect(new Set(chosen)).toEqual(new Set([0, 2, 3]));
    // Consecutive messages never repeat a partition while three are available.
    for (let i = 1; i < chosen.length; i++) expect(chosen[i]).not.toBe(chosen[i - 1]);
  });

  it('JavaCompatiblePartitioner is KafkaJS 1.x’s name for the default one', () => {
    expect(Partitioners.JavaCompatiblePartitioner).toBe(Partitioners.DefaultPartitioner);
  });

  it('matches the kafkajs package for 2,000 random keys (live comparison)', () => {
    const kafkajs = require('kafkajs') as typeof import('kafkajs');
    const theirs = { byDefault: kafkajs.Partitioners.DefaultPartitioner(), byLegacy: kafkajs.Partitioners.LegacyPartitioner() };
    const ours = { byDefault: DefaultPartitioner(), byLegacy: LegacyPartitioner() };
    for (let i = 0; i < 2000; i++) {
      const key = randomBytes(i % 50);
      const count = 1 + (i % 64);
      const metadata = partitions(count);
      const args = { topic: 't', partitionMetadata: metadata, message: { key, value: null } };
      expect(ours.byDefault(args)).toBe(theirs.byDefault(args as never));
      expect(ours.byLegacy(args)).toBe(theirs.byLegacy(args as never));
    }
  });
});
