// The examples run as users run them: node on the built package, in a child process.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

describe('examples', () => {
  it('consume-transform-produce invoices every order exactly once on the embedded mock cluster', async () => {
    expect(existsSync(path.join(root, 'dist', 'cjs', 'index.js')), 'dist/ is built (npm run build:ts)').toBe(true);
    const env = { ...process.env, ORDERS: '2000' };
    delete env.BOOTSTRAP;
    const { stdout } = await run(process.execPath, [path.join(root, 'examples', 'consume-transform-produce.js')], {
      env,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^invoiced 2000 of 2000 orders in [1-9]\d* transactions, [\d.]+ s \(embedded mock cluster\)$/m);
  });
});
