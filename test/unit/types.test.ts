import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { expect, it } from 'vitest';

it('config and message types reject typos and wrong value types at compile time', () => {
  const root = path.resolve(__dirname, '..', '..');
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--target',
      'ES2022',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node',
      '--types',
      'node',
      '--skipLibCheck',
      '--esModuleInterop',
      path.join(root, 'test', 'types', 'usage.ts'),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});
