import { describe, expect, it } from 'vitest';

import { ErrorCodes } from '../../src/generated/error-codes';
import { KafkaError } from '../../src/kafka-error';

describe('KafkaError', () => {
  it('carries librdkafka name, number and description', () => {
    const error = KafkaError.fromCode(ErrorCodes._QUEUE_FULL);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KafkaError');
    expect(error.code).toBe('_QUEUE_FULL');
    expect(error.errno).toBe(-184);
    expect(error.librdkafkaMessage).toMatch(/queue full/i);
    expect(error.message).toBe(error.librdkafkaMessage);
  });

  it('derives retriable from the code unless told', () => {
    expect(KafkaError.fromCode(ErrorCodes.NOT_ENOUGH_REPLICAS).retriable).toBe(true);
    expect(KafkaError.fromCode(ErrorCodes.TOPIC_AUTHORIZATION_FAILED).retriable).toBe(false);
    expect(KafkaError.fromCode(ErrorCodes.NOT_ENOUGH_REPLICAS, 'x', { retriable: false }).retriable).toBe(false);
  });

  it('is never retriable when fatal', () => {
    const error = KafkaError.fromCode(ErrorCodes._MSG_TIMED_OUT, 'x', { fatal: true });
    expect(error.fatal).toBe(true);
    expect(error.retriable).toBe(false);
  });

  it('names unknown numbers instead of failing', () => {
    expect(KafkaError.fromCode(987654).code).toBe('ERRNO_987654');
  });
});
