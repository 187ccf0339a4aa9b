import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ControllerRefresh } from '../../src/admin/controller-refresh';
import { ErrorCodes } from '../../src/generated/error-codes';
import { KafkaError } from '../../src/kafka-error';

const lost = KafkaError.fromCode(ErrorCodes._TRANSPORT, '127.0.0.1:29901/2: Connect failed');

describe('ControllerRefresh', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for metadata when a broker connection is lost, not on other errors', async () => {
    const refresh = vi.fn(async () => {});
    const controllerRefresh = new ControllerRefresh(refresh, 1000);
    controllerRefresh.noteError(KafkaError.fromCode(ErrorCodes._SSL, 'handshake failed'));
    expect(refresh).not.toHaveBeenCalled();
    controllerRefresh.noteError(lost);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('sends at most one refresh per interval, and one more after a burst ends', async () => {
    const refresh = vi.fn(async () => {});
    const controllerRefresh = new ControllerRefresh(refresh, 1000);
    for (let i = 0; i < 50; i++) controllerRefresh.noteError(lost);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('survives a failed refresh and starts none after stop()', async () => {
    const refresh = vi.fn(async () => {
      throw new Error('closed');
    });
    const controllerRefresh = new ControllerRefresh(refresh, 1000);
    controllerRefresh.noteError(lost);
    controllerRefresh.noteError(lost); // schedules the trailing refresh
    controllerRefresh.stop();
    await vi.advanceTimersByTimeAsync(3000);
    controllerRefresh.noteError(lost);
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
