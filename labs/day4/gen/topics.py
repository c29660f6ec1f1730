#!/usr/bin/env python3
"""Day 4 topic helper: start an exercise run from empty topics and no consumer-group offsets.

    topics.py reset --topic T [--topic T2 ...] [--partitions 3] [--group G ...] [--config k=v ...]
        deletes the consumer groups and topics if they exist, waits until they are gone, then
        creates the topics and waits until every partition has a leader.
    topics.py delete --topic T [...] [--group G ...]     the same without creating
    topics.py describe --topic T                       partitions and end offsets, one line each
    topics.py ensure --topic T [--partitions 3]        creates the topics that do not exist yet

The work is done by kafka_io, the Kafka helper days 4 and 5 share (labs/shared/gen, mounted at
/opt/de-lab/shared).
"""

import argparse
import os
import sys

sys.path.insert(0, "/opt/de-lab/shared")  # labs/shared/gen (see labs/README.md)

import kafka_io  # noqa: E402


def describe(bootstrap, topic):
    marks = kafka_io.watermarks(topic, bootstrap)
    if marks is None:
        sys.exit(f"topics.py: no topic {topic}")
    for partition in sorted(marks):
        low, high = marks[partition]
        print(f"{topic} partition={partition} earliest={low} latest={high}")


def run(args):
    if args.action == "describe":
        for topic in args.topic:
            describe(args.bootstrap, topic)
        return
    configs = dict(item.split("=", 1) for item in args.config)
    common = {"timeout": args.timeout, "bootstrap": args.bootstrap, "log": kafka_io.say}
    if args.action == "ensure":
        kafka_io.ensure(args.topic, args.partitions, configs, **common)
    elif args.action == "delete":
        kafka_io.delete(args.topic, args.group, **common)
    else:
        kafka_io.reset(args.topic, args.partitions, args.group, configs, **common)


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
    try:
        run(args)
    except SystemExit as e:
        if isinstance(e.code, str):
            sys.exit(f"topics.py: {e.code}")
        raise


if __name__ == "__main__":
    main()
