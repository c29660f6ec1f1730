#!/usr/bin/env python3
"""Day 4 helper: read what a Spark file sink has committed - nothing more, nothing less.

    filesink.py collect --sink DIR --out FILE       committed JSON rows, canonical and sorted
    filesink.py wait --sink DIR [--rows N] [--batches N] [--timeout S]
    filesink.py stats --file FILE [--unique FIELD] [--sum FIELD]   "rows=N unique_FIELD=M sum_FIELD=S"
    filesink.py checkpoint --sink DIR --checkpoint DIR [--field F]
        the sink holds committed rows (with field F), written by the query whose checkpoint is
        DIR: the checkpoint's last committed batch is the sink's last batch (a query that kept
        its checkpoint elsewhere, or files written without a streaming query, leave none there)

A streaming file sink writes part files first and then records them in DIR/_spark_metadata/
(one log file per batch, compacted every 10 batches). A reader that lists the folder can see
part files of a batch that was interrupted and will be written again; a reader that follows the
log sees each committed batch exactly once. That is what `spark.read.json(DIR)` does, and what
`collect` does without starting Spark.
"""

import argparse
import json
import os
import re
import sys
import time
from urllib.parse import unquote, urlparse

LOG_NAME = re.compile(r"^(\d+)(\.compact)?$")


def committed_files(sink):
    """Paths of the part files in the sink's metadata log, in batch order."""
    log_dir = os.path.join(sink, "_spark_metadata")
    if not os.path.isdir(log_dir):
        return None, -1
    batches = {}
    for name in os.listdir(log_dir):
        match = LOG_NAME.match(name)
        if match:
            batches[int(match.group(1))] = name
    if not batches:
        return [], -1
    compacted = [b for b, name in batches.items() if name.endswith(".compact")]
    first = max(compacted) if compacted else min(batches)
    files = {}
    for batch in sorted(b for b in batches if b >= first):
        with open(os.path.join(log_dir, batches[batch]), encoding="utf-8") as log:
            lines = log.read().splitlines()
        if not lines or not lines[0].startswith("v"):
            sys.exit(f"filesink.py: {batches[batch]} in {log_dir} is not a sink log file")
        for line in lines[1:]:
            if not line.strip():
                continue
            entry = json.loads(line)
            path = unquote(urlparse(entry["path"]).path)
            if entry.get("action", "add") == "delete":
                files.pop(path, None)
            else:
                files[path] = batch
    return list(files), max(batches)


def rows_of(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as part:
            for line in part:
                if line.strip():
                    rows.append(json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False, separators=(",", ":")))
    return rows


def collect(args):
    paths, last = committed_files(args.sink)
    if paths is None:
        sys.exit(
            f"filesink.py: {args.sink} has no _spark_metadata: not the output of a streaming file sink (or nothing was committed yet)"
        )
    rows = sorted(rows_of(paths))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.writelines(row + "\n" for row in rows)
    print(f"filesink.py: {len(rows)} rows from {len(paths)} files of batches 0..{last} -> {args.out}", file=sys.stderr)


def wait(args):
    deadline = time.monotonic() + args.timeout
    while True:
        paths, last = committed_files(args.sink)
        batches = last + 1
        rows = len(rows_of(paths)) if paths else 0
        if batches >= args.batches and rows >= args.rows and (not args.fed or os.path.exists(args.fed)):
            print(f"filesink.py: {rows} rows in {batches} batches", file=sys.stderr)
            return
        if time.monotonic() > deadline:
            fed = (
                ""
                if not args.fed
                else (", the graders' feed done" if os.path.exists(args.fed) else ", the graders' feed not done yet")
            )
            sys.exit(
                f"filesink.py: timed out after {args.timeout} s: {rows} rows in {batches} batches{fed} (waiting for {args.rows} rows, {args.batches} batches)"
            )
        time.sleep(0.25)


def stats(args):
    with open(args.file, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    text = f"rows={len(rows)}"
    notes = []
    for field in args.unique:
        seen = {}
        for row in rows:
            value = json.dumps(row.get(field), sort_keys=True)
            seen[value] = seen.get(value, 0) + 1
        text += f" unique_{field}={len(seen)}"
        repeated = sorted(v for v, n in seen.items() if n > 1)
        if repeated:
            notes.append(f"{field} {repeated[0]} appears {seen[repeated[0]]} times")
    for field in args.sum:
        total = sum(r.get(field) or 0 for r in rows)
        text += f" sum_{field}={total}"
    # An example of what is wrong, after the numbers (the reference's line has none).
    print(text + (f" (e.g. {notes[0]})" if notes else ""))


def last_id(folder):
    """Largest batch id among the files of a checkpoint log folder (offsets/, commits/), or -1."""
    if not os.path.isdir(folder):
        return -1
    ids = [int(name) for name in os.listdir(folder) if name.isdigit()]
    return max(ids, default=-1)


def checkpoint(args, quiet=False):
    paths, sink_last = committed_files(args.sink)
    sink = os.path.basename(os.path.normpath(args.sink))
    if paths is None:
        sys.exit(f"filesink.py: {sink}/ has no _spark_metadata: no streaming file sink committed anything there")
    rows = [json.loads(row) for row in rows_of(paths)]
    if not rows:
        sys.exit(f"filesink.py: {sink}/ committed no rows (batches 0..{sink_last})")
    if args.field and not any(args.field in row for row in rows):
        example = f"; first row: {json.dumps(rows[0], sort_keys=True)[:200]}" if rows else ""
        sys.exit(f"filesink.py: {sink}/ committed {len(rows)} rows, none with a field {args.field}{example}")
    commits = last_id(os.path.join(args.checkpoint, "commits"))
    offsets = last_id(os.path.join(args.checkpoint, "offsets"))
    where = os.path.basename(os.path.normpath(args.checkpoint))
    if commits < 0:
        sys.exit(
            f"filesink.py: {where}/commits holds no committed batch: the query kept its checkpoint somewhere else (the sink committed batches 0..{sink_last})"
        )
    if sink_last != commits:
        sys.exit(
            f"filesink.py: {where}/ committed batches 0..{commits}, but the sink committed batches 0..{sink_last}: the sink was written by a query with another checkpoint"
        )
    found = f"{sink}/ committed {len(rows)} rows in batches 0..{sink_last}; {where}/ committed the same batches (offsets planned up to {offsets}): one query, one checkpoint"
    if not quiet:
        print(found)
    return found


def checkpoint_verdict(args):
    """checkpoint() as a grader check's verdict: whatever the learner's output is (missing, empty,
    malformed), a verdict with the reason; only a grader crash before it gives none."""
    from verdict import verdict

    expected = (
        (
            f"the file sink committed rows with a field {args.field}, in the batches that the query's "
            f"checkpoint/ committed"
        )
        if args.field
        else "the file sink's batches are the ones the query's checkpoint/ committed"
    )
    try:
        found = checkpoint(args, quiet=True)
    except SystemExit as e:
        verdict(False, expected, str(e.code).replace("filesink.py: ", "", 1))
        return
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:  # the learner's files, unreadable
        verdict(False, expected, f"the sink or checkpoint could not be read: {type(e).__name__}: {e}")
        return
    verdict(True, expected, found)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--sink", required=True)
    c.add_argument("--out", required=True)
    w = sub.add_parser("wait")
    w.add_argument("--sink", required=True)
    w.add_argument("--rows", type=int, default=0)
    w.add_argument("--batches", type=int, default=1)
    w.add_argument("--timeout", type=float, default=120)
    w.add_argument("--fed", help="also wait until this file exists (drive.py's feed marker: every wave sent)")
    s = sub.add_parser("stats")
    s.add_argument("--file", required=True)
    s.add_argument("--unique", action="append", default=[])
    s.add_argument("--sum", action="append", default=[])
    k = sub.add_parser("checkpoint")
    k.add_argument("--sink", required=True)
    k.add_argument("--checkpoint", required=True)
    k.add_argument("--field", help="at least one committed row must have this field")
    k.add_argument(
        "--verdict", action="store_true", help="print a grader check's verdict line (DE_LAB_VERDICT_NONCE) instead"
    )
    args = p.parse_args()
    if args.action == "checkpoint" and args.verdict:
        checkpoint_verdict(args)
        return
    {"collect": collect, "wait": wait, "stats": stats, "checkpoint": checkpoint}[args.action](args)


if __name__ == "__main__":
    main()
