"""Day 5: the grader's own steps (owner: grader: seeded input, reference loads) and the learner's
parts that hand the learner's spec to Druid (no seed there). Graders are in graders.py and
graders_druid.py."""

import json
import os
import shutil
import time
from datetime import datetime, timezone

import druid
import kafka_io
from truth import backfill_data, ingest_truth, load_spec, reference_supervisor, truth_events


# ---------------------------------------------------------------------------------------------
# fluentd-to-kafka
# ---------------------------------------------------------------------------------------------


def cmd_lines(a):
    kafka_io.reset([a.topic])
    feed = os.path.join(a.dir, ".feed")
    shutil.rmtree(feed, ignore_errors=True)
    os.makedirs(feed)
    evs = truth_events(a.seed)
    # Two app servers, interleaved by time
    for name, part in (("ratings-1.log", evs[0::2]), ("ratings-2.log", evs[1::2])):
        with open(os.path.join(feed, name), "w") as f:
            for e in part:
                f.write((e.get("line") or e["malformed"]) + "\n")
    bad = sum(1 for e in evs if "malformed" in e)
    kafka_io.say(f"{len(evs)} lines ({bad} malformed) in .feed/; topic {a.topic} is empty")
    return 0


# ---------------------------------------------------------------------------------------------
# druid-ingestion
# ---------------------------------------------------------------------------------------------


def druid_spec(a):
    spec = load_spec(a.spec)
    inner = spec.get("spec", spec)
    if (
        spec.get("type") != "kafka"
        or not isinstance(inner.get("dataSchema"), dict)
        or not isinstance(inner.get("ioConfig"), dict)
    ):
        raise SystemExit(
            f'{os.path.basename(a.spec)} is not a Kafka supervisor spec: it needs "type": "kafka" and '
            "spec.dataSchema and spec.ioConfig"
        )
    return spec, inner


def cmd_druid_feed(a):
    """The grader's part (owner: grader): Druid ready, earlier runs' supervisors gone, the seeded
    enriched records in a fresh topic. Never the learner's spec."""
    druid.wait_ready()
    druid.clear_others(a.datasource)
    kafka_io.reset([a.topic])
    records = ingest_truth(a.seed)
    kafka_io.produce(a.topic, [(r["movie_id"], r, None) for r in records])
    kafka_io.say(f"{len(records)} enriched records in {a.topic}")
    return 0


def cmd_druid_ingest(a):
    """The learner's part: their supervisor for the grader's topic (no seed here: it waits for what
    the topic holds), its state recorded in D/.judge/. It keeps running, serving what it read, until
    the check's last step (gen/forget.py) terminates it; its task is a thread of Druid's indexer, not
    a process of the learner's. (Terminating it here lost the rows whenever the hand-off took longer
    than the wait.)"""
    spec, inner = druid_spec(a)
    kafka_io.say(f"submitting your supervisor for datasource {a.datasource}")
    inner["dataSchema"]["dataSource"] = a.datasource
    inner["ioConfig"]["topic"] = a.topic
    # Druid waits 5 s by default before the supervisor's first task; a spec that sets no delay of
    # its own starts at once (the graders do not wait for a default the exercise does not teach).
    inner["ioConfig"].setdefault("startDelay", "PT0S")
    spec["spec"] = inner
    try:
        druid.submit_supervisor(spec)
    except druid.DruidError as error:
        raise SystemExit(str(error)) from error
    total = sum(kafka_io.offsets(a.topic).values())
    caught_up = []

    def loaded():
        rows = (
            druid.sql_or_none(f'SELECT SUM("count") AS n FROM "{a.datasource}"')
            if a.datasource in druid.tables()
            else None
        )
        n = (rows or [{}])[0].get("n") or 0
        if total and n >= total:
            return n
        caught_up.append(druid.read_to_end(a.datasource))
        return len(caught_up) >= 4 and all(caught_up[-4:]) and f"{n} (read to the end of the topic)"

    n = druid.wait_until(loaded, a.timeout, every=1)
    kafka_io.say(f"Druid answers {n or 0} events for {a.datasource}")
    state = druid.supervisor_status(a.datasource) or {}
    before = (
        druid.sql_or_none(f'SELECT SUM("count") AS n, COUNT(*) AS r FROM "{a.datasource}"')
        if a.datasource in druid.tables()
        else None
    )
    os.makedirs(os.path.join(a.dir, ".judge"), exist_ok=True)
    with open(os.path.join(a.dir, ".judge", "supervisor.json"), "w") as f:
        json.dump({"state": state, "rows": before}, f)
    return 0


def cmd_submit(a):
    """`de-lab run day5 druid-ingestion`: your spec as it is (datasource and topic yours too)."""
    spec = load_spec(a.spec)
    try:
        sid = druid.submit_supervisor(spec)
    except druid.DruidError as error:
        raise SystemExit(str(error)) from error
    print(f"submitted: supervisor {sid} (POST /druid/indexer/v1/supervisor); its state in 20 s:")
    time.sleep(20)
    state = druid.supervisor_status(sid) or {}
    print(f"  {state.get('detailedState') or state.get('state')}, healthy: {state.get('healthy')}")
    for error in state.get("recentErrors", [])[-2:]:
        print(f"  error: {str(error.get('message', ''))[:300]}")
    rows = druid.sql_or_none(f'SELECT COUNT(*) AS r, SUM("count") AS n FROM "{sid}"') if sid in druid.tables() else None
    print(f"  Druid SQL: {rows[0] if rows else 'no data yet'}")
    return 0


# ---------------------------------------------------------------------------------------------
# batch-backfill and the grader's own batch loads
# ---------------------------------------------------------------------------------------------


def write_jsonl(path, records):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def grader_batch_spec(datasource, base_dir, name_filter, interval=None):
    """The grader's own native batch load (the reference's schema)."""
    schema = reference_supervisor()["spec"]["dataSchema"]
    schema["dataSource"] = datasource
    schema["granularitySpec"] = dict(schema["granularitySpec"])
    if interval:
        schema["granularitySpec"]["intervals"] = [interval]
    return {
        "type": "index_parallel",
        "spec": {
            "dataSchema": schema,
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "baseDir": base_dir, "filter": name_filter},
                "inputFormat": {"type": "json"},
                "appendToExisting": False,
            },
            "tuningConfig": {"type": "index_parallel", "maxNumConcurrentSubTasks": 1},
        },
    }


def run_task(spec, what):
    try:
        task = druid.submit_task(spec)
    except druid.DruidError as error:
        raise SystemExit(str(error)) from error
    code, error = druid.wait_task(task, 300)
    if code != "SUCCESS":
        raise SystemExit(f"{what}: task {task} {code}: {error}")
    return task


def wait_queryable(ds, total, timeout=120):
    def ready():
        if ds not in druid.tables():
            return False
        rows = druid.sql_or_none(f'SELECT SUM("count") AS n FROM "{ds}"')
        return bool(rows) and rows[0]["n"] == total

    if not druid.wait_until(ready, timeout, every=1):
        raise SystemExit(f"{ds} did not become queryable with {total} events within {timeout} s")


def cmd_batch_load(a):
    druid.wait_ready()
    druid.clear_others(a.datasource)
    records = ingest_truth(a.seed)
    base = os.path.join(a.dir, ".load")
    write_jsonl(os.path.join(base, "ratings.json"), records)
    run_task(grader_batch_spec(a.datasource, base, "*.json"), "the grader's batch load")
    wait_queryable(a.datasource, len(records))
    kafka_io.say(f"{len(records)} events loaded into {a.datasource}")
    return 0


def backfill_spec(a):
    spec = load_spec(a.spec)
    inner = spec.get("spec", spec)
    if spec.get("type") not in ("index_parallel", "index") or not isinstance(inner.get("ioConfig"), dict):
        raise SystemExit(
            f'{os.path.basename(a.spec)} is not a native batch task: it needs "type": "index_parallel" and spec.ioConfig'
        )
    return spec, inner


def cmd_backfill_load(a):
    """The grader's part (owner: grader): Druid ready, the original two days loaded, the corrections
    written. Never the learner's spec."""
    druid.wait_ready()
    druid.clear_others(a.datasource)
    day1, day2, fixed = backfill_data(a.seed)
    base = os.path.join(a.dir, ".load")
    write_jsonl(os.path.join(base, "ratings.json"), day1 + day2)
    run_task(grader_batch_spec(a.datasource, base, "*.json"), "loading the original two days")
    wait_queryable(a.datasource, len(day1) + len(day2))
    # The corrections: the first day again, fixed, plus a few rows of the second day that must not land.
    write_jsonl(os.path.join(a.dir, "corrections", "ratings-fixed.json"), fixed + day2[:40])
    kafka_io.say(
        f"loaded {len(day1)} + {len(day2)} events of {day1[0]['event_time'][:10]} and {day2[0]['event_time'][:10]}; "
        f"corrections/ratings-fixed.json has {len(fixed)} fixed events of the first day and {40} of the second"
    )
    return 0


def cmd_backfill_task(a):
    """The learner's part: their task over corrections/ (no seed here)."""
    spec, inner = backfill_spec(a)
    inner.setdefault("dataSchema", {})["dataSource"] = a.datasource
    source = inner["ioConfig"].get("inputSource") or {}
    if source.get("type") == "local":
        source["baseDir"] = os.path.join(a.dir, "corrections")
    spec["spec"] = inner
    try:
        task = druid.submit_task(spec)
    except druid.DruidError as error:
        raise SystemExit(str(error)) from error
    since = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    code, error = druid.wait_task(task, 300)
    kafka_io.say(f"your task {task}: {code} {error}")
    if code == "SUCCESS":
        wait_new_segments(a.datasource, since)
    return 0


def cmd_backfill(a):
    """`de-lab run day5 batch-backfill`: both parts, in the learner's own stack."""
    backfill_spec(a)
    cmd_backfill_load(a)
    return cmd_backfill_task(a)


def wait_new_segments(ds, since, timeout=60):
    """Until the segments a task published (version newer than `since`) are loaded and queried
    instead of the ones they overshadow: the coordinator polls the metadata every 5 s."""
    began = time.monotonic()

    def settled():
        rows = druid.sql(
            f'SELECT "version", is_available, is_overshadowed FROM sys.segments '
            f"WHERE datasource = '{ds}' AND is_published = 1"
        )
        new = [r for r in rows if r["version"][:19] >= since]
        pending = [r for r in rows if not r["is_overshadowed"] and not r["is_available"]]
        # An appending task keeps the old version: then give the coordinator two polls to see it.
        return (bool(new) or time.monotonic() - began > 12) and all(r["is_available"] for r in new) and not pending

    if not druid.wait_until(settled, timeout, every=1):
        kafka_io.say(f"the task's new segments were not all loaded within {timeout} s")
    time.sleep(2)  # the broker's view of the timeline follows the historical's announcement
