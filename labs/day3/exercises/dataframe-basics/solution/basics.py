"""Day 3 · DataFrame basics: joins with missing keys, aggregations, nulls.

Run it with `de-lab run day3 dataframe-basics` (reads ../data/basics, made by `de-lab gen day3`;
writes one Parquet folder per question under out/).
"""
import argparse

from pyspark.sql import SparkSession, functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../data", help="folder of the generated data (de-lab gen day3)")
parser.add_argument("--out", default="out", help="folder for the results")
args = parser.parse_args()

spark = SparkSession.builder.appName("day3-dataframe-basics").getOrCreate()
users = spark.read.csv(f"{args.data}/basics/users.csv", header=True, schema="user_id INT, name STRING, gender STRING, city STRING")
orders = spark.read.csv(f"{args.data}/basics/orders.csv", header=True, schema="order_id INT, user_id INT, product STRING, amount DOUBLE, order_date DATE")

# 1. Orders of known users, with the user's name (inner join).
orders_with_users = orders.join(users, "user_id", "inner").select("order_id", "user_id", "name", "amount")

# 2. Users who never ordered (left anti join: rows of the left side with no match on the right).
users_without_orders = users.join(orders, "user_id", "left_anti").select("user_id", "name")

# 3. Orders whose user does not exist, including orders without a user id (NULL never matches).
orphan_orders = orders.join(users, "user_id", "left_anti").select("order_id", "user_id", "amount")

# 4. Every user with their number of orders and total amount (0 when none; missing amounts count as 0).
user_totals = (
    users.join(orders, "user_id", "left")
    .groupBy("user_id", "name")
    .agg(F.count("order_id").alias("orders"), F.round(F.sum(F.coalesce("amount", F.lit(0.0))), 2).alias("total"))
    .na.fill({"total": 0.0})
)

# 5. Revenue by gender over orders of known users; an unknown gender is "unknown".
gender_revenue = (
    orders.join(users, "user_id")
    .withColumn("gender", F.coalesce("gender", F.lit("unknown")))
    .groupBy("gender")
    .agg(F.count("*").alias("orders"), F.round(F.sum("amount"), 2).alias("revenue"))
)

# 6. Reconciliation: a full outer join of users and orders, each row classified.
reconciliation = (
    users.alias("u")
    .join(orders.alias("o"), F.col("u.user_id") == F.col("o.user_id"), "full_outer")
    .select(
        F.when(F.col("u.user_id").isNotNull() & F.col("o.order_id").isNotNull(), "matched")
        .when(F.col("u.user_id").isNotNull(), "user_only")
        .otherwise("order_only")
        .alias("side")
    )
    .groupBy("side")
    .count()
)

for name, frame in [
    ("orders_with_users", orders_with_users),
    ("users_without_orders", users_without_orders),
    ("orphan_orders", orphan_orders),
    ("user_totals", user_totals),
    ("gender_revenue", gender_revenue),
    ("reconciliation", reconciliation),
]:
    frame.write.mode("overwrite").parquet(f"{args.out}/{name}")
    print(f"wrote {args.out}/{name}")
spark.stop()
