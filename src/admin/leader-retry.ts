// A partition whose leader is still being elected or has just moved (a topic
// created a moment ago, a broker restarting) answers "not leader" or "leader
// not available" for a short while. librdkafka hands those per-partition
// errors straight back; the Java AdminClient retries them, and so do we:
// only the partitions that failed so, within the caller's timeout.
import { ErrorCodes } from '../generated/error-codes';
import type { KafkaError } from '../kafka-error';
import type { TopicPartition } from './common';

const LEADER_MOVING = new Set<number>([
  ErrorCodes.LEADER_NOT_AVAILABLE,
  ErrorCodes.NOT_LEADER_FOR_PARTITION,
  ErrorCodes.FENCED_LEADER_EPOCH,
  ErrorCodes.UNKNOWN_LEADER_EPOCH,
  ErrorCodes.OFFSET_NOT_AVAILABLE,
]);

interface PartitionAnswer extends TopicPartition {
  error: KafkaError | null;
}

/**
 * Sends `requests` with `send(subset, timeoutMs)`, then again those whose
 * answer is a leader-moving error, while time remains. Answers come back in
 * the order of `requests`; a partition still failing keeps its last error.
 */
export async function retryWhileLeadersMove<Request extends TopicPartition, Answer extends PartitionAnswer>(
  requests: Request[],
  timeoutMs: number,
  send: (subset: Request[], timeoutMs: number) => Promise<Answer[]>,
  stillWanted: () => boolean = () => true,
): Promise<Answer[]> {
  const deadline = Date.now() + timeoutMs;
  const key = (at: TopicPartition): string => `${at.partition}:${at.topic}`;
  const answers = new Map<string, Answer>();
  let pending = requests;
  for (let backoffMs = 50; ; backoffMs = Math.min(backoffMs * 2, 500)) {
    const got = await send(pending, Math.max(1, deadline - Date.now()));
    for (const answer of got) answers.set(key(answer), answer);
    pending = pending.filter((request) => {
      const error = answers.get(key(request))?.error;
      return error != null && LEADER_MOVING.has(error.errno);
    });
    if (pending.length === 0 || !stillWanted() || Date.now() + backoffMs >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, backoffMs));
  }
  return requests.flatMap((request) => answers.get(key(request)) ?? []);
}
