"""Day 3 · Partitions: write the first week of sales as exactly 4 files of balanced size.

Run it with `de-lab run day3 partitions` (reads ../data/sales, writes out/result).
"""
import argparse

from pyspark.sql import SparkSession, functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../data", help="folder of the generated data (de-lab gen day3)")
parser.add_argument("--out", default="out", help="folder for the results")
parser.add_argument("--files", type=int, default=4, help="how many output files the loader expects")
args = parser.parse_args()

spark = SparkSession.builder.appName("day3-partitions").getOrCreate()
sales = spark.read.parquet(f"{args.data}/sales")
week = sales.where(F.col("sale_date") < F.lit("2026-03-08").cast("date"))
print(f"input partitions: {week.rdd.getNumPartitions()}")

# TODO: the loader wants exactly --files files of about the same size. Count the files this
# writes (ls out/result) and compare their sizes: why is it not 4 of the same size?
balanced = week.coalesce(args.files)
balanced.write.mode("overwrite").parquet(f"{args.out}/result")
spark.stop()
