#!/usr/bin/env python3
"""Day 5 end-to-end latency (bench/day5-pipeline.js runs it in the spark container while the
reference pipeline runs): a line appended to a file Fluentd tails -> Kafka -> Spark -> Kafka ->
Druid, until Druid SQL counts it.

    latency.py --file F --events 1000 --rate 50 [--datasource ratings]

Appends --events rating lines (timed now) to F at --rate per second, and polls Druid SQL
(SUM("count") since the first of them) every 50 ms. Rows are counted, not identified (Druid
rolls them up), so event i is taken to arrive at the first poll that counts at least i events:
that is its latency when events arrive in the order they were written, and an upper bound when
they overtake each other (any event behind is counted as late as the last one it waits for).
Prints one JSON line: p50, p95, max (ms) and counts.
"""

import argparse
import json
import sys
import threading
import time
from datetime import datetime, timezone

# The day's modules, then the helpers days 4 and 5 share (labs/shared/gen: kafka_io; labs/README.md).
sys.path[:0] = ["/opt/de-lab/gen", "/opt/de-lab/shared"]
import druid  # noqa: E402
import kafka_io  # noqa: E402
import ratings  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--file", required=True)
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--rate", type=float, default=50)
    p.add_argument("--datasource", default="ratings")
    p.add_argument("--timeout", type=float, default=120)
    a = p.parse_args()
    # Druid keeps hours (queryGranularity HOUR): count from the start of this hour, minus what was there.
    since = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    before = count(a.datasource, since)
    written, ids = [], []
    arrivals = []  # (monotonic time, count)
    done = threading.Event()

    def poll():
        while not done.is_set():
            n = count(a.datasource, since) - before
            arrivals.append((time.monotonic(), n))
            if n >= a.events:
                return
            time.sleep(0.05)

    # Where each event is seen on the way (by event_id): ratings-raw, ratings-enriched.
    seen = {"ratings-raw": {}, "ratings-enriched": {}}

    def watch(topic):
        from confluent_kafka import TopicPartition

        c = kafka_io.consumer(**{"group.id": f"latency-{topic}-{time.time()}", "enable.auto.commit": False})
        meta = c.list_topics(topic, timeout=10).topics[topic]
        c.assign(
            [
                TopicPartition(topic, p, c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1])
                for p in meta.partitions
            ]
        )
        while not done.is_set():
            msg = c.poll(0.05)
            if msg is None or msg.error():
                continue
            try:
                seen[topic][json.loads(msg.value())["event_id"]] = time.monotonic()
            except (ValueError, KeyError, TypeError):
                pass
        c.close()

    watchers = [threading.Thread(target=watch, args=(t,), daemon=True) for t in seen]
    for w in watchers:
        w.start()
    time.sleep(2)
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    start = time.monotonic()
    with open(a.file, "a", buffering=1) as f:
        for i in range(a.events):
            target = start + i / a.rate
            time.sleep(max(0.0, target - time.monotonic()))
            e = ratings.events(i + 1, 1, start=datetime.now(timezone.utc), hours=1 / 3600)[0]
            e["event_id"] = f"bench-{int(start)}-{i}"
            f.write(ratings.raw_line(e) + "\n")
            written.append(time.monotonic())
            ids.append(e["event_id"])
    poller.join(a.timeout)
    done.set()
    latencies = []
    j = 0
    for i, t in enumerate(written, start=1):
        while j < len(arrivals) and arrivals[j][1] < i:
            j += 1
        if j == len(arrivals):
            break
        latencies.append((arrivals[j][0] - t) * 1000)
    q = lambda xs, x: sorted(xs)[min(len(xs) - 1, int(x * len(xs)))] if xs else None  # noqa: E731
    raw = [(seen["ratings-raw"][k] - t) * 1000 for k, t in zip(ids, written) if k in seen["ratings-raw"]]
    enr = [
        (seen["ratings-enriched"][k] - seen["ratings-raw"][k]) * 1000
        for k in ids
        if k in seen["ratings-enriched"] and k in seen["ratings-raw"]
    ]
    stages = {
        "fluentd": {"p50Ms": q(raw, 0.5), "p95Ms": q(raw, 0.95)},
        "spark": {"p50Ms": q(enr, 0.5), "p95Ms": q(enr, 0.95)},
    }
    print(
        json.dumps(
            {
                "events": a.events,
                "arrived": len(latencies),
                "rate": a.rate,
                "p50Ms": q(latencies, 0.5),
                "p95Ms": q(latencies, 0.95),
                "maxMs": max(latencies) if latencies else None,
                "stages": stages,
            }
        )
    )


def count(ds, since):
    try:
        rows = druid.sql(
            f'SELECT SUM("count") AS n FROM "{ds}" WHERE __time >= TIMESTAMP \'{since:%Y-%m-%d %H:%M:%S}\''
        )
        return rows[0]["n"] or 0
    except druid.DruidError:
        return 0


if __name__ == "__main__":
    main()
