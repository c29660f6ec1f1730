"""Day 5 graders that read Kafka topics (verify-raw, verify-enriched), and what every day-5 grader
shares: the verdict line (gen/verdict.py) with the check's expectation, and Druid totals compared
with the records'. Each prints one DE-LAB-VERDICT line."""

import glob
import json
import os

import druid
import kafka_io
import ratings
from truth import ms, parse_time, truth_events
from verdict import verdict


# What each verify command expects, for the verdict line (see gen/verdict.py).
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


def expect(command, what=None):
    """Sets the expectation the verdict line states, from the command and its check (`what`)."""
    global _expect
    _expect = EXPECT.get(
        what or {"verify-reset": "reset", "verify-replay": "replay", "replay": "replay"}.get(command, ""), ""
    )


def out(ok, text):
    """The check's verdict: one DE-LAB-VERDICT line (learner text only inside its JSON strings)."""
    return verdict(ok, _expect, text)


def some(items, n=3):
    items = sorted(items)
    return ", ".join(map(str, items[:n])) + (f" … ({len(items)} in all)" if len(items) > n else "")


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


# ---------------------------------------------------------------------------------------------
# fluentd-to-kafka
# ---------------------------------------------------------------------------------------------


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
