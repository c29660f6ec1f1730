#!/usr/bin/env python3
"""Day 4 driver: feeds a learner's streaming job wave by wave, the way the graders run it.

    spark-submit /opt/de-lab/gen/drive.py --job JOB.py --dir DIR --topic T [options]

JOB.py defines start(spark, cfg) -> StreamingQuery (see any exercise's starter). For every wave
the driver produces that wave of seeded events (gen/events.py) and runs the job once with
trigger(availableNow=True) until it stops: micro-batch boundaries, and so watermarks, are the
same on every run, which makes a learner's output comparable with the reference solution's.

Modes
  waves   (default) reset the topics and DIR/{out,checkpoint}, then for each wave: produce, run.
  crash   reset; start the job with a processing-time trigger, produce --waves while it runs, and
          end the whole process abruptly (os._exit) once two batches with data are committed -
          a crash in the middle of the stream.
  resume  produce --waves (nothing is reset), then run the job once more (availableNow) on the
          same checkpoint.
Every batch's progress (rows, watermark, state, rows dropped as late) goes to DIR/progress.jsonl.
"""
import argparse
import importlib.util
import json
import os
import shutil
import sys
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import events  # noqa: E402
import topics  # noqa: E402


def load_job(path):
    spec = importlib.util.spec_from_file_location("learner_job", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "start"):
        sys.exit(f"drive.py: {path} defines no start(spark, cfg)")
    return module


def produce_wave(args, wave):
    ev_args = argparse.Namespace(
        seed=args.seed, events=args.events, wave=wave, wave_minutes=args.wave_minutes, start=events.DEFAULT_START,
        late_share=args.late_share, late_minutes=args.late_minutes, disorder_share=args.disorder_share,
        disorder_minutes=5, bad_share=args.bad_share, ctr=args.ctr, users=40, ads=8, topic=args.topic,
        bootstrap=args.bootstrap, out=None, rate=0, live=False,
    )
    records, stats = events.wave_records(ev_args)
    events.produce(records, ev_args)
    print(f"drive.py: wave {wave}: {stats['events']} events ({stats['late']} late, {stats['malformed']} malformed) -> {args.topic}", file=sys.stderr, flush=True)
    return stats


def progress_dict(p):
    raw = p.json() if callable(getattr(p, "json", None)) else getattr(p, "json", p)
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def record_progress(args, wave, query, seen):
    with open(os.path.join(args.dir, "progress.jsonl"), "a", encoding="utf-8") as f:
        for p in query.recentProgress:
            d = progress_dict(p)
            key = (d.get("runId"), d.get("batchId"))
            if key in seen:
                continue
            seen.add(key)
            ops = d.get("stateOperators") or []
            f.write(json.dumps({
                "wave": wave,
                "batchId": d.get("batchId"),
                "numInputRows": d.get("numInputRows", 0),
                "watermark": (d.get("eventTime") or {}).get("watermark"),
                "stateRows": sum(int(o.get("numRowsTotal", 0)) for o in ops),
                "droppedByWatermark": sum(int(o.get("numRowsDroppedByWatermark", 0)) for o in ops),
                "operators": [o.get("operatorName") for o in ops],
            }) + "\n")


def config(args, trigger):
    return SimpleNamespace(
        bootstrap=args.bootstrap, topic=args.topic, out_topic=args.out_topic,
        out=os.path.join(args.dir, "out"), checkpoint=os.path.join(args.dir, "checkpoint"),
        users=os.path.join(args.dir, "users.csv"), trigger=trigger, max_offsets=args.max_offsets,
    )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--job", required=True, help="the learner's script (defines start(spark, cfg))")
    p.add_argument("--dir", required=True, help="exercise folder: out/, checkpoint/, users.csv, progress.jsonl")
    p.add_argument("--topic", required=True, help="input topic")
    p.add_argument("--out-topic", help="output topic (reset too)")
    p.add_argument("--mode", choices=["waves", "crash", "resume"], default="waves")
    p.add_argument("--waves", default="1", help="waves to produce, e.g. 1,2")
    p.add_argument("--seed", type=int, default=events.DEFAULT_SEED)
    p.add_argument("--events", type=int, default=200)
    p.add_argument("--wave-minutes", type=int, default=30)
    p.add_argument("--late-share", type=float, default=0.0)
    p.add_argument("--late-minutes", type=int, default=20)
    p.add_argument("--disorder-share", type=float, default=0.0)
    p.add_argument("--bad-share", type=float, default=0.0)
    p.add_argument("--ctr", type=float, default=0.25)
    p.add_argument("--max-offsets", type=int, default=100, help="cfg.max_offsets: records per micro-batch where a job limits it")
    p.add_argument("--users", action="store_true", help="write the users dimension to DIR/users.csv first")
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"))
    p.add_argument("--timeout", type=int, default=240)
    p.add_argument("--drop-prefix", help="also delete older topics whose names start with this (earlier graded runs)")
    args = p.parse_args()
    waves = [int(w) for w in args.waves.split(",") if w.strip()]

    if args.mode != "resume":
        for name in ("out", "checkpoint", "progress.jsonl"):
            path = os.path.join(args.dir, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else (os.path.exists(path) and os.remove(path))
        client = topics.admin(args.bootstrap)
        names = [args.topic] + ([args.out_topic] if args.out_topic else [])
        stale = [t for t in topics.existing(client) if args.drop_prefix and t.startswith(args.drop_prefix) and t not in names]
        topics.delete(client, names + stale, [], 60)
        topics.create(client, names, args.partitions, {}, 60)
    if args.users:
        users_args = argparse.Namespace(seed=args.seed, users=40, missing=3, duplicate_share=0.2, start=events.DEFAULT_START, out=os.path.join(args.dir, "users.csv"))
        events.users_csv(users_args)

    job = load_job(args.job)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.appName(f"de-lab-day4-{os.path.basename(args.dir)}").master("local[2]")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.streaming.stateStore.maintenanceInterval", "600s").getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    seen = set()

    if args.mode == "waves":
        for wave in waves:
            produce_wave(args, wave)
            query = job.start(spark, config(args, {"availableNow": True}))
            query.awaitTermination(args.timeout)
            record_progress(args, wave, query, seen)
            if query.isActive:
                query.stop()
                sys.exit(f"drive.py: the query did not finish wave {wave} within {args.timeout} s")
            if query.exception():
                sys.exit(f"drive.py: the query failed: {query.exception()}")
    elif args.mode == "crash":
        query = job.start(spark, config(args, {"processingTime": "1 second"}))
        # Wait until the first trigger has fixed the starting offsets, then send the data.
        deadline = time.monotonic() + args.timeout
        while not query.recentProgress and query.isActive and time.monotonic() < deadline:
            time.sleep(0.2)
        produced = sum(produce_wave(args, wave)["events"] for wave in waves)
        while query.isActive and time.monotonic() < deadline:
            batches = [progress_dict(p) for p in query.recentProgress]
            with_data = [b for b in batches if b.get("numInputRows", 0) > 0]
            if len(with_data) >= 2 or sum(b.get("numInputRows", 0) for b in batches) >= produced:
                break
            time.sleep(0.2)
        record_progress(args, ",".join(map(str, waves)), query, seen)
        if query.exception():
            sys.exit(f"drive.py: the query failed: {query.exception()}")
        print("drive.py: crashing on purpose, in the middle of the stream", file=sys.stderr, flush=True)
        os._exit(0)
    else:
        for wave in waves:
            produce_wave(args, wave)
        query = job.start(spark, config(args, {"availableNow": True}))
        query.awaitTermination(args.timeout)
        record_progress(args, "resume", query, seen)
        if query.isActive:
            query.stop()
            sys.exit(f"drive.py: the query did not catch up within {args.timeout} s")
        if query.exception():
            sys.exit(f"drive.py: the query failed: {query.exception()}")
    spark.stop()


if __name__ == "__main__":
    main()
