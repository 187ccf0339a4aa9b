import { describe, expect, it } from 'vitest';

import { retryWhileCoordinatorMoves } from '../../src/coordinator-retry';
import { ErrorCodes } from '../../src/generated/error-codes';
import { KafkaError } from '../../src/kafka-error';

function failing(codes: number[], result = 'done'): { call: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    call: async () => {
      const code = codes[calls++];
      if (code !== undefined) throw KafkaError.fromCode(code, 'commit failed');
      return result;
    },
    calls: () => calls,
  };
}

describe('retryWhileCoordinatorMoves', () => {
  it('retries a loading or moving coordinator until the call succeeds', async () => {
    const attempt = failing([
      ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS,
      ErrorCodes.NOT_COORDINATOR,
      ErrorCodes.COORDINATOR_NOT_AVAILABLE,
    ]);
    await expect(retryWhileCoordinatorMoves(attempt.call, () => true)).resolves.toBe('done');
    expect(attempt.calls()).toBe(4);
  });

  it('rethrows other errors at once', async () => {
    const attempt = failing([ErrorCodes.ILLEGAL_GENERATION]);
    await expect(retryWhileCoordinatorMoves(attempt.call, () => true)).rejects.toMatchObject({ code: 'ILLEGAL_GENERATION' });
    expect(attempt.calls()).toBe(1);
  });

  it('gives up when the budget is spent or the client is closing', async () => {
    const forever = failing(Array(1000).fill(ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS));
    const started = Date.now();
    await expect(retryWhileCoordinatorMoves(forever.call, () => true, 300)).rejects.toMatchObject({
      code: 'COORDINATOR_LOAD_IN_PROGRESS',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    const closing = failing([ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS]);
    await expect(retryWhileCoordinatorMoves(closing.call, () => false)).rejects.toMatchObject({
      code: 'COORDINATOR_LOAD_IN_PROGRESS',
    });
    expect(closing.calls()).toBe(1);
  });
});
