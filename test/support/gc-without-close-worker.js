// Clients dropped without disconnect() and garbage-collected, for
// test/integration/close-safety.test.ts (run with --expose-gc). A dropped
// producer's delivery reports must still all arrive, and the process must
// exit by itself (the addon's cleanup hook closes what is left), without a
// crash. Plain JS on the built package (dist/).
//
// Environment: BOOTSTRAP, TOPIC. stdout: `reports <n>` then `done`.
'use strict';

const path = require('node:path');

const { Consumer, Producer, AdminClient, MockCluster } = require(path.resolve(__dirname, '..', '..', 'dist', 'cjs'));

const env = process.env;
let reports = 0;

async function dropped() {
  const producer = new Producer({ 'bootstrap.servers': env.BOOTSTRAP, 'linger.ms': 20 });
  producer.on('delivery-report', (report) => {
    if (!report.error) reports++;
  });
  await producer.connect();
  for (let i = 0; i < 100; i++) producer.produce({ topic: env.TOPIC, value: `gc-${i}` });
  const consumer = new Consumer({ 'bootstrap.servers': env.BOOTSTRAP, 'group.id': `gc-${process.pid}` });
  await consumer.connect();
  consumer.subscribe(env.TOPIC);
  const admin = new AdminClient({ 'bootstrap.servers': env.BOOTSTRAP });
  await admin.connect();
  // Never connected, never closed.
  new Producer({ 'bootstrap.servers': env.BOOTSTRAP });
}

// A MockCluster only its address refers to: it must outlive the collection.
function droppedMockAddress() {
  const mock = new MockCluster({ brokers: 1 });
  mock.createTopic('gc-mock');
  return mock.bootstrapServers;
}

async function main() {
  const mockAddress = droppedMockAddress();
  await dropped();
  for (let i = 0; i < 5; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const deadline = Date.now() + 15_000;
  while (reports < 100 && Date.now() < deadline) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(`reports ${reports}\n`);
  const mockProducer = new Producer({ 'bootstrap.servers': mockAddress });
  await mockProducer.connect({ timeoutMs: 10_000 });
  const report = await mockProducer.send({ topic: 'gc-mock', value: 'after gc' });
  process.stdout.write(`mock offset ${report.offset}\n`);
  process.stdout.write('done\n');
  // No disconnect: the process must still end once main() returns.
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
