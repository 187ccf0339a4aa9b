import { describe, expect, it } from 'vitest';

import { flattenHeaders } from '../../src/headers';

describe('flattenHeaders', () => {
  it('flattens objects with several values per name, keeping order', () => {
    const binary = Buffer.from([0, 255, 1]);
    expect(flattenHeaders({ a: ['1', binary], b: null })).toEqual(['a', '1', 'a', binary, 'b', null]);
  });

  it('accepts [name, value] pairs, repeated names included', () => {
    expect(
      flattenHeaders([
        ['x', '1'],
        ['x', '2'],
      ]),
    ).toEqual(['x', '1', 'x', '2']);
  });

  it('names the header whose value has the wrong type', () => {
    expect(() => flattenHeaders({ trace: 42 as never })).toThrowError(
      /Expected a Buffer, Uint8Array, string or null for message.headers\["trace"\] but received 42 \(number\)/,
    );
  });
});
