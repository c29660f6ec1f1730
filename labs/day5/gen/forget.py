#!/usr/bin/env python3
"""Removes what one graded run made in the learner's stack, after its checks (a `finally` step):
its Druid supervisor and tasks, its datasource (every segment marked unused, so Turnilo and SQL no
longer list it), and its Kafka topics. Only names of graded runs (<exercise>-<role>-<unique>): the
learner's own pipeline (ratings, ratings-raw, ratings-enriched) is never touched.

  forget.py [--datasource NAME] [--topic NAME ...]
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, "/opt/de-lab/shared"]  # labs/shared/gen holds kafka_io (see labs/README.md)

import druid  # noqa: E402
import kafka_io  # noqa: E402


def graded(names):
    """The names of graded runs among `names`; the others are refused, with a line saying so."""
    kept = []
    for name in names:
        if druid.GRADED.match(name):
            kept.append(name)
        else:
            print(f"forget.py: {name} is not a graded run's name; left as it is", file=sys.stderr)
    return kept


def forget_datasource(name):
    if any(s == name for s in druid.supervisors()):
        druid.terminate(name)

    # A terminated supervisor's tasks stop reading, publish what they read and end. Dropped before
    # they publish, the datasource would come back with those segments; a task killed while it
    # publishes can still finish publishing. So they get up to 30 s to end; only then is what is
    # left killed.
    if not druid.wait_until(lambda: not druid.active_tasks(name), 30, every=0.5):
        for task in druid.active_tasks(name):
            druid.kill_task(task["id"])
        druid.wait_until(lambda: not druid.active_tasks(name), 15, every=0.5)
    # Dropped whether or not it is listed: the coordinator's list of used datasources is a snapshot of
    # the metadata store taken every second, so segments a task published just now may not be in it
    # yet. Druid answers 200 for a datasource it does not know.
    druid.drop_datasource(name)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasource", action="append", default=[])
    p.add_argument("--topic", action="append", default=[])
    a = p.parse_args()
    datasources = graded(a.datasource)
    for name in datasources:
        forget_datasource(name)
    topics = graded(a.topic)
    if topics:
        kafka_io.delete(topics, timeout=30)
    print(f"forgot {len(datasources)} datasource(s) and {len(topics)} topic(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
