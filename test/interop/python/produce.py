#!/usr/bin/env python3
"""Produces messages with confluent-kafka, written the way its quick-start does.

Usage: produce.py BOOTSTRAP TOPIC [PROPERTY=VALUE ...] < messages.json

stdin:  {"messages": [{"key": B64|null, "value": B64|null,
                       "headers": [[NAME, B64|null], ...], "timestamp": MS, "partition": N}, ...]}
        (every field but "value" may be left out)
stdout: {"delivered": [{"partition": N, "offset": N, "error": null|STR}, ...] (in input order),
         "stats": {"txmsgs": N, "payload_bytes": N, "batch_bytes": N}}
        payload_bytes counts keys and values as given; batch_bytes the record batches
        as sent, after compression (from librdkafka's statistics).
"""
import base64
import json
import sys
import time

from confluent_kafka import Producer


def b64(text):
    return None if text is None else base64.b64decode(text)


bootstrap, topic = sys.argv[1], sys.argv[2]
config = {'bootstrap.servers': bootstrap, 'statistics.interval.ms': 100}
for setting in sys.argv[3:]:
    name, _, value = setting.partition('=')
    config[name] = value

messages = json.load(sys.stdin)['messages']
delivered = [None] * len(messages)
stats = {'txmsgs': 0, 'payload_bytes': 0, 'batch_bytes': 0}


def on_stats(stats_json):
    # Batch sizes are a window reset at each report: add them up across reports.
    topic_stats = json.loads(stats_json)['topics'].get(topic)
    if topic_stats is None:
        return
    stats['batch_bytes'] += topic_stats['batchsize']['sum']
    partitions = [p for p in topic_stats['partitions'].values() if p['partition'] >= 0]
    stats['txmsgs'] = sum(p['txmsgs'] for p in partitions)
    stats['payload_bytes'] = sum(p['txbytes'] for p in partitions)


config['stats_cb'] = on_stats
p = Producer(config)


def delivery_report(index, err, msg):
    """Called once for each message produced, from poll() or flush()."""
    if err is not None:
        delivered[index] = {'partition': msg.partition(), 'offset': -1, 'error': str(err)}
    else:
        delivered[index] = {'partition': msg.partition(), 'offset': msg.offset(), 'error': None}


for index, message in enumerate(messages):
    # Serve delivery reports from earlier produce() calls.
    p.poll(0)
    kwargs = {}
    if 'partition' in message:
        kwargs['partition'] = message['partition']
    if 'timestamp' in message:
        kwargs['timestamp'] = message['timestamp']
    if 'headers' in message:
        kwargs['headers'] = [(name, b64(value)) for name, value in message['headers']]
    p.produce(topic, key=b64(message.get('key')), value=b64(message['value']),
              on_delivery=lambda err, msg, index=index: delivery_report(index, err, msg), **kwargs)

# Wait for outstanding messages to be delivered and delivery reports received.
left = p.flush(30)
if left:
    sys.exit('produce.py: %d message(s) still undelivered after 30 s' % left)

# One more statistics report covers the last batches.
deadline = time.monotonic() + 10
while stats['txmsgs'] < len(messages) and time.monotonic() < deadline:
    p.poll(0.05)

json.dump({'delivered': delivered, 'stats': stats}, sys.stdout)
