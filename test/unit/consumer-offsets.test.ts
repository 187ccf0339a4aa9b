// The consumer's offset bookkeeping, without a broker.
import { describe, expect, it } from 'vitest';

import type { Message } from '../../src/consumer-message';
import { OffsetTracker, partitionKey } from '../../src/consumer-offsets';

function message(partition: number, offset: number, topic = 't'): Message {
  return { topic, partition, offset, key: null, value: null, headers: [], timestamp: 0, timestampType: 'create-time' };
}

describe('OffsetTracker', () => {
  it('stores the next offset of the last processed message of each partition', () => {
    const tracker = new OffsetTracker();
    const batch = tracker.startBatch([message(0, 10), message(1, 5), message(0, 11), message(1, 6), message(0, 12)]);
    batch.processed = 4;
    expect(tracker.takeProcessed()).toEqual([
      { topic: 't', partition: 1, offset: 7 },
      { topic: 't', partition: 0, offset: 12 },
    ]);
    expect(tracker.takeProcessed()).toEqual([]); // nothing new since
    batch.processed = 5;
    expect(tracker.takeProcessed()).toEqual([{ topic: 't', partition: 0, offset: 13 }]);
  });

  it('carries the leader epoch of the message it stores after', () => {
    const tracker = new OffsetTracker();
    const batch = tracker.startBatch([{ ...message(0, 3), leaderEpoch: 7 }]);
    batch.processed = 1;
    expect(tracker.takeProcessed()).toEqual([{ topic: 't', partition: 0, offset: 4, leaderEpoch: 7 }]);
  });

  it('lets stores only move forward until a seek resets the floor', () => {
    const tracker = new OffsetTracker();
    tracker.noteStored([{ topic: 't', partition: 0, offset: 50 }]);
    expect(tracker.forwardOnly([{ topic: 't', partition: 0, offset: 40 }])).toEqual([]);
    expect(tracker.forwardOnly([{ topic: 't', partition: 0, offset: 51 }])).toHaveLength(1);
    tracker.noteStored([{ topic: 't', partition: 0, offset: 60, error: new Error('refused') }]);
    expect(tracker.forwardOnly([{ topic: 't', partition: 0, offset: 55 }])).toHaveLength(1); // a refused store is no floor
    tracker.noteSeek([{ topic: 't', partition: 0 }]);
    expect(tracker.forwardOnly([{ topic: 't', partition: 0, offset: 5 }])).toHaveLength(1);
  });

  it('voids messages of a partition sought after their batch was fetched', () => {
    const tracker = new OffsetTracker();
    const batch = tracker.startBatch([message(0, 1), message(1, 1), message(0, 2)]);
    expect(tracker.voidedBySeek(message(0, 1), batch)).toBe(false);
    tracker.noteSeek([{ topic: 't', partition: 0 }]);
    expect(tracker.voidedBySeek(batch.messages[0], batch)).toBe(true);
    expect(tracker.voidedBySeek(batch.messages[1], batch)).toBe(false);
    batch.processed = 3;
    expect(tracker.takeProcessed()).toEqual([{ topic: 't', partition: 1, offset: 2 }]);
    const next = tracker.startBatch([message(0, 0)]);
    expect(tracker.voidedBySeek(next.messages[0], next)).toBe(false); // fetched after the seek
  });

  it('hands the unfinished tail of a left loop to the next one, oldest first', () => {
    const tracker = new OffsetTracker();
    const first = tracker.startBatch([message(0, 1), message(0, 2), message(0, 3), message(0, 4)]);
    first.processed = 1;
    tracker.keepUnfinishedTail();
    expect(tracker.takeUnfinished(2)?.map((m) => m.offset)).toEqual([2, 3]);
    expect(tracker.takeUnfinished(10)?.map((m) => m.offset)).toEqual([4]);
    expect(tracker.takeUnfinished(10)).toBeUndefined();
  });

  it('drops unfinished messages of sought and revoked partitions', () => {
    const tracker = new OffsetTracker();
    const batch = tracker.startBatch([message(0, 1), message(1, 1), message(2, 1), message(0, 2)]);
    tracker.keepUnfinishedTail();
    expect(batch.processed).toBe(0);
    tracker.noteSeek([{ topic: 't', partition: 0 }]);
    tracker.dropUnfinished(new Set([partitionKey('t', 2)]));
    expect(tracker.takeUnfinished(10)?.map((m) => m.partition)).toEqual([1]);
  });

  it('a newer batch takes over from the current one', () => {
    const tracker = new OffsetTracker();
    const first = tracker.startBatch([message(0, 1)]);
    const second = tracker.startBatch([message(0, 2)]);
    expect(tracker.isCurrent(first)).toBe(false);
    expect(tracker.isCurrent(second)).toBe(true);
  });
});
