// The generated documentation stays true: docs/configuration.md matches the
// linked librdkafka's property table, and the API reference builds from the
// declarations without warnings (npm run docs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { expect, it } from 'vitest';

import { runtimeProcess } from '../support/node-process';

const root = path.resolve(__dirname, '..', '..');

it('docs/configuration.md is what scripts/generate-config-docs.js makes from the linked librdkafka', () => {
  const result = spawnSync(...runtimeProcess([path.join(root, 'scripts', 'generate-config-docs.js'), '--check']), {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

it('the TypeDoc API reference builds without warnings', () => {
  // Its CLI itself, not bin/typedoc, which only forks it (to restart in watch mode).
  const typedoc = path.join(path.dirname(require.resolve('typedoc/package.json')), 'dist', 'cli.js');
  const result = spawnSync(...runtimeProcess([typedoc, '--emit', 'none', '--treatWarningsAsErrors']), {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  expect(result.stdout + result.stderr).not.toMatch(/warning|error/i);
  expect(result.status).toBe(0);
});
