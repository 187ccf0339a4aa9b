// The wire contract between the layers, checked against the loaded addon: the
// native classes define exactly the methods src/native.ts declares, and the
// slab layouts TypeScript reads are the ones native code writes.
import { describe, expect, it } from 'vitest';

import { CONSUMED_MESSAGE, DELIVERY_REPORT } from '../../src/generated/wire-layout';
import { native, NATIVE_METHODS } from '../../src/native';

describe('native surface', () => {
  for (const [className, declared] of Object.entries(NATIVE_METHODS)) {
    it(`${className} defines exactly the methods src/native.ts declares`, () => {
      const prototype = (native as unknown as Record<string, { prototype: object }>)[className].prototype;
      const defined = Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor');
      expect([...defined].sort()).toEqual([...declared].sort());
    });
  }

  it('NativeProducer installs its produce fast path on each instance', () => {
    const producer = new native.NativeProducer(
      {},
      new Float64Array(DELIVERY_REPORT.stride),
      () => {},
      () => {},
    );
    expect(Object.getOwnPropertyNames(producer)).toContain('produce');
    expect(typeof (producer as unknown as { produce: unknown }).produce).toBe('function');
  });

  it('the generated slab layouts match the addon (run npm run generate if this fails)', () => {
    expect(native.wireLayout).toEqual({ deliveryReport: DELIVERY_REPORT, consumedMessage: CONSUMED_MESSAGE });
  });

  it('native constructors refuse a missing config with their signature', () => {
    const Producer = native.NativeProducer as unknown as new (...args: unknown[]) => unknown;
    const Admin = native.NativeAdminClient as unknown as new (...args: unknown[]) => unknown;
    expect(() => new Producer()).toThrowError(/NativeProducer\(config, reportSlab, onReports, onEvent\)/);
    expect(() => new Admin({})).toThrowError(/NativeAdminClient\(config, onEvent\)/);
  });
});
