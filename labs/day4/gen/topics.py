#!/usr/bin/env python3
"""Day 4 topic helper: start an exercise run from empty topics and no consumer-group offsets.

    topics.py reset --topic T [--topic T2 ...] [--partitions 3] [--group G ...] [--config k=v ...]
        deletes the consumer groups and topics if they exist, waits until they are gone, then
        (unless --no-create) creates the topics and waits until every partition has a leader.
    topics.py delete --topic T [...] [--group G ...]     the same without creating
    topics.py describe --topic T                       partitions and end offsets, one line each
    topics.py ensure --topic T [--partitions 3]        creates the topics that do not exist yet

Waiting on metadata (bounded) instead of sleeping: a topic deleted a moment ago cannot be
created again until the controller has finished deleting it.
"""

import argparse
import os
import sys
import time

from confluent_kafka import KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap})


def existing(client):
    return set(client.list_topics(timeout=10).topics)


def wait_until(predicate, what, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f"topics.py: timed out after {timeout} s waiting until {what}")
        time.sleep(0.2)


def delete(client, topics, groups, timeout):
    # A fresh broker has no group coordinator until __consumer_offsets exists: retry those errors.
    transient = ("NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE")
    deadline = time.monotonic() + timeout
    pending = list(groups)
    while pending:
        retry = []
        for group, future in client.delete_consumer_groups(pending, request_timeout=10).items():
            try:
                future.result()
                print(f"deleted consumer group {group}", file=sys.stderr)
            except KafkaException as error:
                text = str(error)
                if "GROUP_ID_NOT_FOUND" in text:
                    continue
                if any(code in text for code in transient) and time.monotonic() < deadline:
                    retry.append(group)
                else:
                    sys.exit(f"topics.py: cannot delete group {group}: {error}")
        pending = retry
        if pending:
            time.sleep(0.5)
    present = [t for t in topics if t in existing(client)]
    if present:
        for topic, future in client.delete_topics(present, operation_timeout=30).items():
            try:
                future.result()
                print(f"deleted topic {topic}", file=sys.stderr)
            except KafkaException as error:
                if "UNKNOWN_TOPIC" not in str(error):
                    sys.exit(f"topics.py: cannot delete {topic}: {error}")
        wait_until(lambda: not (set(present) & existing(client)), f"{', '.join(present)} are deleted", timeout)


def create(client, topics, partitions, configs, timeout):
    deadline = time.monotonic() + timeout
    pending = list(topics)
    while pending:
        new = [NewTopic(t, num_partitions=partitions, replication_factor=1, config=configs) for t in pending]
        retry = []
        for topic, future in client.create_topics(new, operation_timeout=30).items():
            try:
                future.result()
                print(f"created topic {topic} ({partitions} partitions)", file=sys.stderr)
            except KafkaException as error:
                # Still being deleted: try again shortly.
                if "TOPIC_ALREADY_EXISTS" in str(error) and time.monotonic() < deadline:
                    retry.append(topic)
                else:
                    sys.exit(f"topics.py: cannot create {topic}: {error}")
        pending = retry
        if pending:
            time.sleep(0.5)

    def ready():
        meta = client.list_topics(timeout=10).topics
        return all(
            t in meta
            and meta[t].error is None
            and len(meta[t].partitions) == partitions
            and all(p.leader >= 0 for p in meta[t].partitions.values())
            for t in topics
        )

    wait_until(ready, f"{', '.join(topics)} have {partitions} partitions with leaders", timeout)


def describe(bootstrap, topic):
    from confluent_kafka import Consumer

    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "de-lab-topics-describe", "enable.auto.commit": False}
    )
    try:
        meta = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if meta is None or meta.error is not None:
            sys.exit(f"topics.py: no topic {topic}")
        for partition in sorted(meta.partitions):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            print(f"{topic} partition={partition} earliest={low} latest={high}")
    finally:
        consumer.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["reset", "delete", "describe", "ensure"])
    p.add_argument("--topic", action="append", required=True)
    p.add_argument("--group", action="append", default=[])
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--config", action="append", default=[], help="topic config key=value, e.g. cleanup.policy=compact")
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"))
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    if args.action == "describe":
        for topic in args.topic:
            describe(args.bootstrap, topic)
        return
    client = admin(args.bootstrap)
    if args.action == "ensure":
        missing = [t for t in args.topic if t not in existing(client)]
        if missing:
            create(client, missing, args.partitions, dict(item.split("=", 1) for item in args.config), args.timeout)
        return
    delete(client, args.topic, args.group, args.timeout)
    if args.action == "reset":
        configs = dict(item.split("=", 1) for item in args.config)
        create(client, args.topic, args.partitions, configs, args.timeout)


if __name__ == "__main__":
    main()
