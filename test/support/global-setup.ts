// Starts a real Apache Kafka broker (KRaft, 127.0.0.1) for the integration
// suite, or uses KAFKA_BOOTSTRAP when set. A broker that cannot be started
// fails the run: the suite never silently falls back to the mock cluster.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrap: string;
    kafkaVersion: string;
  }
}

const script = path.resolve(__dirname, '..', '..', 'scripts', 'kafka-broker.sh');

export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env.KAFKA_BOOTSTRAP) {
    project.provide('kafkaBootstrap', process.env.KAFKA_BOOTSTRAP);
    project.provide('kafkaVersion', process.env.KAFKA_VERSION ?? 'external');
    return undefined;
  }
  if (process.env.RDKAFKA_NAPI_TEST_BROKER === 'none') {
    if (process.env.CI) throw new Error('RDKAFKA_NAPI_TEST_BROKER=none is for local runs only; CI tests the real broker');
    project.provide('kafkaBootstrap', '');
    project.provide('kafkaVersion', 'none');
    return undefined;
  }
  const runDir = mkdtempSync(path.join(tmpdir(), 'rdkafka-napi-broker-'));
  const started = Date.now();
  const bootstrap = execFileSync('bash', [script, 'start', '--dir', runDir, '--port', process.env.KAFKA_TEST_PORT ?? '29092'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const version = process.env.KAFKA_VERSION ?? 'default';
  console.log(`kafka broker ${version} ready at ${bootstrap} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('kafkaBootstrap', bootstrap);
  project.provide('kafkaVersion', version);
  return () => {
    execFileSync('bash', [script, 'stop', '--dir', runDir], { stdio: 'inherit' });
    rmSync(runDir, { recursive: true, force: true });
  };
}
