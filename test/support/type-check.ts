// Compiles a file of type-level tests (test/types/*.ts: `@ts-expect-error`
// lines that must stay errors, usage that must compile) under strict settings.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { runtimeProcess } from './node-process';

const root = path.resolve(__dirname, '..', '..');

/** tsc's output for test/types/<file>; empty when it compiles cleanly. */
export function typeCheck(file: string): { output: string; status: number | null } {
  const result = spawnSync(
    ...runtimeProcess([
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
      path.join(root, 'test', 'types', file),
    ]),
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { output: result.stdout + result.stderr, status: result.status };
}
