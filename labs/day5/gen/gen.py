"""Day 5 generator (`de-lab gen day5 -- ...`, day5.py gen): movies.csv, then rating log lines for
Fluentd to tail, or what a reference stage publishes (raw, enriched, or enriched with the reference
supervisor loading it into Druid), as a fixed historical set or live (--rate)."""

import os
import time
from datetime import datetime, timezone

import druid
import kafka_io
import ratings
from truth import DATASOURCE, ENRICHED, RAW, ms, reference_supervisor


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
