#!/usr/bin/env python3
"""Day 4 latency benchmark: produce -> Kafka -> streaming job -> Kafka, end to end.

    spark-submit /opt/de-lab/bench/latency.py --job JOB.py [--events 1000] [--rate 100] [--trigger-ms 200]

JOB.py is a job with start(spark, cfg) that reads cfg.topic and writes JSON values with an
event_time field to cfg.out_topic (the reference solution of parse-events). The benchmark
starts it with a processing-time trigger, waits until it runs, sends --warmup events (not
counted), then --events events at --rate per second, each stamped with the time it is sent
(event_ts_ms / event_time). Latency of an event = the Kafka timestamp of its output record (set
by Spark's producer when it sends) - the time the event was sent. Prints one JSON line with
p50, p95, p99 and max in milliseconds.
"""

import argparse
import importlib.util
import json
import os
import random
import sys
import threading
import time
from datetime import datetime, timezone
from types import SimpleNamespace

# The day's generator, then the helpers days 4 and 5 share (labs/shared/gen: kafka_io; labs/README.md).
sys.path[:0] = ["/opt/de-lab/gen", "/opt/de-lab/shared"]
import events  # noqa: E402
import kafka_io  # noqa: E402


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def send(bootstrap, topic, prefix, count, rate, seed):
    rng = random.Random(seed)
    # Sent the moment it is made (linger 0), acknowledged by the leader only: the latency measured is the job's.
    producer = kafka_io.producer(bootstrap, **{"linger.ms": 0, "acks": "1", "enable.idempotence": False})
    began = time.monotonic()
    for n in range(count):
        wait = began + n / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        ms = int(time.time() * 1000)
        user = f"u{rng.randrange(1, 41):03d}"
        ev = events.event(
            f"{prefix}-{n:06d}",
            "impression",
            user,
            f"ad-{rng.randrange(1, 9):02d}",
            f"{prefix}-{n:06d}",
            "/home",
            "web",
            1000,
            ms,
        )
        producer.produce(topic, key=user.encode(), value=json.dumps(ev, separators=(",", ":")).encode())
        producer.poll(0)
    producer.flush(30)


def parse_ms(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000)


def collect(bootstrap, topic, prefix, expected, timeout):
    consumer = kafka_io.consumer(
        bootstrap,
        **{"group.id": f"latency-{os.getpid()}-{prefix}", "auto.offset.reset": "earliest", "enable.auto.commit": False},
    )
    consumer.subscribe([topic])
    latencies = {}
    deadline = time.monotonic() + timeout
    try:
        while len(latencies) < expected and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            value = json.loads(msg.value())
            if not value.get("event_id", "").startswith(prefix + "-"):
                continue
            _kind, sink_ms = msg.timestamp()
            latencies[value["event_id"]] = sink_ms - parse_ms(value["event_time"])
    finally:
        consumer.close()
    return latencies


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--job", required=True)
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--rate", type=float, default=100.0, help="events per second")
    p.add_argument("--trigger-ms", type=int, default=200, help="processing-time trigger interval")
    p.add_argument("--topic", default="bench-latency-in")
    p.add_argument("--out-topic", default="bench-latency-out")
    p.add_argument("--dir", default="/tmp/de-lab-bench-latency")
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"))
    args = p.parse_args()

    import shutil

    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir, exist_ok=True)
    kafka_io.reset([args.topic, args.out_topic], 3, bootstrap=args.bootstrap, log=kafka_io.say)

    spec = importlib.util.spec_from_file_location("bench_job", args.job)
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.appName("de-lab-day4-latency")
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    cfg = SimpleNamespace(
        bootstrap=args.bootstrap,
        topic=args.topic,
        out_topic=args.out_topic,
        out=os.path.join(args.dir, "out"),
        checkpoint=os.path.join(args.dir, "checkpoint"),
        users=None,
        trigger={"processingTime": f"{args.trigger_ms} milliseconds"},
        max_offsets=100000,
    )
    query = job.start(spark, cfg)
    while not query.recentProgress:
        if not query.isActive:
            sys.exit(f"latency.py: the query stopped: {query.exception()}")
        time.sleep(0.2)

    send(args.bootstrap, args.topic, "warm", args.warmup, args.rate, 1)
    collect(args.bootstrap, args.out_topic, "warm", args.warmup, 120)

    sender = threading.Thread(target=send, args=(args.bootstrap, args.topic, "bench", args.events, args.rate, 2))
    started = time.monotonic()
    sender.start()
    latencies = collect(args.bootstrap, args.out_topic, "bench", args.events, 120 + args.events / args.rate)
    sender.join()
    elapsed = time.monotonic() - started
    query.stop()
    spark.stop()
    values = sorted(latencies.values())
    result = {
        "events": args.events,
        "received": len(values),
        "rate": args.rate,
        "triggerMs": args.trigger_ms,
        "seconds": round(elapsed, 1),
        "p50Ms": percentile(values, 0.50),
        "p95Ms": percentile(values, 0.95),
        "p99Ms": percentile(values, 0.99),
        "maxMs": values[-1] if values else None,
        "minMs": values[0] if values else None,
    }
    print(json.dumps(result), flush=True)
    if len(values) < args.events:
        sys.exit(f"latency.py: only {len(values)} of {args.events} events reached {args.out_topic}")


if __name__ == "__main__":
    main()
