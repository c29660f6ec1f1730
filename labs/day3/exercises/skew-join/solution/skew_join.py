"""Day 3 · Skew: revenue per product category, when one product holds half of the sales.

Run it with `de-lab run day3 skew-join` (reads ../data/sales and ../data/products, writes
out/result). This cluster never broadcasts a table by itself (spark.sql.autoBroadcastJoinThreshold=-1):
the join is a sort-merge join, and every row of one product goes to the same task.
"""
import argparse

from pyspark.sql import SparkSession, functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../data", help="folder of the generated data (de-lab gen day3)")
parser.add_argument("--out", default="out", help="folder for the results")
args = parser.parse_args()

SALTS = 32  # pieces the hot key is cut into; more than spark.sql.shuffle.partitions spreads it evenly

spark = SparkSession.builder.appName("day3-skew-join").getOrCreate()
sales = spark.read.parquet(f"{args.data}/sales")
products = spark.read.parquet(f"{args.data}/products")

# Salting: each sale gets a salt 0..SALTS-1 (from its order id, so a rerun gives the same plan);
# each product is repeated once per salt. Joined on (product_id, salt), the rows of the hot product
# are spread over SALTS keys, hence over every task, instead of all landing in one.
salted_sales = sales.withColumn("salt", (F.col("order_id") % SALTS).cast("int"))
salted_products = products.withColumn("salt", F.explode(F.sequence(F.lit(0), F.lit(SALTS - 1))))

result = (
    salted_sales.join(salted_products, ["product_id", "salt"])
    .groupBy("category")
    .agg(F.count("*").alias("orders"), F.sum(F.col("amount").cast("decimal(18,2)")).alias("revenue"))
)
result.write.mode("overwrite").parquet(f"{args.out}/result")
spark.stop()
