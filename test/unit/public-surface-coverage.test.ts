// Every public member and event of the exported classes, every exported
// function and constant has a test that uses it (scripts/check-public-surface.js).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import { runtimeProcess } from '../support/node-process';

// Members no test here can call, each with the reason. Keep it short.
const ALLOWED: Record<string, string> = {
  'AdminClient#throttle':
    'librdkafka reports throttle_time_ms only from Produce and Fetch responses (rdkafka_request.c, ' +
    'rdkafka_fetcher.c), and an AdminClient sends neither',
};

const script = path.resolve(__dirname, '..', '..', 'scripts', 'check-public-surface.js');
let report: { required: string[]; uncovered: string[] };

// The compiler resolves every test file: seconds on a quiet machine, a minute on a busy one.
beforeAll(async () => {
  const { stdout } = await promisify(execFile)(...runtimeProcess([script, '--json']), {
    maxBuffer: 16 * 2 ** 20,
    timeout: 240_000,
  });
  report = JSON.parse(stdout);
}, 250_000);

describe('public surface coverage', () => {
  it('finds the surface it checks (classes, inherited members, events, constants)', () => {
    for (const key of [
      'Consumer.subscribe',
      'Consumer.getMetadata',
      'Producer.isConnected',
      'Consumer#rebalance',
      'Producer#throttle',
      'MockCluster.start',
      'Offsets.BEGINNING',
      'librdkafkaFeatures',
      'Consumer.[Symbol.asyncIterator]',
    ]) {
      expect(report.required).toContain(key);
    }
  });

  it('leaves no public member, event or constant without a test that uses it', () => {
    expect(report.uncovered.filter((key) => !(key in ALLOWED))).toEqual([]);
    // An allowance for something tested meanwhile is stale: remove it.
    expect(Object.keys(ALLOWED).filter((key) => !report.uncovered.includes(key))).toEqual([]);
  });
});
