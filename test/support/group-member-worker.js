// One member of a consumer group for the churn test
// (test/integration/group-churn-kill.test.ts), in a process of its own so the
// test can SIGKILL it mid-stream as it would a real service. Plain JS on the
// built package (dist/). It processes each message by writing
// `<partition> <offset>` to stdout (synchronous for a pipe on Linux), then the
// consumer's default at-least-once bookkeeping stores and auto-commits it.
//
// Environment: BOOTSTRAP, TOPIC, GROUP_ID, PROCESS_MS (time spent per message).
'use strict';

const path = require('node:path');

const { Consumer } = require(path.resolve(__dirname, '..', '..', 'dist', 'cjs'));

const env = process.env;
const processMs = Number(env.PROCESS_MS ?? 0);

async function main() {
  const consumer = new Consumer({
    'bootstrap.servers': env.BOOTSTRAP,
    'group.id': env.GROUP_ID,
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
    'auto.commit.interval.ms': 100,
    'partition.assignment.strategy': 'cooperative-sticky',
  });
  consumer.on('error', (error) => process.stderr.write(`error ${error.code} ${error.message}\n`));
  await consumer.connect();
  consumer.subscribe(env.TOPIC);
  process.stdout.write('ready\n');
  for await (const message of consumer) {
    if (processMs > 0) await new Promise((resolve) => setTimeout(resolve, processMs));
    process.stdout.write(`${message.partition} ${message.offset}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
