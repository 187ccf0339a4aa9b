#!/usr/bin/env node
// Soak test: produce and consume N messages through a real broker while
// sampling this process's RSS, heap, open file descriptors and active libuv
// handles every second. Fails (exit 1) when, after the warm-up, RSS or the
// descriptor/handle counts grow by more than --max-growth, when a message is
// lost, or when the run does not finish within --max-seconds.
//
// Usage: node scripts/soak.js [--messages N] [--bootstrap HOST:PORT] [--broker-port P]
//          [--partitions 4] [--size 100] [--warmup-seconds 15] [--max-growth 0.10]
//          [--max-seconds 600] [--json FILE]
// Without --bootstrap (or KAFKA_BOOTSTRAP) it starts a broker with
// scripts/kafka-broker.sh on --broker-port (default 29400) and stops it after.
// Needs the built package (npm run build). Prints one line per sample and a
// JSON summary as the last line.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { AdminClient, Consumer, Producer, Offsets } = require(path.resolve(__dirname, '..', 'dist', 'cjs'));

function parseArgs(argv) {
  const options = {
    messages: 10_000_000,
    bootstrap: process.env.KAFKA_BOOTSTRAP ?? '',
    brokerPort: 29400,
    partitions: 4,
    size: 100,
    warmupSeconds: 15,
    maxGrowth: 0.1,
    maxSeconds: 600,
    json: '',
  };
  const names = {
    '--messages': 'messages',
    '--bootstrap': 'bootstrap',
    '--broker-port': 'brokerPort',
    '--partitions': 'partitions',
    '--size': 'size',
    '--warmup-seconds': 'warmupSeconds',
    '--max-growth': 'maxGrowth',
    '--max-seconds': 'maxSeconds',
    '--json': 'json',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const key = names[flag];
    if (key === undefined) throw new Error(`unknown argument ${argv[i]} (see the usage at the top of scripts/soak.js)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    options[key] = typeof options[key] === 'number' ? Number(value.replace(/_/g, '')) : value;
    if (typeof options[key] === 'number' && !(options[key] >= 0)) throw new Error(`${flag} needs a non-negative number`);
  }
  return options;
}

function openDescriptors() {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

function sample(elapsedS, produced, consumed) {
  const memory = process.memoryUsage();
  return {
    t: elapsedS,
    produced,
    consumed,
    rssMB: memory.rss / 2 ** 20,
    heapMB: memory.heapUsed / 2 ** 20,
    externalMB: memory.external / 2 ** 20,
    fds: openDescriptors(),
    handles: process.getActiveResourcesInfo().length,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const brokerScript = path.resolve(__dirname, 'kafka-broker.sh');
  let runDir;
  if (!options.bootstrap) {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdkafka-napi-soak-'));
    options.bootstrap = execFileSync('bash', [brokerScript, 'start', '--dir', runDir, '--port', String(options.brokerPort)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  }
  try {
    return await soak(options);
  } finally {
    if (runDir) {
      execFileSync('bash', [brokerScript, 'stop', '--dir', runDir], { stdio: 'inherit' });
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  }
}

async function soak(options) {
  const topic = `soak-${process.pid}-${Date.now()}`;
  const admin = new AdminClient({ 'bootstrap.servers': options.bootstrap });
  await admin.connect();
  // Old segments go once read: the broker's disk stays small for 10 M messages.
  await admin.createTopics([
    {
      topic,
      partitions: options.partitions,
      replicationFactor: 1,
      config: { 'retention.bytes': String(256 * 2 ** 20), 'segment.bytes': String(32 * 2 ** 20) },
    },
  ]);
  await admin.disconnect();

  const producer = new Producer({ 'bootstrap.servers': options.bootstrap, 'linger.ms': 5, 'batch.num.messages': 10_000 });
  const consumer = new Consumer({
    'bootstrap.servers': options.bootstrap,
    'group.id': topic,
    'enable.auto.commit': false,
  });
  const errors = [];
  producer.on('error', (error) => errors.push(`producer ${error.code}: ${error.message}`));
  consumer.on('error', (error) => errors.push(`consumer ${error.code}: ${error.message}`));
  await producer.connect();
  await consumer.connect();
  consumer.assign([...Array(options.partitions).keys()].map((partition) => ({ topic, partition, offset: Offsets.BEGINNING })));

  const value = Buffer.alloc(options.size, 0x61);
  let produced = 0;
  let consumed = 0;
  const started = Date.now();
  const deadline = started + options.maxSeconds * 1000;
  // The producer stays at most this far ahead, so nothing is read after the broker dropped it.
  const maxAhead = 500_000;

  const producing = (async () => {
    while (produced < options.messages && Date.now() < deadline) {
      if (produced - consumed > maxAhead) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const chunkEnd = Math.min(options.messages, produced + 10_000);
      while (produced < chunkEnd) {
        await producer.produceOrWait({ topic, value });
        produced++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await producer.flush(60_000);
  })();
  const consuming = (async () => {
    for await (const batch of consumer.batches()) {
      consumed += batch.length;
      if (consumed >= options.messages || Date.now() > deadline) break;
    }
  })();

  const samples = [];
  const timer = setInterval(() => {
    const s = sample(Math.round((Date.now() - started) / 1000), produced, consumed);
    samples.push(s);
    console.log(
      `t=${s.t}s produced=${s.produced} consumed=${s.consumed} rss=${s.rssMB.toFixed(1)}MB heap=${s.heapMB.toFixed(1)}MB ` +
        `fds=${s.fds} handles=${s.handles}`,
    );
  }, 1000);
  await Promise.all([producing, consuming]);
  clearInterval(timer);
  samples.push(sample(Math.round((Date.now() - started) / 1000), produced, consumed));
  const seconds = (Date.now() - started) / 1000;
  const delivery = producer.deliveryCounts;
  await consumer.disconnect();
  await producer.disconnect();

  // After the warm-up: the first samples' median against the last samples' median.
  let afterWarmup = samples.filter((s) => s.t >= options.warmupSeconds);
  if (afterWarmup.length < 6) afterWarmup = samples.slice(Math.floor(samples.length / 3));
  const window = Math.max(1, Math.min(5, Math.floor(afterWarmup.length / 3)));
  const first = afterWarmup.slice(0, window);
  const last = afterWarmup.slice(-window);
  const growth = (key) => {
    const a = median(first.map((s) => s[key]));
    const b = median(last.map((s) => s[key]));
    return { first: a, last: b, growth: a > 0 ? (b - a) / a : 0 };
  };
  const rss = growth('rssMB');
  const fds = growth('fds');
  const handles = growth('handles');
  const failures = [];
  if (consumed < options.messages) failures.push(`consumed ${consumed} of ${options.messages} within ${options.maxSeconds} s`);
  if (delivery.failed > 0) failures.push(`${delivery.failed} deliveries failed`);
  if (rss.growth > options.maxGrowth) failures.push(`RSS grew ${(rss.growth * 100).toFixed(1)}% after the warm-up`);
  // Descriptors and handles are small counts: allow a couple of transient ones.
  if (fds.last > fds.first * (1 + options.maxGrowth) + 2) failures.push(`open descriptors grew from ${fds.first} to ${fds.last}`);
  if (handles.last > handles.first * (1 + options.maxGrowth) + 2) {
    failures.push(`active handles grew from ${handles.first} to ${handles.last}`);
  }
  const summary = {
    messages: options.messages,
    messageBytes: options.size,
    partitions: options.partitions,
    seconds: Number(seconds.toFixed(1)),
    messagesPerSecond: Math.round(consumed / seconds),
    produced,
    consumed,
    deliveryFailed: delivery.failed,
    warmupSeconds: options.warmupSeconds,
    rssFirstMB: Number(rss.first.toFixed(1)),
    rssLastMB: Number(rss.last.toFixed(1)),
    rssGrowthPercent: Number((rss.growth * 100).toFixed(2)),
    rssPeakMB: Number(Math.max(...samples.map((s) => s.rssMB)).toFixed(1)),
    fdsFirst: fds.first,
    fdsLast: fds.last,
    handlesFirst: handles.first,
    handlesLast: handles.last,
    clientErrors: errors.slice(0, 5),
    passed: failures.length === 0,
    failures,
  };
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify({ summary, samples }, null, 2)}\n`);
  console.log(JSON.stringify(summary));
  return summary.passed ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`soak: ${error.stack ?? error}`);
    process.exitCode = 2;
  },
);
