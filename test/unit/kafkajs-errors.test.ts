import { describe, expect, it } from 'vitest';

import { ErrorCodes } from '../../src/generated/error-codes';
import { KafkaError } from '../../src/kafka-error';
import { KafkaJSProtocolError } from '../../src/kafkajs/errors';

describe('KafkaJSProtocolError', () => {
  it("names each protocol error as KafkaJS does, where librdkafka's name differs", () => {
    const type = (errno: number): string => new KafkaJSProtocolError(KafkaError.fromCode(errno, 'broker said no')).type;
    expect(type(ErrorCodes.UNKNOWN_TOPIC_OR_PART)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(type(ErrorCodes.MSG_SIZE_TOO_LARGE)).toBe('MESSAGE_TOO_LARGE');
    expect(type(ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS)).toBe('GROUP_LOAD_IN_PROGRESS');
    expect(type(ErrorCodes.NOT_COORDINATOR)).toBe('NOT_COORDINATOR_FOR_GROUP');
    expect(type(ErrorCodes.TOPIC_ALREADY_EXISTS)).toBe('TOPIC_ALREADY_EXISTS');
    expect(type(ErrorCodes._TIMED_OUT)).toBe('TIMED_OUT');
  });

  it('keeps the error number and retriable flag', () => {
    const error = new KafkaJSProtocolError(KafkaError.fromCode(ErrorCodes.NOT_COORDINATOR, 'moved'));
    expect(error.errorCode).toBe(16);
    expect(error.retriable).toBe(true);
  });
});
