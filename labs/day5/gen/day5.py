#!/usr/bin/env python3
"""Day 5 generator, drivers and graders (spark container: python3 with confluent_kafka).

Learners (`de-lab gen day5 -- ...`):
  gen --seed N [--events N] [--feed files|raw|enriched|druid] [--rate R]
      files     rating log lines for Fluentd to tail: fluentd-to-kafka/incoming/ratings-*.log
      raw       skip Fluentd: what the reference Fluentd publishes, into ratings-raw
      enriched  skip Fluentd and Spark: what the reference Spark job publishes, into ratings-enriched
      druid     as enriched, and the reference supervisor loads it into the datasource `ratings`
      --rate R  live: --events events timed now, R per second (Turnilo's latest hour fills);
                without it, a fixed historical set (a day of November 2026 that the seed picks)
  Every feed also writes movies.csv (the dimension table) to the day5 folder.

Grader steps and graders (each verify prints one DE-LAB-VERDICT line, see gen/verdict.py):
  lines --dir D --seed N                   fluentd-to-kafka: topic reset, D/.feed/*.log written
  verify-raw ids|time|errors --dir D --seed N
  collect/verify-enriched …                (see pipeline.py for the Spark runs)
  druid-ingest --spec F --topic T --datasource DS --seed N
  verify-druid running|totals|hourly|rollup|segments --datasource DS --seed N
  backfill --spec F --datasource DS --dir D --seed N
  verify-backfill task|replaced|kept|rollup --datasource DS --dir D --seed N
  batch-load --datasource DS --seed N       (turnilo-cube: the grader's own data)
  verify-reset --dir D                      reset-replay: nothing of the pipeline is left

The code: gen.py (the generator), feeds.py (the grader's own steps), graders.py and
graders_druid.py (the verify commands), truth.py (the names and seeded truth they share). Kafka
goes through kafka_io (labs/shared/gen, mounted at /opt/de-lab/shared), Druid through druid.py.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The day's modules, then the helpers days 4 and 5 share (labs/shared/gen: kafka_io; labs/README.md).
sys.path[:0] = [HERE, "/opt/de-lab/shared"]

import feeds  # noqa: E402
import gen  # noqa: E402
import graders  # noqa: E402
import graders_druid  # noqa: E402
from truth import DATASOURCE, ENRICHED, RAW  # noqa: E402


def learner_commands(sub):
    """`gen`, the generator learners run (de-lab gen day5 -- ...)."""
    g = sub.add_parser("gen")
    g.add_argument(
        "--seed", type=int, required=True, help="seed (required: de-lab passes the course seed, labs/course.yaml)"
    )
    g.add_argument("--events", type=int, default=1500)
    g.add_argument("--feed", choices=["files", "raw", "enriched", "druid"], default="files")
    g.add_argument("--out", default="fluentd-to-kafka/incoming", help="folder of the log files (files feed)")
    g.add_argument("--rate", type=float, default=0, help="live: events per second, timed now")
    g.add_argument("--summary-json", action="store_true")
    g.set_defaults(run=gen.cmd_gen)


def grader_commands(sub):
    """The grader's steps and graders that the exercises' steps and checks run."""

    def with_seed(name, run, *extra):
        s = sub.add_parser(name)
        s.add_argument("--seed", type=int, required=True)
        s.add_argument("--dir", default=os.getcwd())
        for item in extra:
            s.add_argument(*item[0], **item[1])
        s.set_defaults(run=run)
        return s

    topic = (
        ["--topic"],
        {"default": RAW, "help": "the topic the graded config publishes to (in place of ratings-raw)"},
    )
    with_seed("lines", feeds.cmd_lines, topic)
    with_seed("verify-raw", graders.cmd_verify_raw, (["what"], {"choices": ["ids", "time", "errors"]}), topic)
    ds = (["--datasource"], {"required": True})
    with_seed("druid-feed", feeds.cmd_druid_feed, (["--topic"], {"required": True}), ds)
    di = sub.add_parser("druid-ingest")
    di.add_argument("--dir", default=os.getcwd())
    for flags, kw in (
        (["--spec"], {"required": True}),
        (["--topic"], {"required": True}),
        ds,
        (["--timeout"], {"type": int, "default": 150}),
    ):
        di.add_argument(*flags, **kw)
    di.set_defaults(run=feeds.cmd_druid_ingest)
    sb = sub.add_parser("submit")
    sb.add_argument("--spec", required=True)
    sb.set_defaults(run=feeds.cmd_submit)
    with_seed(
        "verify-druid",
        graders_druid.cmd_verify_druid,
        (["what"], {"choices": ["running", "totals", "hourly", "rollup", "segments"]}),
        ds,
    )
    with_seed("backfill", feeds.cmd_backfill, (["--spec"], {"required": True}), ds)
    with_seed("backfill-load", feeds.cmd_backfill_load, ds)
    bt = sub.add_parser("backfill-task")
    bt.add_argument("--dir", default=os.getcwd())
    bt.add_argument("--spec", required=True)
    bt.add_argument(*ds[0], **ds[1])
    bt.set_defaults(run=feeds.cmd_backfill_task)
    with_seed(
        "verify-backfill",
        graders_druid.cmd_verify_backfill,
        (["what"], {"choices": ["task", "replaced", "kept", "rollup"]}),
        ds,
    )
    with_seed("batch-load", feeds.cmd_batch_load, ds)
    with_seed(
        "verify-enriched",
        graders.cmd_verify_enriched,
        (["what"], {"choices": ["keys", "records", "unique"]}),
        (["--topic"], {"required": True}),
    )
    names = (
        (["--datasource"], {"default": DATASOURCE}),
        (["--raw-topic"], {"default": RAW}),
        (["--enriched-topic"], {"default": ENRICHED}),
    )
    with_seed(
        "verify-replay",
        graders_druid.cmd_verify_replay,
        (["--since"], {"required": True, "help": "UTC time the replay began, e.g. 2026-11-26T10:00:00"}),
        *names,
    )
    with_seed("replay", graders_druid.cmd_replay, *names)
    r = sub.add_parser("verify-reset")
    r.add_argument("--dir", default=os.getcwd())
    for flags, kw in names:
        r.add_argument(*flags, **kw)
    r.set_defaults(run=graders_druid.cmd_verify_reset)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    learner_commands(sub)
    grader_commands(sub)
    a = p.parse_args()
    graders.expect(a.command, getattr(a, "what", None))
    sys.exit(a.run(a))


if __name__ == "__main__":
    main()
