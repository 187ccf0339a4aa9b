// What every client runner shares: the workload settings it is given, the
// measurements it takes, and the one JSON line it prints.
//
// A runner is started as `node bench/clients/<client>.js '<settings JSON>'`
// and prints one line on stdout:
//   {"client", "msgs", "errors", "seconds", "msgsPerSec", "peakRssMB",
//    "cpuSec", "elP99Ms", "latencyMs"?: {p50, p99, p999, max}}
// seconds/msgsPerSec cover the timed part only (after connecting, a warm-up
// delivery for producers, and the group join for consumers); cpuSec is the
// process's user+system CPU over that part, all threads included; elP99Ms
// is the 99th percentile of event-loop lateness over that part; peakRssMB
// is the process's peak resident set since it started.
'use strict';

const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const path = require('node:path');

// Event-loop lateness is sampled by a timer this often; the histogram holds
// whole intervals, so the interval is subtracted to get the lateness.
const EL_RESOLUTION_MS = 5;

/**
 * Workload settings (all runners understand all of them):
 *   workload   'produce' | 'consume' | 'latency'
 *   brokers    bootstrap servers, "host:port[,...]"
 *   topic      topic name; partitions: its partition count
 *   seconds    produce/consume: stop after this long; latency: measure this long at `rate`
 *   max        produce: most messages; consume: `expect`, the messages in the topic
 *   size       value size in bytes
 *   acks       '1' | 'all'; idempotence: boolean
 *   group      consumer group id (fresh per run)
 *   rate       latency: messages per second; warmup: seconds ignored after the first message arrives
 *   mock       true when the cluster is librdkafka's mock cluster
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
    group: s.group ?? `bench-${process.pid}`,
    rate: s.rate ?? 10_000,
    warmup: s.warmup ?? 0.5,
    mock: Boolean(s.mock),
  };
}

/** Starts the timed part; stop() returns what was measured over it. */
function startMeasuring() {
  const histogram = monitorEventLoopDelay({ resolution: EL_RESOLUTION_MS });
  histogram.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  return {
    started,
    stop() {
      const seconds = (performance.now() - started) / 1000;
      histogram.disable();
      const used = process.cpuUsage(cpu);
      const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 - EL_RESOLUTION_MS : 0;
      return { seconds, cpuSec: (used.user + used.system) / 1e6, elP99Ms: Math.max(0, p99) };
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
        peakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
        cpuSec: round(fields.cpuSec, 3),
        elP99Ms: round(fields.elP99Ms, 2),
      };
      if (fields.latencyMs) line.latencyMs = fields.latencyMs;
      line.version = typeof version === 'function' ? version() : version;
      await new Promise((resolve) => process.stdout.write(`${JSON.stringify(line)}\n`, resolve));
      if (fields.cleanup) await Promise.race([fields.cleanup(), sleep(10_000)]).catch(() => {});
      process.exit(fields.errors ? 1 : 0);
    })
    .catch(fail);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function fail(error) {
  console.error(error && error.stack ? error.stack : error);
  process.exit(1);
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Throughput-consume bookkeeping: the clock starts at the first message. */
class ConsumeCounter {
  constructor(config) {
    this.expect = config.expect;
    this.seconds = config.seconds;
    this.count = 0;
    this.bytes = 0;
    this.measure = undefined;
    this.lastAt = 0;
    this.done = false;
  }

  /** Counts one message's value; returns true once the run is over. */
  add(value) {
    if (this.measure === undefined) this.measure = startMeasuring();
    this.count++;
    if (value) this.bytes += value.length;
    return this.check();
  }

  check() {
    if (this.done) return true;
    const now = performance.now();
    this.lastAt = now;
    if (this.count >= this.expect || (this.measure && now - this.measure.started >= this.seconds * 1000)) {
      this.done = true;
    }
    return this.done;
  }

  result() {
    const m = this.measure.stop();
    const seconds = (this.lastAt - this.measure.started) / 1000;
    // The first message starts the clock: it is not counted in the rate.
    return { msgs: this.count, seconds, msgsPerSec: (this.count - 1) / seconds, cpuSec: m.cpuSec, elP99Ms: m.elP99Ms };
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
  LatencyRecorder,
  stampedValue,
  fixedRate,
  deferred,
  peerModule,
  peerVersion,
  performance,
};
