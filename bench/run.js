#!/usr/bin/env node
// Benchmarks rdkafka-napi side by side with raw librdkafka (C), the other
// Node.js Kafka clients and, as references from outside Node, Apache Kafka's
// Java client and confluent-kafka for Python, on a real single Kafka broker and
// on the embedded mock cluster, and writes docs/benchmarks.md and docs/benchmarks.svg;
// on the broker, "How cost grows" (bench/scaling.js: ours ÷ raw C over partitions,
// message sizes and consumers per process) adds docs/benchmarks-scaling.svg.
//
//   npm run bench                 the full run (3 rounds, ~19 min; scaling ~5 of them)
//   npm run bench -- --quick      1 round, shorter workloads, no latency run on the mock,
//                                 scaling at two points per axis (~5 min)
//   npm run bench -- --long       adds the memory soak (10 M messages)
//   options: --rounds N (scaling too)  --clients a,b  --workloads a,b  --no-mock  --no-real
//            --no-scaling  --scaling partitions,size,clients (the axes; default all;
//            --workloads does not limit them; skipped when --clients leaves out rdkafka-napi or raw-c)
//            --no-write (print only)  --port BASE (default 29400)
//            --report-only (rewrite the docs from the last run's saved numbers)
//
// Each measurement runs in a fresh process (bench/clients/*.js, the C program
// bench/raw/raw_bench.c built here, the Java program bench/java/JavaBench.java
// compiled here, or bench/clients/confluent_kafka_python.py) that prints one JSON line; the
// clients take turns within each workload, in a rotated order every round,
// and the tables show medians over the rounds. Ours and raw C run back to back
// in every round: their ratio is taken per round (median and spread reported),
// with CPU µs per message beside throughput, and a workload whose raw C rounds
// differ by more than 2× is marked noisy instead of met or missed.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');
const { AXES, scalingPlan, runScaling, scalingMarkdown, scalingSvg } = require('./scaling');

const root = path.resolve(__dirname, '..');
// Outside the clone's build/ (an addon rebuild wipes that, broker data included):
// the C program and results in the cache, the broker in a fresh temporary directory.
const cacheDir = path.join(process.env.RDKAFKA_NAPI_CACHE || path.join(os.homedir(), '.cache', 'rdkafka-napi'), 'bench');
const rawBinary = path.join(cacheDir, 'raw_bench');
const javaClassesDir = path.join(cacheDir, 'java');
const peersDir = path.join(__dirname, 'peers');
const peersStatusFile = path.join(peersDir, 'node_modules', '.bench-peers.json');

// ------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const QUICK = flag('--quick');
const LONG = flag('--long');
// extras: the 1 KiB and acks=all+idempotence workloads.
const MODE = QUICK
  ? {
      name: 'quick',
      rounds: 1,
      mockRounds: 1,
      produceSeconds: 1.5,
      consumeSeconds: 1.5,
      latencySeconds: 2,
      mockLatencySeconds: 2,
      fill: 1_000_000,
      extras: false,
    }
  : {
      name: 'full',
      rounds: 3,
      mockRounds: 2,
      produceSeconds: 2,
      consumeSeconds: 2,
      latencySeconds: 3,
      mockLatencySeconds: 2,
      fill: 6_000_000,
      extras: true,
    };
if (option('--rounds')) MODE.rounds = MODE.mockRounds = Number(option('--rounds'));
const MOCK_FILL_PER_PARTITION = 30_000; // the mock keeps only ~45,000 100-byte messages per partition
const MOCK_FETCH_WAIT_MS = 10;
const LONG_MESSAGES = 10_000_000;
const BASE_PORT = Number(option('--port', 29400));
const ONLY_CLIENTS = option('--clients', '').split(',').filter(Boolean);
const ONLY_WORKLOADS = option('--workloads', '').split(',').filter(Boolean);
const WRITE = !flag('--no-write');
const SCALING_AXES = flag('--no-scaling') ? [] : option('--scaling', Object.keys(AXES).join(',')).split(',').filter(Boolean);
for (const axis of SCALING_AXES) {
  if (!AXES[axis]) throw new Error(`--scaling: no axis ${axis} (there are ${Object.keys(AXES).join(', ')})`);
}

// ------------------------------------------------------------------ clients
const node = process.execPath;
// A client runs as `node bench/clients/<script> '<settings JSON>'` unless it has
// command(settings), the command line to run. prepare(), where there is one, makes
// the client runnable once per run: { ok, reason } (not ok: reported as not installed).
// reference: a client from outside Node, in the tables for scale but no Node peer.
const ALL_CLIENTS = [
  { id: 'rdkafka-napi', label: 'rdkafka-napi', ours: true, script: 'rdkafka-napi.js' },
  // Ours, but not the native API the targets and the chart judge: its rows also
  // give its ratio to the clients in comparedWith (see facadeComparison).
  {
    id: 'rdkafka-napi-kafkajs',
    label: 'rdkafka-napi, KafkaJS API',
    ours: true,
    script: 'rdkafka-napi-kafkajs.js',
    comparedWith: ['rdkafka-napi', 'kafkajs', 'ckjs-kafkajs'],
  },
  { id: 'raw-c', label: 'raw librdkafka (C)', ceiling: true, command: (s) => [rawBinary, ...rawArgs(s)] },
  { id: 'node-rdkafka', label: 'node-rdkafka', peer: 'node-rdkafka', script: 'node-rdkafka.js' },
  {
    id: 'ckjs-rdkafka',
    label: '@confluentinc/kafka-javascript, node-rdkafka API',
    peer: '@confluentinc/kafka-javascript',
    script: 'ckjs-rdkafka.js',
  },
  {
    id: 'ckjs-kafkajs',
    label: '@confluentinc/kafka-javascript, KafkaJS API',
    peer: '@confluentinc/kafka-javascript',
    script: 'ckjs-kafkajs.js',
  },
  { id: 'kafkajs', label: 'KafkaJS', peer: 'kafkajs', script: 'kafkajs.js' },
  {
    id: 'platformatic',
    label: '@platformatic/kafka',
    peer: '@platformatic/kafka',
    script: 'platformatic.js',
    noMock: 'cannot talk to librdkafka’s mock cluster (its ApiVersions v3 request is refused)',
  },
  {
    id: 'java',
    label: 'Java kafka-clients',
    reference: true,
    prepare: prepareJava,
    command: (s) => [...launchers.java, JSON.stringify(s)],
    noMock: 'cannot talk to librdkafka’s mock cluster (it reads the mock’s ApiVersions answer as a 20-minute throttle)',
  },
  {
    id: 'python',
    label: 'confluent-kafka (Python)',
    reference: true,
    prepare: preparePython,
    command: (s) => [...launchers.python, JSON.stringify(s)],
  },
];
const CLIENTS = ALL_CLIENTS.filter((c) => ONLY_CLIENTS.length === 0 || ONLY_CLIENTS.includes(c.id));
// No event loop to measure: the C program and the references from outside Node.
const hasEventLoop = (client) => !client.ceiling && !client.reference;

// ---------------------------------------------------------------- workloads
const AWAITED_SEND_CLIENTS = ['rdkafka-napi', 'rdkafka-napi-kafkajs', 'kafkajs', 'ckjs-kafkajs'];
// Kinds whose result is a latency distribution (the latency table layout).
const isLatencyKind = (workload) => workload.kind === 'latency' || workload.kind === 'sendone';
const WORKLOADS = [
  { id: 'produce-p1', kind: 'produce', partitions: 1, size: 100, acks: '1', title: 'Produce, 100 B, 1 partition, acks=1' },
  { id: 'produce-p8', kind: 'produce', partitions: 8, size: 100, acks: '1', title: 'Produce, 100 B, 8 partitions, acks=1' },
  { id: 'consume-p1', kind: 'consume', partitions: 1, size: 100, title: 'Consume, 100 B, 1 partition' },
  { id: 'consume-p8', kind: 'consume', partitions: 8, size: 100, title: 'Consume, 100 B, 8 partitions' },
  // One message per handler call: KafkaJS's eachMessage, our messages() iterator, C's poll loop.
  {
    id: 'consume-each-p8',
    kind: 'consume',
    handler: 'eachMessage',
    partitions: 8,
    size: 100,
    only: ['rdkafka-napi', 'rdkafka-napi-kafkajs', 'raw-c', 'kafkajs', 'ckjs-kafkajs'],
    title: 'Consume one message at a time (eachMessage; our native API: messages()), 100 B, 8 partitions',
  },
  // Awaited sends, as a service that waits for each write makes them: the KafkaJS API's send()
  // against our native sendBatch()/send() making the same calls (both linger.ms 0).
  {
    id: 'send-batch-p8',
    kind: 'sendbatch',
    partitions: 8,
    size: 100,
    acks: '1',
    batch: 100,
    only: AWAITED_SEND_CLIENTS,
    title: 'Awaited sends of 100 messages, 4 in flight, 100 B, 8 partitions, acks=1 (our native API: sendBatch(), linger.ms 0)',
  },
  {
    id: 'send-one',
    kind: 'sendone',
    partitions: 1,
    size: 100,
    acks: '1',
    only: AWAITED_SEND_CLIENTS,
    title: 'One awaited send() of one message at a time: time until it resolves, 100 B, 1 partition, acks=1',
  },
  {
    id: 'latency',
    kind: 'latency',
    partitions: 1,
    size: 100,
    acks: '1',
    title: 'End-to-end latency at 10,000 msg/s, 100 B, 1 partition, acks=1, linger.ms=0',
  },
  {
    id: 'produce-1k-p8',
    kind: 'produce',
    partitions: 8,
    size: 1024,
    acks: '1',
    extra: true,
    realOnly: true,
    title: 'Produce, 1 KiB, 8 partitions, acks=1',
  },
  {
    id: 'produce-idem-p8',
    kind: 'produce',
    partitions: 8,
    size: 100,
    acks: 'all',
    idempotence: true,
    extra: true,
    realOnly: true,
    title: 'Produce, 100 B, 8 partitions, acks=all + idempotence',
  },
  // Transactions: only our client and the C ceiling have a transactional produce loop here. A
  // commit is a few broker round trips, so a run of a few seconds holds only dozens of them: longer runs.
  {
    id: 'produce-tx-p8',
    kind: 'txproduce',
    partitions: 8,
    size: 100,
    acks: 'all',
    transactionSize: 1000,
    seconds: 8,
    realOnly: true,
    only: ['rdkafka-napi', 'raw-c'],
    title: 'Transactional produce, 100 B, 8 partitions, transactions of 1,000 messages',
  },
].filter((w) => (MODE.extras || !w.extra) && (ONLY_WORKLOADS.length === 0 || ONLY_WORKLOADS.includes(w.id)));

// -------------------------------------------------------------------- utils
const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function librdkafkaPrefix() {
  const r = spawnSync('bash', [path.join(root, 'deps', 'build-librdkafka.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`deps/build-librdkafka.sh failed:\n${r.stderr}`);
  return r.stdout.trim();
}

function buildRaw() {
  const source = path.join(__dirname, 'raw', 'raw_bench.c');
  const prefix = librdkafkaPrefix();
  const lib = path.join(prefix, 'lib', 'librdkafka.a');
  if (
    fs.existsSync(rawBinary) &&
    fs.statSync(rawBinary).mtimeMs > Math.max(fs.statSync(source).mtimeMs, fs.statSync(lib).mtimeMs)
  ) {
    return;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const flags = fs.readFileSync(path.join(prefix, 'link-flags.txt'), 'utf8').trim().split(/\s+/);
  const args = ['-O2', '-o', rawBinary, source, `-I${path.join(prefix, 'include')}`, lib, ...flags];
  log(`building ${rawBinary}: cc ${args.join(' ')}`);
  const r = spawnSync(process.env.CC || 'cc', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc failed:\n${r.stderr}`);
}

function peerStatus() {
  if (!fs.existsSync(peersStatusFile) && !flag('--no-install')) {
    log('installing the peers once (bench/install-peers.sh; several minutes: two of them compile librdkafka)');
    const r = spawnSync('bash', [path.join(__dirname, 'install-peers.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) log('bench/install-peers.sh failed; peers it could not install are reported as such');
  }
  try {
    return JSON.parse(fs.readFileSync(peersStatusFile, 'utf8'));
  } catch {
    return {};
  }
}

// The command lines of the references, set by their prepare().
const launchers = {};
// The Java client's classpath: kafka-clients, its runtime dependencies, and the
// slf4j binding and backend among the broker's jars (warnings to stderr, see bench/java/log4j2.properties).
const JAVA_JARS = /^(kafka-clients|zstd-jni|lz4-java|snappy-java|slf4j-api|log4j-api|log4j-core|log4j-slf4j2?-impl)-\d.*\.jar$/;
const javaTool = (name) => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', name) : name);
// The last line of a tool's stderr, without the colour codes maven leaves in it.
const lastLine = (text) => stripVTControlCharacters(text).trim().split('\n').pop()?.trim().slice(0, 200) ?? '';

// Kafka's Java client of the broker's own version: its jars from scripts/kafka-broker.sh's cache
// (`fetch` is a no-op once the broker ran), bench/java/JavaBench.java compiled against them with
// javac when the source or the jar is newer than the class.
function prepareJava() {
  const fetched = spawnSync('bash', [path.join(root, 'scripts', 'kafka-broker.sh'), 'fetch'], { encoding: 'utf8' });
  if (fetched.status !== 0) return { ok: false, reason: `scripts/kafka-broker.sh fetch failed: ${lastLine(fetched.stderr)}` };
  const libs = fetched.stdout.trim();
  const jars = fs
    .readdirSync(libs)
    .filter((f) => JAVA_JARS.test(f))
    .map((f) => path.join(libs, f));
  const clientJar = jars.find((f) => path.basename(f).startsWith('kafka-clients-'));
  if (!clientJar) return { ok: false, reason: `no kafka-clients jar in ${libs}` };
  const source = path.join(__dirname, 'java', 'JavaBench.java');
  const compiled = path.join(javaClassesDir, 'JavaBench.class');
  if (
    !fs.existsSync(compiled) ||
    fs.statSync(compiled).mtimeMs <= Math.max(fs.statSync(source).mtimeMs, fs.statSync(clientJar).mtimeMs)
  ) {
    fs.rmSync(javaClassesDir, { recursive: true, force: true });
    fs.mkdirSync(javaClassesDir, { recursive: true });
    const args = ['-d', javaClassesDir, '-cp', clientJar, source];
    log(`building ${compiled}: javac ${args.join(' ')}`);
    const r = spawnSync(javaTool('javac'), args, { encoding: 'utf8' });
    if (r.error) return { ok: false, reason: `javac: ${r.error.message} (apt-get install openjdk-17-jdk-headless)` };
    if (r.status !== 0) return { ok: false, reason: `javac failed: ${r.stderr.trim().split('\n')[0]}` };
  }
  launchers.java = [
    javaTool('java'),
    // A heap as the broker's. The JVM compiles its hot paths during the timed part: that JIT
    // warm-up (and its compiler threads' CPU) is part of this client's cost, as V8's is for ours.
    '-Xmx1g',
    `-Dlog4j2.configurationFile=${path.join(__dirname, 'java', 'log4j2.properties')}`,
    '-cp',
    [javaClassesDir, ...jars].join(path.delimiter),
    'JavaBench',
  ];
  return { ok: true, version: /kafka-clients-(.*)\.jar$/.exec(clientJar)[1] };
}

// confluent-kafka in the virtualenv the interop tests use (scripts/python-interop-env.sh
// makes it once, pinned, in the cache; it prints the virtualenv's python).
function preparePython() {
  const r = spawnSync('bash', [path.join(root, 'scripts', 'python-interop-env.sh')], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { ok: false, reason: lastLine(r.stderr) || `scripts/python-interop-env.sh: exit ${r.status}` };
  launchers.python = [r.stdout.trim(), path.join(__dirname, 'clients', 'confluent_kafka_python.py')];
  return { ok: true };
}

// The command line of one run: the client's command(), or its Node script. A client given by id
// alone (e.g. { id: 'raw-c' } for a warm-up) takes the command of the client of that id.
function commandLine(client, settings) {
  const command = client.command ?? ALL_CLIENTS.find((c) => c.id === client.id)?.command;
  if (command) return command(settings);
  return [
    node,
    ...(settings.workload === 'soak' ? ['--expose-gc'] : []),
    path.join(__dirname, 'clients', client.script),
    JSON.stringify(settings),
  ];
}

// Runs one measurement; resolves with its JSON line, or { error }.
function runClient(client, settings, timeoutSeconds) {
  const [command, ...args] = commandLine(client, settings);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.on('error', (error) => (stderr += `error: ${error.message}\n`)); // e.g. a command not found
    let closing;
    child.stdout.on('data', (d) => {
      stdout += d;
      // The result is in: closing the clients gets 15 s (some peers hang or crash there).
      if (!closing && /\n/.test(stdout)) closing = setTimeout(() => child.kill('SIGKILL'), 15_000);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(closing);
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      if (line) {
        const result = JSON.parse(line);
        if (code !== 0) result.exit = signal ? `killed by ${signal}` : `exit ${code}`; // e.g. crashed while closing
        return resolve(result);
      }
      const reason =
        signal === 'SIGKILL' ? `timed out after ${timeoutSeconds} s` : signal ? `killed by ${signal}` : `exit ${code}`;
      const firstError = stderr.split('\n').find((l) => /error|exception|fault/i.test(l)) ?? stderr.split('\n')[0] ?? '';
      resolve({ error: `${reason}: ${firstError.trim().slice(0, 160)}` });
    });
  });
}

function rawArgs(s) {
  const kv = {
    mode: s.workload,
    brokers: s.brokers,
    topic: s.topic,
    seconds: s.seconds,
    max: s.max,
    expect: s.expect,
    size: s.size,
    acks: s.acks,
    idempotence: s.idempotence ? 1 : 0,
    txsize: s.transactionSize,
    group: s.group,
    rate: s.rate,
    warmup: s.warmup,
    fetchwait: s.fetchWaitMs,
    consumers: s.consumers,
  };
  return Object.entries(kv)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
}

// ----------------------------------------------------------------- clusters
class RealBroker {
  constructor() {
    this.script = path.join(root, 'scripts', 'kafka-broker.sh');
  }

  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdkafka-napi-bench-broker-'));
    log(`starting a Kafka broker on 127.0.0.1:${BASE_PORT} (scripts/kafka-broker.sh, run dir ${this.dir})`);
    const start = () =>
      spawnSync('bash', [this.script, 'start', '--dir', this.dir, '--port', String(BASE_PORT)], {
        encoding: 'utf8',
        env: { ...process.env, KAFKA_BROKER_HEAP: process.env.KAFKA_BROKER_HEAP || '-Xms1g -Xmx1g' },
      });
    let r = start();
    if (r.status !== 0) {
      log('the broker did not start; trying once more in 5 s (a port may still be closing)');
      await sleep(5000);
      r = start();
    }
    if (r.status !== 0) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      throw new Error(`could not start the Kafka broker:\n${r.stderr.split('\n').slice(-8).join('\n')}`);
    }
    this.bootstrap = r.stdout.trim();
    this.started = true;
    const env = fs.readFileSync(path.join(this.dir, 'cluster.env'), 'utf8');
    this.version = /KAFKA_VERSION=(.*)/.exec(env)?.[1];
    const { AdminClient } = require(root);
    this.admin = new AdminClient({ 'bootstrap.servers': this.bootstrap });
    await this.admin.connect();
  }

  async createTopic(name, partitions) {
    await this.admin.createTopics([{ topic: name, partitions, replicationFactor: 1 }]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metadata = await this.admin.getMetadata({ topic: name });
      const topic = metadata.topics.find((t) => t.name === name);
      if (topic && !topic.error && topic.partitions.length === partitions && topic.partitions.every((p) => p.leader >= 0)) return;
      if (Date.now() > deadline) throw new Error(`topic ${name} has no leaders after 30 s`);
      await sleep(50);
    }
  }

  async deleteTopic(name) {
    await this.admin.deleteTopics([name]).catch((error) => log(`could not delete ${name}: ${error.message}`));
  }

  async stop() {
    if (!this.started) return;
    this.started = false;
    await this.admin?.disconnect().catch(() => {});
    spawnSync('bash', [this.script, 'stop', '--dir', this.dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class Mock {
  async start() {
    const { MockCluster } = require(root);
    this.cluster = new MockCluster({ brokers: 1 });
    this.bootstrap = this.cluster.bootstrapServers;
    this.version = 'librdkafka mock';
  }

  async createTopic(name, partitions) {
    this.cluster.createTopic(name, { partitions, replicationFactor: 1 });
  }

  async deleteTopic() {}

  async stop() {
    await this.cluster?.close();
    this.cluster = undefined;
  }
}

// ---------------------------------------------------------------- the runs
let topicSerial = 0;

// The order of one round: ours and raw C back to back (they share the machine's
// state of the moment, so their ratio is taken per round), which of the two goes
// first alternating; the other clients rotated around that pair so no client
// always runs first on a cold or warm broker.
function roundOrder(clients, round) {
  // raw C, ours, our KafkaJS facade: ours is next to both, whose ratios to it are taken per round.
  const pair = ['raw-c', 'rdkafka-napi', 'rdkafka-napi-kafkajs']
    .map((id) => clients.find((c) => c.id === id))
    .filter((c) => c !== undefined);
  if (round % 2 === 1) pair.reverse();
  const units = [pair, ...clients.filter((c) => !pair.includes(c)).map((c) => [c])].filter((unit) => unit.length > 0);
  const shift = round % units.length;
  return units.slice(shift).concat(units.slice(0, shift)).flat();
}

async function runWorkload(cluster, clusterName, workload, round, clients, results) {
  const mock = clusterName === 'mock';
  const fill = cluster.fills?.[workload.partitions];
  const order = roundOrder(clients, round);
  if (round === 0 && clusterName === 'real') await warmUp(cluster, clusterName, workload);
  for (const client of order) {
    const key = `${clusterName}/${workload.id}`;
    const bucket = (results[key] ??= {});
    const runs = (bucket[client.id] ??= []);
    if (client.skip) {
      runs.push({ error: client.skip });
      continue;
    }
    if (mock && client.noMock) {
      runs.push({ error: client.noMock, notApplicable: true });
      continue;
    }
    if (workload.only && !workload.only.includes(client.id)) {
      runs.push({ error: 'not measured for this client', notApplicable: true });
      continue;
    }
    const serial = ++topicSerial;
    const settings = {
      workload: workload.kind,
      brokers: cluster.bootstrap,
      partitions: workload.partitions,
      size: workload.size,
      acks: workload.acks ?? '1',
      idempotence: Boolean(workload.idempotence),
      transactionSize: workload.transactionSize,
      batch: workload.batch,
      handler: workload.handler,
      mock,
      group: `bench-${process.pid}-${serial}`,
    };
    let topic;
    let timeout;
    if (workload.kind === 'consume') {
      Object.assign(settings, { topic: fill.topic, expect: fill.count, seconds: MODE.consumeSeconds });
      timeout = 90;
    } else {
      topic = `bench-${workload.id}-${client.id}-${serial}`;
      if (workload.kind === 'produce' && mock) topic = `bench-${workload.id}`; // the mock keeps only a few MB per partition anyway
      if (!(mock && workload.kind === 'produce' && cluster.created?.has(topic))) {
        await cluster.createTopic(topic, workload.partitions);
        (cluster.created ??= new Set()).add(topic);
      }
      Object.assign(settings, { topic });
      if (workload.kind === 'produce' || workload.kind === 'txproduce' || workload.kind === 'sendbatch') {
        Object.assign(settings, { seconds: workload.seconds ?? MODE.produceSeconds, max: 20_000_000 });
        timeout = 120;
      } else if (workload.kind === 'sendone') {
        Object.assign(settings, { seconds: mock ? MODE.mockLatencySeconds : MODE.latencySeconds, max: 200_000, warmup: 0.5 });
        timeout = 90;
      } else {
        // On the mock every consumer first waits ~3 s for the group join: shorter runs keep the total down.
        Object.assign(settings, { seconds: mock ? MODE.mockLatencySeconds : MODE.latencySeconds, rate: 10_000, warmup: 0.5 });
        // The mock answers a fetch only after fetch.wait.max.ms (500 ms by default, KafkaJS 5 s) unless it
        // has enough new data; a real broker answers as soon as data arrives. Same short wait for everyone.
        if (mock) settings.fetchWaitMs = MOCK_FETCH_WAIT_MS;
        timeout = 90;
      }
    }
    const started = Date.now();
    const load1 = os.loadavg()[0];
    const result = await runClient(client, settings, timeout);
    result.wallSeconds = (Date.now() - started) / 1000;
    result.load1 = load1;
    runs.push(result);
    log(
      `${clusterName} ${workload.id} r${round + 1} ${client.id}: ` +
        (result.error
          ? `FAILED ${result.error}`
          : `${result.msgsPerSec.toLocaleString('en')} msg/s` +
            (result.latencyMs
              ? ` p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} p999 ${result.latencyMs.p999} ms`
              : '') +
            ` cpu ${result.cpuSec}s rss ${result.peakRssMB}MB${result.elP99Ms === undefined ? '' : ` el-p99 ${result.elP99Ms}ms`}` +
            `${result.exit ? ` [${result.exit} after printing]` : ''} (${result.wallSeconds.toFixed(1)} s)`),
    );
    if (topic && !mock) await cluster.deleteTopic(topic);
  }
}

// (The mock, C code in another process, needs none.)
// A freshly started broker's JVM is still compiling its hot paths: the first
// runs of a workload would pay for it (seconds of latency at first). One
// unrecorded run of the C client per workload, before the first round.
async function warmUp(cluster, clusterName, workload) {
  const raw = { id: 'raw-c' };
  const serial = ++topicSerial;
  const topic = `bench-warmup-${workload.id}-${serial}`;
  const settings = {
    // The C program has no awaited-send modes: a produce run warms the broker for them.
    workload: workload.kind === 'sendbatch' || workload.kind === 'sendone' ? 'produce' : workload.kind,
    brokers: cluster.bootstrap,
    size: workload.size,
    acks: workload.acks ?? '1',
    idempotence: Boolean(workload.idempotence),
    transactionSize: workload.transactionSize,
    group: `bench-warmup-${process.pid}-${serial}`,
  };
  if (workload.kind === 'consume') {
    const fill = cluster.fills[workload.partitions];
    Object.assign(settings, { topic: fill.topic, expect: fill.count, seconds: 1 });
  } else {
    await cluster.createTopic(topic, workload.partitions);
    Object.assign(settings, {
      topic,
      seconds: settings.workload === 'produce' ? 1 : 3,
      max: 20_000_000,
      rate: 10_000,
      warmup: 0.5,
    });
    if (workload.kind === 'latency' && clusterName === 'mock') settings.fetchWaitMs = MOCK_FETCH_WAIT_MS;
  }
  const result = await runClient(raw, settings, 90);
  if (workload.kind !== 'consume') await cluster.deleteTopic(topic);
  log(
    `${clusterName} ${workload.id} warm-up (raw C, not counted): ${result.error ?? `${result.msgsPerSec.toLocaleString('en')} msg/s`}`,
  );
}

async function fillTopics(cluster, clusterName, partitionCounts) {
  cluster.fills = {};
  for (const partitions of partitionCounts) {
    const count = clusterName === 'mock' ? MOCK_FILL_PER_PARTITION * partitions : MODE.fill;
    const topic = `bench-fill-p${partitions}`;
    await cluster.createTopic(topic, partitions);
    const started = Date.now();
    // Filled by the C program: fastest, and the same for every consumer.
    const r = await runClient(
      CLIENTS.find((c) => c.id === 'raw-c') ?? { id: 'raw-c' },
      { workload: 'produce', brokers: cluster.bootstrap, topic, seconds: 600, max: count, size: 100, acks: '1' },
      300,
    );
    if (r.error || r.msgs !== count) throw new Error(`filling ${topic} failed: ${r.error ?? `${r.msgs} of ${count} delivered`}`);
    log(
      `${clusterName}: filled ${topic} with ${count.toLocaleString('en')} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    cluster.fills[partitions] = { topic, count };
  }
}

async function soak(broker) {
  const client = { id: 'rdkafka-napi', script: 'rdkafka-napi.js' };
  const topic = 'bench-soak';
  await broker.createTopic(topic, 8);
  log(`long run: ${LONG_MESSAGES.toLocaleString('en')} messages produced then consumed by rdkafka-napi`);
  const result = await runClient(
    client,
    {
      workload: 'soak',
      brokers: broker.bootstrap,
      topic,
      max: LONG_MESSAGES,
      size: 100,
      acks: '1',
      group: `bench-soak-${process.pid}`,
      expect: LONG_MESSAGES,
    },
    900,
  );
  await broker.deleteTopic(topic);
  return result;
}

// --------------------------------------------------------------- the report
const fmtRate = (v) =>
  v === undefined ? '—' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${Math.round(v / 1000).toLocaleString('en')} k`;
const fmtNum = (v, digits = 1) => (v === undefined ? '—' : v.toFixed(digits));
const fmtRatio = (v) => (v === undefined || !Number.isFinite(v) ? '—' : `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`);

function summarize(runs) {
  const ok = runs.filter((r) => !r.error);
  const s = {
    runs: runs.length,
    ok: ok.length,
    error: ok.length === 0 ? runs.find((r) => r.error)?.error : undefined,
    notApplicable: runs.length > 0 && runs.every((r) => r.notApplicable),
    crashedOnClose: ok.some((r) => r.exit),
    msgsPerSec: median(ok.map((r) => r.msgsPerSec)),
    minRate: Math.min(...ok.map((r) => r.msgsPerSec)),
    maxRate: Math.max(...ok.map((r) => r.msgsPerSec)),
    cpuUsPerMsg: median(ok.map((r) => (r.cpuSec / r.msgs) * 1e6)),
    cpuSec: median(ok.map((r) => r.cpuSec)),
    peakRssMB: median(ok.map((r) => r.peakRssMB)),
    elP99Ms: median(ok.map((r) => r.elP99Ms)),
    elMaxMs: median(ok.map((r) => r.elMaxMs)),
    version: ok.find((r) => r.version)?.version ?? ok.find((r) => r.librdkafka)?.librdkafka,
  };
  if (ok.some((r) => r.latencyMs)) {
    s.latency = {
      p50: median(ok.map((r) => r.latencyMs.p50)),
      p99: median(ok.map((r) => r.latencyMs.p99)),
      p999: median(ok.map((r) => r.latencyMs.p999)),
      p99s: ok.map((r) => r.latencyMs.p99),
    };
  }
  return s;
}

// A workload whose raw C rounds differ by more than this factor ran on a machine
// too noisy to call a win or a loss.
const NOISY_SPREAD = 2;

// Ours ÷ raw C per round (both ran back to back in each round): median, spread,
// and whether raw C itself was steady enough for the ratio to mean anything.
function pairedRatios(oursRuns, rawRuns, value) {
  const ratios = [];
  const rawValues = [];
  for (let i = 0; i < Math.min(oursRuns?.length ?? 0, rawRuns?.length ?? 0); i++) {
    const ours = oursRuns[i];
    const raw = rawRuns[i];
    if (ours.error || raw.error) continue;
    const [a, b] = [value(ours), value(raw)];
    if (!(a > 0 && b > 0)) continue;
    ratios.push(a / b);
    rawValues.push(b);
  }
  if (ratios.length === 0) return undefined;
  const rawSpread = Math.max(...rawValues) / Math.min(...rawValues);
  return {
    median: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    rounds: ratios.length,
    rawSpread,
    noisy: rawSpread > NOISY_SPREAD,
  };
}

function pairedSummary(byClient) {
  const ours = byClient['rdkafka-napi'];
  const raw = byClient['raw-c'];
  if (!ours || !raw) return undefined;
  return {
    throughput: pairedRatios(ours, raw, (r) => r.msgsPerSec),
    // CPU per message: the binding's own cost, with the broker's noise removed.
    cpu: pairedRatios(ours, raw, (r) => (r.msgs > 0 ? (r.cpuSec / r.msgs) * 1e6 : undefined)),
    latencyP99: pairedRatios(ours, raw, (r) => r.latencyMs?.p99),
  };
}

// Our KafkaJS facade ÷ our native API, per round (the two run back to back).
function facadePairedSummary(byClient) {
  const facade = byClient['rdkafka-napi-kafkajs'];
  const ours = byClient['rdkafka-napi'];
  if (!facade || !ours) return undefined;
  return {
    throughput: pairedRatios(facade, ours, (r) => r.msgsPerSec),
    cpu: pairedRatios(facade, ours, (r) => (r.msgs > 0 ? (r.cpuSec / r.msgs) * 1e6 : undefined)),
    latencyP50: pairedRatios(facade, ours, (r) => r.latencyMs?.p50),
    latencyP99: pairedRatios(facade, ours, (r) => r.latencyMs?.p99),
  };
}

// base: what the ratio divides by, named when its own rounds were too far apart.
const fmtPaired = (p, base = 'raw C') =>
  p === undefined
    ? '—'
    : `${fmtRatio(p.median)} (${fmtRatio(p.min)}–${fmtRatio(p.max)}, ${p.rounds} round${p.rounds > 1 ? 's' : ''})${p.noisy ? ` ⚠︎ noisy: ${base} rounds differ ${p.rawSpread.toFixed(1)}×` : ''}`;

// The fastest Node peer: references from outside Node have no `peer`, so never count.
function bestPeer(summaries) {
  let best;
  for (const client of CLIENTS) {
    if (!client.peer) continue;
    const s = summaries[client.id];
    if (s?.msgsPerSec !== undefined && (best === undefined || s.msgsPerSec > best.msgsPerSec)) best = { ...s, client };
  }
  return best;
}

function workloadTable(workload, summaries) {
  const ours = summaries['rdkafka-napi'];
  const lines = [];
  if (isLatencyKind(workload)) {
    lines.push(
      '| client | p50 ms | p99 ms | p999 ms | ours/theirs p99 | p99 of each round | CPU s | peak RSS MB | event-loop p99 ms |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  } else {
    lines.push('| client | msg/s (median) | ours/theirs | min–max msg/s | CPU µs/msg | peak RSS MB | event-loop p99 ms | runs |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  }
  for (const client of CLIENTS) {
    const s = summaries[client.id];
    if (!s) continue;
    const name = client.ours ? `**${client.label}**` : client.reference ? `${client.label} *(reference)*` : client.label;
    if (s.ok === 0) {
      const why = s.notApplicable ? `n/a: ${s.error}` : `failed: ${s.error}`;
      lines.push(`| ${name} | ${why} |${' |'.repeat(isLatencyKind(workload) ? 7 : 6)}`);
      continue;
    }
    const note = s.crashedOnClose ? ' ⚠︎' : '';
    if (isLatencyKind(workload)) {
      const ratio = ours?.latency && s.latency && client.id !== 'rdkafka-napi' ? ours.latency.p99 / s.latency.p99 : undefined;
      lines.push(
        `| ${name}${note} | ${fmtNum(s.latency.p50, 2)} | ${fmtNum(s.latency.p99, 2)} | ${fmtNum(s.latency.p999, 2)} | ${fmtRatio(ratio)} | ${s.latency.p99s.map((v) => v.toFixed(1)).join(', ')} | ${fmtNum(s.cpuSec, 2)} | ${fmtNum(s.peakRssMB, 0)} | ${hasEventLoop(client) ? fmtNum(s.elP99Ms, 1) : 'n/a'} |`,
      );
    } else {
      const ratio = ours?.msgsPerSec && client.id !== 'rdkafka-napi' ? ours.msgsPerSec / s.msgsPerSec : undefined;
      lines.push(
        `| ${name}${note} | ${fmtRate(s.msgsPerSec)} | ${fmtRatio(ratio)} | ${fmtRate(s.minRate)}–${fmtRate(s.maxRate)} | ${fmtNum(s.cpuUsPerMsg, 2)} | ${fmtNum(s.peakRssMB, 0)} | ${hasEventLoop(client) ? fmtNum(s.elP99Ms, 1) : 'n/a'} | ${s.ok}/${s.runs} |`,
      );
    }
  }
  return lines.join('\n');
}

// One sentence per client with comparedWith: its median ÷ each of theirs
// (throughput; p99 for latency, where < 1 is better), when both were measured.
function facadeComparison(workload, summaries) {
  const latency = isLatencyKind(workload);
  const value = (s) => (s === undefined || s.ok === 0 ? undefined : latency ? s.latency?.p99 : s.msgsPerSec);
  const lines = [];
  for (const client of CLIENTS) {
    const mine = client.comparedWith && value(summaries[client.id]);
    if (!mine) continue;
    const ratios = client.comparedWith
      .map((id) => [CLIENTS.find((c) => c.id === id), value(summaries[id])])
      .filter(([other, theirs]) => other && theirs)
      .map(([other, theirs]) => `${fmtRatio(mine / theirs)} ${other.label}`);
    if (ratios.length === 0) continue;
    const what = latency ? 'p99 latency (< 1× = lower)' : 'throughput';
    lines.push(`${client.label} ÷ each, ${what}, medians: ${ratios.join('; ')}.`);
  }
  const paired = summaries.facadePaired;
  if (paired) {
    const rows = latency
      ? [
          ['p50 latency', paired.latencyP50],
          ['p99 latency', paired.latencyP99],
        ]
      : [
          ['throughput', paired.throughput],
          ['CPU µs per message', paired.cpu],
        ];
    const measured = rows.filter(([, p]) => p !== undefined);
    if (measured.length > 0) {
      lines.push(
        `rdkafka-napi, KafkaJS API ÷ rdkafka-napi, per round (median, min–max): ${measured.map(([what, p]) => `${what} ${fmtPaired(p, 'our native API')}`).join('; ')}.`,
      );
    }
  }
  return lines;
}

const mark = (met) => (met === undefined ? '— not measured' : met ? '✅ met' : '❌ missed');

// A throughput target judged on the per-round ratio; a noisy raw C is no verdict.
function pairedTarget(what, paired, atLeast, ours, raw) {
  if (paired === undefined) return [what, '—', mark(undefined)];
  const figure = `${(paired.median * 100).toFixed(0)}% per-round median (${fmtRatio(paired.min)}–${fmtRatio(paired.max)}; medians ${fmtRate(ours)} vs ${fmtRate(raw)} msg/s)`;
  if (paired.noisy) return [what, figure, `⚠︎ noisy (raw C rounds differ ${paired.rawSpread.toFixed(1)}×)`];
  return [what, figure, mark(paired.median >= atLeast)];
}

// CPU per message is judged even on a noisy machine: it leaves the broker's share out.
function cpuTarget(what, paired, atMost) {
  if (paired === undefined) return [what, '—', mark(undefined)];
  return [
    what,
    `${fmtRatio(paired.median)} per-round median (${fmtRatio(paired.min)}–${fmtRatio(paired.max)})`,
    mark(paired.median <= atMost),
  ];
}

function evaluateTargets(all, soakResult) {
  const targets = [];
  const get = (id) => all[`real/${id}`] ?? {};
  for (const [kind, cFraction, label] of [
    ['produce', 0.9, 'Produce'],
    ['consume', 0.9, 'Consume'],
  ]) {
    for (const p of [1, 8]) {
      const s = get(`${kind}-p${p}`);
      const ours = s['rdkafka-napi']?.msgsPerSec;
      const raw = s['raw-c']?.msgsPerSec;
      const best = bestPeer(s);
      const vsPeer = ours && best ? ours / best.msgsPerSec : undefined;
      targets.push(
        pairedTarget(
          `${label} ≥ ${Math.round(cFraction * 100)}% of raw C, ${p} partition${p > 1 ? 's' : ''}`,
          s.paired?.throughput,
          cFraction,
          ours,
          raw,
        ),
      );
      targets.push(
        cpuTarget(
          `${label} CPU per message ≤ ${kind === 'produce' ? '1.3' : '1.5'}× raw C, ${p} partition${p > 1 ? 's' : ''}`,
          s.paired?.cpu,
          kind === 'produce' ? 1.3 : 1.5,
        ),
      );
      targets.push([
        `${label} ≥ 2× the best Node peer, ${p} partition${p > 1 ? 's' : ''}`,
        vsPeer === undefined ? '—' : `${fmtRatio(vsPeer)} ${best.client.label} (${fmtRate(best.msgsPerSec)} msg/s)`,
        mark(vsPeer === undefined ? undefined : vsPeer >= 2),
      ]);
    }
  }
  const tx = get('produce-tx-p8');
  targets.push(
    pairedTarget(
      'Transactional produce ≥ 90% of raw C (transactions of 1,000, 8 partitions)',
      tx.paired?.throughput,
      0.9,
      tx['rdkafka-napi']?.msgsPerSec,
      tx['raw-c']?.msgsPerSec,
    ),
  );
  const lat = get('latency');
  const oursP99 = lat['rdkafka-napi']?.latency?.p99;
  const rawP99 = lat['raw-c']?.latency?.p99;
  targets.push([
    'End-to-end p99 within 1 ms of raw C (10,000 msg/s), medians',
    oursP99 === undefined || rawP99 === undefined
      ? '—'
      : `${oursP99.toFixed(2)} ms vs ${rawP99.toFixed(2)} ms (${oursP99 - rawP99 >= 0 ? '+' : ''}${(oursP99 - rawP99).toFixed(2)} ms)`,
    mark(oursP99 === undefined || rawP99 === undefined ? undefined : oursP99 - rawP99 <= 1),
  ]);
  // Round by round (ours and raw C ran back to back): a spike in any round misses.
  const oursRounds = lat['rdkafka-napi']?.latency?.p99s ?? [];
  const rawRounds = lat['raw-c']?.latency?.p99s ?? [];
  const rounds = oursRounds.slice(0, rawRounds.length).map((ours, i) => ours - rawRounds[i]);
  targets.push([
    'End-to-end p99 within 1 ms of raw C in every round',
    rounds.length === 0
      ? '—'
      : rounds
          .map((d, i) => `${oursRounds[i].toFixed(1)} vs ${rawRounds[i].toFixed(1)} ms (${d >= 0 ? '+' : ''}${d.toFixed(1)})`)
          .join('; '),
    mark(rounds.length === 0 ? undefined : rounds.every((d) => d <= 1)),
  ]);
  // Event-loop delay of our client at full speed: its produce loop yields every 4 ms (as an
  // application must; produce() itself never waits), consuming yields inside the library.
  const el = ['produce-p1', 'produce-p8', 'consume-p1', 'consume-p8', 'latency']
    .map((id) => [id, get(id)['rdkafka-napi']?.elP99Ms])
    .filter(([, v]) => v !== undefined);
  const worst = el.reduce((a, b) => (b[1] > (a?.[1] ?? -1) ? b : a), undefined);
  targets.push([
    'Event-loop delay p99 < 10 ms (our produce, consume and latency runs)',
    worst ? `worst ${worst[1].toFixed(1)} ms (${worst[0]}); ${el.map(([id, v]) => `${id} ${v.toFixed(1)}`).join(', ')}` : '—',
    mark(worst ? worst[1] < 10 : undefined),
  ]);
  const growth = memoryGrowth(soakResult);
  targets.push([
    'Memory growth < 10% between the 2nd and 10th million messages',
    growth
      ? `produce ${growth.produce}, consume ${growth.consume}`
      : soakResult?.error
        ? `long run failed: ${soakResult.error}`
        : 'not run (npm run bench -- --long)',
    mark(growth ? growth.met : undefined),
  ]);
  return targets;
}

// Issue 16's speed targets for rdkafka-napi/kafkajs, judged on the facade ÷
// native ratio per round (the two run back to back) on the real broker, and on
// the awaited single send's p50 on the mock.
function evaluateFacadeTargets(all) {
  const get = (cluster, id) => all[`${cluster}/${id}`] ?? {};
  const ratioTarget = (what, id, atLeast) => {
    const s = get('real', id);
    const p = s.facadePaired?.throughput;
    if (p === undefined) return [what, '—', mark(undefined)];
    const figure = `${(p.median * 100).toFixed(0)}% per-round median (${fmtRatio(p.min)}–${fmtRatio(p.max)}, ${p.rounds} rounds; medians ${fmtRate(s['rdkafka-napi-kafkajs']?.msgsPerSec)} vs ${fmtRate(s['rdkafka-napi']?.msgsPerSec)} msg/s)`;
    return [what, figure, mark(p.median >= atLeast)];
  };
  const targets = [
    ratioTarget('eachBatch ≥ 80% of our batches(), 1 partition', 'consume-p1', 0.8),
    ratioTarget('eachBatch ≥ 80% of our batches(), 8 partitions', 'consume-p8', 0.8),
    ratioTarget('eachMessage ≥ 50% of our messages(), 8 partitions', 'consume-each-p8', 0.5),
    ratioTarget('send() of 100 messages ≥ 80% of our sendBatch() of 100 (4 in flight, 8 partitions)', 'send-batch-p8', 0.8),
  ];
  for (const cluster of ['mock', 'real']) {
    const p50 = get(cluster, 'send-one')['rdkafka-napi-kafkajs']?.latency?.p50;
    targets.push([
      `An awaited send() of one message resolves in about 1 ms (p50 ≤ 1 ms), ${cluster === 'mock' ? 'mock cluster' : 'real broker'}`,
      p50 === undefined
        ? '—'
        : `p50 ${p50.toFixed(2)} ms (our native send(): ${fmtNum(get(cluster, 'send-one')['rdkafka-napi']?.latency?.p50, 2)} ms)`,
      mark(p50 === undefined ? undefined : p50 <= 1),
    ]);
  }
  return targets;
}

function memoryGrowth(result) {
  if (!result || result.error || !result.memory) return undefined;
  const pct = (samples) => {
    if (!samples || samples.length < 10) return undefined;
    return ((samples[9].rssMB - samples[1].rssMB) / samples[1].rssMB) * 100;
  };
  const p = pct(result.memory.produced);
  const c = pct(result.memory.consumed);
  if (p === undefined || c === undefined) return undefined;
  const fmt = (v, s) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}% RSS (${s[1].rssMB} → ${s[9].rssMB} MB)`;
  return { produce: fmt(p, result.memory.produced), consume: fmt(c, result.memory.consumed), met: p < 10 && c < 10 };
}

function markdown(context) {
  const { all, soakResult, peers, references, started, finished, loadBefore, loadAfter, clusters } = context;
  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Generated by \`npm run bench${QUICK ? ' -- --quick' : ''}\` (bench/run.js) on ${started.toISOString().slice(0, 10)}; do not edit by hand. ` +
      `Mode **${MODE.name}**: ${MODE.rounds} round${MODE.rounds > 1 ? 's' : ''} on the broker and ${MODE.mockRounds} on the mock, every client in turn within each round ` +
      '(rotated order; one unrecorded warm-up run of the C client first), medians over rounds; ' +
      `took ${((finished - started) / 60000).toFixed(1)} min.`,
  );
  out.push('');
  out.push(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; ` +
      `Node ${process.version}; ${clusters.real ? `Apache Kafka ${clusters.real} (one broker, KRaft, 127.0.0.1, heap 1 GiB)` : 'no real broker'}; ` +
      `load average ${loadBefore} before, ${loadAfter} after. Broker and clients share the same cores, and other work on the machine ` +
      'adds noise: compare within a table, not across runs.',
  );
  out.push('');
  out.push(
    'How each client is measured (bench/clients/): a fresh process per run; after connecting (and one delivered message, or the',
  );
  out.push('group join) the clock starts. **Produce**: as many messages as possible for');
  out.push(
    `${MODE.produceSeconds} s, then waiting for every delivery report. **Consume**: a topic pre-filled with ${MODE.fill.toLocaleString('en')} messages (mock: ${MOCK_FILL_PER_PARTITION.toLocaleString('en')} per partition),`,
  );
  out.push(
    `read from the beginning by a new group, clock from the first message, for up to ${MODE.consumeSeconds} s. **Latency**: producer and consumer in one process,`,
  );
  out.push(
    `10,000 msg/s for ${MODE.latencySeconds} s (mock: ${MODE.mockLatencySeconds} s) after a 0.5 s warm-up, send time stamped in the value; on the mock, whose fetch`,
  );
  out.push(
    `answers wait for fetch.wait.max.ms, every consumer uses ${MOCK_FETCH_WAIT_MS} ms. librdkafka-based clients use the same settings`,
  );
  out.push(
    '(linger.ms 5 for throughput, 0 for latency; everything else default). CPU is the whole process (all threads); event-loop p99 is',
  );
  out.push(
    '`perf_hooks.monitorEventLoopDelay` lateness (worst stall when the loop hardly ran); our produce loop lets the event loop run every',
  );
  out.push(
    '4 ms (produce() never waits, so a loop that never awaits would block it by its own doing). *ours/theirs* > 1 means rdkafka-napi is faster',
  );
  out.push(
    '(for latency, < 1 means lower p99); on the rdkafka-napi, KafkaJS API row it is our native API ÷ our KafkaJS facade, and the line',
  );
  out.push(
    'under a table compares the facade with the others. **Awaited sends**: send() of 100 messages with 4 unanswered (KafkaJS API) against',
  );
  out.push(
    `our sendBatch() of the same 100, and one awaited send() of one message after another for ${MODE.latencySeconds} s (mock: ${MODE.mockLatencySeconds} s) after a 0.5 s`,
  );
  out.push('warm-up, its time until it resolves. ⚠︎: the client crashed or hung while closing after its result was printed.');
  out.push('');
  out.push(
    '*(reference)*: a client from outside Node, there for scale and left out of the Node-peer target: Apache Kafka’s Java client of the',
  );
  out.push(
    'broker’s version (java -Xmx1g; the JVM compiles its hot paths within the timed part, and that counts, as V8’s does; its own defaults',
  );
  out.push(
    'besides the settings above, e.g. 16 KiB batches; not on the mock, which it cannot talk to) and confluent-kafka for Python (over the',
  );
  out.push('librdkafka its wheel bundles, librdkafka’s defaults). Their CPU is the whole process too.');
  out.push('');
  out.push('## Targets (real broker)');
  out.push('');
  out.push('| target | measured | |');
  out.push('|---|---|---|');
  for (const [target, measured, status] of evaluateTargets(all, soakResult)) out.push(`| ${target} | ${measured} | ${status} |`);
  out.push('');
  out.push('## Targets of the KafkaJS API (rdkafka-napi/kafkajs)');
  out.push('');
  out.push('| target | measured | |');
  out.push('|---|---|---|');
  for (const [target, measured, status] of evaluateFacadeTargets(all)) out.push(`| ${target} | ${measured} | ${status} |`);
  out.push('');
  out.push('![ours/theirs throughput ratios](benchmarks.svg)');
  out.push('');
  for (const [clusterName, heading] of [
    ['real', `Real broker (Apache Kafka ${clusters.real ?? ''})`],
    ['mock', 'Mock cluster (librdkafka’s, in another process; far faster than a broker, so client costs dominate)'],
  ]) {
    const workloads = WORKLOADS.filter((w) => all[`${clusterName}/${w.id}`]);
    if (workloads.length === 0) continue;
    out.push(`## ${heading}`);
    out.push('');
    for (const w of workloads) {
      out.push(`### ${w.title}`);
      out.push('');
      out.push(workloadTable(w, all[`${clusterName}/${w.id}`]));
      out.push('');
      for (const line of facadeComparison(w, all[`${clusterName}/${w.id}`])) out.push(line, '');
      const paired = all[`${clusterName}/${w.id}`].paired;
      if (paired) {
        const rows = isLatencyKind(w) ? [['p99 latency', paired.latencyP99]] : [['throughput', paired.throughput]];
        rows.push(['CPU µs per message', paired.cpu]);
        out.push(
          `rdkafka-napi ÷ raw C, per round (median, min–max): ${rows.map(([what, p]) => `${what} ${fmtPaired(p)}`).join('; ')}.`,
        );
        out.push('');
      }
    }
  }
  if (context.scaling?.error) out.push('## How cost grows', '', `Not measured: ${context.scaling.error}.`, '');
  else if (context.scaling) out.push(...scalingMarkdown(context.scaling, scalingTools()));
  if (soakResult && !soakResult.error && soakResult.memory) {
    out.push('## Long run (rdkafka-napi, real broker)');
    out.push('');
    out.push(
      `${soakResult.produced.toLocaleString('en')} messages produced (${soakResult.produceSeconds} s) then consumed (${soakResult.consumeSeconds} s); memory after a forced GC at every million:`,
    );
    out.push('');
    out.push('| million | RSS MB (produce) | heap MB | RSS MB (consume) | heap MB |');
    out.push('|---:|---:|---:|---:|---:|');
    const { produced, consumed } = soakResult.memory;
    for (let i = 0; i < Math.max(produced.length, consumed.length); i++) {
      out.push(
        `| ${i + 1} | ${produced[i]?.rssMB ?? '—'} | ${produced[i]?.heapMB ?? '—'} | ${consumed[i]?.rssMB ?? '—'} | ${consumed[i]?.heapMB ?? '—'} |`,
      );
    }
    out.push('');
  }
  out.push('## Clients');
  out.push('');
  out.push('| client | version | how it is used |');
  out.push('|---|---|---|');
  const usage = {
    'rdkafka-napi':
      'produce() in a loop that yields to the event loop every 4 ms, produceOrWait() on _QUEUE_FULL, flush(); consumer.batches(); ' +
      'transactions: beginTransaction(), 1,000 produce(), await commitTransaction()',
    'raw-c':
      'bench/raw/raw_bench.c: rd_kafka_producev + dr_msg_cb; rd_kafka_consume_batch_queue (1,000); transactions: ' +
      'rd_kafka_begin_transaction, 1,000 producev, rd_kafka_commit_transaction; same static librdkafka as ours',
    'node-rdkafka': 'produce() loop, dr_cb delivery events, setPollInterval(10), poll() on queue full; consume(1000, cb) loop',
    'ckjs-rdkafka': 'as node-rdkafka (same API)',
    'ckjs-kafkajs': 'send() of 1,000 messages, 4 in flight; eachBatch, js.consumer.max.batch.size 1000',
    kafkajs: 'send() of 1,000 messages, 4 in flight; eachBatch',
    'rdkafka-napi-kafkajs':
      'rdkafka-napi/kafkajs, the same calls and options as KafkaJS (bench/clients/kafkajs-style.js); awaited sends: send() of 100 ' +
      'messages, 4 in flight, and one awaited send() at a time, as our native API makes them with sendBatch() and send() (linger.ms 0)',
    platformatic: 'send() of 1,000 messages, 4 in flight; consume() stream, "data" events',
    java:
      'bench/java/JavaBench.java (java -Xmx1g): send() with a failure-counting callback, flush(); poll(100 ms) loop; ' +
      'latency: poll() in a thread of its own; the jar the broker runs with',
    python:
      'bench/clients/confluent_kafka_python.py: produce() loop, poll(0) every 1,024, poll(1 ms) on BufferError, ' +
      'on_delivery callback, flush(); consume(num_messages=1000) loop; latency: poll() in a thread of its own',
  };
  for (const client of CLIENTS) {
    let version = '';
    for (const key of Object.keys(all)) {
      const v = all[key][client.id]?.version;
      if (v) {
        version = client.id === 'raw-c' ? `librdkafka ${v}` : v;
        break;
      }
    }
    const status = client.peer ? peers[client.peer] : references?.[client.id];
    if (status && !status.ok) version = `not installed: ${status.reason}`;
    out.push(`| ${client.label} | ${version || '—'} | ${usage[client.id] ?? ''} |`);
  }
  out.push('');
  out.push(
    'Peers are installed by `bash bench/install-peers.sh` into bench/peers/node_modules (not part of the package); ' +
      'the Java client is the broker’s own jar (scripts/kafka-broker.sh fetch), confluent-kafka the virtualenv of scripts/python-interop-env.sh.',
  );
  out.push('');
  return out.join('\n');
}

// ------------------------------------------------------------------ the svg
function svgChart(all) {
  // One row per (cluster, workload, other client): ours/theirs throughput ratio, log scale.
  const rows = [];
  for (const clusterName of ['real', 'mock']) {
    for (const w of WORKLOADS) {
      if (isLatencyKind(w)) continue;
      const s = all[`${clusterName}/${w.id}`];
      const ours = s?.['rdkafka-napi']?.msgsPerSec;
      if (!ours) continue;
      const short = w.title
        .replace(/^(Produce|Consume), /, '$1 ')
        .replace(', acks=1', '')
        .replace(/ partitions?/, ' p.')
        .replace('acks=all + idempotence', 'acks=all+idem.');
      const group = { label: `${clusterName === 'real' ? 'broker' : 'mock'} · ${short}`, bars: [] };
      for (const client of CLIENTS) {
        if (client.ours || (w.only && !w.only.includes(client.id))) continue;
        const theirs = s[client.id]?.msgsPerSec;
        group.bars.push({ client, ratio: theirs ? ours / theirs : undefined });
      }
      rows.push(group);
    }
  }
  const colors = {
    'raw-c': '#444444',
    'node-rdkafka': '#1f77b4',
    'ckjs-rdkafka': '#ff7f0e',
    'ckjs-kafkajs': '#d62728',
    kafkajs: '#2ca02c',
    platformatic: '#9467bd',
    java: '#8c564b',
    python: '#e377c2',
  };
  const barH = 9;
  const gap = 10;
  const left = 300;
  const plotW = 520;
  const top = 58;
  const minR = 0.25;
  const maxR = 64;
  const x = (r) =>
    left + ((Math.log2(Math.min(Math.max(r, minR), maxR)) - Math.log2(minR)) / (Math.log2(maxR) - Math.log2(minR))) * plotW;
  let y = top;
  const parts = [];
  const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  for (const group of rows) {
    const h = group.bars.length * barH;
    parts.push(`<text x="${left - 8}" y="${y + h / 2 + 4}" text-anchor="end" class="l">${esc(group.label)}</text>`);
    group.bars.forEach((bar, i) => {
      const by = y + i * barH;
      if (bar.ratio === undefined) {
        parts.push(`<text x="${left + 4}" y="${by + barH - 1}" class="na">${esc(bar.client.label)}: n/a</text>`);
        return;
      }
      const x0 = x(1);
      const x1 = x(bar.ratio);
      parts.push(
        `<rect x="${Math.min(x0, x1).toFixed(1)}" y="${by + 1}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${barH - 2}" fill="${colors[bar.client.id] ?? '#888'}"><title>${esc(bar.client.label)}: ${bar.ratio.toFixed(2)}×</title></rect>`,
      );
      parts.push(
        `<text x="${(Math.max(x0, x1) + 3).toFixed(1)}" y="${by + barH - 1}" class="v">${bar.ratio >= 10 ? bar.ratio.toFixed(0) : bar.ratio.toFixed(2)}×</text>`,
      );
    });
    y += h + gap;
  }
  const height = y + 58;
  const ticks = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];
  const axis = ticks
    .map(
      (t) =>
        `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${y - gap + 4}" class="${t === 1 ? 'one' : 'grid'}"/><text x="${x(t)}" y="${y + 8}" text-anchor="middle" class="t">${t}×</text>`,
    )
    .join('');
  const targets =
    `<line x1="${x(0.9)}" y1="${top - 6}" x2="${x(0.9)}" y2="${y - gap + 4}" class="target"/>` +
    `<line x1="${x(2)}" y1="${top - 6}" x2="${x(2)}" y2="${y - gap + 4}" class="target"/>`;
  const legend = CLIENTS.filter((c) => colors[c.id])
    .map((c, i) => {
      const lx = 10 + (i % 3) * 290;
      const ly = y + 30 + Math.floor(i / 3) * 14;
      return `<rect x="${lx}" y="${ly - 8}" width="10" height="8" fill="${colors[c.id]}"/><text x="${lx + 14}" y="${ly}" class="t">${esc(c.label)}</text>`;
    })
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plotW + 60}" height="${height + 14}" viewBox="0 0 ${left + plotW + 60} ${height + 14}" font-family="sans-serif">`,
    '<style>.l{font-size:11px}.v{font-size:8px;fill:#333}.t{font-size:10px;fill:#333}.na{font-size:8px;fill:#999}.grid{stroke:#ddd}.one{stroke:#000}.target{stroke:#c00;stroke-dasharray:3 3}</style>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="10" y="18" font-size="14" font-weight="bold">rdkafka-napi throughput ÷ each other client’s (median msg/s; log scale; &gt; 1× = rdkafka-napi faster)</text>`,
    `<text x="10" y="36" class="t">Dashed red: the targets 0.9× (produce vs raw C; consume target is 0.8×) and 2× (vs the best Node peer). Mode ${MODE.name}, ${MODE.rounds}/${MODE.mockRounds} round(s) broker/mock.</text>`,
    axis,
    targets,
    ...parts,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ scaling
// What bench/scaling.js takes from here to summarize and format its points as the main tables do.
const scalingTools = () => ({ summarize, pairedRatios, fmtRate, fmtRatio, fmtNum });

// "How cost grows": ours and raw C only, on the real broker, after its rounds.
// A failure is reported in its section rather than losing the main run.
async function scalingRun(broker) {
  const ours = CLIENTS.find((c) => c.id === 'rdkafka-napi');
  const raw = CLIENTS.find((c) => c.id === 'raw-c');
  if (!ours || !raw) {
    log('scaling: skipped (--clients leaves out rdkafka-napi or raw-c)');
    return undefined;
  }
  const plan = scalingPlan({
    quick: QUICK,
    rounds: MODE.rounds,
    fill: MODE.fill,
    produceSeconds: MODE.produceSeconds,
    consumeSeconds: MODE.consumeSeconds,
    axes: SCALING_AXES,
  });
  try {
    return await runScaling(broker, plan, { runClient, log, ours, raw, mainFills: broker.fills });
  } catch (error) {
    log(`scaling failed: ${error.message}`);
    return { error: error.message };
  }
}

// --------------------------------------------------------------------- main
function writeReport(context) {
  const all = {};
  for (const [key, byClient] of Object.entries(context.results)) {
    all[key] = {};
    for (const [id, runs] of Object.entries(byClient)) all[key][id] = summarize(runs);
    all[key].paired = pairedSummary(byClient);
    all[key].facadePaired = facadePairedSummary(byClient);
  }
  const md = markdown({ ...context, all });
  if (WRITE) {
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'docs', 'benchmarks.md'), md);
    fs.writeFileSync(path.join(root, 'docs', 'benchmarks.svg'), svgChart(all));
    if (context.scaling && !context.scaling.error) {
      fs.writeFileSync(path.join(root, 'docs', 'benchmarks-scaling.svg'), scalingSvg(context.scaling, scalingTools()));
    }
  } else {
    process.stdout.write(md);
  }
}

async function main() {
  // A --no-write run (often a few workloads or clients) keeps its numbers apart:
  // --report-only rewrites the docs from the last run that wrote them.
  const resultsFile = path.join(cacheDir, `results-${MODE.name}${WRITE || flag('--report-only') ? '' : '-not-written'}.json`);
  if (flag('--report-only')) {
    const saved = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    Object.assign(MODE, saved.mode);
    writeReport({ ...saved, started: new Date(saved.started), finished: new Date(saved.finished) });
    log(`rewrote the docs from ${resultsFile}`);
    return;
  }
  const started = new Date();
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  buildRaw();
  const peers = peerStatus();
  const references = {};
  for (const client of CLIENTS) {
    if (client.peer && !peers[client.peer]?.ok) {
      client.skip = `not installed: ${peers[client.peer]?.reason ?? 'run bash bench/install-peers.sh'}`;
    }
    if (client.prepare) {
      references[client.id] = client.prepare();
      if (!references[client.id].ok) client.skip = `not installed: ${references[client.id].reason}`;
      log(`${client.label}: ${client.skip ?? 'ready'}`);
    }
  }
  const results = {};
  const clusters = {};
  const broker = new RealBroker();
  const mock = new Mock();
  const stopAll = async () => {
    await broker.stop();
    await mock.stop();
  };
  process.on('SIGINT', () => stopAll().then(() => process.exit(130)));
  process.on('SIGTERM', () => stopAll().then(() => process.exit(143)));
  let soakResult;
  let scaling;
  try {
    const consumePartitions = [...new Set(WORKLOADS.filter((w) => w.kind === 'consume').map((w) => w.partitions))];
    const plan = [];
    if (!flag('--no-real')) plan.push(['real', broker]);
    if (!flag('--no-mock')) plan.push(['mock', mock]);
    for (const [name, cluster] of plan) {
      await cluster.start();
      clusters[name] = cluster.version;
      await fillTopics(cluster, name, consumePartitions);
      // --quick leaves out the mock's latency run (its group joins alone take ~3 s a client).
      const workloads = WORKLOADS.filter((w) => !(name === 'mock' && (w.realOnly || (QUICK && w.kind === 'latency'))));
      const rounds = name === 'mock' ? MODE.mockRounds : MODE.rounds;
      for (let round = 0; round < rounds; round++) {
        log(`${name}: round ${round + 1} of ${rounds}`);
        for (const w of workloads) await runWorkload(cluster, name, w, round, CLIENTS, results);
      }
      if (name === 'real' && SCALING_AXES.length > 0) scaling = await scalingRun(broker);
      if (name === 'real' && LONG) soakResult = await soak(broker);
      await cluster.stop();
    }
  } finally {
    await stopAll();
  }
  const finished = new Date();
  const context = {
    mode: MODE,
    results,
    soakResult,
    scaling,
    peers,
    references,
    started,
    finished,
    loadBefore,
    loadAfter: os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
    clusters,
  };
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(context, null, 2));
  writeReport(context);
  if (WRITE) {
    const svgs = scaling && !scaling.error ? 'docs/benchmarks.svg and docs/benchmarks-scaling.svg' : 'docs/benchmarks.svg';
    log(`wrote docs/benchmarks.md and ${svgs} (every run's numbers: ${resultsFile})`);
  }
  log(`done in ${((finished - started) / 60000).toFixed(1)} min`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
