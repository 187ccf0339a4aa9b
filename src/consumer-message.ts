// Messages as the consumer hands them out, decoded from one native batch:
// keys and values are views into the batch's single Buffer.
import type { MessageHeader } from './headers';

export type TimestampType = 'not-available' | 'create-time' | 'log-append-time';

export interface Message {
  topic: string;
  partition: number;
  offset: number;
  /** null for a null key. */
  key: Buffer | null;
  /** null for a tombstone. */
  value: Buffer | null;
  headers: MessageHeader[];
  /** Milliseconds since the epoch; -1 when not available. */
  timestamp: number;
  timestampType: TimestampType;
  /** The partition leader's epoch when the message was fetched, if the broker told. */
  leaderEpoch?: number;
}

export const TIMESTAMP_TYPES: readonly TimestampType[] = ['not-available', 'create-time', 'log-append-time'];

export function decodeHeaders(pairs: unknown[] | undefined): MessageHeader[] {
  if (pairs === undefined) return [];
  const headers: MessageHeader[] = new Array(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) {
    headers[i / 2] = { key: pairs[i] as string, value: pairs[i + 1] as Buffer | null };
  }
  return headers;
}
