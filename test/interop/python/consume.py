#!/usr/bin/env python3
"""Consumes messages with confluent-kafka.

Usage: consume.py BOOTSTRAP TOPIC COUNT [--group GROUP [--commit-after K]] [--timeout S]
                  [PROPERTY=VALUE ...]

Without --group, assigns every partition of TOPIC from the beginning. With
--group, subscribes in that consumer group, with automatic commits off; after
K messages it commits synchronously what it has read so far, then reads on.
Stops after COUNT messages or S seconds (default 30).

stdout: {"messages": [{"partition": N, "offset": N, "key": B64|null, "value": B64|null,
                       "headers": [[NAME, B64|null], ...], "timestamp": [TYPE, MS]}, ...],
         "committed": [{"partition": N, "offset": N}, ...]}
"""
import argparse
import base64
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, TopicPartition

parser = argparse.ArgumentParser()
parser.add_argument('bootstrap')
parser.add_argument('topic')
parser.add_argument('count', type=int)
parser.add_argument('--group')
parser.add_argument('--commit-after', type=int)
parser.add_argument('--timeout', type=float, default=30)
parser.add_argument('config', nargs='*')
args = parser.parse_args()


def b64(data):
    return None if data is None else base64.b64encode(data).decode('ascii')


config = {
    'bootstrap.servers': args.bootstrap,
    'group.id': args.group or 'interop-assign',
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': False,
}
for setting in args.config:
    name, _, value = setting.partition('=')
    config[name] = value

c = Consumer(config)
if args.group:
    c.subscribe([args.topic])
else:
    partitions = c.list_topics(args.topic, timeout=10).topics[args.topic].partitions
    c.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])

messages = []
committed = []
deadline = time.monotonic() + args.timeout
while len(messages) < args.count and time.monotonic() < deadline:
    msg = c.poll(0.2)
    if msg is None:
        continue
    if msg.error():
        raise KafkaException(msg.error())
    messages.append({
        'partition': msg.partition(),
        'offset': msg.offset(),
        'key': b64(msg.key()),
        'value': b64(msg.value()),
        'headers': [[name, b64(value)] for name, value in (msg.headers() or [])],
        'timestamp': list(msg.timestamp()),
    })
    if args.group and len(messages) == args.commit_after:
        for tp in c.commit(asynchronous=False):
            if tp.error:
                raise KafkaException(tp.error)
            committed.append({'partition': tp.partition, 'offset': tp.offset})

c.close()
json.dump({'messages': messages, 'committed': committed}, sys.stdout)
