"""Day 5 data: seeded movie ratings, and what each reference stage of the pipeline makes of them.

One seed gives the same movies table and the same rating events every time. Every stage of the
reference pipeline is also written here in plain Python (raw_record: what Fluentd publishes,
enriched: what the Spark job publishes, rollup_rows: what Druid stores), so the graders know the
exact expected result of a stage without trusting any run, and a learner who is stuck can feed the
next stage with what the reference would have sent it (`de-lab gen day5 -- --feed ...`).
"""

import json
import random
from datetime import datetime, timedelta, timezone

GENRES = ["Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi", "Animation", "Documentary"]
COUNTRIES = ["KR", "KR", "KR", "JP", "US", "US", "DE", "BR", "IN"]
WORDS = [
    "Silent",
    "River",
    "Neon",
    "Last",
    "Paper",
    "Winter",
    "Golden",
    "Hidden",
    "Broken",
    "Seoul",
    "Harbor",
    "Night",
    "Glass",
    "Summer",
    "Iron",
    "Little",
    "Blue",
    "Echo",
    "Wild",
    "Moon",
]
KST = timezone(timedelta(hours=9))
UNKNOWN = "unknown"


def movies(seed):
    """40 movies: movie_id, title, genres (pipe-separated, the first is the main one), year."""
    rng = random.Random(f"movies-{seed}")
    rows = []
    for n in range(1, 41):
        main = rng.choice(GENRES)
        more = rng.sample([g for g in GENRES if g != main], rng.choice([0, 1, 1, 2]))
        rows.append(
            {
                "movie_id": f"m{n:03d}",
                "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
                "genres": "|".join([main] + more),
                "year": rng.randint(1975, 2025),
            }
        )
    return rows


def movies_csv(seed):
    lines = ["movie_id,title,genres,year"]
    lines += [f"{m['movie_id']},{m['title']},{m['genres']},{m['year']}" for m in movies(seed)]
    return "\n".join(lines) + "\n"


def batch_start(seed):
    """Batch mode's first event: 09:00 UTC on a day of November 2026 that depends on the seed."""
    return datetime(2026, 11, 2, 9, tzinfo=timezone.utc) + timedelta(days=seed % 14)


def iso_utc(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def amounts(seed, events):
    """The seed moves the amounts too, so a count copied from another seed's run is wrong."""
    rng = random.Random(f"amounts-{seed}")
    return {
        "events": events + rng.randint(0, events // 5),
        "malformed": 0.015 + rng.random() * 0.02,
        "unknown_movie": 0.02 + rng.random() * 0.03,
        "hours": 3,
    }


def events(seed, count=1500, start=None, hours=None, wave=1):
    """Rating events in event-time order (wave 2 follows wave 1), with their raw log lines.

    Returns a list of dicts: event fields plus `time` (datetime, UTC) and `line` (what the app
    writes to its log: JSON with a local time and offset) or `malformed` (a line that is not JSON).
    """
    plan = amounts(seed + 7919 * (wave - 1), count)
    hours = plan["hours"] if hours is None else hours
    start = batch_start(seed) if start is None else start
    begin = start + timedelta(hours=hours) * (wave - 1)
    rng = random.Random(f"events-{seed}-{wave}")
    ids = [m["movie_id"] for m in movies(seed)]
    users = [f"u{n:04d}" for n in range(1, 151)]
    user_country = {u: random.Random(f"{seed}-{u}").choice(COUNTRIES) for u in users}
    n = plan["events"]
    step = hours * 3600 / n
    out = []
    for i in range(n):
        t = begin + timedelta(seconds=i * step + rng.random() * step)
        t = t.replace(microsecond=(t.microsecond // 1000) * 1000)
        user = rng.choice(users)
        movie = rng.choice(ids) if rng.random() > plan["unknown_movie"] else f"m9{rng.randint(10, 99)}"
        rating = rng.randint(1, 10) / 2
        event = {
            "event_id": f"{seed % 10000:04d}-{wave}-{i:05d}-{rng.randrange(16**4):04x}",
            "user_id": user,
            "movie_id": movie,
            "rating": rating,
            "country": user_country[user],
            "time": t,
        }
        if rng.random() < plan["malformed"]:
            event["malformed"] = malformed_line(event, rng)
        else:
            event["line"] = raw_line(event)
        out.append(event)
    return out


def malformed_line(event, rng):
    """A line no JSON parser accepts, lenient or not: a plain-text log line, or JSON with a syntax error."""
    if rng.random() < 0.5:
        local = event["time"].astimezone(KST)
        return f"{local:%Y-%m-%d %H:%M:%S} WARN ratings-api: upstream timeout after {rng.randint(1000, 9000)} ms (user {event['user_id']})"
    whole = raw_line(event)
    return whole.replace('"rating":', '"rating" ', 1)


def raw_line(event):
    """The app's log line: JSON, time in Korea's local time with its offset."""
    local = event["time"].astimezone(KST)
    stamp = local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}+09:00"
    return json.dumps(
        {
            "ts": stamp,
            "event_id": event["event_id"],
            "user_id": event["user_id"],
            "movie_id": event["movie_id"],
            "rating": event["rating"],
            "country": event["country"],
        },
        separators=(",", ":"),
    )


def valid(evs):
    return [e for e in evs if "line" in e]


def raw_record(event):
    """What the reference Fluentd publishes to ratings-raw (the value; the key is the user)."""
    return {
        "event_id": event["event_id"],
        "user_id": event["user_id"],
        "movie_id": event["movie_id"],
        "rating": event["rating"],
        "country": event["country"],
        "event_time": iso_utc(event["time"]),
    }


def enriched(seed, records):
    """What the reference Spark job publishes to ratings-enriched (key: movie_id), deduplicated by event_id."""
    by_id = {m["movie_id"]: m for m in movies(seed)}
    seen, out = set(), []
    for r in records:
        if r["event_id"] in seen or not (0.5 <= r["rating"] <= 5.0):
            continue
        seen.add(r["event_id"])
        movie = by_id.get(r["movie_id"])
        out.append(
            {
                "event_id": r["event_id"],
                "user_id": r["user_id"],
                "movie_id": r["movie_id"],
                "title": movie["title"] if movie else None,
                "genre": movie["genres"].split("|")[0] if movie else UNKNOWN,
                "rating": float(r["rating"]),
                "liked": r["rating"] >= 4.0,
                "country": r["country"],
                "event_time": r["event_time"],
            }
        )
    return out


def hour_of(iso):
    return iso[:13] + ":00:00.000Z"


def rollup_rows(records):
    """Druid's rows with rollup by hour on genre, country and liked: key -> (count, rating_sum)."""
    rows = {}
    for r in records:
        key = (hour_of(r["event_time"]), r["genre"], r["country"], "true" if r["liked"] else "false")
        count, total = rows.get(key, (0, 0.0))
        rows[key] = (count + 1, total + r["rating"])
    return rows


def totals_by(records, field):
    out = {}
    for r in records:
        key = r[field] if field != "hour" else hour_of(r["event_time"])
        count, total = out.get(key, (0, 0.0))
        out[key] = (count + 1, total + r["rating"])
    return out


def raw_waves(seed):
    """What Fluentd would publish: wave 1, then wave 2 with the end of wave 1 sent again (a retry)."""
    one = [raw_record(e) for e in valid(events(seed, 700))]
    two = [raw_record(e) for e in valid(events(seed, 700, wave=2))]
    bad = [dict(one[i], event_id=f"bad-{i}", rating=r) for i, r in ((5, 0.0), (50, 7.5), (200, -1.0), (400, 12.0))]
    wave1 = []
    for i, r in enumerate(one):
        wave1.append(r)
        if i % 23 == 0:
            wave1.append(r)  # sent twice
    wave1[100:100] = bad
    wave2 = one[-25:] + two
    return wave1, wave2
