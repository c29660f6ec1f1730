#!/usr/bin/env python3
"""Day 4 grader helper: how much state a stream-stream join kept, read from its checkpoint.

    spark-submit --driver-memory 512m --conf spark.eventLog.enabled=false /opt/de-lab/gen/state.py --checkpoint DIR [--max-share 0.7]

Runs after the job, as a new Spark application in its own process: it reads the join's state
with Spark's state data source (format "statestore", Spark 3.5+) at the last committed batch,
and the records the query read from its checkpoint's offsets log. It prints one line, e.g.

    join state after batch 3: 148 left + 9 right = 157 rows, 42% of the 377 records read: bounded

and exits 1 with one sentence when the checkpoint holds no stream-stream join state. "bounded"
means under --max-share of the records read: a join without watermarks on both sides, or without
a time bound, keeps every row it has read.
"""

import argparse
import json
import os
import sys


def records_read(checkpoint):
    """Records in the topics read, up to the end offsets of the last planned batch (offsets/<N>:
    line 3 on, one JSON per source; a stream joined with itself reads its topic as two sources)."""
    folder = os.path.join(checkpoint, "offsets")
    ids = [int(n) for n in os.listdir(folder) if n.isdigit()] if os.path.isdir(folder) else []
    if not ids:
        return None, -1
    last = max(ids)
    topics = {}
    with open(os.path.join(folder, str(last)), encoding="utf-8") as f:
        for line in f.read().splitlines()[2:]:
            try:
                source = json.loads(line)
            except ValueError:
                continue
            if isinstance(source, dict):
                for topic, partitions in source.items():
                    if isinstance(partitions, dict):
                        topics[topic] = max(topics.get(topic, 0), sum(int(v) for v in partitions.values()))
    return sum(topics.values()), last


def last_id(folder):
    ids = [int(n) for n in os.listdir(folder) if n.isdigit()] if os.path.isdir(folder) else []
    return max(ids, default=-1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--max-share", type=float, default=0.7)
    args = p.parse_args()
    name = os.path.basename(os.path.normpath(args.checkpoint))
    if not os.path.isdir(os.path.join(args.checkpoint, "commits")):
        sys.exit(
            f"state.py: {name}/ holds no committed batch: the job kept its checkpoint somewhere else, or never ran"
        )
    read, _ = records_read(args.checkpoint)

    from pyspark.sql import SparkSession

    # One small local application: the JVM start is most of the cost, keep the rest minimal.
    spark = (
        SparkSession.builder.appName("de-lab-day4-state")
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sides = {}
    try:
        for side in ("left", "right"):
            # operatorId 0: the query's first (here: only) stateful operator; the last committed batch.
            sides[side] = spark.read.format("statestore").option("joinSide", side).load(args.checkpoint).count()
    except Exception as error:  # noqa: BLE001 - any failure means: no join state to read
        why = str(error).strip().splitlines()[0][:240] if str(error).strip() else type(error).__name__
        sys.exit(f"state.py: {name}/ holds no stream-stream join state that Spark can read ({why})")
    batch = last_id(os.path.join(args.checkpoint, "commits"))
    spark.stop()
    rows = sides["left"] + sides["right"]
    if not read:
        sys.exit(f"state.py: {name}/offsets says the query read no records")
    share = rows / read
    verdict = (
        "bounded"
        if share < args.max_share
        else f"NOT bounded (at least {args.max_share:.0%} of what was read is still kept)"
    )
    print(
        f"join state after batch {batch}: {sides['left']} left + {sides['right']} right = {rows} rows, "
        f"{share:.0%} of the {read} records read: {verdict}"
    )


if __name__ == "__main__":
    main()
