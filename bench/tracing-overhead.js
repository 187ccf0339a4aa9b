#!/usr/bin/env node
// The cost of the diagnostics_channel tracing (src/diagnostics.ts): produce
// and consume throughput on the embedded mock cluster without a subscriber
// and with no-op subscribers on every event, rounds alternating. Each mode of
// each round runs in a fresh process so JIT state does not carry over.
//
//   npm run build:ts && node bench/tracing-overhead.js [--rounds 3] [--messages 200000] [--base DIST]
//
// --base DIST adds a third mode: the same workload on another build's
// dist/cjs (e.g. the commit before tracing existed), to compare the
// unsubscribed cost with no tracing code at all.
//
// The cost of the check alone (what an unsubscribed produce() or consumer
// batch adds) is measured in-process first: isTraced() in a tight loop.
'use strict';

const { spawnSync } = require('node:child_process');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

async function measure(mode, messages, dist) {
  const diagnosticsChannel = require('node:diagnostics_channel');
  const { ChannelNames, Consumer, MockCluster, Producer } = require(dist);
  if (mode === 'subscribed') {
    const noop = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
    for (const name of Object.values(ChannelNames)) diagnosticsChannel.tracingChannel(name).subscribe(noop);
  }
  const cluster = new MockCluster();
  // The mock keeps the last 5 MB of each partition: 16 partitions hold the whole run.
  cluster.createTopic('bench', { partitions: 16 });
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 });
  await producer.connect();
  const value = Buffer.alloc(100, 1);
  const produceStart = performance.now();
  for (let i = 0; i < messages; i++) await producer.produceOrWait({ topic: 'bench', value });
  await producer.flush();
  const produceMs = performance.now() - produceStart;
  await producer.disconnect();

  const consumer = new Consumer({
    'bootstrap.servers': cluster.bootstrapServers,
    'group.id': 'bench',
    'auto.offset.reset': 'earliest',
  });
  await consumer.connect();
  consumer.subscribe('bench');
  let seen = 0;
  let consumeStart = 0;
  for await (const message of consumer) {
    if (seen === 0) consumeStart = performance.now();
    seen += message.value.length > 0 ? 1 : 0;
    if (seen === messages) break;
  }
  const consumeMs = performance.now() - consumeStart;
  await consumer.disconnect();
  await cluster.close();
  return { produce: Math.round(messages / (produceMs / 1000)), consume: Math.round((messages - 1) / (consumeMs / 1000)) };
}

function checkCost() {
  const { isTraced, tracing } = require('../dist/cjs/diagnostics');
  const calls = 20_000_000;
  let traced = 0;
  const samples = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) if (isTraced(tracing.produce)) traced++;
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  if (traced !== 0) throw new Error('a channel had subscribers');
  console.log(`unsubscribed check: ${median(samples).toFixed(2)} ns per isTraced() call (median of 5 x ${calls})`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  if (process.argv[2] === '--child') {
    const result = await measure(process.argv[3], Number(process.argv[4]), process.argv[5]);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  checkCost();
  const rounds = option('rounds', 3);
  const messages = option('messages', 200_000);
  const baseAt = process.argv.indexOf('--base');
  const base = baseAt === -1 ? undefined : require('node:path').resolve(process.argv[baseAt + 1]);
  const ownDist = require('node:path').join(__dirname, '..', 'dist', 'cjs');
  const results = { unsubscribed: [], subscribed: [] };
  if (base) results.base = [];
  const modes = Object.keys(results);
  for (let round = 0; round < rounds; round++) {
    const order = modes.map((_, i) => modes[(i + round) % modes.length]);
    for (const mode of order) {
      const dist = mode === 'base' ? base : ownDist;
      const child = spawnSync(process.execPath, [__filename, '--child', mode, String(messages), dist], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${mode} run failed: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').pop());
      results[mode].push(result);
      console.log(`round ${round + 1} ${mode.padEnd(12)} produce ${result.produce} msg/s  consume ${result.consume} msg/s`);
    }
  }
  for (const mode of Object.keys(results)) {
    const produce = median(results[mode].map((r) => r.produce));
    const consume = median(results[mode].map((r) => r.consume));
    console.log(
      `median ${mode.padEnd(12)} produce ${produce} msg/s  consume ${consume} msg/s (${messages} x 100 B, ${rounds} rounds)`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
