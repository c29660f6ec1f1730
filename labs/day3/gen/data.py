#!/usr/bin/env python3
"""Seeded data for day 3 (Spark batch and tuning), written as Parquet and CSV.

    python3 /opt/de-lab/gen/data.py --seed N [--out data] [--rows 3000000] [--skew 0.5]
                                    [--only sales,products,...] [--summary-json]

Tables (under --out):
  sales/          fact table, --rows rows in 8 Parquet files of deliberately uneven sizes:
                  order_id, sale_date (30 days of March 2026), customer_id, product_id, store_id,
                  quantity, amount. One product (chosen by the seed) holds --skew of the rows.
  products/       dimension, 20,000 products: product_id, category, name, price
  stores/         dimension, 50 stores: store_id, region, city
  customers/      dimension, rows/20 customers (at least 1,000): customer_id, segment, country, signup_date
  basics/users.csv, basics/orders.csv
                  small fixtures for the DataFrame basics: users without orders, orders whose user
                  does not exist, missing user ids, genders and amounts.

The same seed and options always give the same rows (numpy's PCG64); the summary's checksum is a
SHA-256 of the generated columns, so two runs can be compared without reading the files.
Nothing here needs Spark: numpy + pyarrow write a few million rows in seconds.
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

DAYS = 30
START = np.datetime64("2026-03-01")
PRODUCTS = 20_000
STORES = 50
CATEGORIES = [
    "books",
    "garden",
    "toys",
    "games",
    "music",
    "sports",
    "beauty",
    "grocery",
    "kitchen",
    "office",
    "pets",
    "tools",
    "shoes",
    "health",
    "baby",
    "auto",
    "movies",
    "camera",
    "phones",
    "laptops",
]
REGIONS = ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Gwangju", "Ulsan", "Jeju"]
SEGMENTS = ["consumer", "corporate", "home-office", "small-business", "student"]
COUNTRIES = ["KR", "JP", "US", "DE", "VN", "FR"]
# Share of the sales rows in each of the 8 files: uneven on purpose (coalesce keeps it that way).
FILE_SHARES = [0.30, 0.20, 0.15, 0.10, 0.10, 0.07, 0.05, 0.03]
TABLES = ["sales", "products", "stores", "customers", "basics"]


def checksum(table: pa.Table, digest) -> None:
    for name in table.column_names:
        digest.update(name.encode())
        column = table.column(name).combine_chunks()
        if pa.types.is_string(column.type):
            digest.update("\x1f".join("\x00" if v is None else v for v in column.to_pylist()).encode())
        else:
            digest.update(column.to_numpy(zero_copy_only=False).tobytes())
            digest.update(np.asarray(column.is_null()).tobytes())


def fresh_dir(path: str) -> None:
    """Our own generated folder: replaced whole, so no file of an earlier size stays behind."""
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)


def sales(rng, rows: int, skew: float, customers: int):
    hot = int(rng.integers(1, PRODUCTS))
    product = rng.integers(1, PRODUCTS, size=rows, dtype=np.int32)
    # Never the hot product among the other rows, so its share is exactly --skew (rounded).
    product = np.where(product >= hot, product + 1, product)
    product[product >= PRODUCTS] = 1 if hot != 1 else 2
    hot_rows = rng.random(rows) < skew
    product[hot_rows] = hot
    day = rng.integers(0, DAYS, size=rows).astype("timedelta64[D]")
    quantity = rng.integers(1, 6, size=rows, dtype=np.int8)
    unit = np.round(rng.uniform(1.0, 200.0, size=rows), 2)
    table = pa.table(
        {
            "order_id": np.arange(1, rows + 1, dtype=np.int64),
            "sale_date": pa.array((START + day).astype("datetime64[D]"), type=pa.date32()),
            "customer_id": rng.integers(1, customers + 1, size=rows, dtype=np.int32),
            "product_id": product,
            "store_id": rng.integers(1, STORES + 1, size=rows, dtype=np.int16),
            "quantity": quantity,
            "amount": np.round(unit * quantity, 2),
        }
    )
    return table, hot


def write_sales(table: pa.Table, out: str) -> None:
    path = os.path.join(out, "sales")
    fresh_dir(path)
    start = 0
    rows = table.num_rows
    for i, share in enumerate(FILE_SHARES):
        end = rows if i == len(FILE_SHARES) - 1 else start + int(rows * share)
        pq.write_table(
            table.slice(start, end - start), os.path.join(path, f"part-{i:05d}.parquet"), row_group_size=1_000_000
        )
        start = end


def products(rng) -> pa.Table:
    ids = np.arange(1, PRODUCTS + 1, dtype=np.int32)
    category = rng.integers(0, len(CATEGORIES), size=PRODUCTS)
    return pa.table(
        {
            "product_id": ids,
            "category": pa.array([CATEGORIES[c] for c in category]),
            "name": pa.array([f"product-{i}" for i in ids]),
            "price": np.round(rng.uniform(1.0, 200.0, size=PRODUCTS), 2),
        }
    )


def stores(rng) -> pa.Table:
    ids = np.arange(1, STORES + 1, dtype=np.int16)
    region = rng.integers(0, len(REGIONS), size=STORES)
    return pa.table(
        {
            "store_id": ids,
            "region": pa.array([REGIONS[r] for r in region]),
            "city": pa.array([f"{REGIONS[r].lower()}-{i}" for i, r in zip(ids, region)]),
        }
    )


def customers(rng, count: int) -> pa.Table:
    ids = np.arange(1, count + 1, dtype=np.int32)
    return pa.table(
        {
            "customer_id": ids,
            "segment": pa.array([SEGMENTS[s] for s in rng.integers(0, len(SEGMENTS), size=count)]),
            "country": pa.array([COUNTRIES[c] for c in rng.integers(0, len(COUNTRIES), size=count)]),
            "signup_date": pa.array(
                (np.datetime64("2020-01-01") + rng.integers(0, 2000, size=count).astype("timedelta64[D]")).astype(
                    "datetime64[D]"
                ),
                type=pa.date32(),
            ),
        }
    )


def basics(rng):
    """Users and orders with the edge cases joins are about; a few dozen rows, readable by eye."""
    users = 40
    first = ["Minji", "Jiho", "Seoyeon", "Hyunwoo", "Yuna", "Dohyun", "Jiwoo", "Siwoo", "Haeun", "Junseo"]
    genders = np.array(["F", "M", None], dtype=object)[rng.choice(3, size=users, p=[0.45, 0.45, 0.10])]
    user_table = pa.table(
        {
            "user_id": np.arange(1, users + 1, dtype=np.int32),
            "name": pa.array(
                [f"{first[int(i)]}-{n}" for n, i in enumerate(rng.integers(0, len(first), size=users), start=1)]
            ),
            "gender": pa.array(genders.tolist(), type=pa.string()),
            "city": pa.array([REGIONS[int(r)] for r in rng.integers(0, len(REGIONS), size=users)]),
        }
    )
    orders = 150
    # Users 1..users, plus orphans (ids past the last user) and missing ids.
    user_ids = rng.integers(1, users + 9, size=orders).astype(object)
    # A third of the users buy nothing: drop their orders onto other ids.
    idle = set(int(u) for u in rng.choice(np.arange(1, users + 1), size=users // 3, replace=False))
    user_ids = np.array(
        [u if int(u) not in idle else int(u) % 7 + users + 1 if int(u) % 2 else 1 + int(u) % 5 for u in user_ids],
        dtype=object,
    )
    user_ids[rng.random(orders) < 0.06] = None
    amounts = np.round(rng.uniform(5, 500, size=orders), 2).astype(object)
    amounts[rng.random(orders) < 0.05] = None
    order_table = pa.table(
        {
            "order_id": np.arange(1001, 1001 + orders, dtype=np.int32),
            "user_id": pa.array(user_ids.tolist(), type=pa.int32()),
            "product": pa.array([CATEGORIES[int(c)] for c in rng.integers(0, 8, size=orders)]),
            "amount": pa.array(amounts.tolist(), type=pa.float64()),
            "order_date": pa.array(
                (START + rng.integers(0, DAYS, size=orders).astype("timedelta64[D]")).astype("datetime64[D]"),
                type=pa.date32(),
            ),
        }
    )
    return user_table, order_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--out", default="data", help="folder to write into (default: data, i.e. <workspace>/day3/data)"
    )
    parser.add_argument(
        "--seed", type=int, required=True, help="seed (required: de-lab passes the course seed, labs/course.yaml)"
    )
    parser.add_argument("--rows", type=int, default=3_000_000, help="rows of the sales table (default 3,000,000)")
    parser.add_argument(
        "--skew", type=float, default=0.5, help="share of the sales rows that belong to one product (default 0.5)"
    )
    parser.add_argument(
        "--only", default=",".join(TABLES), help=f"comma-separated tables to write ({','.join(TABLES)})"
    )
    parser.add_argument("--summary-json", action="store_true", help="print one JSON line with what was written")
    args = parser.parse_args()
    only = [t.strip() for t in args.only.split(",") if t.strip()]
    unknown = [t for t in only if t not in TABLES]
    if unknown:
        print(f"unknown table {unknown[0]}: choose among {', '.join(TABLES)}", file=sys.stderr)
        return 2
    if args.rows < 1000:
        print("--rows must be at least 1000", file=sys.stderr)
        return 2
    if not 0 <= args.skew < 1:
        print("--skew must be at least 0 and below 1", file=sys.stderr)
        return 2
    started = time.time()
    os.makedirs(args.out, exist_ok=True)
    customer_count = max(1000, args.rows // 20)
    summary = {"seed": args.seed, "rows": args.rows, "skew": args.skew, "out": os.path.abspath(args.out), "tables": {}}
    # One generator per table, derived from the seed: --only never changes another table's rows.
    streams = dict(zip(TABLES, np.random.SeedSequence(args.seed).spawn(len(TABLES))))
    for name in only:
        rng = np.random.Generator(np.random.PCG64(streams[name]))
        digest = hashlib.sha256()
        if name == "sales":
            table, hot = sales(rng, args.rows, args.skew, customer_count)
            write_sales(table, args.out)
            checksum(table, digest)
            summary["hotProduct"] = hot
            written = {"rows": table.num_rows, "files": len(FILE_SHARES)}
        elif name in ("products", "stores", "customers"):
            table = (
                products(rng)
                if name == "products"
                else stores(rng)
                if name == "stores"
                else customers(rng, customer_count)
            )
            path = os.path.join(args.out, name)
            fresh_dir(path)
            pq.write_table(table, os.path.join(path, "part-00000.parquet"))
            checksum(table, digest)
            written = {"rows": table.num_rows, "files": 1}
        else:
            users, orders = basics(rng)
            path = os.path.join(args.out, "basics")
            fresh_dir(path)
            pacsv.write_csv(users, os.path.join(path, "users.csv"))
            pacsv.write_csv(orders, os.path.join(path, "orders.csv"))
            checksum(users, digest)
            checksum(orders, digest)
            written = {"rows": users.num_rows + orders.num_rows, "files": 2}
        written["checksum"] = digest.hexdigest()[:16]
        summary["tables"][name] = written
    summary["seconds"] = round(time.time() - started, 2)
    if args.summary_json:
        print(json.dumps(summary))
    else:
        for name, written in summary["tables"].items():
            print(
                f"{name}: {written['rows']:,} rows in {written['files']} file(s) under {os.path.join(args.out, name)}"
            )
        if "hotProduct" in summary:
            print(f"sales: product {summary['hotProduct']} holds {args.skew:.0%} of the rows (the skew)")
        print(f"seed {args.seed}, {summary['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
