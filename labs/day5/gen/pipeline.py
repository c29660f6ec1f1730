#!/usr/bin/env python3
"""Day 5 Spark driver (spark-submit /opt/de-lab/gen/pipeline.py ...).

  feed     --wave 1|2 --dir D --seed N --in-topic A --out-topic B      (python3, the grader's part)
           spark-enrich, graded: wave 1 of raw records (with re-sent duplicates and invalid
           ratings) into A (both topics and D/checkpoint new, D/movies.csv written); wave 2 (plus
           records of wave 1 sent again) into A.
  job      --job JOB.py --dir D --in-topic A --out-topic B --what TEXT   (the learner's part)
           the job once (trigger availableNow) on D/checkpoint, over what A holds: it gets the
           data, never the seed. Graded: feed 1, job, feed 2, job (as after a restart).
  enrich   --job JOB.py --dir D --seed N --in-topic A --out-topic B
           both, in one process (bench and by hand only: the job's process knows the seed).
  once     --job JOB.py --dir D                 `de-lab run day5 spark-enrich`: your job on
           ratings-raw -> ratings-enriched over what is there (availableNow), then it stops.
  live     --job JOB.py --dir D                 the same, a micro-batch every 2 seconds until
           Ctrl-C (run it in a terminal: de-lab shell day5 spark -- spark-submit ...).
  pipeline --dir D --seed N [--datasource DS --raw-topic A --enriched-topic B]
           reset-replay: raw records into A, the reference job (D/checkpoints/enrich) into B, the
           reference supervisor into DS (default ratings, ratings-raw, ratings-enriched); waits
           until Druid has read them all.

JOB.py defines start(spark, cfg) -> StreamingQuery; cfg has bootstrap, in_topic, out_topic,
checkpoint, movies (CSV path) and trigger (a dict for DataStreamWriter.trigger).
"""

import argparse
import importlib.util
import os
import shutil
import sys
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
# The day's modules, then the helpers days 4 and 5 share (labs/shared/gen: kafka_io; labs/README.md).
sys.path[:0] = [HERE, "/opt/de-lab/shared"]

import druid  # noqa: E402
import kafka_io  # noqa: E402
import ratings  # noqa: E402
import truth  # noqa: E402

REFERENCE_JOB = "/opt/de-lab/reference/spark-enrich/enrich_ratings.py"


def load_job(path):
    if not os.path.exists(path):
        sys.exit(f"pipeline.py: {os.path.basename(path)} does not exist")
    spec = importlib.util.spec_from_file_location("learner_job", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "start"):
        sys.exit(f"pipeline.py: {os.path.basename(path)} defines no start(spark, cfg)")
    return module


def session(name, ui=False):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", str(ui).lower())
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.stateStore.maintenanceInterval", "600s")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


def run_once(job, spark, cfg, timeout, what):
    query = job.start(spark, cfg)
    query.awaitTermination(timeout)
    if query.isActive:
        query.stop()
        sys.exit(f"pipeline.py: the query did not finish {what} within {timeout} s")
    if query.exception():
        sys.exit(f"pipeline.py: the query failed: {query.exception()}")
    rows = sum(p["numInputRows"] for p in [day5_progress(x) for x in query.recentProgress])
    kafka_io.say(f"pipeline.py: {what}: {rows} records read")


def day5_progress(p):
    import json

    raw = p.json() if callable(getattr(p, "json", None)) else getattr(p, "json", p)
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def write_movies(directory, seed):
    path = os.path.join(directory, "movies.csv")
    with open(path, "w") as f:
        f.write(ratings.movies_csv(seed))
    return path


def enrich_cfg(a):
    return SimpleNamespace(
        bootstrap=kafka_io.BOOTSTRAP,
        in_topic=a.in_topic,
        out_topic=a.out_topic,
        checkpoint=os.path.join(a.dir, "checkpoint"),
        movies=os.path.join(a.dir, "movies.csv"),
        trigger={"availableNow": True},
    )


def cmd_feed(a):
    """The grader's part of spark-enrich (a judge container: no learner code runs there)."""
    waves = ratings.raw_waves(a.seed)
    if a.wave == 1:
        kafka_io.reset([a.in_topic, a.out_topic])
        shutil.rmtree(os.path.join(a.dir, "checkpoint"), ignore_errors=True)
        write_movies(a.dir, a.seed)
    wave = waves[a.wave - 1]
    kafka_io.produce(a.in_topic, [(r["user_id"], r, None) for r in wave])
    kafka_io.say(f"pipeline.py: wave {a.wave}: {len(wave)} raw records -> {a.in_topic}")


def cmd_job(a):
    """The learner's part of spark-enrich: their job once over what the topic holds (no seed)."""
    cfg = enrich_cfg(a)
    job = load_job(a.job)
    spark = session("de-lab-day5-spark-enrich")
    run_once(job, spark, cfg, a.timeout, a.what)
    spark.stop()


def cmd_enrich(a):
    kafka_io.reset([a.in_topic, a.out_topic])
    checkpoint = os.path.join(a.dir, "checkpoint")
    shutil.rmtree(checkpoint, ignore_errors=True)
    cfg = SimpleNamespace(
        bootstrap=kafka_io.BOOTSTRAP,
        in_topic=a.in_topic,
        out_topic=a.out_topic,
        checkpoint=checkpoint,
        movies=write_movies(a.dir, a.seed),
        trigger={"availableNow": True},
    )
    job = load_job(a.job)
    spark = session("de-lab-day5-spark-enrich")
    for n, wave in enumerate(ratings.raw_waves(a.seed), start=1):
        kafka_io.produce(a.in_topic, [(r["user_id"], r, None) for r in wave])
        kafka_io.say(f"pipeline.py: wave {n}: {len(wave)} raw records -> {a.in_topic}")
        run_once(job, spark, cfg, a.timeout, f"wave {n}")
    spark.stop()


def cmd_live(a):
    """Your job on ratings-raw -> ratings-enriched: `once` (availableNow, then it stops) or `live`."""
    live = a.command == "live"
    cfg = SimpleNamespace(
        bootstrap=kafka_io.BOOTSTRAP,
        in_topic=truth.RAW,
        out_topic=truth.ENRICHED,
        checkpoint=os.path.join(a.dir, "checkpoint"),
        movies=os.path.join(os.path.dirname(a.dir), "movies.csv"),
        trigger={"processingTime": f"{a.trigger_ms} milliseconds"} if live else {"availableNow": True},
    )
    if not os.path.exists(cfg.movies):
        sys.exit(
            f"pipeline.py: there is no movies.csv in {os.path.dirname(a.dir)} yet: run `de-lab gen day5 -- --feed raw` first"
        )
    if truth.RAW not in kafka_io.topics():
        sys.exit(f"pipeline.py: Unknown topic or partition: {truth.RAW} does not exist yet")
    kafka_io.ensure([truth.ENRICHED])
    job = load_job(a.job)
    spark = session("de-lab-day5-spark-enrich", ui=True)
    if not live:
        run_once(job, spark, cfg, 600, f"{truth.RAW} -> {truth.ENRICHED}")
        kafka_io.say(f"pipeline.py: done; the checkpoint is {cfg.checkpoint} (a second run goes on from it)")
        return
    query = job.start(spark, cfg)
    kafka_io.say(
        f"pipeline.py: your job runs: {truth.RAW} -> {truth.ENRICHED}, checkpoint {cfg.checkpoint}; Ctrl-C stops it"
    )
    try:
        query.awaitTermination()
    except KeyboardInterrupt:
        query.stop()


def cmd_pipeline(a):
    druid.wait_ready()
    druid.clear_others(a.datasource)
    kafka_io.ensure([a.raw_topic, a.enriched_topic])
    records = [ratings.raw_record(e) for e in ratings.valid(ratings.events(a.seed, 900))]
    kafka_io.produce(a.raw_topic, [(r["user_id"], r, None) for r in records])
    if a.plain:
        # The replay of reset-replay, in a judge container (no Spark there, the graded folder
        # read-only): the reference stage in plain Python over what the raw topic holds now. Spark
        # checkpoints that a reset left are judged by nothing-left, not here.
        import json

        got = kafka_io.read_all(a.raw_topic) or []
        raw = []
        for r in got:
            try:
                raw.append(json.loads(r["value"]))
            except (TypeError, ValueError):
                pass
        out = ratings.enriched(a.seed, raw)
        kafka_io.produce(a.enriched_topic, [(r["movie_id"], r, None) for r in out])
        kafka_io.say(f"pipeline.py: the reference stage (plain Python): {len(got)} raw -> {len(out)} enriched records")
    else:
        cfg = SimpleNamespace(
            bootstrap=kafka_io.BOOTSTRAP,
            in_topic=a.raw_topic,
            out_topic=a.enriched_topic,
            checkpoint=os.path.join(a.dir, "checkpoints", "enrich"),
            movies=write_movies(a.dir, a.seed),
            trigger={"availableNow": True},
        )
        spark = session("de-lab-day5-pipeline")
        run_once(load_job(REFERENCE_JOB), spark, cfg, a.timeout, "the reference job")
        spark.stop()
    # Submitted as a pipeline start does: a supervisor that is still there (suspended or not) is
    # replaced and runs on from the offsets it stored.
    spec = truth.reference_supervisor(a.enriched_topic, a.datasource)
    # The supervisor acts on a suspend every `period` (default 30 s): a reset then waits less.
    spec["spec"]["ioConfig"]["period"] = "PT5S"
    spec["spec"]["ioConfig"]["startDelay"] = "PT0S"
    druid.submit_supervisor(spec)
    want = len(ratings.enriched(a.seed, records))
    caught_up = []

    def settled():
        # Until the supervisor has read to the end of its topic (lag 0 three polls running) and
        # Druid answers for what it read: counting alone would stop early on old data.
        caught_up.append(druid.read_to_end(a.datasource))
        rows = (
            druid.sql_or_none(f'SELECT SUM("count") AS n FROM "{a.datasource}"')
            if a.datasource in druid.tables()
            else None
        )
        n = (rows or [{}])[0].get("n") or 0
        return len(caught_up) >= 3 and all(caught_up[-3:]) and (n >= want or len(caught_up) >= 8)

    if not druid.wait_until(settled, 150, every=2):
        kafka_io.say(f"pipeline.py: the supervisor did not catch up with {a.enriched_topic} within 150 s")
    time.sleep(2)
    kafka_io.say(f"pipeline.py: {len(records)} raw records through the reference pipeline into {a.datasource}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("enrich")
    e.add_argument("--job", required=True)
    e.add_argument("--dir", required=True)
    e.add_argument("--seed", type=int, required=True)
    e.add_argument("--in-topic", required=True)
    e.add_argument("--out-topic", required=True)
    e.add_argument("--timeout", type=int, default=240)
    e.set_defaults(run=cmd_enrich)
    f = sub.add_parser("feed")
    f.add_argument("--wave", type=int, choices=[1, 2], required=True)
    f.add_argument("--dir", required=True)
    f.add_argument("--seed", type=int, required=True)
    f.add_argument("--in-topic", required=True)
    f.add_argument("--out-topic", required=True)
    f.set_defaults(run=cmd_feed)
    j = sub.add_parser("job")
    j.add_argument("--job", required=True)
    j.add_argument("--dir", required=True)
    j.add_argument("--in-topic", required=True)
    j.add_argument("--out-topic", required=True)
    j.add_argument("--what", default="your job")
    j.add_argument("--timeout", type=int, default=240)
    j.set_defaults(run=cmd_job)
    for name in ("once", "live"):
        lv = sub.add_parser(name)
        lv.add_argument("--job", required=True)
        lv.add_argument("--dir", required=True)
        lv.add_argument("--trigger-ms", type=int, default=2000, help="live: a micro-batch every this many ms")
        lv.set_defaults(run=cmd_live)
    pl = sub.add_parser("pipeline")
    pl.add_argument("--dir", required=True)
    pl.add_argument("--seed", type=int, required=True)
    pl.add_argument("--datasource", default=truth.DATASOURCE)
    pl.add_argument("--raw-topic", default=truth.RAW)
    pl.add_argument("--enriched-topic", default=truth.ENRICHED)
    pl.add_argument("--timeout", type=int, default=240)
    pl.add_argument(
        "--plain", action="store_true", help="the reference stage in plain Python, not Spark (the graded replay)"
    )
    pl.set_defaults(run=cmd_pipeline)
    a = p.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
