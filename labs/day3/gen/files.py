#!/usr/bin/env python3
"""Grader: the Parquet files a day-3 job wrote into one folder, read from the folder itself (not
from the job's event log, which the job's own driver writes).

    python3 /opt/de-lab/gen/files.py DIR --files 4 --max-skew 1.2

Passes when DIR holds exactly --files data files (part-*), every one readable Parquet with rows,
and the largest file's row count is at most --max-skew times the smallest's. Prints one verdict
line (gen/verdict.py); a missing folder or an unreadable file is "ok": false with the reason.
"""

import argparse
import os
import sys

import pyarrow.parquet as pq

from verdict import say


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--files", type=int, required=True)
    parser.add_argument("--max-skew", type=float, required=True)
    args = parser.parse_args()
    name = os.path.basename(os.path.normpath(args.dir))
    expected = f"{args.files} Parquet files in {name}, rows per file within ×{args.max_skew} of each other"
    if not os.path.isdir(args.dir) or os.path.islink(args.dir):
        say(False, expected, f"the job wrote no {name} folder")
        return 0
    entries = sorted(os.listdir(args.dir))
    data = [e for e in entries if not e.startswith((".", "_"))]
    rows = []
    for entry in data:
        path = os.path.join(args.dir, entry)
        if not entry.startswith("part-") or os.path.islink(path) or not os.path.isfile(path):
            say(False, expected, f"{name} holds {entry}, which is not a part file Spark wrote")
            return 0
        try:
            rows.append(pq.ParquetFile(path).metadata.num_rows)
        except Exception as error:  # any unreadable file is the job's, not the grader's
            say(False, expected, f"{entry} is not readable Parquet: {error}")
            return 0
    if not rows:
        say(False, expected, f"{name} holds no data files")
        return 0
    low, high = min(rows), max(rows)
    ratio = round(high / low, 2) if low > 0 else float("inf")
    found = f"{len(rows)} files of {low:,} to {high:,} rows" + (f" (×{ratio})" if low > 0 else " (an empty file)")
    say(len(rows) == args.files and low > 0 and ratio <= args.max_skew, expected, found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
