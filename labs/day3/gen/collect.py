#!/usr/bin/env python3
"""Reads what a day-3 job wrote (Parquet or CSV folders) into one JSON-lines file the graders compare.

    python3 /opt/de-lab/gen/collect.py OUT_DIR [OUT_DIR ...] --out result.jsonl [--key col]

Each row gets "table": the folder's name. With --key, rows are summarised per value of that
column (rows, and the sum of every numeric column rounded to cents) instead of copied one by one,
for outputs too big to compare row by row. Decimals become floats; dates become ISO strings.
Exit 1 with one sentence when a folder is missing or holds no data files.
"""

import argparse
import datetime
import decimal
import json
import os
import sys

import pyarrow as pa
import pyarrow.dataset as ds


def plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def read(path: str) -> pa.Table:
    names = [n for n in os.listdir(path) if not n.startswith((".", "_"))]
    fmt = "csv" if any(n.endswith(".csv") for n in names) else "parquet"
    return ds.dataset(path, format=fmt, partitioning="hive").to_table()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--key")
    args = parser.parse_args()
    rows = []
    for path in args.dirs:
        table_name = os.path.basename(os.path.normpath(path))
        if not os.path.isdir(path):
            print(f"the job wrote no {table_name} folder ({path})", file=sys.stderr)
            return 1
        try:
            table = read(path)
        except (pa.ArrowInvalid, OSError) as error:
            print(f"{table_name} could not be read: {error}", file=sys.stderr)
            return 1
        if args.key:
            if args.key not in table.column_names:
                print(
                    f"{table_name} has no column {args.key} (columns: {', '.join(table.column_names)})", file=sys.stderr
                )
                return 1
            numeric = [
                c
                for c in table.column_names
                if c != args.key
                and (
                    pa.types.is_integer(table.schema.field(c).type)
                    or pa.types.is_floating(table.schema.field(c).type)
                    or pa.types.is_decimal(table.schema.field(c).type)
                )
            ]
            aggs = [(args.key, "count")] + [(c, "sum") for c in numeric]
            grouped = table.group_by(args.key).aggregate(aggs)
            for row in grouped.to_pylist():
                out = {"table": table_name, args.key: plain(row[args.key]), "rows": row[f"{args.key}_count"]}
                for c in numeric:
                    out[f"sum_{c}"] = round(float(row[f"{c}_sum"] or 0), 2)
                rows.append(out)
        else:
            for row in table.to_pylist():
                rows.append({"table": table_name, **{k: plain(v) for k, v in row.items()}})
    with open(args.out, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True) + "\n")
    print(
        f"{len(rows)} rows from {', '.join(os.path.basename(os.path.normpath(d)) for d in args.dirs)} into {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
