import { describe, expect, it } from 'vitest';

import { expectInteger, expectTopicName } from '../../src/validation';

describe('argument validation', () => {
  it('says what was expected and what came', () => {
    expect(() => expectInteger('partition', -2, 0)).toThrowError(
      'Expected an integer >= 0 for partition but received -2 (number)',
    );
    expect(() => expectInteger('timeoutMs', 1.5, 0, 10)).toThrowError(/an integer from 0 to 10/);
  });

  it("applies Kafka's topic-name rule", () => {
    expect(expectTopicName('topic', 'orders.v1_x-y')).toBe('orders.v1_x-y');
    for (const bad of ['', '..', 'has space', 'x'.repeat(250), 7]) {
      expect(() => expectTopicName('topic', bad)).toThrowError(TypeError);
    }
  });
});
