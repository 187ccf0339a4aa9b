// What every client runner shares: the workload settings it is given, the
// measurements it takes, the one JSON line it prints, and the workload loops
// that are the same for several clients but for how they send or receive.
//
// A runner is started as `node bench/clients/<client>.js '<settings JSON>'`
// and prints one line on stdout:
//   {"client", "msgs", "errors", "seconds", "msgsPerSec", "peakRssMB",
//    "cpuSec", "elP99Ms", "elMaxMs", "latencyMs"?: {p50, p99, p999, max}, "version"}
// seconds/msgsPerSec cover the timed part only (after connecting, a warm-up
// delivery for producers, and the group join for consumers); cpuSec is the
// process's user+system CPU over that part, all threads included; elP99Ms
// and elMaxMs are the 99th percentile and the worst of event-loop lateness
// over that part; peakRssMB is the process's peak resident set since it started.
'use strict';

const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const fs = require('node:fs');
const path = require('node:path');

// Event-loop lateness is sampled by a timer this often; the histogram holds
// whole intervals, so the interval is subtracted to get the lateness.
const EL_RESOLUTION_MS = 5;
// A consumer that got nothing for this long has read everything there is.
const IDLE_END_MS = 1000;
// Batched clients send this many messages per send() (unless the workload says `batch`) with
// this many sends unanswered, as KafkaJS's docs and @confluentinc/kafka-javascript's migration
// guide advise for throughput.
const SEND_BATCH = 1000;
const SENDS_IN_FLIGHT = 4;

/**
 * Workload settings (all runners understand all of them):
 *   workload   'produce' | 'consume' | 'latency' | 'multiconsume' (the clients
 *              that have it: `consumers` consumers in one process, see AllReadingWindow)
 *   brokers    bootstrap servers, "host:port[,...]"
 *   topic      topic name; partitions: its partition count
 *   seconds    produce/consume: stop after this long; latency: measure this long at `rate`
 *   max        produce: most messages; consume: `expect`, the messages in the topic
 *   size       value size in bytes
 *   acks       '1' | 'all'; idempotence: boolean
 *   group      consumer group id (fresh per run); multiconsume: GROUP-0, GROUP-1, ...
 *   consumers  multiconsume: how many consumers
 *   batch      produceInBatches: messages per send (default SEND_BATCH)
 *   rate       latency: messages per second; warmup: seconds ignored after the first message arrives
 *              (sendone: seconds of awaited sends not measured)
 *   mock       true when the cluster is librdkafka's mock cluster
 *   fetchWaitMs consumers' longest fetch wait, when set (the mock cluster answers
 *              a fetch only after this wait when it has nothing new: latency runs set it)
 */
function settings() {
  const raw = process.argv[2];
  if (!raw) {
    console.error(`usage: node ${path.relative(process.cwd(), process.argv[1])} '<settings JSON>'`);
    process.exit(2);
  }
  const s = JSON.parse(raw);
  return {
    workload: s.workload,
    brokers: s.brokers,
    topic: s.topic,
    partitions: s.partitions ?? 1,
    seconds: s.seconds ?? 3,
    max: s.max ?? 2_000_000,
    expect: s.expect ?? s.max ?? 1_000_000,
    size: s.size ?? 100,
    acks: String(s.acks ?? '1'),
    idempotence: Boolean(s.idempotence),
    transactionSize: s.transactionSize ?? 1000,
    batch: s.batch ?? SEND_BATCH,
    group: s.group ?? `bench-${process.pid}`,
    consumers: s.consumers ?? 1,
    rate: s.rate ?? 10_000,
    warmup: s.warmup ?? 0.5,
    mock: Boolean(s.mock),
    fetchWaitMs: s.fetchWaitMs,
  };
}

/** Starts the timed part; stop() returns what was measured over it. */
function startMeasuring() {
  const histogram = monitorEventLoopDelay({ resolution: EL_RESOLUTION_MS });
  histogram.enable();
  // The histogram misses a stall that starts right after enable() and one
  // still going at stop(): a plain timer of our own catches both.
  let lastTick = performance.now();
  let worstTick = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    worstTick = Math.max(worstTick, now - lastTick - EL_RESOLUTION_MS);
    lastTick = now;
  }, EL_RESOLUTION_MS);
  const cpu = process.cpuUsage();
  const started = performance.now();
  return {
    started,
    stop() {
      const now = performance.now();
      const seconds = (now - started) / 1000;
      clearInterval(ticker);
      histogram.disable();
      const used = process.cpuUsage(cpu);
      const pending = now - lastTick - EL_RESOLUTION_MS;
      const elMaxMs = Math.max(0, histogram.count > 0 ? histogram.max / 1e6 - EL_RESOLUTION_MS : 0, worstTick, pending);
      // Fewer than 100 samples in the window means the loop was mostly busy: p99 is then the worst stall.
      const elP99Ms = histogram.count >= 100 ? Math.max(0, histogram.percentile(99) / 1e6 - EL_RESOLUTION_MS, pending) : elMaxMs;
      return { seconds, cpuSec: (used.user + used.system) / 1e6, elP99Ms, elMaxMs };
    },
  };
}

/**
 * Runs config.workload from `workloads` and prints its result line. A
 * workload returns its measurements and, in `cleanup`, what closes the
 * clients: that runs after the line is printed (some peers crash while
 * closing), bounded to 10 s, and the process then exits (sockets may linger).
 */
function main(client, workloads, version) {
  const config = settings();
  const workload = workloads[config.workload];
  if (!workload) fail(new Error(`${client}: no workload ${config.workload}`));
  workload(config)
    .then(async (fields) => {
      const line = {
        client,
        msgs: fields.msgs,
        errors: fields.errors ?? 0,
        seconds: round(fields.seconds, 4),
        msgsPerSec: Math.round(fields.msgsPerSec ?? fields.msgs / fields.seconds),
        peakRssMB: round(peakRssMB(), 1),
        cpuSec: round(fields.cpuSec, 3),
        elP99Ms: round(fields.elP99Ms, 2),
        elMaxMs: round(fields.elMaxMs ?? 0, 2),
      };
      if (fields.extra) Object.assign(line, fields.extra);
      if (fields.latencyMs) line.latencyMs = fields.latencyMs;
      line.version = typeof version === 'function' ? version() : version;
      await new Promise((resolve) => process.stdout.write(`${JSON.stringify(line)}\n`, resolve));
      if (fields.cleanup) await Promise.race([fields.cleanup(), sleep(10_000)]).catch(() => {});
      process.exit(fields.errors ? 1 : 0);
    })
    .catch(fail);
}

// The process's own high-water resident set. Not getrusage's maxRSS: on Linux
// that starts from the parent's peak (a child of a big driver would inherit it).
function peakRssMB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function fail(error) {
  console.error(error?.stack ? error.stack : error);
  process.exit(1);
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Throughput-consume bookkeeping: the clock starts at the first message; the
 * run ends at `expect` messages, after `seconds`, or when nothing came for a
 * second (a topic holding fewer messages than expected). onDone runs once.
 */
class ConsumeCounter {
  constructor(config, onDone) {
    this.expect = config.expect;
    this.seconds = config.seconds;
    this.onDone = onDone;
    this.count = 0;
    this.bytes = 0;
    this.measure = undefined;
    this.lastAt = 0;
    this.done = false;
    this.timer = undefined;
  }

  /** Counts one message's value; returns true once the run is over. */
  add(value) {
    if (this.measure === undefined) {
      this.measure = startMeasuring();
      this.lastAt = this.measure.started;
      this.timer = setInterval(() => this.check(true), 100);
    }
    this.count++;
    if (value) this.bytes += value.length;
    // Reading the clock costs as much as a client's work per message: every 64th message is enough.
    if ((this.count & 63) !== 0 && this.count < this.expect) return false;
    this.lastAt = performance.now();
    return this.check(false);
  }

  check(fromTimer) {
    if (this.done) return true;
    const now = performance.now();
    if (fromTimer && this.count !== this.countAtTick) {
      this.countAtTick = this.count;
      this.progressAt = now;
    }
    if (
      this.count >= this.expect ||
      now - this.measure.started >= this.seconds * 1000 ||
      (fromTimer && now - (this.progressAt ?? 0) > IDLE_END_MS)
    ) {
      this.done = true;
      clearInterval(this.timer);
      this.result = this.#finish();
      this.onDone?.();
    }
    return this.done;
  }

  #finish() {
    const m = this.measure.stop();
    const seconds = (this.lastAt - this.measure.started) / 1000;
    // The first message starts the clock: it is not counted in the rate.
    return { ...m, msgs: this.count, seconds, msgsPerSec: (this.count - 1) / seconds };
  }
}

/**
 * multiconsume bookkeeping for `readers` consumers in one process, each
 * reading the whole topic (its own group). Their group joins end at different
 * times, so a reader that has its first batch waits for `opened` (see
 * isOpen): the window opens when the last one gets its first message, with
 * every reader at the start of the topic, and closes after `seconds`, when
 * one has read all `expect` messages, or when none got anything for a second.
 * onDone runs once, when it closes.
 */
class AllReadingWindow {
  #resolveOpened;

  constructor(config, readers, onDone) {
    this.expect = config.expect;
    this.seconds = config.seconds;
    this.onDone = onDone;
    this.counts = new Array(readers).fill(0);
    this.waiting = readers;
    this.total = 0;
    this.bytes = 0;
    this.measure = undefined;
    this.done = false;
    this.timer = undefined;
    this.opened = new Promise((resolve) => {
      this.#resolveOpened = resolve;
    });
    // Not every consumer reading within a minute would hang the run: fail it instead.
    this.giveUp = setTimeout(() => fail(new Error('not every consumer got a message within 60 s')), 60_000);
  }

  /** Counts one message's value for reader `index`; returns true once the run is over. */
  add(index, value) {
    if (this.done) return true;
    const count = ++this.counts[index];
    this.total++;
    if (value) this.bytes += value.length;
    if (count === 1 && --this.waiting === 0) this.#open();
    if (this.measure === undefined) return false;
    // As ConsumeCounter: the clock every 64th message of each reader.
    if ((count & 63) !== 0 && count < this.expect) return false;
    this.lastAt = performance.now();
    this.totalAtLast = this.total;
    this.bytesAtLast = this.bytes;
    return this.check(false, count);
  }

  /** Whether every reader has had a message; until then, one that has waits for `opened` after its batch. */
  get isOpen() {
    return this.measure !== undefined;
  }

  #open() {
    clearTimeout(this.giveUp);
    this.#resolveOpened();
    this.measure = startMeasuring();
    this.lastAt = this.measure.started;
    this.totalAtOpen = this.totalAtLast = this.total;
    this.bytesAtOpen = this.bytesAtLast = this.bytes;
    this.timer = setInterval(() => this.check(true, 0), 100);
  }

  check(fromTimer, count) {
    if (this.done) return true;
    const now = performance.now();
    if (fromTimer && this.total !== this.totalAtTick) {
      this.totalAtTick = this.total;
      this.progressAt = now;
    }
    if (
      count >= this.expect ||
      now - this.measure.started >= this.seconds * 1000 ||
      (fromTimer && now - (this.progressAt ?? 0) > IDLE_END_MS)
    ) {
      this.done = true;
      clearInterval(this.timer);
      const m = this.measure.stop();
      const seconds = (this.lastAt - this.measure.started) / 1000;
      const msgs = this.totalAtLast - this.totalAtOpen;
      const extra = { consumers: this.counts.length, bytes: this.bytesAtLast - this.bytesAtOpen };
      this.result = { ...m, msgs, seconds, msgsPerSec: msgs / seconds, extra };
      this.onDone?.();
    }
    return this.done;
  }
}

/**
 * End-to-end latency bookkeeping. Each value starts with the send time
 * (performance.now(), a double, little-endian); messages sent before the first
 * arrival plus `warmup` seconds (group join, catching up) are not measured.
 */
class LatencyRecorder {
  constructor(config) {
    this.capacity = Math.round(config.rate * config.seconds);
    this.samples = new Float64Array(this.capacity);
    this.measured = 0;
    this.firstSeen = 0;
    this.warmupMs = config.warmup * 1000;
  }

  get full() {
    return this.measured >= this.capacity;
  }

  /** Records a consumed value (Buffer); returns true once enough were measured. */
  add(value) {
    const now = performance.now();
    if (this.firstSeen === 0) this.firstSeen = now;
    if (value && value.length >= 8) {
      const sent = value.readDoubleLE(0);
      if (sent >= this.firstSeen + this.warmupMs && this.measured < this.capacity) {
        this.samples[this.measured++] = now - sent;
      }
    }
    return this.full;
  }

  percentiles() {
    const sorted = this.samples.subarray(0, this.measured).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
    return {
      p50: round(at(50), 3),
      p99: round(at(99), 3),
      p999: round(at(99.9), 3),
      max: round(sorted.length ? sorted[sorted.length - 1] : 0, 3),
    };
  }
}

/** A value of `size` bytes whose first 8 bytes are the send time. */
function stampedValue(size) {
  const value = Buffer.alloc(Math.max(8, size), 'x');
  value.writeDoubleLE(performance.now(), 0);
  return value;
}

/**
 * Calls send(count) every millisecond with how many messages are due to keep
 * `rate` per second, until stopped. Runs on the event loop, as an application would.
 */
function fixedRate(rate, send) {
  const started = performance.now();
  let sent = 0;
  let stopped = false;
  let timer;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    if (due > sent) {
      const count = due - sent;
      sent = due;
      send(count);
    }
    timer = setTimeout(tick, 1);
  };
  tick();
  return {
    get sent() {
      return sent;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      return (performance.now() - started) / 1000;
    },
  };
}

// ------------------------------------------------------------------
// Workload loops shared by several runners: each takes the client-specific
// part (how to send, how messages come in) as functions.

/**
 * Hands each message's value to take() until it returns true (the run is
 * over); returns whether it did.
 */
function feedValues(messages, take) {
  for (const message of messages) {
    if (take(message.value)) return true;
  }
  return false;
}

/**
 * consume for clients that push messages to a handler: listen(take) sets the
 * handler up, handing every value to take(), which returns true once the run
 * is over. Resolves with ConsumeCounter's result when it is.
 */
async function consumeUntilDone(config, listen) {
  const finished = deferred();
  const counter = new ConsumeCounter(config, finished.resolve);
  // Time or idleness can end the run between deliveries: later values are not counted.
  await listen((value) => counter.done || counter.add(value));
  await finished.promise;
  return counter.result;
}

/**
 * latency once the clients are connected: send(count) produces `count`
 * messages with stampedValue() values, called at config.rate until enough
 * arrived. Consumed values go to arrived(value) (true once enough were
 * measured), through one of:
 *   listen(arrived)  sets up a handler the client pushes to; awaited before sending starts
 *   pull(arrived)    a pull loop, run once sending has started, that ends itself
 *                    when arrived() returns true
 * The timed part runs from the first arrival (after the group join) until
 * enough arrived. Resolves with the result fields except errors and cleanup.
 */
async function latencyAtFixedRate(config, { send, listen, pull }) {
  const recorder = new LatencyRecorder(config);
  const enough = deferred();
  let measure;
  const arrived = (value) => {
    measure ??= startMeasuring();
    const full = recorder.add(value);
    if (full) enough.resolve();
    return full;
  };
  if (listen) await listen(arrived);
  const rate = fixedRate(config.rate, send);
  await (pull ? pull(arrived) : enough.promise);
  const sendSeconds = rate.stop();
  const m = measure.stop();
  return { msgs: recorder.measured, ...m, msgsPerSec: rate.sent / sendSeconds, latencyMs: recorder.percentiles() };
}

/** `count` messages made by toMessage(value), each value stamped as it is made. */
function stampedMessages(count, size, toMessage) {
  const messages = [];
  for (let i = 0; i < count; i++) messages.push(toMessage(stampedValue(size)));
  return messages;
}

/**
 * produce for clients whose send(messages) takes a batch and returns a
 * promise: one message first (warm-up: connections and topic metadata ready),
 * then, timed, config.batch-message batches with up to SENDS_IN_FLIGHT
 * unanswered, until config.max or config.seconds. toMessage(value) makes one
 * message. A failed batch counts all its messages as errors. Resolves with
 * the result fields except cleanup.
 */
async function produceInBatches(config, toMessage, send) {
  const value = Buffer.alloc(config.size, 'x');
  const messages = Array.from({ length: config.batch }, () => toMessage(value));
  await send([toMessage(value)]); // warm-up

  const measure = startMeasuring();
  const deadline = measure.started + config.seconds * 1000;
  let sent = 0;
  let errors = 0;
  const inFlight = new Set();
  while (sent < config.max && performance.now() < deadline) {
    const request = send(messages).catch(() => {
      errors += config.batch;
    });
    inFlight.add(request);
    request.then(() => inFlight.delete(request));
    sent += config.batch;
    if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const m = measure.stop();
  return { msgs: sent - errors, errors, ...m };
}

/**
 * How long one awaited send of a single message takes, sends one after
 * another: what a service that awaits each write waits. sendOne() returns the
 * send's promise. The first config.warmup seconds are not measured; then
 * config.seconds of sends, or config.max of them. Resolves with the result
 * fields (latencyMs over the measured sends) except cleanup.
 */
async function awaitedSends(config, sendOne) {
  const warmupEnds = performance.now() + config.warmup * 1000;
  while (performance.now() < warmupEnds) await sendOne();
  const samples = new Float64Array(Math.min(config.max, 200_000));
  let measured = 0;
  let errors = 0;
  const measure = startMeasuring();
  const deadline = measure.started + config.seconds * 1000;
  while (measured < samples.length && performance.now() < deadline) {
    const started = performance.now();
    try {
      await sendOne();
    } catch {
      errors++;
      continue;
    }
    samples[measured++] = performance.now() - started;
  }
  const m = measure.stop();
  const sorted = samples.subarray(0, measured).sort();
  const at = (p) => (measured ? sorted[Math.min(measured - 1, Math.floor((p / 100) * measured))] : 0);
  const latencyMs = { p50: round(at(50), 3), p99: round(at(99), 3), p999: round(at(99.9), 3), max: round(at(100), 3) };
  return { msgs: measured, errors, ...m, latencyMs };
}

/**
 * produce, consume and latency through KafkaJS's promise API, which KafkaJS
 * and @confluentinc/kafka-javascript (its KafkaJS API) share. The client
 * gives what differs between them:
 *   newKafka(config)                      the Kafka object
 *   newProducer(kafka, config, lingerMs)  a producer, not connected
 *   subscribedConsumer(kafka, config)     a connected consumer, subscribed to config.topic
 *   sender(producer, config)              a function sending one batch of messages (a promise)
 */
function kafkaJsWorkloads({ newKafka, newProducer, subscribedConsumer, sender }) {
  // consumer.run() options feeding every consumed value to take() (see feedValues).
  const eachBatchFeeding = (take) => ({
    eachBatch: async ({ batch }) => {
      feedValues(batch.messages, take);
    },
  });

  async function produce(config) {
    const producer = newProducer(newKafka(config), config, 5);
    await producer.connect();
    const produced = await produceInBatches(config, (value) => ({ value }), sender(producer, config));
    return { ...produced, cleanup: () => producer.disconnect() };
  }

  const eachMessageFeeding = (take) => ({
    eachMessage: async ({ message }) => {
      take(message.value);
    },
  });

  async function consume(config) {
    const consumer = await subscribedConsumer(newKafka(config), config);
    const feeding = config.handler === 'eachMessage' ? eachMessageFeeding : eachBatchFeeding;
    const counted = await consumeUntilDone(config, (take) => consumer.run(feeding(take)));
    return { ...counted, cleanup: () => consumer.disconnect() };
  }

  async function latency(config) {
    const kafka = newKafka(config);
    const consumer = await subscribedConsumer(kafka, config);
    const producer = newProducer(kafka, config, 0);
    await producer.connect();
    const send = sender(producer, config);

    let errors = 0;
    const measured = await latencyAtFixedRate(config, {
      listen: (arrived) => consumer.run(eachBatchFeeding(arrived)),
      send: (count) => {
        send(stampedMessages(count, config.size, (value) => ({ value }))).catch(() => {
          errors += count;
        });
      },
    });
    return { ...measured, errors, cleanup: () => Promise.all([producer.disconnect(), consumer.disconnect()]) };
  }

  // Awaited sends as a service writes them: batches of config.batch with a few
  // in flight, or one message at a time, each sent at once (linger 0 where it applies).
  async function sendbatch(config) {
    const producer = newProducer(newKafka(config), config, 0);
    await producer.connect();
    const produced = await produceInBatches(config, (value) => ({ value }), sender(producer, config));
    return { ...produced, cleanup: () => producer.disconnect() };
  }

  async function sendone(config) {
    const producer = newProducer(newKafka(config), config, 0);
    await producer.connect();
    const send = sender(producer, config);
    const value = Buffer.alloc(config.size, 'x');
    const measured = await awaitedSends(config, () => send([{ value }]));
    return { ...measured, cleanup: () => producer.disconnect() };
  }

  return { produce, consume, latency, sendbatch, sendone };
}

/** A promise and its resolve function. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function peerModule(name) {
  return require(require.resolve(name, { paths: [path.join(__dirname, '..', 'peers')] }));
}

function peerVersion(name) {
  return require(path.join(__dirname, '..', 'peers', 'node_modules', name, 'package.json')).version.replace(/^v/, '');
}

module.exports = {
  settings,
  startMeasuring,
  main,
  sleep,
  fail,
  ConsumeCounter,
  AllReadingWindow,
  LatencyRecorder,
  stampedValue,
  fixedRate,
  feedValues,
  consumeUntilDone,
  latencyAtFixedRate,
  stampedMessages,
  produceInBatches,
  kafkaJsWorkloads,
  awaitedSends,
  deferred,
  peerModule,
  peerVersion,
  performance,
};
