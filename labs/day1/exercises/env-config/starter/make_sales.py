#!/usr/bin/env python3
"""make_sales.py — data/sales.csv made from a seed (the same seed always gives the same file).

    python3 make_sales.py --seed 20261123 --out data/sales.csv     # the file you were given

`de-lab check` / `de-lab grade` write data/sales.csv with it before starting your compose file
(in their own copy of this folder), then compare your service's report with the reference
solution's report on the same data. You do not need to edit or run it.
"""
import argparse
import os
import random
import sys
from datetime import date, timedelta

PRICES = {"widget": "9.99", "gadget": "15.50", "gizmo": "7.25", "doohickey": "22.00", "sprocket": "3.40", "bracket": "5.10", "flange": "12.75"}
REGIONS = ["north", "south", "east", "west"]


def rows(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    # Each seed favours some products, so the top 3 differs from seed to seed.
    weights = [rng.uniform(0.2, 3.0) for _ in PRICES]
    start = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
    out = []
    for i in range(rng.randint(30, 50)):
        product = rng.choices(list(PRICES), weights)[0]
        out.append([(start + timedelta(days=i // 3)).isoformat(), rng.choice(REGIONS), product, str(rng.randint(1, 9)), PRICES[product]])
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make_sales", description="Write a seeded sales CSV for report_server.py.")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = "date,region,product,quantity,unit_price\n" + "".join(",".join(r) + "\n" for r in rows(args.seed))
    if not args.out:
        sys.stdout.write(text)
        return 0
    # Write next to the target and rename: replaces a file this user may not write in place.
    tmp = f"{args.out}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
