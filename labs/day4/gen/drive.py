#!/usr/bin/env python3
"""Day 4 driver: feeds a learner's streaming job wave by wave, the way the graders run it.

    spark-submit /opt/de-lab/gen/drive.py --job JOB.py --dir DIR --topic T [options]

JOB.py defines start(spark, cfg) -> StreamingQuery (see any exercise's starter). For every wave
the driver produces that wave of seeded events (gen/events.py) and runs the job once with
trigger(availableNow=True) until it stops: micro-batch boundaries, and so watermarks, are the
same on every run, which makes a learner's output comparable with the reference solution's.

The seed decides the amounts too, not only the records: how many events each wave has, and
the shares of broken, late and out-of-order events, vary around the --events and --*-share
options (see plan()), so every expected count changes with the seed. --fixed turns that off.

Modes
  waves   (default) reset the topics and DIR/{out,checkpoint}, then for each wave: produce, run.
  stream  reset; produce the first --backlog share of the first wave, start the job with a
          processing-time trigger, produce the rest while it runs, then keep it running until the
          process is killed (the graders kill it from outside, in the middle of the stream:
          checkpoint-recovery) or --timeout passes. A new query that starts at "latest" misses
          the backlog.
  resume  produce --waves (nothing is reset), then run the job once more (availableNow) on the
          same checkpoint.
Each batch's progress (rows, watermark, state rows, rows dropped as late) is printed to stderr,
for people reading a grading log. `drive.py --warm ARGS` runs ARGS in the graders' warm driver
when there is one (gen/warm.py), else as spark-submit drive.py ARGS. Nothing the graders check comes from this process: the job
runs inside it and could write anything here. Checks read what a separate process observes.
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


def plan(args, wave):
    return events.graded_amounts(args.seed, wave, args.events, args.late_share, args.bad_share, args.disorder_share, fixed=args.fixed)


def users_plan(args):
    return events.graded_users(args.seed, fixed=args.fixed)


def wave_args(args, wave):
    amounts = plan(args, wave)
    return argparse.Namespace(
        seed=args.seed, events=amounts["events"], wave=wave, wave_minutes=args.wave_minutes, start=events.DEFAULT_START,
        late_share=amounts["late_share"], late_minutes=args.late_minutes, disorder_share=amounts["disorder_share"],
        disorder_minutes=5, bad_share=amounts["bad_share"], ctr=args.ctr, users=40, ads=8, topic=args.topic,
        bootstrap=args.bootstrap, out=None, rate=0, live=False,
    )


def produce_wave(args, wave, part=None):
    """Sends wave `wave` (or, with part=(a, b), only its records a..b-1, as shares 0..1)."""
    ev_args = wave_args(args, wave)
    records, stats = events.wave_records(ev_args)
    if part is not None:
        records = records[round(len(records) * part[0]):round(len(records) * part[1])]
    events.produce(records, ev_args)
    which = "" if part is None else f" (records {part[0]:.0%}-{part[1]:.0%}: {len(records)})"
    print(f"drive.py: wave {wave}: {stats['events']} events ({stats['late']} late, {stats['malformed']} malformed){which} -> {args.topic}", file=sys.stderr, flush=True)
    return stats


def progress_dict(p):
    raw = p.json() if callable(getattr(p, "json", None)) else getattr(p, "json", p)
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def print_progress(wave, query, seen):
    """One line per new batch on stderr (a log for people; no check reads it)."""
    for p in query.recentProgress:
        d = progress_dict(p)
        key = (d.get("runId"), d.get("batchId"))
        if key in seen:
            continue
        seen.add(key)
        ops = d.get("stateOperators") or []
        print(f"drive.py: wave {wave} batch {d.get('batchId')}: {d.get('numInputRows', 0)} rows read, "
              f"watermark {(d.get('eventTime') or {}).get('watermark')}, "
              f"state rows {sum(int(o.get('numRowsTotal', 0)) for o in ops)}, "
              f"dropped by the watermark {sum(int(o.get('numRowsDroppedByWatermark', 0)) for o in ops)}",
              file=sys.stderr, flush=True)


def config(args, trigger):
    return SimpleNamespace(
        bootstrap=args.bootstrap, topic=args.topic, out_topic=args.out_topic,
        out=os.path.join(args.dir, "out"), checkpoint=os.path.join(args.dir, "checkpoint"),
        users=os.path.join(args.dir, "users.csv"), trigger=trigger, max_offsets=args.max_offsets,
    )


def new_session(name):
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.appName(name).master("local[2]")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.streaming.stateStore.maintenanceInterval", "600s").getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    return spark


def main(argv=None, spark=None):
    """Runs the driver on argv; in a given session (the warm driver's), else in a new one it stops."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--job", required=True, help="the learner's script (defines start(spark, cfg))")
    p.add_argument("--dir", required=True, help="exercise folder: out/, checkpoint/, users.csv")
    p.add_argument("--topic", required=True, help="input topic")
    p.add_argument("--out-topic", help="output topic (reset too)")
    p.add_argument("--mode", choices=["waves", "stream", "resume"], default="waves")
    p.add_argument("--waves", default="1", help="waves to produce, e.g. 1,2")
    p.add_argument("--seed", type=int, default=events.DEFAULT_SEED)
    p.add_argument("--events", type=int, default=200)
    p.add_argument("--wave-minutes", type=int, default=30)
    p.add_argument("--late-share", type=float, default=0.0)
    p.add_argument("--late-minutes", type=int, default=20)
    p.add_argument("--disorder-share", type=float, default=0.0)
    p.add_argument("--bad-share", type=float, default=0.0)
    p.add_argument("--ctr", type=float, default=0.25)
    p.add_argument("--fixed", action="store_true", help="exactly --events per wave and exactly the given shares (no variation by seed)")
    p.add_argument("--max-offsets", type=int, default=100, help="cfg.max_offsets: records per micro-batch where a job limits it")
    p.add_argument("--backlog", type=float, default=0.5, help="--mode stream: share of the first wave sent before the job starts")
    p.add_argument("--users", action="store_true", help="write the users dimension to DIR/users.csv first")
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"))
    p.add_argument("--timeout", type=int, default=300, help="seconds a run of the job may take (per wave)")
    p.add_argument("--drop-prefix", help="also delete older topics whose names start with this (earlier graded runs)")
    args = p.parse_args(argv)
    waves = [int(w) for w in args.waves.split(",") if w.strip()]

    if args.mode != "resume":
        for name in ("out", "checkpoint"):
            path = os.path.join(args.dir, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else (os.path.exists(path) and os.remove(path))
        client = topics.admin(args.bootstrap)
        names = [args.topic] + ([args.out_topic] if args.out_topic else [])
        stale = [t for t in topics.existing(client) if args.drop_prefix and t.startswith(args.drop_prefix) and t not in names]
        topics.delete(client, names + stale, [], 60)
        topics.create(client, names, args.partitions, {}, 60)
    if args.users:
        users_args = argparse.Namespace(seed=args.seed, users=40, start=events.DEFAULT_START, out=os.path.join(args.dir, "users.csv"), **users_plan(args))
        events.users_csv(users_args)

    job = load_job(args.job)
    own = spark is None
    if own:
        spark = new_session(f"de-lab-day4-{os.path.basename(args.dir)}")
    seen = set()

    if args.mode == "waves":
        for wave in waves:
            produce_wave(args, wave)
            query = job.start(spark, config(args, {"availableNow": True}))
            query.awaitTermination(args.timeout)
            print_progress(wave, query, seen)
            if query.isActive:
                query.stop()
                sys.exit(f"drive.py: the query did not finish wave {wave} within {args.timeout} s")
            if query.exception():
                sys.exit(f"drive.py: the query failed: {query.exception()}")
    elif args.mode == "stream":
        first, rest = waves[0], waves[1:]
        if args.backlog > 0:
            produce_wave(args, first, (0, args.backlog))
        query = job.start(spark, config(args, {"processingTime": "1 second"}))
        # Wait until the first trigger has fixed the starting offsets, then send the rest.
        deadline = time.monotonic() + args.timeout
        while not query.recentProgress and query.isActive and time.monotonic() < deadline:
            time.sleep(0.2)
        produce_wave(args, first, (args.backlog, 1))
        for wave in rest:
            produce_wave(args, wave)
        # Runs until the graders kill this process (SIGKILL: no clean shutdown, like a crash).
        while query.isActive and time.monotonic() < deadline:
            print_progress(",".join(map(str, waves)), query, seen)
            time.sleep(0.5)
        if query.exception():
            sys.exit(f"drive.py: the query failed: {query.exception()}")
        sys.exit(f"drive.py: the query was still running after {args.timeout} s (nobody stopped it)")
    else:
        for wave in waves:
            produce_wave(args, wave)
        query = job.start(spark, config(args, {"availableNow": True}))
        query.awaitTermination(args.timeout)
        print_progress("resume", query, seen)
        if query.isActive:
            query.stop()
            sys.exit(f"drive.py: the query did not catch up within {args.timeout} s")
        if query.exception():
            sys.exit(f"drive.py: the query failed: {query.exception()}")
    if own:
        spark.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--warm"]:
        import warm

        warm.client(sys.argv[2:])
    main()
