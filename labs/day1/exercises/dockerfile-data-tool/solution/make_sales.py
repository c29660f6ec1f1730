#!/usr/bin/env python3
"""make_sales.py — a sales CSV made from a seed (the same seed always gives the same file).

    python3 make_sales.py --seed 7 --out my-sales.csv

`de-lab check` / `de-lab grade` run it with a seed of their own and feed the result to your
image, then compare what your image prints with what the reference image prints for the same
file. You do not need to edit (or run) it; try it if you want more data than sales.csv.
"""
import argparse
import os
import random
import sys
from datetime import date, timedelta

PRODUCTS = {"widget": 9.99, "gadget": 15.50, "gizmo": 7.25, "doohickey": 22.00, "sprocket": 3.40}
REGIONS = ["north", "south", "east", "west"]


def rows(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    start = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
    out = []
    for i in range(rng.randint(25, 60)):
        product = rng.choice(list(PRODUCTS))
        quantity = rng.randint(1, 12)
        # A discount of 0-20 % in whole cents, so amounts are not just multiples of the price.
        amount = round(quantity * PRODUCTS[product] * (1 - rng.randrange(0, 21) / 100), 2)
        cells = [(start + timedelta(days=i // 3)).isoformat(), rng.choice(REGIONS), product, str(quantity), f"{amount:.2f}"]
        if rng.random() < 0.08:
            cells[3] = cells[4] = ""  # a row without figures: summarize skips empty cells
        out.append(cells)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make_sales", description="Write a seeded sales CSV.")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = "date,region,product,quantity,amount\n" + "".join(",".join(r) + "\n" for r in rows(args.seed))
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
