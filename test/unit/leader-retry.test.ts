import { describe, expect, it } from 'vitest';

import { retryWhileLeadersMove } from '../../src/admin/leader-retry';
import { ErrorCodes } from '../../src/generated/error-codes';
import { KafkaError } from '../../src/kafka-error';

type Request = { topic: string; partition: number };
type Answer = Request & { offset: number; error: KafkaError | null };

/** A sender whose partition p fails with `failures[p]` codes, one per attempt, then answers offset 10 + p. */
function sender(failures: Record<number, number[]>): {
  send: (subset: Request[], timeoutMs: number) => Promise<Answer[]>;
  sent: Request[][];
} {
  const sent: Request[][] = [];
  return {
    sent,
    send: async (subset) => {
      sent.push(subset);
      return subset.map((at) => {
        const code = failures[at.partition]?.shift();
        const error = code === undefined ? null : KafkaError.fromCode(code, 'list offsets');
        return { ...at, offset: error ? -1 : 10 + at.partition, error };
      });
    },
  };
}

const three: Request[] = [0, 1, 2].map((partition) => ({ topic: 't', partition }));

describe('retryWhileLeadersMove', () => {
  it('resends only the partitions whose leader is moving, and answers in request order', async () => {
    const { send, sent } = sender({ 1: [ErrorCodes.NOT_LEADER_FOR_PARTITION, ErrorCodes.LEADER_NOT_AVAILABLE] });
    const answers = await retryWhileLeadersMove(three, 5_000, send);
    expect(answers.map((a) => [a.partition, a.offset, a.error])).toEqual([
      [0, 10, null],
      [1, 11, null],
      [2, 12, null],
    ]);
    expect(sent.map((subset) => subset.map((at) => at.partition))).toEqual([[0, 1, 2], [1], [1]]);
  });

  it('hands other partition errors back at once', async () => {
    const { send, sent } = sender({ 2: [ErrorCodes.UNKNOWN_TOPIC_OR_PART] });
    const answers = await retryWhileLeadersMove(three, 5_000, send);
    expect(answers[2].error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
    expect(sent).toHaveLength(1);
  });

  it('stops at the timeout and keeps the last error', async () => {
    const { send, sent } = sender({ 0: Array(100).fill(ErrorCodes.NOT_LEADER_FOR_PARTITION) });
    const started = Date.now();
    const answers = await retryWhileLeadersMove(three, 300, send);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(answers[0].error?.code).toBe('NOT_LEADER_FOR_PARTITION');
    expect(sent.length).toBeGreaterThan(1);
  });

  it('stops when the caller no longer wants the answer', async () => {
    const { send, sent } = sender({ 0: Array(100).fill(ErrorCodes.LEADER_NOT_AVAILABLE) });
    await retryWhileLeadersMove(three, 5_000, send, () => false);
    expect(sent).toHaveLength(1);
  });
});
