import { describe, expect, it } from 'vitest';

import { ErrorCodes, KafkaError, offsetsAfter } from '../../src';
import { toTransactionOffsets } from '../../src/transaction';
import { TransactionTracker } from '../../src/transaction-state';

describe('offsetsAfter', () => {
  it('gives per partition the offset after the highest one, whatever the order', () => {
    const messages = [
      { topic: 'a', partition: 0, offset: 7 },
      { topic: 'a', partition: 1, offset: 3 },
      { topic: 'a', partition: 0, offset: 9 },
      { topic: 'b', partition: 0, offset: 0 },
      { topic: 'a', partition: 0, offset: 8 },
    ];
    expect(offsetsAfter(messages)).toEqual([
      { topic: 'a', partition: 0, offset: 10 },
      { topic: 'a', partition: 1, offset: 4 },
      { topic: 'b', partition: 0, offset: 1 },
    ]);
    expect(offsetsAfter([])).toEqual([]);
  });
});

describe('toTransactionOffsets', () => {
  it('names the bad entry', () => {
    expect(() => toTransactionOffsets({})).toThrow('Expected an array of {topic, partition, offset} for offsets');
    expect(() => toTransactionOffsets([{ topic: 't', partition: 0 }])).toThrow(
      /^Expected an integer >= 0 for offsets\[0\]\.offset but received a undefined$/,
    );
    expect(() =>
      toTransactionOffsets([
        { topic: 't', partition: 0, offset: 1 },
        { topic: '', partition: 0, offset: 1 },
      ]),
    ).toThrow(/offsets\[1\]\.topic/);
    expect(toTransactionOffsets([{ topic: 't', partition: 2, offset: 5, metadata: 'm' }])).toEqual([
      { topic: 't', partition: 2, offset: 5, metadata: 'm' },
    ]);
  });
});

describe('TransactionTracker', () => {
  const tracker = () => new TransactionTracker('app-1', 60_000, async () => undefined);

  it('says what to call next when a produce is refused, by phase', () => {
    const t = tracker();
    expect(t.produceError('out').message).toMatch(/transactions are not initialised: call await producer\.initTransactions\(\)/);
    t.phase = 'ready';
    expect(t.produceError('out').message).toMatch(/no transaction is open: call producer\.beginTransaction\(\)/);
    t.phase = 'in-transaction';
    expect(t.produceError('out').message).toMatch(/current transaction failed: call await producer\.abortTransaction\(\)/);
    expect(t.produceError('out')).toMatchObject({ code: '_STATE', retriable: false, fatal: false });
  });

  it("keeps librdkafka's flags on a failed call and adds what to do", async () => {
    const t = tracker();
    t.phase = 'in-transaction';
    const abortable = new KafkaError('commitTransaction() failed: x', {
      errno: ErrorCodes._TIMED_OUT,
      retriable: false,
      txnRequiresAbort: true,
    });
    const error = await t.run('commitTransaction', () => Promise.reject(abortable)).catch((e: KafkaError) => e);
    expect(error).toMatchObject({ code: '_TIMED_OUT', retriable: false, txnRequiresAbort: true, fatal: false, cause: abortable });
    expect((error as KafkaError).message).toMatch(/call await producer\.abortTransaction\(\), rewind your input/);
    expect(t.phase).toBe('in-transaction');

    const fenced = new KafkaError('x', { errno: ErrorCodes._FENCED, fatal: true });
    await t.run('commitTransaction', () => Promise.reject(fenced)).catch(() => undefined);
    expect(t.phase).toBe('fatal');

    const retriable = tracker();
    retriable.phase = 'uninitialized';
    const timeout = new KafkaError('initTransactions() failed: y', { errno: ErrorCodes._TIMED_OUT, retriable: true });
    const initError = await retriable.run('initTransactions', () => Promise.reject(timeout)).catch((e: KafkaError) => e);
    expect((initError as KafkaError).message).toMatch(/retriable: call initTransactions\(\) again/);
    expect(retriable.phase).toBe('uninitialized');
  });
});
