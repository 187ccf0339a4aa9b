// Raises a fabricated fatal error on a client through the native test hook
// (librdkafka's rd_kafka_test_fatal_error), so a test can prove what a fatal
// error does without a broker having to fence the client.
import type { AdminClient, Consumer, Producer } from '../../src';
import { ErrorCodes } from '../../src/generated/error-codes';
import type { NativeClient } from '../../src/native';

export function raiseFatalError(client: Producer | Consumer | AdminClient, errno: number, reason: string): void {
  // `native` is protected in TypeScript only: the hook is not part of any public class.
  const outcome = (client as unknown as { native: NativeClient }).native.raiseFatalErrorForTesting(errno, reason);
  if (outcome !== 0) {
    const why = outcome === ErrorCodes._PREV_IN_PROGRESS ? 'a fatal error was raised before' : `errno ${outcome}`;
    throw new Error(`rd_kafka_test_fatal_error did not raise: ${why}`);
  }
}
