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

Graders (one line PASS: … or FAIL: … on stdout per verify):
  lines --dir D --seed N                   fluentd-to-kafka: topic reset, D/.feed/*.log written
  verify-raw ids|time|errors --dir D --seed N
  collect/verify-enriched …                (see pipeline.py for the Spark runs)
  druid-ingest --spec F --topic T --datasource DS --seed N
  verify-druid running|totals|hourly|rollup|segments --datasource DS --seed N
  backfill --spec F --datasource DS --dir D --seed N
  verify-backfill task|replaced|kept|rollup --datasource DS --dir D --seed N
  batch-load --datasource DS --seed N       (turnilo-cube: the grader's own data)
  verify-reset --dir D                      reset-replay: nothing of the pipeline is left
"""

import argparse
import glob
import json
import os
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import druid  # noqa: E402
import kafka_io  # noqa: E402
import ratings  # noqa: E402
from verdict import verdict  # noqa: E402

RAW, ENRICHED, DATASOURCE = "ratings-raw", "ratings-enriched", "ratings"
REFERENCE = "/opt/de-lab/reference"


# What each verify command expects, for the verdict line (see gen/verdict.py).
EXPECT = {
    "ids": "each valid line's event in the topic exactly once",
    "time": "key user_id, value event_time and Kafka timestamp = the event's own time (UTC)",
    "errors": "exactly the lines that are not JSON in errors/, as they were read",
    "keys": "every output record JSON, keyed by its movie_id",
    "records": "the records of the reference stage (valid, enriched, each once)",
    "unique": "each event exactly once across duplicates and a restart",
    "running": "the supervisor RUNNING and healthy once it had read the topic",
    "totals": "events and rating_sum per genre equal to the records' own",
    "hourly": "events per hour equal to the event times'",
    "rollup": "rows rolled up by hour on genre, country and liked",
    "segments": "one-day segments",
    "task": "your batch task SUCCESS",
    "replaced": "the first day replaced by exactly the corrected events",
    "kept": "the second day untouched",
    "reset": "no supervisor, task, used segment, topic record or checkpoint left",
    "replay": "the replay's own records and segments give the first run's totals",
}
_expect = ""


def out(ok, text):
    """The check's verdict: one DE-LAB-VERDICT line (learner text only inside its JSON strings)."""
    return verdict(ok, _expect, text)


def some(items, n=3):
    items = sorted(items)
    return ", ".join(map(str, items[:n])) + (f" … ({len(items)} in all)" if len(items) > n else "")


# ---------------------------------------------------------------------------------------------
# learner feeds
# ---------------------------------------------------------------------------------------------


def reference_supervisor(topic=ENRICHED, datasource=DATASOURCE):
    path = os.path.join(REFERENCE, "druid-ingestion", "supervisor.json")
    with open(path) as f:
        spec = json.load(f)
    spec["spec"]["dataSchema"]["dataSource"] = datasource
    spec["spec"]["ioConfig"]["topic"] = topic
    return spec


def cmd_gen(a):
    day = os.getcwd()
    with open(os.path.join(day, "movies.csv"), "w") as f:
        f.write(ratings.movies_csv(a.seed))
    if a.feed in ("raw", "enriched", "druid"):
        kafka_io.ensure([RAW if a.feed == "raw" else ENRICHED])
    if a.feed == "druid":
        if DATASOURCE not in druid.supervisors():
            druid.submit_supervisor(reference_supervisor())
            kafka_io.say(f"submitted the reference supervisor: {ENRICHED} -> datasource {DATASOURCE}")
    files_dir = os.path.join(day, a.out)
    if a.feed == "files":
        os.makedirs(files_dir, exist_ok=True)
    if a.rate <= 0:
        evs = ratings.events(a.seed, a.events)
        emit(a, evs, files_dir)
        kafka_io.say(
            f"{len(evs)} events of {evs[0]['time']:%Y-%m-%d %H:%M}–{evs[-1]['time']:%H:%M} UTC (seed {a.seed}) "
            f"-> {where(a, files_dir)}"
        )
        return 0
    # live: one second at a time, events timed now
    sent, wave, started = 0, 1, time.monotonic()
    prod = kafka_io.producer() if a.feed != "files" else None
    try:
        while sent < a.events:
            now = datetime.now(timezone.utc)
            want = max(1, min(round(a.rate * wave) - sent, a.events - sent))
            evs = ratings.events(a.seed + wave, want, start=now, hours=1 / 3600)[:want]
            for e in evs:
                e["event_id"] = f"live-{a.seed}-{wave}-{e['event_id']}"
                if "line" in e:
                    e["line"] = ratings.raw_line(e)
            emit(a, evs, files_dir, prod)
            sent += len(evs)
            wave += 1
            if wave % 10 == 0:
                kafka_io.say(f"{sent} live events so far -> {where(a, files_dir)}")
            time.sleep(max(0.0, started + wave - 1 - time.monotonic()))
    except KeyboardInterrupt:
        pass
    finally:
        if prod:
            prod.flush(30)
    kafka_io.say(f"{sent} live events -> {where(a, files_dir)}")
    return 0


def where(a, files_dir):
    return {
        "files": os.path.relpath(files_dir),
        "raw": RAW,
        "enriched": ENRICHED,
        "druid": f"{ENRICHED} (datasource {DATASOURCE})",
    }[a.feed]


def emit(a, evs, files_dir, prod=None):
    if a.feed == "files":
        half = len(evs) // 2
        for name, part in (("ratings-1.log", evs[:half]), ("ratings-2.log", evs[half:])):
            with open(os.path.join(files_dir, name), "a") as f:
                for e in part:
                    f.write((e.get("line") or e["malformed"]) + "\n")
        return
    raw = [ratings.raw_record(e) for e in ratings.valid(evs)]
    if a.feed == "raw":
        kafka_io.produce(RAW, [(r["user_id"], r, ms(e)) for r, e in zip(raw, ratings.valid(evs))], prod)
    else:
        kafka_io.produce(ENRICHED, [(r["movie_id"], r, None) for r in ratings.enriched(a.seed, raw)], prod)


def ms(event):
    return int(event["time"].timestamp() * 1000)


# ---------------------------------------------------------------------------------------------
# fluentd-to-kafka
# ---------------------------------------------------------------------------------------------


def truth_events(seed):
    return ratings.events(seed, 1200)


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


def json_records(records):
    """Each record with its JSON value (a value that is JSON but not an object counts as {}), and
    how many values are not JSON at all (or empty)."""
    pairs, broken = [], 0
    for r in records:
        try:
            v = json.loads(r["value"])
            pairs.append((r, v if isinstance(v, dict) else {}))
        except (TypeError, ValueError):
            broken += 1
    return pairs, broken


def cmd_verify_raw(a):
    evs = truth_events(a.seed)
    good = {e["event_id"]: e for e in ratings.valid(evs)}
    if a.what == "errors":
        return verify_errors(a, evs, good)
    records = kafka_io.read_all(a.topic)
    if records is None:
        return out(False, f"there is no topic {a.topic}: nothing was published")
    parsed, broken = json_records(records)
    if a.what == "ids":
        counts = {}
        for _, v in parsed:
            counts[v.get("event_id")] = counts.get(v.get("event_id"), 0) + 1
        missing = set(good) - set(counts)
        dup = {k for k, c in counts.items() if c > 1 and k in good}
        extra = {k for k in counts if k not in good}
        if not missing and not dup and not extra and not broken:
            return out(True, f"{len(records)} records in {a.topic}: each of the {len(good)} valid events exactly once")
        parts = [f"{len(records)} records in {a.topic} for {len(good)} valid events"]
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {some(missing)})")
        if dup:
            parts.append(f"{len(dup)} published more than once (e.g. {some(dup)}): a restart read them again")
        if extra:
            parts.append(f"{len(extra)} that are not valid events (e.g. {some(map(str, extra))})")
        if broken:
            parts.append(f"{broken} values that are not JSON")
        return out(False, "; ".join(parts))
    # time: value event_time in UTC, Kafka timestamp = event time, key = user
    wrong_value, wrong_ts, wrong_key = [], [], []
    judged = 0
    for r, v in parsed:
        e = good.get(v.get("event_id"))
        if not e:
            continue
        judged += 1
        if v.get("event_time") != ratings.iso_utc(e["time"]):
            wrong_value.append(
                f"{e['event_id']}: event_time {v.get('event_time')!r}, expected {ratings.iso_utc(e['time'])}"
            )
        # Fluentd keeps event times as floats and ruby-kafka truncates twice (the batch's first
        # timestamp, then each record's delta to it, both to whole ms): up to 2 ms early, 1 late.
        if not -2 <= r["timestamp"] - ms(e) <= 1:
            wrong_ts.append(e["event_id"])
        if r["key"] != e["user_id"]:
            wrong_key.append(f"{e['event_id']}: key {r['key']!r}")
        if "ts" in v:
            wrong_value.append(f"{e['event_id']}: still has the raw field ts")
    if not parsed:
        return out(False, f"{a.topic} holds no JSON records")
    # Fail closed: "every record is right" needs records to judge.
    if not judged:
        return out(
            False,
            f"none of the {len(parsed)} JSON records in {a.topic} is one of the {len(good)} valid events "
            "(by event_id): there is nothing to judge",
        )
    if not (wrong_value or wrong_ts or wrong_key):
        return out(
            True,
            f"{judged} records: event_time in UTC ({ratings.iso_utc(evs[0]['time'])} …), "
            "the Kafka timestamp is the event time, the key is the user",
        )
    parts = []
    if wrong_value:
        parts.append(f"{len(wrong_value)} values with a wrong event_time, e.g. {wrong_value[0]}")
    if wrong_ts:
        first = good[wrong_ts[0]]
        got = next(r["timestamp"] for r, v in parsed if v.get("event_id") == wrong_ts[0])
        parts.append(
            f"{len(wrong_ts)} Kafka timestamps are not the event time, e.g. {wrong_ts[0]}: {got} ms, expected {ms(first)} ms"
        )
    if wrong_key:
        parts.append(f"{len(wrong_key)} keys are not the user_id, e.g. {wrong_key[0]}")
    return out(False, "; ".join(parts))


def verify_errors(a, evs, good):
    bad = {e["malformed"] for e in evs if "malformed" in e}
    if not bad:
        raise SystemExit("the grader's data has no malformed lines for this seed")
    found, leaked = set(), set()
    files = [f for f in glob.glob(os.path.join(a.dir, "errors", "**", "*"), recursive=True) if os.path.isfile(f)]
    for path in files:
        with open(path, errors="replace") as f:
            for line in f:
                for piece in line.rstrip("\n").split("\t"):
                    try:
                        value = json.loads(piece)
                    except ValueError:
                        continue
                    strings = value.values() if isinstance(value, dict) else [value]
                    for s in strings:
                        if isinstance(s, str):
                            if s in bad:
                                found.add(s)
                            elif s.startswith("{") and '"event_id"' in s:
                                leaked.add(s)
    if not files:
        return out(False, f"no files under errors/: the {len(bad)} malformed lines went nowhere")
    missing = bad - found
    if not missing and not leaked:
        return out(True, f"errors/ holds the {len(bad)} malformed lines, each as it was read, and no valid line")
    parts = []
    if missing:
        parts.append(
            f"{len(missing)} of the {len(bad)} malformed lines are not in errors/ (e.g. {sorted(missing)[0]!r})"
        )
    if leaked:
        parts.append(f"{len(leaked)} valid lines are in errors/")
    return out(False, "; ".join(parts))


# ---------------------------------------------------------------------------------------------
# druid-ingestion
# ---------------------------------------------------------------------------------------------


def ingest_truth(seed, start=None):
    evs = ratings.events(seed, 1500, start=start)
    return ratings.enriched(seed, [ratings.raw_record(e) for e in ratings.valid(evs)])


def load_spec(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise SystemExit(f"{os.path.basename(path)} does not exist") from None
    except ValueError as error:
        raise SystemExit(f"{os.path.basename(path)} is not valid JSON: {error}") from error


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
    the topic holds), its state recorded in D/.judge/. It keeps running, serving what it read: its
    task is a process the exercise requires (lab.yaml requiredProcesses), not a learner's leftover.
    (Terminating it here lost the rows whenever the hand-off took longer than the wait.)"""
    spec, inner = druid_spec(a)
    kafka_io.say(f"submitting your supervisor for datasource {a.datasource}")
    inner["dataSchema"]["dataSource"] = a.datasource
    inner["ioConfig"]["topic"] = a.topic
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
            if a.datasource in druid_tables()
            else None
        )
        n = (rows or [{}])[0].get("n") or 0
        if total and n >= total:
            return n
        caught_up.append(read_to_end(a.datasource))
        return len(caught_up) >= 4 and all(caught_up[-4:]) and f"{n} (read to the end of the topic)"

    n = druid.wait_until(loaded, a.timeout, every=2)
    kafka_io.say(f"Druid answers {n or 0} events for {a.datasource}")
    state = druid.supervisor_status(a.datasource) or {}
    before = (
        druid.sql_or_none(f'SELECT SUM("count") AS n, COUNT(*) AS r FROM "{a.datasource}"')
        if a.datasource in druid_tables()
        else None
    )
    os.makedirs(os.path.join(a.dir, ".judge"), exist_ok=True)
    with open(os.path.join(a.dir, ".judge", "supervisor.json"), "w") as f:
        json.dump({"state": state, "rows": before}, f)
    return 0


def read_to_end(sid):
    """The supervisor's task is reading and has read to the end of the topic (lag 0): a count that
    is still short then stays short. (Before a task runs, the lag can read 0 too.)"""
    state = druid.supervisor_status(sid) or {}
    reading = any(t.get("currentOffsets") for t in state.get("activeTasks") or [])
    return reading and state.get("aggregateLag") == 0


def druid_tables():
    try:
        return {
            r["TABLE_NAME"]
            for r in druid.sql("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'druid'")
        }
    except druid.DruidError:
        return set()


def grouped(datasource, key_sql, where=""):
    rows = druid.sql(
        f'SELECT {key_sql} AS k, SUM("count") AS n, SUM(rating_sum) AS s FROM "{datasource}" {where} GROUP BY 1'
    )
    return {r["k"]: (r["n"], round(r["s"], 3)) for r in rows}


def expected(records, field):
    return {k: (n, round(s, 3)) for k, (n, s) in ratings.totals_by(records, field).items()}


def diff(got, want, what):
    keys = set(got) | set(want)
    bad = [k for k in sorted(keys, key=str) if got.get(k) != want.get(k)]
    if not bad:
        return None
    k = bad[0]
    g, w = got.get(k), want.get(k)
    show = lambda v: "nothing" if v is None else f"{v[0]} events, rating_sum {v[1]}"  # noqa: E731
    return f"{len(bad)} of {len(keys)} {what} differ; {what[:-1] if what.endswith('s') else what} {k}: {show(g)}, expected {show(w)}"


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
    rows = druid.sql_or_none(f'SELECT COUNT(*) AS r, SUM("count") AS n FROM "{sid}"') if sid in druid_tables() else None
    print(f"  Druid SQL: {rows[0] if rows else 'no data yet'}")
    return 0


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
    if ds not in druid_tables():
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


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------------------------------------
# batch-backfill and the grader's own batch loads
# ---------------------------------------------------------------------------------------------

BOTS = ("u0007", "u0042")
# Fixed days (the values change with the seed): a learner's task names the day it replaces.
BACKFILL_DAY = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)


def backfill_data(seed):
    """Two days as first loaded, and the corrected first day (bots' ratings removed, some fixed)."""
    day1 = ingest_truth(seed, BACKFILL_DAY)
    raw2 = [
        ratings.raw_record(e)
        for e in ratings.valid(ratings.events(seed + 1, 1500, start=BACKFILL_DAY + timedelta(days=1)))
    ]
    day2 = ratings.enriched(seed, raw2)
    fixed = []
    for i, r in enumerate(day1):
        if r["user_id"] in BOTS:
            continue
        r = dict(r)
        if i % 17 == 0:
            r["rating"] = max(0.5, r["rating"] - 0.5)
            r["liked"] = r["rating"] >= 4.0
        fixed.append(r)
    return day1, day2, fixed


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
        if ds not in druid_tables():
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


def day_interval(records):
    day = records[0]["event_time"][:10]
    start = datetime.fromisoformat(day + "T00:00:00+00:00")
    return f"{day}T00:00:00.000Z/{(start + timedelta(days=1)):%Y-%m-%d}T00:00:00.000Z"


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
# spark-enrich
# ---------------------------------------------------------------------------------------------

FIELDS = ("user_id", "movie_id", "title", "genre", "rating", "liked", "country", "event_time")


def time_ms(text):
    try:
        return int(parse_time(str(text)).timestamp() * 1000)
    except ValueError:
        return text


def cmd_verify_enriched(a):
    wave1, wave2 = ratings.raw_waves(a.seed)
    want = {r["event_id"]: r for r in ratings.enriched(a.seed, wave1 + wave2)}
    records = kafka_io.read_all(a.topic)
    if not records:
        return out(False, "your job published nothing to its output topic")
    rows, broken = json_records(records)
    if a.what == "keys":
        wrong = [(r["key"], v.get("movie_id")) for r, v in rows if r["key"] != v.get("movie_id")]
        if broken or not rows:
            return out(False, f"{broken} of {len(records)} values are not JSON objects")
        if wrong:
            return out(
                False,
                f"{len(wrong)} of {len(rows)} records are not keyed by their movie_id, e.g. key {wrong[0][0]!r} "
                f"for movie {wrong[0][1]!r}",
            )
        return out(True, f"{len(rows)} JSON records, each keyed by its movie_id")
    counts = {}
    for _, v in rows:
        counts[v.get("event_id")] = counts.get(v.get("event_id"), 0) + 1
    if a.what == "unique":
        dup = {k for k, c in counts.items() if c > 1}
        if dup:
            return out(
                False,
                f"{len(dup)} events were published more than once (e.g. {some(map(str, dup))}): "
                "drop duplicate event_ids, and resume from the checkpoint rather than from the start",
            )
        missing = set(want) - set(counts)
        if missing:
            return out(False, f"{len(missing)} events are missing after the restart (e.g. {some(missing)})")
        return out(True, f"each of the {len(want)} events once, across a restart from the checkpoint")
    # records: every field equal to what the reference stage gives
    missing = set(want) - set(counts)
    extra = {k for k in counts if k not in want}
    wrong = []
    for _, v in rows:
        w = want.get(v.get("event_id"))
        if not w:
            continue
        for f in FIELDS:
            got, exp = v.get(f), w.get(f)
            if f == "event_time":
                got, exp = time_ms(got), time_ms(exp)
            elif f == "rating" and isinstance(got, (int, float)):
                got = float(got)
            if got != exp:
                wrong.append(f"{v['event_id']}: {f} {v.get(f)!r}, expected {w.get(f)!r}")
                break
    if not (missing or extra or wrong):
        return out(True, f"{len(want)} enriched events equal the reference stage's (title, genre, liked, …)")
    parts = []
    if wrong:
        parts.append(f"{len(wrong)} records differ, e.g. {wrong[0]}")
    if missing:
        parts.append(f"{len(missing)} events missing (e.g. {some(missing)})")
    if extra:
        parts.append(
            f"{len(extra)} records that should have been dropped (e.g. {some(map(str, extra))}: an invalid rating?)"
        )
    return out(False, "; ".join(parts))


def cmd_replay(a):
    """replay-same-totals (a judge container: no learner process, the graded folder read-only): the
    same pipeline again (its Spark stage in plain Python: checkpoints are nothing-left's to judge),
    then verify-replay. A replay that does not run is the reset's doing (a topic still being
    deleted, a supervisor in the way)."""
    import subprocess

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
    if ds not in druid_tables():
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


# ---------------------------------------------------------------------------------------------
# reset-replay: what a reset must leave behind (nothing)
# ---------------------------------------------------------------------------------------------


def cmd_verify_reset(a):
    left, ds = [], a.datasource
    if ds in druid.supervisors():
        state = (druid.supervisor_status(ds) or {}).get("state", "?")
        left.append(f"supervisor {ds} still exists ({state}): suspend it, then terminate it")
    running = [t["id"] for t in druid.tasks("running", ds)]
    if running:
        left.append(f"{len(running)} ingestion task(s) still run for {ds}")
    if ds in druid.datasources():
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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("gen")
    g.add_argument(
        "--seed", type=int, required=True, help="seed (required: de-lab passes the course seed, labs/course.yaml)"
    )
    g.add_argument("--events", type=int, default=1500)
    g.add_argument("--feed", choices=["files", "raw", "enriched", "druid"], default="files")
    g.add_argument("--out", default="fluentd-to-kafka/incoming", help="folder of the log files (files feed)")
    g.add_argument("--rate", type=float, default=0, help="live: events per second, timed now")
    g.add_argument("--summary-json", action="store_true")
    g.set_defaults(run=cmd_gen)

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
    with_seed("lines", cmd_lines, topic)
    with_seed("verify-raw", cmd_verify_raw, (["what"], {"choices": ["ids", "time", "errors"]}), topic)
    ds = (["--datasource"], {"required": True})
    with_seed("druid-feed", cmd_druid_feed, (["--topic"], {"required": True}), ds)
    di = sub.add_parser("druid-ingest")
    di.add_argument("--dir", default=os.getcwd())
    for flags, kw in (
        (["--spec"], {"required": True}),
        (["--topic"], {"required": True}),
        ds,
        (["--timeout"], {"type": int, "default": 150}),
    ):
        di.add_argument(*flags, **kw)
    di.set_defaults(run=cmd_druid_ingest)
    sb = sub.add_parser("submit")
    sb.add_argument("--spec", required=True)
    sb.set_defaults(run=cmd_submit)
    with_seed(
        "verify-druid",
        cmd_verify_druid,
        (["what"], {"choices": ["running", "totals", "hourly", "rollup", "segments"]}),
        ds,
    )
    with_seed("backfill", cmd_backfill, (["--spec"], {"required": True}), ds)
    with_seed("backfill-load", cmd_backfill_load, ds)
    bt = sub.add_parser("backfill-task")
    bt.add_argument("--dir", default=os.getcwd())
    bt.add_argument("--spec", required=True)
    bt.add_argument(*ds[0], **ds[1])
    bt.set_defaults(run=cmd_backfill_task)
    with_seed(
        "verify-backfill", cmd_verify_backfill, (["what"], {"choices": ["task", "replaced", "kept", "rollup"]}), ds
    )
    with_seed("batch-load", cmd_batch_load, ds)
    with_seed(
        "verify-enriched",
        cmd_verify_enriched,
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
        cmd_verify_replay,
        (["--since"], {"required": True, "help": "UTC time the replay began, e.g. 2026-11-26T10:00:00"}),
        *names,
    )
    with_seed("replay", cmd_replay, *names)
    r = sub.add_parser("verify-reset")
    r.add_argument("--dir", default=os.getcwd())
    for flags, kw in names:
        r.add_argument(*flags, **kw)
    r.set_defaults(run=cmd_verify_reset)
    a = p.parse_args()
    global _expect
    _expect = EXPECT.get(
        getattr(a, "what", None)
        or {"verify-reset": "reset", "verify-replay": "replay", "replay": "replay"}.get(a.command, ""),
        "",
    )
    sys.exit(a.run(a))


if __name__ == "__main__":
    main()
