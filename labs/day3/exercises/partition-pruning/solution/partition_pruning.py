"""Day 3 · Partitioned writes and pruning: store the sales by day, then read only the days asked for.

Run it with `de-lab run day3 partition-pruning` (reads ../data/sales; writes the table
out/sales_by_day and the report out/result).
"""
import argparse

from pyspark.sql import SparkSession, functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../data", help="folder of the generated data (de-lab gen day3)")
parser.add_argument("--out", default="out", help="folder for the results")
parser.add_argument("--from", dest="first", default="2026-03-10", help="first day of the report")
parser.add_argument("--days", type=int, default=3, help="how many days the report covers")
args = parser.parse_args()

spark = SparkSession.builder.appName("day3-partition-pruning").getOrCreate()

# 1. The table: one folder per day (sale_date=2026-03-01/, ...). A query that filters on sale_date
#    then opens only the folders of those days (PartitionFilters in the plan).
sales = spark.read.parquet(f"{args.data}/sales")
sales.write.mode("overwrite").partitionBy("sale_date").parquet(f"{args.out}/sales_by_day")

# 2. The report, read back from the table: a filter on the partition column itself, so it prunes.
table = spark.read.parquet(f"{args.out}/sales_by_day")
first = F.lit(args.first).cast("date")
report = (
    table.where((F.col("sale_date") >= first) & (F.col("sale_date") < F.date_add(first, args.days)))
    .groupBy("sale_date", "store_id")
    .agg(F.count("*").alias("orders"), F.sum(F.col("amount").cast("decimal(18,2)")).alias("revenue"))
)
report.write.mode("overwrite").parquet(f"{args.out}/result")
spark.stop()
