import { describe, expect, it } from 'vitest';

import { type LibrdkafkaStatistics, statsRates, statsToMetrics } from '../../src/stats-metrics';

const window = (avgUs: number, p99Us: number, cnt = 10) => ({
  min: 0,
  max: p99Us,
  avg: avgUs,
  p50: avgUs,
  p95: p99Us,
  p99: p99Us,
  cnt,
});

// Shaped like librdkafka's statistics JSON (STATISTICS.md), trimmed to what the mapping reads.
function consumerStats(overrides: Partial<LibrdkafkaStatistics> = {}): LibrdkafkaStatistics {
  return {
    name: 'rdkafka#consumer-1',
    client_id: 'orders-service',
    type: 'consumer',
    ts: 5_000_000,
    time: 1_764_640_000,
    replyq: 0,
    msg_cnt: 0,
    msg_size: 0,
    tx: 40,
    tx_bytes: 4000,
    rx: 38,
    rx_bytes: 90_000,
    txmsgs: 0,
    txmsg_bytes: 0,
    rxmsgs: 1200,
    rxmsg_bytes: 120_000,
    brokers: {
      'GroupCoordinator/1': {
        name: 'GroupCoordinator/1',
        nodeid: -1,
        nodename: 'GroupCoordinator',
        state: 'UP',
        outbuf_cnt: 0,
        waitresp_cnt: 0,
        tx: 1,
        txbytes: 1,
        txerrs: 0,
        txretries: 0,
        req_timeouts: 0,
        rx: 1,
        rxbytes: 1,
        rxerrs: 0,
        rtt: window(1, 1),
        throttle: window(0, 0, 0),
      },
      '127.0.0.1:9092/1': {
        name: '127.0.0.1:9092/1',
        nodeid: 1,
        nodename: '127.0.0.1:9092',
        state: 'UP',
        outbuf_cnt: 2,
        waitresp_cnt: 1,
        tx: 39,
        txbytes: 3999,
        txerrs: 1,
        txretries: 3,
        req_timeouts: 0,
        rx: 37,
        rxbytes: 89_999,
        rxerrs: 0,
        connects: 1,
        disconnects: 0,
        rtt: window(2500, 12_000),
        throttle: window(0, 0, 0),
      },
    },
    topics: {
      orders: {
        topic: 'orders',
        partitions: {
          '0': {
            partition: 0,
            leader: 1,
            msgq_cnt: 0,
            xmit_msgq_cnt: 0,
            fetchq_cnt: 25,
            fetchq_size: 2500,
            txmsgs: 0,
            rxmsgs: 1200,
            hi_offset: 1500,
            lo_offset: 0,
            committed_offset: 1100,
            consumer_lag: 400,
          },
          '-1': {
            partition: -1,
            leader: -1,
            msgq_cnt: 0,
            xmit_msgq_cnt: 0,
            fetchq_cnt: 0,
            fetchq_size: 0,
            txmsgs: 0,
            rxmsgs: 0,
            hi_offset: -1,
            lo_offset: -1,
            committed_offset: -1001,
            consumer_lag: -1,
          },
        },
      },
    },
    cgrp: { state: 'up', join_state: 'steady', rebalance_cnt: 2, assignment_size: 1 },
    ...overrides,
  };
}

describe('statsToMetrics', () => {
  const points = statsToMetrics(consumerStats());
  const find = (name: string, attributes: Record<string, unknown> = {}) =>
    points.filter((point) => point.name === name && Object.entries(attributes).every(([k, v]) => point.attributes[k] === v));

  it('maps client totals and queue depths, with the client as attributes', () => {
    expect(find('kafka.client.messages.received')).toEqual([
      {
        name: 'kafka.client.messages.received',
        kind: 'counter',
        unit: '{message}',
        value: 1200,
        attributes: { 'client.id': 'orders-service', 'client.type': 'consumer' },
      },
    ]);
    expect(find('kafka.client.received.size')[0].value).toBe(90_000);
    expect(find('kafka.client.queue.messages')[0]).toMatchObject({ kind: 'gauge', value: 0 });
  });

  it('maps per broker RTTs in ms and request counters, leaving out internal brokers', () => {
    expect(find('kafka.broker.rtt.avg')).toEqual([
      expect.objectContaining({ value: 2.5, unit: 'ms', attributes: expect.objectContaining({ 'broker.id': 1 }) }),
    ]);
    expect(find('kafka.broker.rtt.p99')[0].value).toBe(12);
    expect(find('kafka.broker.request.retries')[0].value).toBe(3);
    expect(find('kafka.broker.up')[0].value).toBe(1);
    expect(points.some((point) => point.attributes['broker.id'] === -1)).toBe(false);
    expect(find('kafka.broker.throttle.avg')).toEqual([]); // an empty window gives no point
  });

  it('maps consumer lag, offsets and fetch queues per partition; unknown values (-1, -1001) and partition -1 are left out', () => {
    expect(find('kafka.partition.consumer_lag', { topic: 'orders', partition: 0 })[0].value).toBe(400);
    expect(find('kafka.partition.committed_offset', { partition: 0 })[0].value).toBe(1100);
    expect(find('kafka.partition.fetch_queue.messages', { partition: 0 })[0].value).toBe(25);
    expect(points.some((point) => point.attributes.partition === -1)).toBe(false);
    expect(find('kafka.consumer.rebalances')[0]).toMatchObject({ kind: 'counter', value: 2 });
    expect(find('kafka.consumer.assigned_partitions')[0].value).toBe(1);
  });

  it('derives per-second rates from two snapshots on librdkafka clock', () => {
    const later = consumerStats({ ts: 7_000_000, rxmsgs: 3200, rx_bytes: 290_000 });
    expect(statsRates(consumerStats(), later)).toEqual({
      seconds: 2,
      messagesSentPerSecond: 0,
      messagesReceivedPerSecond: 1000,
      bytesSentPerSecond: 0,
      bytesReceivedPerSecond: 100_000,
    });
  });
});
