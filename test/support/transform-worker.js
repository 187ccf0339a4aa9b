// A consume-transform-produce service for the crash test
// (test/integration/transactions-crash.test.ts): reads numbered messages,
// writes each one transformed, and commits output and input offsets together
// in transactions of TRANSACTION_SIZE messages. Plain JS on the built package
// (dist/), so the test can SIGKILL it as it would a real service.
//
// Environment: BOOTSTRAP, INPUT_TOPIC, OUTPUT_TOPIC, GROUP_ID, TRANSACTIONAL_ID,
// TRANSACTION_SIZE (default 500), PAUSE_BEFORE_COMMIT_MS (widens the window a
// kill lands in a transaction), EXIT_WHEN_IDLE_MS (exit once no input came for
// that long; 0: run until killed).
// stdout: one line per step, `<step> <transaction number> <messages>`.
'use strict';

const path = require('node:path');

const { Consumer, Producer, offsetsAfter } = require(path.resolve(__dirname, '..', '..', 'dist', 'cjs'));

const env = process.env;
const transactionSize = Number(env.TRANSACTION_SIZE ?? 500);
const pauseBeforeCommitMs = Number(env.PAUSE_BEFORE_COMMIT_MS ?? 0);
const exitWhenIdleMs = Number(env.EXIT_WHEN_IDLE_MS ?? 0);

function step(name, transaction, count) {
  process.stdout.write(`${name} ${transaction} ${count}\n`);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const producer = new Producer({
    'bootstrap.servers': env.BOOTSTRAP,
    'transactional.id': env.TRANSACTIONAL_ID,
    'linger.ms': 5,
  });
  await producer.connect();
  // Before consuming: fences a previous instance and aborts its open
  // transaction, whose pending offsets would otherwise hold the fetch back.
  await producer.initTransactions();

  const consumer = new Consumer({
    'bootstrap.servers': env.BOOTSTRAP,
    'group.id': env.GROUP_ID,
    // Static membership: a restarted instance takes its partitions over at once.
    'group.instance.id': 'transform-worker',
    'session.timeout.ms': 6000,
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
    'isolation.level': 'read_committed',
  });
  await consumer.connect();
  consumer.subscribe(env.INPUT_TOPIC);
  step('started', 0, 0);

  let transaction = 0;
  let pending = [];
  let lastInput = Date.now();
  const commit = async () => {
    transaction++;
    const messages = pending;
    pending = [];
    producer.beginTransaction();
    step('begun', transaction, messages.length);
    for (const message of messages) {
      await producer.produceOrWait({
        topic: env.OUTPUT_TOPIC,
        key: message.key,
        value: `transformed-${String(message.value)}`,
      });
    }
    await producer.flush(30_000);
    step('flushed', transaction, messages.length);
    if (pauseBeforeCommitMs > 0) await pause(pauseBeforeCommitMs);
    await producer.sendOffsetsToTransaction(offsetsAfter(messages), consumer.groupMetadata());
    step('offsets-sent', transaction, messages.length);
    await producer.commitTransaction();
    step('committed', transaction, messages.length);
  };

  // batches() waits for the first message of a batch: race it against a
  // timer, keeping the one pending pull, to commit a partial transaction or
  // exit when the input is idle.
  const batches = consumer.batches({ maxMessages: transactionSize, maxWaitMs: 100 })[Symbol.asyncIterator]();
  let next;
  for (;;) {
    next ??= batches.next();
    let timer;
    const idle = new Promise((resolve) => {
      timer = setTimeout(() => resolve('idle'), 250);
    });
    const result = await Promise.race([next, idle]);
    clearTimeout(timer);
    if (result !== 'idle') {
      next = undefined;
      if (result.done) break;
      lastInput = Date.now();
      for (const message of result.value) {
        pending.push(message);
        if (pending.length === transactionSize) await commit();
      }
      continue;
    }
    if (pending.length > 0 && Date.now() - lastInput > 500) await commit();
    if (exitWhenIdleMs > 0 && pending.length === 0 && Date.now() - lastInput > exitWhenIdleMs) break;
  }
  await consumer.disconnect();
  await producer.disconnect();
  step('done', transaction, 0);
}

main().catch((error) => {
  process.stderr.write(`transform-worker failed: ${error?.stack ?? error}\n`);
  process.exit(3);
});
