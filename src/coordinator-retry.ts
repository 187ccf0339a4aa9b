// A group coordinator that just moved or started (a fresh broker, a restarted
// one) answers "loading" or "not coordinator" for a while. librdkafka retries
// such a request only a few times, which a broker still loading its offsets
// topic outlasts. Calls that need the coordinator retry these errors
// themselves, with backoff, for a bounded time.
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';

const TRANSIENT = new Set<number>([
  ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCodes.COORDINATOR_NOT_AVAILABLE,
  ErrorCodes.NOT_COORDINATOR,
]);

export const COORDINATOR_RETRY_MS = 10_000;

/** Runs `call`, again while it fails with a transient coordinator error and time remains. */
export async function retryWhileCoordinatorMoves<T>(
  call: () => Promise<T>,
  stillWanted: () => boolean,
  budgetMs = COORDINATOR_RETRY_MS,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let backoffMs = 50; ; backoffMs = Math.min(backoffMs * 2, 1000)) {
    try {
      return await call();
    } catch (error) {
      const transient = error instanceof KafkaError && TRANSIENT.has(error.errno);
      if (!transient || !stillWanted() || Date.now() + backoffMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}
