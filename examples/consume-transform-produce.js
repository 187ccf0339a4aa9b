#!/usr/bin/env node
// Exactly-once consume-transform-produce: reads orders, writes one invoice per
// order, and commits the invoices and the consumed offsets in one transaction
// per batch, so a crash or an abort never loses or repeats an order.
//
//   node examples/consume-transform-produce.js               # on the embedded mock cluster
//   BOOTSTRAP=127.0.0.1:9092 node examples/consume-transform-produce.js   # on a real cluster
//
// ORDERS (default 5000) orders are written first, then processed until all
// are done. (The mock cluster speaks the transactional protocol but does not
// hide aborted messages from read_committed readers; a real broker does.)
'use strict';

const { Consumer, MockCluster, Producer, offsetsAfter } = require('..');

const ORDERS = Number(process.env.ORDERS ?? 5000);
const INPUT = 'orders';
const OUTPUT = 'invoices';

function toInvoice(order) {
  const { id, items } = JSON.parse(order.value.toString());
  const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return { topic: OUTPUT, key: order.key, value: JSON.stringify({ order: id, total }) };
}

async function main() {
  const cluster = process.env.BOOTSTRAP ? undefined : new MockCluster({ brokers: 1 });
  const bootstrap = process.env.BOOTSTRAP ?? cluster.bootstrapServers;
  if (cluster) {
    cluster.createTopic(INPUT, { partitions: 3 });
    cluster.createTopic(OUTPUT, { partitions: 3 });
  }

  const seed = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 5 });
  await seed.connect();
  for (let id = 0; id < ORDERS; id++) {
    const order = { id, items: [{ price: 3 + (id % 7), quantity: 1 + (id % 3) }] };
    await seed.produceOrWait({ topic: INPUT, key: `order-${id}`, value: JSON.stringify(order) });
  }
  await seed.disconnect();

  // The service: a transactional producer and a consumer that commits only
  // through the producer's transactions.
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'transactional.id': 'invoicer-1', 'linger.ms': 5 });
  await producer.connect();
  await producer.initTransactions(); // fences an older invoicer-1 and aborts what it left open

  const consumer = new Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': 'invoicer',
    'enable.auto.commit': false, // offsets are committed by the transactions
    'auto.offset.reset': 'earliest',
    'isolation.level': 'read_committed',
  });
  await consumer.connect();
  consumer.subscribe(INPUT);

  let invoiced = 0;
  let transactions = 0;
  const started = Date.now();
  // One batch, one transaction: it is committed before the next pull, so no
  // transaction spans a rebalance. After an abortable error the transaction
  // is aborted and the same batch (still in memory) is processed again.
  for await (const batch of consumer.batches({ maxMessages: 500, maxWaitMs: 50 })) {
    await producer.transaction(
      async (tx) => {
        for (const order of batch) await tx.produceOrWait(toInvoice(order));
        await tx.sendOffsetsToTransaction(offsetsAfter(batch), consumer.groupMetadata());
      },
      { retries: 3 },
    );
    invoiced += batch.length;
    transactions++;
    if (invoiced >= ORDERS) break;
  }

  await consumer.disconnect();
  await producer.disconnect();
  await cluster?.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `invoiced ${invoiced} of ${ORDERS} orders in ${transactions} transactions, ${seconds.toFixed(2)} s ` +
      `(${cluster ? 'embedded mock cluster' : bootstrap})`,
  );
  if (invoiced !== ORDERS) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
