// scripts/soak.js stays runnable: a short soak on the real broker passes its
// own checks (no message lost, RSS, descriptors and handles bounded).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, inject, it } from 'vitest';

const script = path.resolve(__dirname, '..', '..', 'scripts', 'soak.js');

describe('soak script', () => {
  it('produces and consumes 200,000 messages and reports bounded memory', () => {
    const output = execFileSync(
      process.execPath,
      [script, '--messages', '200000', '--bootstrap', inject('kafkaBootstrap'), '--warmup-seconds', '0', '--max-seconds', '120'],
      { encoding: 'utf8', timeout: 150_000 },
    );
    const summary = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ passed: true, consumed: 200_000, deliveryFailed: 0, failures: [] });
    expect(summary.rssFirstMB).toBeGreaterThan(0);
  }, 160_000);
});
