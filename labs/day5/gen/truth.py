"""Day 5: the names and the seeded truth that the generator, the grader's feeds and the graders share."""

import json
import os
from datetime import datetime, timedelta, timezone

import ratings

RAW, ENRICHED, DATASOURCE = "ratings-raw", "ratings-enriched", "ratings"
REFERENCE = "/opt/de-lab/reference"


def reference_supervisor(topic=ENRICHED, datasource=DATASOURCE):
    path = os.path.join(REFERENCE, "druid-ingestion", "supervisor.json")
    with open(path) as f:
        spec = json.load(f)
    spec["spec"]["dataSchema"]["dataSource"] = datasource
    spec["spec"]["ioConfig"]["topic"] = topic
    return spec


def ms(event):
    return int(event["time"].timestamp() * 1000)


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def load_spec(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise SystemExit(f"{os.path.basename(path)} does not exist") from None
    except ValueError as error:
        raise SystemExit(f"{os.path.basename(path)} is not valid JSON: {error}") from error


def truth_events(seed):
    return ratings.events(seed, 1200)


def ingest_truth(seed, start=None):
    evs = ratings.events(seed, 1500, start=start)
    return ratings.enriched(seed, [ratings.raw_record(e) for e in ratings.valid(evs)])


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
