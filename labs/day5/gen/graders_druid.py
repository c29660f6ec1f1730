"""Day 5 graders that ask Druid (verify-druid, verify-backfill, replay, verify-replay, verify-reset):
each prints one DE-LAB-VERDICT line (graders.out)."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import druid
import kafka_io
import ratings
from graders import diff, expected, grouped, out
from truth import backfill_data, ingest_truth, parse_time

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------
# druid-ingestion
# ---------------------------------------------------------------------------------------------


def cmd_verify_druid(a):
    records = ingest_truth(a.seed)
    ds = a.datasource
    if a.what == "running":
        try:
            with open(os.path.join(a.dir, ".judge", "supervisor.json")) as f:
                state = json.load(f).get("state")
        except (OSError, ValueError):
            return out(False, "the grader recorded no supervisor state (its ingest step did not get that far)")
        if not state:
            return out(False, f"Druid had no supervisor {ds} once it was submitted")
        s, healthy = state.get("detailedState") or state.get("state"), state.get("healthy")
        if s == "RUNNING" and healthy is not False:
            return out(True, f"supervisor {ds} is RUNNING and healthy")
        errors = [
            e.get("exceptionClass", "") + ": " + str(e.get("message", ""))[:200] for e in state.get("recentErrors", [])
        ]
        return out(False, f"supervisor {ds} is {s}" + (f"; {errors[-1]}" if errors else ""))
    if ds not in druid.tables():
        return out(False, f"Druid has no data for {ds}: nothing was ingested (does it start from the earliest offset?)")
    try:
        if a.what == "totals":
            problem = diff(grouped(ds, "genre"), expected(records, "genre"), "genres")
            n = len(records)
            return out(
                not problem, problem or f"{n} events; events and rating_sum per genre equal the {n} records' sums"
            )
        if a.what == "hourly":
            got = grouped(ds, "TIME_FORMAT(TIME_FLOOR(__time, 'PT1H'), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')")
            problem = diff(got, expected(records, "hour"), "hours")
            return out(
                not problem,
                (problem + " (is timestampSpec the event_time column, format iso?)")
                if problem
                else f"events per hour equal the event times' ({', '.join(sorted(got))[:80]}…)",
            )
        if a.what == "rollup":
            rows = druid.sql(f'SELECT COUNT(*) AS r, SUM("count") AS n FROM "{ds}"')[0]
            want = len(ratings.rollup_rows(records))
            ratio = rows["n"] / rows["r"] if rows["r"] else 0
            msg = f"{rows['r']} Druid rows for {rows['n']} events (rollup ratio {ratio:.1f})"
            if rows["r"] == want:
                return out(True, msg + ", as rollup by hour on genre, country and liked gives")
            return out(
                False,
                msg
                + f"; rollup by hour on genre, country and liked gives {want} rows"
                + (
                    " (is rollup on, queryGranularity HOUR?)"
                    if rows["r"] > want
                    else " (are the three dimensions there?)"
                ),
            )
        if a.what == "segments":
            rows = druid.sql(f'SELECT "start", "end" FROM sys.segments WHERE datasource = \'{ds}\'')
            if not rows:
                return out(False, f"{ds} has no segments")
            lengths = {(parse_time(r["end"]) - parse_time(r["start"])) for r in rows}
            if lengths == {timedelta(days=1)}:
                return out(True, f"{len(rows)} segments, each one day long (segmentGranularity DAY)")
            return out(False, f"segments are {', '.join(sorted(str(x) for x in lengths))} long, not one day")
    except druid.DruidError as error:
        return out(False, f"{error} (are the metrics named count and rating_sum?)")
    raise SystemExit(f"unknown check {a.what}")


# ---------------------------------------------------------------------------------------------
# batch-backfill
# ---------------------------------------------------------------------------------------------


def cmd_verify_backfill(a):
    day1, day2, fixed = backfill_data(a.seed)
    ds = a.datasource
    if a.what == "task":
        done = [t for t in druid.tasks("complete", ds) if t.get("type") in ("index_parallel", "index")]
        if len(done) < 2:
            return out(False, "your task did not finish")
        last = max(done, key=lambda t: t.get("createdTime", ""))
        if last.get("statusCode") == "SUCCESS":
            return out(True, f"task {last['id']} SUCCESS")
        code, error = druid.task_status(last["id"])
        return out(False, f"task {last['id']} {code}: {error[:300]}")
    d1 = day1[0]["event_time"][:10]
    d2 = day2[0]["event_time"][:10]
    where = lambda d: (  # noqa: E731
        f"WHERE __time >= TIMESTAMP '{d} 00:00:00' AND __time < TIMESTAMP '{d} 00:00:00' + INTERVAL '1' DAY"
    )
    try:
        if a.what == "replaced":
            problem = diff(grouped(ds, "genre", where(d1)), expected(fixed, "genre"), "genres")
            return out(
                not problem,
                f"{d1}: {problem} (appendToExisting must be false, so the day is replaced)"
                if problem
                else f"{d1} holds exactly the {len(fixed)} corrected events (replaced, not appended)",
            )
        if a.what == "kept":
            problem = diff(grouped(ds, "genre", where(d2)), expected(day2, "genre"), "genres")
            return out(
                not problem,
                f"{d2}: {problem} (only {d1} may be replaced: granularitySpec.intervals)"
                if problem
                else f"{d2} still holds its {len(day2)} events",
            )
        if a.what == "rollup":
            rows = druid.sql(f'SELECT COUNT(*) AS r FROM "{ds}" {where(d1)}')[0]["r"]
            want = len(ratings.rollup_rows(fixed))
            return out(
                rows == want, f"{d1}: {rows} Druid rows; rollup by hour on genre, country and liked gives {want}"
            )
    except druid.DruidError as error:
        return out(False, str(error))
    raise SystemExit(f"unknown check {a.what}")


# ---------------------------------------------------------------------------------------------
# reset-replay: the replay, and what a reset must leave behind (nothing)
# ---------------------------------------------------------------------------------------------


def cmd_replay(a):
    """replay-same-totals (a judge container: no learner process, the graded folder read-only): the
    same pipeline again (its Spark stage in plain Python: checkpoints are nothing-left's to judge),
    then verify-replay. A replay that does not run is the reset's doing (a topic still being
    deleted, a supervisor in the way)."""
    since = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    run = subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "pipeline.py"),
            "pipeline",
            "--plain",
            "--dir",
            a.dir,
            "--seed",
            str(a.seed),
            "--datasource",
            a.datasource,
            "--raw-topic",
            a.raw_topic,
            "--enriched-topic",
            a.enriched_topic,
        ],
        capture_output=True,
        text=True,
    )
    sys.stderr.write(run.stdout[-4000:] + run.stderr[-4000:])
    if run.returncode != 0:
        last = " ".join(line for line in (run.stdout + run.stderr).strip().splitlines()[-3:])
        if "Druid was not ready" in last:
            raise SystemExit(f"the grader's replay could not start: {last}")  # the grader's, not the reset's
        return out(False, f"the replay did not run: {last}")
    a.since = since
    return cmd_verify_replay(a)


def cmd_verify_replay(a):
    records = [ratings.raw_record(e) for e in ratings.valid(ratings.events(a.seed, 900))]
    want = ratings.enriched(a.seed, records)
    ds = a.datasource
    if ds not in druid.tables():
        return out(
            False,
            f"after the replay Druid has no datasource {ds} (did the new supervisor start past the end "
            "of the new topic? terminating keeps the offsets a supervisor stored)",
        )
    problem = diff(grouped(ds, "genre"), expected(want, "genre"), "genres")
    if problem:
        return out(False, f"after reset and replay: {problem} (what the reset did not remove came back)")
    # The replay really ran through an empty pipeline: the topic holds only its records, and
    # Druid answers from segments made after it began (not from the first run's).
    raw = kafka_io.read_all(a.raw_topic) or []
    if len(raw) != len(records):
        return out(
            False,
            f"after the replay {a.raw_topic} holds {len(raw)} records, not the replay's {len(records)}: "
            "the reset did not delete the topic",
        )
    rows = druid.sql(
        f"SELECT \"version\" FROM sys.segments WHERE datasource = '{ds}' "
        "AND is_overshadowed = 0 AND (is_published = 0 OR is_available = 1)"
    )
    old = [r["version"] for r in rows if r["version"][:19] < a.since]
    if old:
        return out(
            False,
            f"the totals match, but {len(old)} of {len(rows)} segments Druid answers from are "
            f"older than the replay (version {old[0]}): the first run's data was never dropped, "
            "and the replay was swallowed as duplicates",
        )
    return out(
        True,
        f"after reset and replay: the same {len(want)} events and sums per genre as the first run, "
        "from the replay's own topic records and segments",
    )


def cmd_verify_reset(a):
    left, ds = [], a.datasource
    if ds in druid.supervisors():
        state = (druid.supervisor_status(ds) or {}).get("state", "?")
        left.append(f"supervisor {ds} still exists ({state}): suspend it, then terminate it")
    running = [t["id"] for t in druid.tasks("running", ds)]
    if running:
        left.append(f"{len(running)} ingestion task(s) still run for {ds}")
    if ds in druid.used_datasources():
        left.append(
            f"datasource {ds} still has used segments (mark them unused: DELETE /druid/coordinator/v1/datasources/{ds})"
        )
    topics = kafka_io.topics() & {a.raw_topic, a.enriched_topic}
    for t in sorted(topics):
        records = kafka_io.read_all(t) or []
        if records:
            left.append(f"topic {t} still holds {len(records)} records")
    checkpoint = os.path.join(a.dir, "checkpoints")
    if os.path.exists(checkpoint) and any(os.scandir(checkpoint)):
        left.append("checkpoints/ is still there (the Spark job would resume from old offsets)")
    if not left:
        return out(True, "no supervisor, task, used segment, topic record or checkpoint of the pipeline is left")
    return out(False, "; ".join(left))
