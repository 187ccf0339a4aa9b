// The sample KafkaJS service (examples/kafkajs-service/service.js) runs
// twice against the real broker: once as written, on the `kafkajs` package,
// and once with only its require line changed to 'rdkafka-napi/kafkajs'.
// Both runs must report the same thing: the same totals, the same partition
// for every customer key (Java-compatible murmur2 on both), the same commits
// and log ends, the same topic and group shapes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { inject } from 'vitest';
import { afterAll, expect, it } from 'vitest';

import { uniqueTopic } from '../support/mock';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const service = path.join(root, 'examples', 'kafkajs-service', 'service.js');
// Inside the package, so that require('rdkafka-napi/kafkajs') resolves to this
// package's own export (Node's self-reference), i.e. the built dist/.
const rewritten = path.join(root, 'build', `kafkajs-service-${process.pid}.js`);

afterAll(() => fs.rmSync(rewritten, { force: true }));

async function runService(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [script], {
    cwd: root,
    timeout: 90_000,
    env: { ...process.env, BROKERS: inject('kafkaBootstrap'), TOPIC: uniqueTopic('orders'), GROUP: uniqueTopic('totals') },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

it('the KafkaJS sample service gives the same result on kafkajs and on rdkafka-napi/kafkajs', async () => {
  if (!fs.existsSync(path.join(root, 'dist', 'cjs', 'kafkajs', 'index.js'))) {
    throw new Error('dist/ is not built: run `npm run build:ts` first (npm test does)');
  }
  const source = fs.readFileSync(service, 'utf8');
  const importLine = "require('kafkajs')";
  expect(source.split(importLine)).toHaveLength(2); // exactly one import line to change
  fs.mkdirSync(path.dirname(rewritten), { recursive: true });
  fs.writeFileSync(rewritten, source.replace(importLine, "require('rdkafka-napi/kafkajs')"));

  const onKafkaJS = await runService(service);
  const onFacade = await runService(rewritten);

  expect(onKafkaJS.consumed).toBe(60);
  expect(onKafkaJS.groupListed).toBe(true);
  expect(onKafkaJS.partitionCounts).toEqual([1, 3]);
  expect(onFacade).toEqual(onKafkaJS);
}, 240_000);
