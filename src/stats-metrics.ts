// librdkafka's statistics JSON (the 'stats' event, statistics.interval.ms),
// typed for the fields used here, and turned into flat metric points for an
// OpenTelemetry meter or a Prometheus exporter. The mapping table lives in
// docs/observability.md; field meanings are librdkafka's STATISTICS.md.

/** Latency window in microseconds (librdkafka's rtt, int_latency, throttle ...). */
export interface StatsWindow {
  min: number;
  max: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  cnt: number;
}

export interface BrokerStats {
  name: string;
  nodeid: number;
  nodename: string;
  state: string;
  outbuf_cnt: number;
  waitresp_cnt: number;
  tx: number;
  txbytes: number;
  txerrs: number;
  txretries: number;
  req_timeouts: number;
  rx: number;
  rxbytes: number;
  rxerrs: number;
  connects?: number;
  disconnects?: number;
  rtt: StatsWindow;
  throttle: StatsWindow;
  int_latency?: StatsWindow;
}

export interface PartitionStats {
  partition: number;
  leader: number;
  msgq_cnt: number;
  xmit_msgq_cnt: number;
  fetchq_cnt: number;
  fetchq_size: number;
  txmsgs: number;
  rxmsgs: number;
  hi_offset: number;
  lo_offset: number;
  committed_offset: number;
  consumer_lag: number;
  consumer_lag_stored?: number;
}

export interface TopicStats {
  topic: string;
  partitions: Record<string, PartitionStats>;
}

export interface ConsumerGroupStats {
  state: string;
  join_state: string;
  rebalance_cnt: number;
  assignment_size: number;
}

/** The statistics JSON of one client, as far as the mapping reads it. */
export interface LibrdkafkaStatistics {
  name: string;
  client_id: string;
  type: 'producer' | 'consumer';
  /** librdkafka's monotonic clock, microseconds. */
  ts: number;
  time: number;
  replyq: number;
  msg_cnt: number;
  msg_size: number;
  tx: number;
  tx_bytes: number;
  rx: number;
  rx_bytes: number;
  txmsgs: number;
  txmsg_bytes: number;
  rxmsgs: number;
  rxmsg_bytes: number;
  brokers: Record<string, BrokerStats>;
  topics: Record<string, TopicStats>;
  cgrp?: ConsumerGroupStats;
}

export interface MetricPoint {
  name: string;
  /** counter: a running total since the client started (rate() it); gauge: the value now. */
  kind: 'counter' | 'gauge';
  unit: string;
  value: number;
  attributes: Record<string, string | number>;
}

type Point = [name: string, kind: MetricPoint['kind'], unit: string, value: number | undefined];

const MICROS_PER_MS = 1000;

/**
 * Flat metric points of one statistics snapshot: client totals and queue
 * depths, per broker request counters and round-trip times (ms), per
 * partition queue depths, offsets and consumer lag, and the group's
 * rebalances and assignment. librdkafka's internal brokers and its
 * unassigned-partition placeholder (-1) are left out, and so are values it
 * reports as unknown (-1).
 */
export function statsToMetrics(stats: LibrdkafkaStatistics): MetricPoint[] {
  const points: MetricPoint[] = [];
  const client = { 'client.id': stats.client_id, 'client.type': stats.type };
  const add = (attributes: Record<string, string | number>, list: Point[]): void => {
    for (const [name, kind, unit, value] of list) {
      if (typeof value !== 'number' || Number.isNaN(value) || value < 0) continue;
      points.push({ name, kind, unit, value, attributes });
    }
  };
  add(client, [
    ['kafka.client.queue.messages', 'gauge', '{message}', stats.msg_cnt],
    ['kafka.client.queue.size', 'gauge', 'By', stats.msg_size],
    ['kafka.client.reply_queue.depth', 'gauge', '{operation}', stats.replyq],
    ['kafka.client.requests.sent', 'counter', '{request}', stats.tx],
    ['kafka.client.sent.size', 'counter', 'By', stats.tx_bytes],
    ['kafka.client.responses.received', 'counter', '{response}', stats.rx],
    ['kafka.client.received.size', 'counter', 'By', stats.rx_bytes],
    ['kafka.client.messages.sent', 'counter', '{message}', stats.txmsgs],
    ['kafka.client.messages.received', 'counter', '{message}', stats.rxmsgs],
  ]);
  for (const broker of Object.values(stats.brokers ?? {})) {
    if (broker.nodeid < 0) continue; // bootstrap placeholders and the internal broker
    const attributes = { ...client, 'broker.id': broker.nodeid, 'broker.name': broker.nodename };
    add(attributes, [
      ['kafka.broker.up', 'gauge', '1', broker.state === 'UP' ? 1 : 0],
      ['kafka.broker.requests.waiting', 'gauge', '{request}', broker.waitresp_cnt],
      ['kafka.broker.requests.queued', 'gauge', '{request}', broker.outbuf_cnt],
      ['kafka.broker.requests.sent', 'counter', '{request}', broker.tx],
      ['kafka.broker.request.errors', 'counter', '{error}', broker.txerrs],
      ['kafka.broker.request.retries', 'counter', '{retry}', broker.txretries],
      ['kafka.broker.request.timeouts', 'counter', '{timeout}', broker.req_timeouts],
      ['kafka.broker.response.errors', 'counter', '{error}', broker.rxerrs],
      ['kafka.broker.connects', 'counter', '{connection}', broker.connects],
      ['kafka.broker.disconnects', 'counter', '{connection}', broker.disconnects],
      ...windowPoints('kafka.broker.rtt', broker.rtt),
      ...windowPoints('kafka.broker.throttle', broker.throttle),
    ]);
  }
  for (const topic of Object.values(stats.topics ?? {})) {
    for (const partition of Object.values(topic.partitions ?? {})) {
      if (partition.partition < 0) continue;
      const attributes = { ...client, topic: topic.topic, partition: partition.partition };
      add(attributes, [
        ['kafka.partition.queue.messages', 'gauge', '{message}', partition.msgq_cnt + partition.xmit_msgq_cnt],
        ['kafka.partition.fetch_queue.messages', 'gauge', '{message}', partition.fetchq_cnt],
        ['kafka.partition.fetch_queue.size', 'gauge', 'By', partition.fetchq_size],
        ['kafka.partition.messages.sent', 'counter', '{message}', partition.txmsgs],
        ['kafka.partition.messages.received', 'counter', '{message}', partition.rxmsgs],
        ['kafka.partition.high_watermark', 'gauge', '{offset}', partition.hi_offset],
        ['kafka.partition.committed_offset', 'gauge', '{offset}', partition.committed_offset],
        ['kafka.partition.consumer_lag', 'gauge', '{message}', partition.consumer_lag],
      ]);
    }
  }
  if (stats.cgrp !== undefined) {
    add(client, [
      ['kafka.consumer.rebalances', 'counter', '{rebalance}', stats.cgrp.rebalance_cnt],
      ['kafka.consumer.assigned_partitions', 'gauge', '{partition}', stats.cgrp.assignment_size],
    ]);
  }
  return points;
}

// avg and p99 of a latency window, converted from µs to ms; an empty window (cnt 0) gives none.
function windowPoints(name: string, window: StatsWindow | undefined): Point[] {
  if (window === undefined || window.cnt === 0) return [];
  return [
    [`${name}.avg`, 'gauge', 'ms', window.avg / MICROS_PER_MS],
    [`${name}.p99`, 'gauge', 'ms', window.p99 / MICROS_PER_MS],
  ];
}

export interface StatsRates {
  /** Seconds between the two snapshots (librdkafka's own clock). */
  seconds: number;
  messagesSentPerSecond: number;
  messagesReceivedPerSecond: number;
  bytesSentPerSecond: number;
  bytesReceivedPerSecond: number;
}

/** Per-second rates between two snapshots of the same client (for dashboards without rate()). */
export function statsRates(previous: LibrdkafkaStatistics, current: LibrdkafkaStatistics): StatsRates {
  const seconds = (current.ts - previous.ts) / 1_000_000;
  const rate = (before: number, after: number): number => (seconds > 0 ? (after - before) / seconds : 0);
  return {
    seconds,
    messagesSentPerSecond: rate(previous.txmsgs, current.txmsgs),
    messagesReceivedPerSecond: rate(previous.rxmsgs, current.rxmsgs),
    bytesSentPerSecond: rate(previous.tx_bytes, current.tx_bytes),
    bytesReceivedPerSecond: rate(previous.rx_bytes, current.rx_bytes),
  };
}
