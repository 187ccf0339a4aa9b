import { expect, it } from 'vitest';

import { typeCheck } from '../support/type-check';

it('config and message types reject typos and wrong value types at compile time', () => {
  expect(typeCheck('usage.ts')).toEqual({ output: '', status: 0 });
});

it('AdminClient types: the README examples compile, enum typos do not', () => {
  expect(typeCheck('admin-usage.ts')).toEqual({ output: '', status: 0 });
});
