// The shapes KafkaJS hands to eachMessage and eachBatch, made from our
// consumed messages: offsets and timestamps as strings, headers as an object.
import type { Message } from '../consumer-message';

export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  attributes: number;
  offset: string;
  /** A header sent several times comes as an array of its values. */
  headers: Record<string, Buffer | Buffer[] | undefined>;
  size?: number;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

/** One partition's consumed messages in KafkaJS's shape. */
export function toKafkaMessages(messages: Message[]): KafkaMessage[] {
  const converted = new Array<KafkaMessage>(messages.length);
  // Messages produced together share their millisecond: one string for a run of them.
  let timestamp = Number.NaN;
  let timestampText = '';
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message.timestamp !== timestamp) {
      timestamp = message.timestamp;
      timestampText = String(timestamp);
    }
    converted[i] = {
      key: message.key,
      value: message.value,
      timestamp: timestampText,
      attributes: 0,
      offset: String(message.offset),
      headers: message.headers.length === 0 ? {} : headersObject(message.headers),
    };
  }
  return converted;
}

function headersObject(list: Message['headers']): KafkaMessage['headers'] {
  const headers: KafkaMessage['headers'] = {};
  for (const { key, value } of list) {
    const bytes = value ?? undefined;
    const existing = headers[key];
    if (existing === undefined && !(key in headers)) headers[key] = bytes;
    else if (Array.isArray(existing)) {
      if (bytes !== undefined) existing.push(bytes);
    } else headers[key] = [existing, bytes].filter((item): item is Buffer => item !== undefined);
  }
  return headers;
}

class MessageBatch implements Batch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: KafkaMessage[];

  constructor(topic: string, partition: number, messages: KafkaMessage[], highWatermark: string) {
    this.topic = topic;
    this.partition = partition;
    this.messages = messages;
    this.highWatermark = highWatermark;
  }

  isEmpty(): boolean {
    return this.messages.length === 0;
  }

  firstOffset(): string | null {
    return this.messages.length === 0 ? null : this.messages[0].offset;
  }

  lastOffset(): string {
    return this.messages.length === 0 ? String(Number(this.highWatermark) - 1) : this.messages[this.messages.length - 1].offset;
  }

  /** Messages after this batch's last one, up to the high watermark. */
  offsetLag(): string {
    return String(Math.max(0, Number(this.highWatermark) - 1 - Number(this.lastOffset())));
  }

  /** Messages from this batch's first one to the high watermark. */
  offsetLagLow(): string {
    const first = this.firstOffset();
    return first === null ? '0' : String(Math.max(0, Number(this.highWatermark) - 1 - Number(first)));
  }
}

export function newBatch(topic: string, partition: number, messages: KafkaMessage[], highWatermark: string): Batch {
  return new MessageBatch(topic, partition, messages, highWatermark);
}
