#!/usr/bin/env python3
"""summarize — statistics of one numeric column of a CSV file read from standard input.

    summarize.py --column NAME [--by NAME] < data.csv

Prints CSV: one row for the whole input, or one row per value of --by (sorted by that value):

    group,rows,sum,min,max,mean

Numbers are exact decimals rounded half-up to 2 places, so the output is the same on every
machine. Empty cells in the column are skipped; a cell that is not a number is an error (exit 2).
"""
import argparse
import csv
import sys
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def fmt(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="summarize", description="Summarise one numeric column of a CSV on stdin.")
    parser.add_argument("--column", required=True, help="numeric column to summarise")
    parser.add_argument("--by", help="column to group by (one output row per value)")
    args = parser.parse_args(argv)

    reader = csv.DictReader(sys.stdin)
    header = reader.fieldnames or []
    for name in filter(None, (args.column, args.by)):
        if name not in header:
            print(f"summarize: no column {name!r}; the header has {', '.join(header) or 'nothing'}", file=sys.stderr)
            return 2

    groups: dict[str, list[Decimal]] = {}
    for line, row in enumerate(reader, start=2):
        cell = (row.get(args.column) or "").strip()
        if cell == "":
            continue
        try:
            value = Decimal(cell)
        except InvalidOperation:
            print(f"summarize: line {line}: {args.column}={cell!r} is not a number", file=sys.stderr)
            return 2
        key = row.get(args.by, "") if args.by else "all"
        groups.setdefault(key, []).append(value)

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["group", "rows", "sum", "min", "max", "mean"])
    for key in sorted(groups):
        values = groups[key]
        total = sum(values, Decimal(0))
        out.writerow([key, len(values), fmt(total), fmt(min(values)), fmt(max(values)), fmt(total / len(values))])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
