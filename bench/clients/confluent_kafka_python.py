"""A reference from outside Node for bench/run.js: Confluent's Python client
(confluent-kafka, over the librdkafka its wheel bundles) running the workloads of
bench/raw/raw_bench.c and bench/clients/*.js, and printing the same one JSON line
(see the header of bench/clients/harness.js; no event-loop fields: there is no
event loop).

bench/run.js starts it with the virtualenv python of scripts/python-interop-env.sh:
    python bench/clients/confluent_kafka_python.py '<settings JSON>'

Settings as every librdkafka-based client gets them (acks, idempotence, linger.ms 5
for throughput and 0 for latency, fetch.wait.max.ms when set), librdkafka's defaults
otherwise.
"""

import json
import os
import struct
import sys
import threading
import time

import confluent_kafka

# A consumer that got nothing for this long has read everything there is (as the others).
IDLE_END_S = 1.0
CONSUME_BATCH = 1000
STAMP = struct.Struct('<d')


def settings():
    if len(sys.argv) != 2:
        print(f"usage: python {sys.argv[0]} '<settings JSON>'", file=sys.stderr)
        sys.exit(2)
    s = json.loads(sys.argv[1])
    return {
        'workload': s.get('workload'),
        'brokers': s.get('brokers', '127.0.0.1:9092'),
        'topic': s.get('topic', 'bench'),
        'seconds': float(s.get('seconds', 3)),
        'max': int(s.get('max', 2_000_000)),
        'expect': int(s.get('expect', s.get('max', 1_000_000))),
        'size': int(s.get('size', 100)),
        'acks': str(s.get('acks', '1')),
        'idempotence': bool(s.get('idempotence', False)),
        'group': s.get('group', f'bench-python-{os.getpid()}'),
        'rate': float(s.get('rate', 10_000)),
        'warmup': float(s.get('warmup', 0.5)),
        'fetchWaitMs': s.get('fetchWaitMs'),
    }


def client_version():
    """confluent_kafka.version(): the version string (2.16.1), or a (string, number) pair as libversion() is."""
    version = confluent_kafka.version()
    return version[0] if isinstance(version, tuple) else version


def peak_rss_mb():
    """The process's own high-water resident set (VmHWM), as every runner reports it."""
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class FailureCounter:
    """Delivery reports: counts the failed ones (the others are sent minus failed)."""

    def __init__(self):
        self.failed = 0

    def __call__(self, err, _msg):
        if err is not None:
            if self.failed == 0:
                print(f'confluent_kafka_python: delivery failed: {err}', file=sys.stderr)
            self.failed += 1


def new_producer(cfg, linger_ms, on_delivery):
    conf = {
        'bootstrap.servers': cfg['brokers'],
        'acks': cfg['acks'],
        'linger.ms': linger_ms,
        'on_delivery': on_delivery,
    }
    if cfg['idempotence']:
        conf['enable.idempotence'] = True
    return confluent_kafka.Producer(conf)


def subscribed_consumer(cfg):
    conf = {
        'bootstrap.servers': cfg['brokers'],
        'group.id': cfg['group'],
        'auto.offset.reset': 'earliest',
    }
    if cfg['fetchWaitMs'] is not None:
        conf['fetch.wait.max.ms'] = int(cfg['fetchWaitMs'])
    consumer = confluent_kafka.Consumer(conf)
    consumer.subscribe([cfg['topic']])
    return consumer


def produce_one(producer, topic, value):
    while True:
        try:
            producer.produce(topic, value)
            return
        except BufferError:
            producer.poll(0.001)  # queue full: wait for room, serving delivery reports


def produce(cfg):
    """produce() back to back for `seconds`, poll(0) every 1,024 messages, then flush()."""
    on_delivery = FailureCounter()
    producer = new_producer(cfg, 5, on_delivery)
    topic = cfg['topic']
    value = b'x' * cfg['size']
    produce_one(producer, topic, value)  # warm-up: connections and topic metadata ready
    if producer.flush(30) != 0 or on_delivery.failed:
        raise RuntimeError('warm-up message not delivered')

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    deadline = t0 + cfg['seconds']
    sent = 0
    # Bound methods once: the loop's own cost is then the client's.
    send = producer.produce
    poll = producer.poll
    while sent < cfg['max']:
        try:
            send(topic, value)
        except BufferError:
            produce_one(producer, topic, value)
        sent += 1
        if sent & 1023 == 0:
            poll(0)
            if time.perf_counter() >= deadline:
                break
    remaining = producer.flush(120)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    errors = on_delivery.failed + remaining
    return {'msgs': sent - errors, 'errors': errors, 'seconds': seconds, 'cpuSec': cpu,
            'msgsPerSec': (sent - errors) / seconds, 'cleanup': lambda: None}


def consume(cfg):
    """As raw_bench.c: batches of consume(1,000); the clock starts at the first message
    (not counted in the rate) and stops at the last one received, after `expect`
    messages, `seconds`, or a second with nothing new."""
    consumer = subscribed_consumer(cfg)
    count = 0
    nbytes = 0
    errors = 0
    t0 = None
    last = 0.0
    cpu0 = 0.0
    give_up = time.perf_counter() + 60
    batch = consumer.consume
    while count < cfg['expect']:
        now = time.perf_counter()
        if t0 is not None and (now - t0 >= cfg['seconds'] or now - last > IDLE_END_S):
            break
        if t0 is None and now > give_up:
            raise RuntimeError('consume: no message within 60 s')
        messages = batch(num_messages=CONSUME_BATCH, timeout=0.1)
        for message in messages:
            if message.error():
                if errors == 0:
                    print(f'confluent_kafka_python: consume error: {message.error()}', file=sys.stderr)
                errors += 1
                continue
            if t0 is None:
                t0 = last = time.perf_counter()
                cpu0 = time.process_time()
            count += 1
            nbytes += len(message.value())  # touch what the client hands over
        if messages and t0 is not None:
            last = time.perf_counter()
    cpu = time.process_time() - cpu0
    seconds = last - t0 if t0 is not None else 0.0
    return {'msgs': count, 'errors': errors, 'seconds': seconds, 'cpuSec': cpu,
            'msgsPerSec': (count - 1) / seconds if seconds > 0 else 0, 'extra': {'bytes': nbytes},
            'cleanup': consumer.close}


def latency(cfg):
    """Producer and consumer in one process, as the others: `rate` messages a second,
    each value starting with its send time (time.perf_counter, a double, little-endian);
    a consumer thread polling one message at a time, as raw_bench.c's does (a batch
    consume() would wait to fill its batch; poll() releases the GIL while it waits), records arrival minus
    send time for messages sent from `warmup` seconds after the first arrival on. Timed
    from the first arrival until rate x seconds were measured."""
    consumer = subscribed_consumer(cfg)
    on_delivery = FailureCounter()
    producer = new_producer(cfg, 0, on_delivery)
    capacity = round(cfg['rate'] * cfg['seconds'])
    samples = []
    first = {}  # 'at' (first arrival) and 'cpu' (CPU time then), set by the consumer thread
    enough = threading.Event()

    def receive():
        warmup = cfg['warmup']
        while not enough.is_set():
            message = consumer.poll(0.1)
            if message is None:
                continue
            now = time.perf_counter()
            if 'at' not in first:
                first['cpu'] = time.process_time()
                first['at'] = now
            value = message.value()
            if message.error() or value is None or len(value) < STAMP.size:
                continue
            sent = STAMP.unpack_from(value)[0]
            if sent >= first['at'] + warmup and len(samples) < capacity:
                samples.append((now - sent) * 1e3)
                if len(samples) >= capacity:
                    enough.set()

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    topic = cfg['topic']
    padding = b'x' * max(0, cfg['size'] - STAMP.size)
    start = time.perf_counter()
    give_up = start + cfg['seconds'] + 60
    sent = 0
    while not enough.is_set() and time.perf_counter() < give_up:
        due = int((time.perf_counter() - start) * cfg['rate'])
        while sent < due:
            produce_one(producer, topic, STAMP.pack(time.perf_counter()) + padding)
            sent += 1
        producer.poll(0)
        time.sleep(0.001)  # the 1 ms tick of the others' fixed-rate loops
    end = time.perf_counter()
    cpu_end = time.process_time()
    enough.set()
    receiver.join()
    if len(samples) < capacity:
        raise RuntimeError(f'latency: only {len(samples)} of {capacity} measured')
    samples.sort()

    def at(p):
        return round(samples[min(len(samples) - 1, int(p / 100 * len(samples)))], 3)

    def cleanup():
        producer.flush(10)
        consumer.close()

    return {'msgs': len(samples), 'errors': on_delivery.failed, 'seconds': end - first['at'],
            'cpuSec': cpu_end - first['cpu'], 'msgsPerSec': sent / (end - start),
            'latencyMs': {'p50': at(50), 'p99': at(99), 'p999': at(99.9), 'max': round(samples[-1], 3)},
            'cleanup': cleanup}


def main():
    cfg = settings()
    workload = {'produce': produce, 'consume': consume, 'latency': latency}.get(cfg['workload'])
    if workload is None:
        print(f"confluent_kafka_python: no workload {cfg['workload']}", file=sys.stderr)
        sys.exit(2)
    fields = workload(cfg)
    line = {
        'client': 'python',
        'msgs': fields['msgs'],
        'errors': fields['errors'],
        'seconds': round(fields['seconds'], 4),
        'msgsPerSec': round(fields['msgsPerSec']),
        'peakRssMB': round(peak_rss_mb(), 1),
        'cpuSec': round(fields['cpuSec'], 3),
        **fields.get('extra', {}),
    }
    if 'latencyMs' in fields:
        line['latencyMs'] = fields['latencyMs']
    line['version'] = f'{client_version()} (librdkafka {confluent_kafka.libversion()[0]}, Python {sys.version.split()[0]})'

    print(json.dumps(line, separators=(',', ':')), flush=True)
    try:
        fields['cleanup']()
    except Exception as error:  # the result is out; closing is best effort, as for the others
        print(f'confluent_kafka_python: closing: {error}', file=sys.stderr)
    sys.stdout.flush()
    # Client threads may linger after close: exit as the Node runners do.
    os._exit(1 if fields['errors'] else 0)


if __name__ == '__main__':
    main()
