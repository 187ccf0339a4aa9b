#!/usr/bin/env python3
"""Transactions with confluent-kafka, on partition 0 of TOPIC.

Usage: transactions.py produce BOOTSTRAP TOPIC TRANSACTIONAL_ID COMMITTED ABORTED
       transactions.py consume BOOTSTRAP TOPIC ISOLATION_LEVEL END_MARKER

produce: commits COMMITTED messages "py-committed-<i>", then writes ABORTED
         messages "py-aborted-<i>" (flushed, so they reach the log) and aborts,
         then commits one message "end-of-test".
         stdout: {"committed": N, "aborted": N}
consume: reads partition 0 from the beginning with isolation.level
         ISOLATION_LEVEL until a message END_MARKER, or 30 s.
         stdout: {"values": [TEXT, ...]}
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition


def produce(bootstrap, topic, transactional_id, committed, aborted):
    p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': transactional_id})
    p.init_transactions(30)

    p.begin_transaction()
    for i in range(committed):
        p.produce(topic, value='py-committed-%d' % i, partition=0)
    p.commit_transaction(30)

    p.begin_transaction()
    for i in range(aborted):
        p.produce(topic, value='py-aborted-%d' % i, partition=0)
    if p.flush(30):
        sys.exit('transactions.py: messages of the aborted transaction still undelivered after 30 s')
    p.abort_transaction(30)

    p.begin_transaction()
    p.produce(topic, value='end-of-test', partition=0)
    p.commit_transaction(30)
    json.dump({'committed': committed, 'aborted': aborted}, sys.stdout)


def consume(bootstrap, topic, isolation_level, end_marker):
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'interop-transactions',
        'enable.auto.commit': False,
        'isolation.level': isolation_level,
    })
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    values = []
    deadline = time.monotonic() + 30
    while end_marker not in values and time.monotonic() < deadline:
        msg = c.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            sys.exit('transactions.py: %s' % msg.error())
        values.append(msg.value().decode('utf-8'))
    c.close()
    json.dump({'values': values}, sys.stdout)


if sys.argv[1] == 'produce':
    produce(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
elif sys.argv[1] == 'consume':
    consume(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
else:
    sys.exit('usage: transactions.py produce|consume ...')
