#!/usr/bin/env python3
"""Day 4 event generator: ad impressions and clicks, seeded and replayable.

    events.py [options]          produce one wave of events to a Kafka topic (or print them)
    events.py users [options]    write the users dimension as CSV
    events.py plan [options]     what a graded run sends under a seed (gen/drive.py): per wave the
                                 amounts and the counts that the expected outputs depend on (JSON)

Same seed, wave and options -> byte-identical records, in the same order. Event time lives in
the JSON value (ISO-8601 UTC and epoch ms); the Kafka record timestamp is the time of sending,
because the broker deletes old segments by record timestamp (7 days here) and the default event
times are in the past.

Waves: wave K covers event times [start + (K-1)*wave_minutes, start + K*wave_minutes). Running
a streaming query once per wave (trigger availableNow) makes micro-batch boundaries - and so
watermarks - the same on every run. Late events (--late-share, waves 2 and later) carry event
times more than --late-minutes before their wave's start, older than the watermark the previous
wave left behind (whenever the query's delay is shorter than --late-minutes).

Run it in the spark container (confluent-kafka is installed there), e.g.
    python3 /opt/de-lab/gen/events.py --seed 7 --wave 1 --topic events
    python3 /opt/de-lab/gen/events.py --seed 7 --wave 2 --late-share 0.1 --out -
    python3 /opt/de-lab/gen/events.py users --seed 7 --out users.csv
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timezone

sys.path.insert(0, "/opt/de-lab/shared")  # labs/shared/gen (see labs/README.md)
DEFAULT_START = "2025-03-01T09:00:00Z"
PAGES = ["/home", "/news", "/sports", "/shop", "/travel", "/video"]
DEVICES = ["android", "ios", "web"]
COUNTRIES = ["KR", "KR", "KR", "JP", "US", "DE", "VN"]
TIERS = ["free", "free", "plus", "pro"]


def iso(ms):
    """Epoch milliseconds -> 2025-03-01T09:00:00.000Z (always milliseconds, always Z)."""
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso(text):
    text = text.strip().replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)


def user_ids(n):
    return [f"u{i:03d}" for i in range(1, n + 1)]


def ad_ids(n):
    return [f"ad-{i:02d}" for i in range(1, n + 1)]


def user_weights(n):
    # A few heavy users, a long tail (1/rank): keys are not uniform, as in real traffic.
    return [1.0 / rank for rank in range(1, n + 1)]


def timeline(rng, prefix, count, lo_ms, hi_ms, args, counter):
    """`count` events with event times in [lo_ms, hi_ms): impressions, some followed by a click."""
    users, ads, weights = user_ids(args.users), ad_ids(args.ads), user_weights(args.users)
    events = []
    while len(events) < count:
        t = lo_ms + rng.randrange(hi_ms - lo_ms)
        counter[0] += 1
        imp_id = f"{prefix}-{counter[0]:06d}"
        user = rng.choices(users, weights)[0]
        ad = rng.choice(ads)
        page = rng.choice(PAGES)
        device = rng.choice(DEVICES)
        events.append(event(imp_id, "impression", user, ad, imp_id, page, device, 500 + rng.randrange(2500), t))
        # Most clicks come within 10 minutes; one in five comes 16-30 minutes later (too late
        # to be attributed within 15 minutes). A click past the range's end is not generated,
        # so no wave reaches into the next wave's event times.
        if rng.random() < args.ctr and len(events) < count:
            delay = rng.randrange(2_000, 600_000) if rng.random() < 0.8 else rng.randrange(960_000, 1_800_000)
            if t + delay < hi_ms:
                counter[0] += 1
                click_id = f"{prefix}-{counter[0]:06d}"
                events.append(
                    event(click_id, "click", user, ad, imp_id, page, device, 20_000 + rng.randrange(80_000), t + delay)
                )
    return events


def event(event_id, kind, user, ad, impression_id, page, device, cost, ms):
    return {
        "event_id": event_id,
        "event_type": kind,
        "user_id": user,
        "ad_id": ad,
        "impression_id": impression_id,
        "page": page,
        "device": device,
        "cost_micros": cost,
        "event_time": iso(ms),
        "event_ts_ms": ms,
    }


def malformed(rng, ev):
    """A record a parser must reject: broken JSON, or JSON without a usable event time."""
    kind = rng.randrange(3)
    if kind == 0:
        text = json.dumps(ev, separators=(",", ":"))
        return text[: 20 + rng.randrange(len(text) - 40)]
    if kind == 1:
        bad = dict(ev)
        bad["event_time"] = "yesterday"
        bad.pop("event_ts_ms")
        return json.dumps(bad, separators=(",", ":"))
    return f"{ev['event_type']} {ev['user_id']} {ev['ad_id']} {ev['event_time']}"


def wave_records(args):
    """[(key, value_text)] of one wave, in the order they are sent."""
    rng = random.Random(f"de-lab-day4/{args.seed}/wave-{args.wave}")
    span = args.wave_minutes * 60_000
    start = parse_iso(args.start) + (args.wave - 1) * span
    prefix = f"w{args.wave}"
    late = round(args.events * args.late_share) if args.wave >= 2 else 0
    counter = [0]
    on_time = timeline(rng, prefix, args.events - late, start, start + span, args, counter)
    late_hi = start - args.late_minutes * 60_000
    late_events = timeline(rng, prefix, late, late_hi - span // 2, late_hi, args, counter) if late else []
    # Arrival order: on-time events by event time, a few of them delayed (out of order, but by
    # less than --disorder-minutes); late events arrive anywhere in the wave.
    ordered = []
    for seq, ev in enumerate(sorted(on_time, key=lambda e: (e["event_ts_ms"], e["event_id"]))):
        delay = rng.randrange(1, args.disorder_minutes * 60_000) if rng.random() < args.disorder_share else 0
        ordered.append((ev["event_ts_ms"] + delay, seq, ev))
    for seq, ev in enumerate(late_events, start=len(ordered)):
        ordered.append((start + rng.randrange(span), seq, ev))
    ordered.sort(key=lambda item: (item[0], item[1]))
    events = [ev for _, _, ev in ordered]
    bad = set(rng.sample(range(len(events)), round(len(events) * args.bad_share))) if args.bad_share > 0 else set()
    records = []
    for index, ev in enumerate(events):
        value = malformed(rng, ev) if index in bad else json.dumps(ev, separators=(",", ":"))
        records.append((ev["user_id"], value))
    stats = {"events": len(events), "late": len(late_events), "malformed": len(bad)}
    return records, stats


def graded_amounts(seed, wave, events, late_share, bad_share, disorder_share, fixed=False):
    """How much a graded wave holds under `seed` (gen/drive.py): 0.7-1.3x `events` and 0.5-1.5x
    each share, drawn from the seed and the wave, so that the expected counts change with the seed
    as well as the records. `fixed` gives the amounts as they are asked for."""
    if fixed:
        return {"events": events, "late_share": late_share, "bad_share": bad_share, "disorder_share": disorder_share}
    rng = random.Random(f"de-lab-day4/{seed}/plan/wave-{wave}")

    def vary(value):
        return min(1.0, round(value * rng.uniform(0.5, 1.5), 4))

    return {
        "events": max(1, round(events * rng.uniform(0.7, 1.3))),
        "late_share": vary(late_share),
        "bad_share": vary(bad_share),
        "disorder_share": vary(disorder_share),
    }


def graded_users(seed, fixed=False):
    """The users table of a graded run under `seed`: 2-5 users without a row, 10-30 % with an older row."""
    if fixed:
        return {"missing": 3, "duplicate_share": 0.2}
    rng = random.Random(f"de-lab-day4/{seed}/plan/users")
    return {"missing": rng.randint(2, 5), "duplicate_share": round(rng.uniform(0.1, 0.3), 4)}


def live_records(args):
    """Endless events stamped with the current time when sent (for latency measurements)."""
    rng = random.Random(f"de-lab-day4/{args.seed}/live")
    users, ads, weights = user_ids(args.users), ad_ids(args.ads), user_weights(args.users)
    for n in range(1, args.events + 1):
        ms = int(time.time() * 1000)
        ev = event(
            f"live-{n:06d}",
            "click" if rng.random() < 0.5 else "impression",
            rng.choices(users, weights)[0],
            rng.choice(ads),
            f"live-{n:06d}",
            rng.choice(PAGES),
            rng.choice(DEVICES),
            1000,
            ms,
        )
        yield ev["user_id"], json.dumps(ev, separators=(",", ":"))


def paced(records, rate):
    if rate <= 0:
        yield from records
        return
    began = time.monotonic()
    for n, record in enumerate(records):
        wait = began + n / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield record


def produce(records, args):
    """Sends (key, value) records to args.topic and waits until each is acknowledged (kafka_io, the
    Kafka helper days 4 and 5 share: labs/shared/gen, mounted at /opt/de-lab/shared)."""
    import kafka_io  # here, not above: `events.py plan` runs where confluent_kafka is not

    # A generator, not a list: live records (paced) are sent as they come.
    return kafka_io.produce(args.topic, ((key, value, None) for key, value in records), bootstrap=args.bootstrap)


def write(records, out):
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="\n")
    try:
        for _key, value in records:
            stream.write(value + "\n")
        stream.flush()
    finally:
        if stream is not sys.stdout:
            stream.close()


def users_csv(args):
    """user_id,country,tier,updated_at: some users twice (an older row and the current one),
    the last --missing users not at all (their events find no match)."""
    rng = random.Random(f"de-lab-day4/{args.seed}/users")
    base = parse_iso(args.start)
    rows = []
    for user in user_ids(args.users)[: args.users - args.missing]:
        updated = base - rng.randrange(30, 400) * 86_400_000
        current = (user, rng.choice(COUNTRIES), rng.choice(TIERS), updated)
        rows.append(current)
        if rng.random() < args.duplicate_share:
            rows.append((user, rng.choice(COUNTRIES), "free", updated - rng.randrange(1, 300) * 86_400_000))
    rng.shuffle(rows)
    lines = ["user_id,country,tier,updated_at"] + [f"{u},{c},{t},{iso(ms)}" for u, c, t, ms in rows]
    text = "\n".join(lines) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"users.csv: {len(rows)} rows for {args.users - args.missing} users -> {args.out}", file=sys.stderr)


def plan_summary(args):
    """Per wave of a graded run: the seeded amounts, and counts the expected outputs depend on.
    One JSON line per --seed."""
    for seed in args.seed:
        print(json.dumps(seed_plan(argparse.Namespace(**{**vars(args), "seed": seed}))))


def seed_plan(args):
    waves = []
    users = graded_users(args.seed, fixed=args.fixed)
    unknown = set(user_ids(40)[40 - users["missing"] :])
    for wave in [int(w) for w in args.waves.split(",") if w.strip()]:
        amounts = graded_amounts(
            args.seed, wave, args.events, args.late_share, args.bad_share, args.disorder_share, fixed=args.fixed
        )
        ns = argparse.Namespace(
            seed=args.seed,
            wave=wave,
            wave_minutes=30,
            start=DEFAULT_START,
            late_minutes=20,
            disorder_minutes=5,
            ctr=0.25,
            users=40,
            ads=8,
            **amounts,
        )
        records, stats = wave_records(ns)
        valid = []
        for _key, value in records:
            try:
                ev = json.loads(value)
                parse_iso(ev["event_time"])
            except (ValueError, KeyError, TypeError):
                continue
            valid.append(ev)
        by_id = {ev["event_id"]: ev for ev in valid}
        clicks = [ev for ev in valid if ev["event_type"] == "click" and ev["impression_id"] in by_id]
        within = [c for c in clicks if 0 <= c["event_ts_ms"] - by_id[c["impression_id"]]["event_ts_ms"] <= 15 * 60_000]
        waves.append(
            {
                "wave": wave,
                **amounts,
                "records": len(records),
                "valid": len(valid),
                "malformed": stats["malformed"],
                "late": stats["late"],
                "clicks_within_15_minutes": len(within),
                "events_of_users_without_row": sum(1 for ev in valid if ev["user_id"] in unknown),
            }
        )
    return {"seed": args.seed, "users": users, "waves": waves}


def share(text):
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("give a share between 0 and 1")
    return value


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["users"]:
        p = argparse.ArgumentParser(prog="events.py users", description="Write the users dimension (CSV).")
        p.add_argument(
            "--seed", type=int, required=True, help="seed (required: de-lab passes the course seed, labs/course.yaml)"
        )
        p.add_argument("--users", type=int, default=40, help="users in the event stream (default 40)")
        p.add_argument("--missing", type=int, default=3, help="the last N users get no row (default 3)")
        p.add_argument(
            "--duplicate-share", type=share, default=0.2, help="users with an extra, older row (default 0.2)"
        )
        p.add_argument("--start", default=DEFAULT_START)
        p.add_argument("--out", default="-", help="file to write, - for stdout (default)")
        users_csv(p.parse_args(argv[1:]))
        return
    if argv[:1] == ["plan"]:
        p = argparse.ArgumentParser(
            prog="events.py plan",
            description="What a graded run (gen/drive.py) sends under a seed, as JSON (one line per --seed).",
        )
        p.add_argument("--seed", type=int, action="append", required=True, help="seed, repeatable")
        p.add_argument("--waves", default="1")
        p.add_argument("--events", type=int, default=200)
        p.add_argument("--late-share", type=share, default=0.0)
        p.add_argument("--bad-share", type=share, default=0.0)
        p.add_argument("--disorder-share", type=share, default=0.0)
        p.add_argument("--fixed", action="store_true", help="no variation by seed (drive.py --fixed)")
        plan_summary(p.parse_args(argv[1:]))
        return
    p = argparse.ArgumentParser(
        prog="events.py", description="Produce (or print) one wave of ad impression/click events."
    )
    p.add_argument(
        "--seed", type=int, required=True, help="seed (required: de-lab passes the course seed, labs/course.yaml)"
    )
    p.add_argument("--events", type=int, default=1000, help="events in this wave (default 1000)")
    p.add_argument(
        "--wave", type=int, default=1, help="which wave: K covers event times [start+(K-1)*M, start+K*M) (default 1)"
    )
    p.add_argument("--wave-minutes", type=int, default=30, help="event-time span M of a wave, minutes (default 30)")
    p.add_argument(
        "--start", default=DEFAULT_START, help=f"event time where wave 1 starts, ISO-8601 (default {DEFAULT_START})"
    )
    p.add_argument(
        "--late-share",
        type=share,
        default=0.0,
        help="share of events (waves >= 2) older than the wave start by more than --late-minutes",
    )
    p.add_argument("--late-minutes", type=int, default=20, help="how late late events are, at least (default 20)")
    p.add_argument("--disorder-share", type=share, default=0.0, help="share of on-time events sent out of order")
    p.add_argument(
        "--disorder-minutes", type=int, default=5, help="out-of-order events arrive at most this much later (default 5)"
    )
    p.add_argument(
        "--bad-share", type=share, default=0.0, help="share of records that are malformed (not JSON, or no event time)"
    )
    p.add_argument("--ctr", type=share, default=0.25, help="share of impressions followed by a click (default 0.25)")
    p.add_argument("--users", type=int, default=40)
    p.add_argument("--ads", type=int, default=8)
    p.add_argument("--topic", help="Kafka topic to produce to (must exist; see topics.py)")
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"))
    p.add_argument("--out", help="write JSON lines (the record values) to this file instead; - for stdout")
    p.add_argument("--rate", type=float, default=0, help="events per second (default 0: as fast as possible)")
    p.add_argument(
        "--live", action="store_true", help="stamp events with the current time instead (latency tests); ignores waves"
    )
    p.add_argument(
        "--summary-json",
        action="store_true",
        help="also print one JSON line with what was produced on stdout (de-lab gen --json)",
    )
    args = p.parse_args(argv)
    if (args.topic is None) == (args.out is None):
        p.error("give exactly one of --topic or --out")
    if args.wave < 1 or args.events < 0 or args.wave_minutes < 1:
        p.error("--wave and --wave-minutes must be >= 1, --events >= 0")
    if args.live:
        records, stats = live_records(args), {"events": args.events, "late": 0, "malformed": 0}
    else:
        records, stats = wave_records(args)
    records = paced(records, args.rate)
    if args.out is not None:
        write(records, args.out)
        where = "stdout" if args.out == "-" else args.out
    else:
        produce(records, args)
        where = f"topic {args.topic}"
    print(
        f"events.py: seed {args.seed} wave {args.wave}: {stats['events']} events ({stats['late']} late, {stats['malformed']} malformed) -> {where}",
        file=sys.stderr,
    )
    if args.summary_json and args.out != "-":
        print(
            json.dumps(
                {
                    "seed": args.seed,
                    "wave": None if args.live else args.wave,
                    "topic": args.topic,
                    "out": args.out,
                    **stats,
                }
            )
        )


if __name__ == "__main__":
    main()
