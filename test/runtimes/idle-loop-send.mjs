// An awaited send() must resolve promptly when nothing else keeps the event
// loop busy: delivery reports wake the loop themselves (native/queue_wakeup.cc).
// Under vitest the runner's own traffic ticks the loop and would hide a runtime
// that does not run the addon's uv check handle until something else wakes it,
// so this runs as a plain script with no timers of its own.
// Usage: <runtime> test/runtimes/idle-loop-send.mjs  (exits non-zero on failure;
// scripts/check-runtimes.sh bounds its time)
import { createRequire } from 'node:module';

const { MockCluster, Producer } = createRequire(import.meta.url)('../../dist/cjs/index.js');

const sends = 50;
const limitMs = 250;
const cluster = new MockCluster({ brokers: 1 });
cluster.createTopic('idle', { partitions: 1 });
const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 });
await producer.connect();
await producer.send({ topic: 'idle', value: 'warm-up' });
const samples = [];
for (let i = 0; i < sends; i++) {
  const started = performance.now();
  const report = await producer.send({ topic: 'idle', value: `m${i}` });
  samples.push(performance.now() - started);
  if (report.offset !== i + 1) throw new Error(`send ${i}: offset ${report.offset}, expected ${i + 1}`);
}
await producer.disconnect();
await cluster.close();
const slowest = Math.max(...samples);
const median = [...samples].sort((a, b) => a - b)[sends >> 1];
console.log(`idle-loop-send: ${sends} awaited sends, median ${median.toFixed(2)} ms, slowest ${slowest.toFixed(1)} ms`);
if (slowest > limitMs) {
  console.error(`idle-loop-send: FAILED: a send took ${slowest.toFixed(0)} ms (limit ${limitMs} ms) on an idle event loop`);
  process.exit(1);
}
