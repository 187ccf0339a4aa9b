// Where `consume` starts: kcat's -o values, resolved per partition.
import type { Consumer, TopicPartition } from '../consumer';
import { Offsets } from '../consumer';
import { parseIntegerText } from './args';
import { UsageError } from './errors';

export type StartSpec =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'stored' }
  | { kind: 'absolute'; offset: number }
  | { kind: 'from-end'; count: number }
  | { kind: 'timestamp'; ms: number };

export const START_HELP =
  'beginning | end | stored | N (absolute) | -N (N before the end) | s@MS (first at or after a time, ms since epoch)';

export function parseStart(text: string): StartSpec {
  if (text === 'beginning') return { kind: 'beginning' };
  if (text === 'end') return { kind: 'end' };
  if (text === 'stored') return { kind: 'stored' };
  if (text.startsWith('s@')) {
    const ms = parseIntegerText(text.slice(2));
    if (ms !== undefined && ms >= 0) return { kind: 'timestamp', ms };
  } else {
    const offset = parseIntegerText(text);
    if (offset !== undefined) return offset >= 0 ? { kind: 'absolute', offset } : { kind: 'from-end', count: -offset };
  }
  throw new UsageError(`--offset must be ${START_HELP}; not "${text}"`);
}

/** The offset to assign each partition at. */
export async function resolveStart(
  consumer: Consumer,
  partitions: TopicPartition[],
  start: StartSpec,
  timeoutMs: number,
): Promise<Array<TopicPartition & { offset: number }>> {
  switch (start.kind) {
    case 'beginning':
      return partitions.map((p) => ({ ...p, offset: Offsets.BEGINNING }));
    case 'end':
      return partitions.map((p) => ({ ...p, offset: Offsets.END }));
    case 'stored':
      return partitions.map((p) => ({ ...p, offset: Offsets.STORED }));
    case 'absolute':
      return partitions.map((p) => ({ ...p, offset: start.offset }));
    case 'from-end':
      return Promise.all(
        partitions.map(async (p) => {
          const { low, high } = await consumer.queryWatermarkOffsets(p.topic, p.partition, timeoutMs);
          return { ...p, offset: Math.max(low, high - start.count) };
        }),
      );
    case 'timestamp': {
      const found = await consumer.offsetsForTimes(
        partitions.map((p) => ({ ...p, offset: start.ms })),
        timeoutMs,
      );
      // -1: no message at or after that time, so start at the end.
      return found.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset < 0 ? Offsets.END : offset }));
    }
  }
}
