// send()'s RecordMetadata from delivery reports, including the reports of
// messages librdkafka knows were written but not where (offset -1001: a retry
// answered DUPLICATE_SEQUENCE_NUMBER; seen in CI on a fresh topic).
import { describe, expect, it } from 'vitest';

import { toRecordMetadata } from '../../src/kafkajs/producer';
import type { DeliveryReport } from '../../src/producer';

const UNKNOWN = -1001;

function reports(topic: string, partition: number, offsets: number[]): DeliveryReport[] {
  return offsets.map((offset) => ({ topic, partition, offset, timestamp: 0 }));
}

describe('toRecordMetadata', () => {
  it('answers one entry per topic and partition, in first-seen order, with the lowest offset as baseOffset', () => {
    const metadata = toRecordMetadata([...reports('a', 1, [7, 8]), ...reports('a', 0, [3]), ...reports('b', 1, [5, 4])]);
    expect(metadata).toEqual([
      { topicName: 'a', partition: 1, errorCode: 0, baseOffset: '7', logAppendTime: '-1', logStartOffset: '-1' },
      { topicName: 'a', partition: 0, errorCode: 0, baseOffset: '3', logAppendTime: '-1', logStartOffset: '-1' },
      { topicName: 'b', partition: 1, errorCode: 0, baseOffset: '4', logAppendTime: '-1', logStartOffset: '-1' },
    ]);
  });

  it('reads the base back from a later offset when the first message has none, never answering -1001', () => {
    expect(toRecordMetadata(reports('t', 0, [UNKNOWN, 1]))[0].baseOffset).toBe('0');
    expect(toRecordMetadata(reports('t', 0, [UNKNOWN, UNKNOWN, 12, 13]))[0].baseOffset).toBe('10');
    expect(toRecordMetadata(reports('t', 0, [20, UNKNOWN, 22]))[0].baseOffset).toBe('20');
  });

  it("answers '-1' when no message of the partition has an offset", () => {
    const metadata = toRecordMetadata([...reports('t', 0, [UNKNOWN, UNKNOWN]), ...reports('t', 1, [9])]);
    expect(metadata.map((entry) => entry.baseOffset)).toEqual(['-1', '9']);
  });
});
