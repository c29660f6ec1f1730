#!/usr/bin/env python3
"""Holds HOG_MIB mebibytes of memory, 16 MiB at a time, then exits 0.

Every byte is written (not just reserved), so the memory really counts against the container.
Watch it with `docker stats` while it runs; HOLD_SECONDS (default 0) keeps it alive at the end.
"""
import os
import sys
import time

CHUNK_MIB = 16


def main() -> int:
    try:
        target = int(os.environ.get("HOG_MIB", "64"))
    except ValueError:
        print(f"hog: HOG_MIB must be a whole number, not {os.environ['HOG_MIB']!r}", file=sys.stderr)
        return 2
    held = []
    while len(held) * CHUNK_MIB < target:
        step = min(CHUNK_MIB, target - len(held) * CHUNK_MIB)
        held.append(b"\x01" * (step << 20))  # a filled bytes object: resident, not lazily mapped
        print(f"hog: holding {min(len(held) * CHUNK_MIB, target)} MiB", flush=True)
    time.sleep(float(os.environ.get("HOLD_SECONDS", "0")))
    print(f"hog: done, held {target} MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
