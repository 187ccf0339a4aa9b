import { describe, expect, it } from 'vitest';

import { toNativeConfig } from '../../src/config';

describe('toNativeConfig', () => {
  it('turns numbers, booleans and string lists into librdkafka strings', () => {
    expect(
      toNativeConfig({ 'linger.ms': 5, 'enable.idempotence': true, 'client.id': 'a', debug: ['broker', 'msg'] } as never),
    ).toEqual({ 'linger.ms': '5', 'enable.idempotence': 'true', 'client.id': 'a', debug: 'broker,msg' });
  });

  it('drops undefined values', () => {
    expect(toNativeConfig({ 'client.id': undefined })).toEqual({});
  });

  it('names the key and the received type for a bad value', () => {
    expect(() => toNativeConfig({ 'linger.ms': {} } as never)).toThrowError(
      /Expected a string, finite number or boolean for config\["linger.ms"\] but received an object/,
    );
    expect(() => toNativeConfig({ 'linger.ms': Number.NaN } as never)).toThrowError(TypeError);
  });

  it('refuses the properties the binding manages', () => {
    expect(() => toNativeConfig({ 'log.queue': true } as never)).toThrowError(/managed by rdkafka-napi/);
  });

  it('refuses a config that is not an object', () => {
    expect(() => toNativeConfig('bootstrap.servers=x' as never)).toThrowError(/Expected an object for config/);
  });
});
