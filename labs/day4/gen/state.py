#!/usr/bin/env python3
"""Day 4 grader helper: how much state a stream-stream join kept, read from its checkpoint.

    python3 /opt/de-lab/gen/state.py --checkpoint DIR [--max-share 0.7] [--reader auto|files|spark] [--verdict]

Runs after the job, in a process of its own (a judge container while grading). It counts the join's
state rows (operator 0, left and right) at the last committed batch, and the records the query read
from its checkpoint's offsets log. It prints one line, e.g.

    join state after batch 3: 115 left + 9 right = 124 rows, 42% of the 293 records read: bounded

"bounded" means under --max-share of the records read: a join without watermarks on both sides, or
without a time bound, keeps every row it has read. With --verdict, that line is the `found` of a
grader check's verdict (gen/verdict.py); otherwise it is printed, and a checkpoint with no join
state to count ends the program with one sentence (exit 1).

--reader files reads the state store files itself (gen/statestore.py, no JVM: well under a second).
--reader spark starts a Spark application and reads them with Spark's `statestore` data source
(Spark 3.5+; run it with spark-submit: 10-40 s). --reader auto (the default) reads the files, and
when they are in a form statestore.py does not know (the RocksDB provider, another codec, another
layout), runs itself again with spark-submit and --reader spark, so such a job is still judged.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import statestore  # noqa: E402 - the day's own folder first

SPARK_SUBMIT = ["spark-submit", "--driver-memory", "512m", "--conf", "spark.eventLog.enabled=false"]
GRADER_FAILED = 70  # no verdict: the grader itself could not run (not the learner's 0)


class NoState(Exception):
    """The checkpoint holds no join state to judge: a fail, with this reason."""


def records_read(checkpoint):
    """Records in the topics read, up to the end offsets of the last planned batch (offsets/<N>:
    line 3 on, one JSON per source; a stream joined with itself reads its topic as two sources)."""
    last = statestore.last_id(os.path.join(checkpoint, "offsets"))
    if last < 0:
        return None
    topics = {}
    with open(os.path.join(checkpoint, "offsets", str(last)), encoding="utf-8", errors="replace") as f:
        for line in f.read().splitlines()[2:]:
            try:
                source = json.loads(line)
            except ValueError:
                continue
            if isinstance(source, dict):
                for topic, partitions in source.items():
                    if isinstance(partitions, dict):
                        topics[topic] = max(topics.get(topic, 0), sum(int(v) for v in partitions.values()))
    return sum(topics.values())


def spark_rows(checkpoint, name):
    """The same counts as statestore.join_rows, by a new Spark application (the JVM's own reader).
    It reads a copy: for a join, Spark opens the stores for writing (temporary delta files), which
    a read-only folder refuses and which must not land in the learner's checkpoint anyway."""
    scratch = tempfile.mkdtemp(prefix="de-lab-state-")
    try:
        copy = shutil.copytree(checkpoint, os.path.join(scratch, "checkpoint"), symlinks=True)
        return spark_count(copy, name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def spark_count(checkpoint, name):
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
    try:
        # operatorId 0: the query's first (here: only) stateful operator; the last committed batch.
        reader = spark.read.format("statestore")
        rows = {side: reader.option("joinSide", side).load(checkpoint).count() for side in statestore.SIDES}
    except Exception as error:  # noqa: BLE001 - any failure means: no join state to read
        why = root_cause(error)
        raise NoState(f"{name}/ holds no stream-stream join state that Spark can read ({why})") from None
    finally:
        spark.stop()
    rows["batch"] = statestore.last_id(os.path.join(checkpoint, "commits"))
    return rows


def root_cause(error):
    """The innermost Java exception behind a py4j error ("o43.count" says nothing), else the first line."""
    cause = getattr(error, "java_exception", None)
    try:
        while cause is not None and cause.getCause() is not None:
            cause = cause.getCause()
        text = str(cause.toString()) if cause is not None else str(error)
    except Exception:  # noqa: BLE001 - the gateway may be gone: fall back to Python's text
        text = str(error)
    print(f"state.py: Spark's statestore reader failed: {text}", file=sys.stderr)
    lines = text.strip().splitlines()
    return lines[0][:240] if lines else type(error).__name__


def fall_back(args, why):
    """Run this program again under spark-submit with --reader spark (replaces this process)."""
    print(f"state.py: {why}; reading the state with Spark's statestore reader instead", file=sys.stderr)
    argv = [*SPARK_SUBMIT, os.path.abspath(__file__), "--checkpoint", os.path.abspath(args.checkpoint)]
    argv += ["--max-share", str(args.max_share), "--reader", "spark"] + (["--verdict"] if args.verdict else [])
    sys.stdout.flush()
    # Spark makes an artifacts/ folder in its working folder: a judge's (the service's) is read-only.
    os.chdir(tempfile.gettempdir())
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        print(f"state.py: cannot start {argv[0]} ({e.strerror}): run it where Spark is installed", file=sys.stderr)
        sys.exit(GRADER_FAILED)


def count(args, name):
    """(ok, found) for the checkpoint; NoState when there is nothing to judge."""
    if not os.path.isdir(os.path.join(args.checkpoint, "commits")):
        raise NoState(f"{name}/ holds no committed batch: the job kept its checkpoint somewhere else, or never ran")
    read = records_read(args.checkpoint)
    if not read:
        raise NoState(f"{name}/offsets says the query read no records")
    if args.reader == "spark":
        rows = spark_rows(args.checkpoint, name)
    else:
        try:
            rows = statestore.join_rows(args.checkpoint)
        except statestore.Unknown as e:
            if args.reader == "files":
                raise NoState(f"{name}/ holds state that only Spark reads ({e})") from None
            fall_back(args, f"{name}/ {e}")
        except statestore.Unreadable as e:
            raise NoState(f"{name}/ holds no readable stream-stream join state ({e})") from None
    total = rows["left"] + rows["right"]
    if total == 0:
        raise NoState(
            f"{name}/ holds a join state with no rows after batch {rows['batch']}: nothing was kept to forget"
        )
    share = total / read
    verdict = (
        "bounded"
        if share < args.max_share
        else f"NOT bounded (at least {args.max_share:.0%} of what was read is still kept)"
    )
    found = (
        f"join state after batch {rows['batch']}: {rows['left']} left + {rows['right']} right = {total} rows, "
        f"{share:.0%} of the {read} records read: {verdict}"
    )
    return share < args.max_share, found


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--max-share", type=float, default=0.7)
    p.add_argument("--reader", choices=["auto", "files", "spark"], default="auto")
    p.add_argument("--verdict", action="store_true", help="print a grader check's verdict line instead")
    args = p.parse_args()
    name = os.path.basename(os.path.normpath(args.checkpoint))
    expected = f"the join's state after the last batch holds under {args.max_share:.0%} of the records read"
    try:
        ok, found = count(args, name)
    except NoState as e:
        if not args.verdict:
            sys.exit(f"state.py: {e}")
        ok, found = False, str(e)
    except (OSError, ValueError) as e:  # the learner's files, unreadable
        if not args.verdict:
            raise
        ok, found = False, f"{name}/ could not be read: {type(e).__name__}: {e}"
    if args.verdict:
        from verdict import verdict

        verdict(ok, expected, found)
    else:
        print(found)


if __name__ == "__main__":
    main()
