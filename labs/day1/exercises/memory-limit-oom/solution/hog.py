#!/usr/bin/env python3
"""Holds HOG_MIB mebibytes of memory, 16 MiB at a time, then exits 0.

Every byte is written (not just reserved), so the memory really counts against the container:
the bytes come from a random generator seeded with HOG_SEED (default 0), and the last line
gives a checksum of all of them — a run that did not really hold the memory cannot print it.
Watch it with `docker stats` while it runs; HOLD_SECONDS (default 0) keeps it alive at the end.
"""
import hashlib
import os
import random
import sys
import time

CHUNK_MIB = 16
MIB = 1 << 20


def number(name: str, default: str) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        print(f"hog: {name} must be a whole number, not {os.environ[name]!r}", file=sys.stderr)
        sys.exit(2)


def main() -> int:
    target = number("HOG_MIB", "64")
    rng = random.Random(number("HOG_SEED", "0"))
    digest = hashlib.sha256()
    held = []
    while len(held) * CHUNK_MIB < target:
        size = min(CHUNK_MIB, target - len(held) * CHUNK_MIB)
        chunk = bytearray(size * MIB)  # resident once written; filled 1 MiB at a time
        for offset in range(0, len(chunk), MIB):
            chunk[offset:offset + MIB] = rng.randbytes(MIB)
        digest.update(chunk)
        held.append(chunk)
        print(f"hog: holding {min(len(held) * CHUNK_MIB, target)} MiB", flush=True)
    time.sleep(float(os.environ.get("HOLD_SECONDS", "0")))
    print(f"hog: done, held {target} MiB, checksum {digest.hexdigest()[:16]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
