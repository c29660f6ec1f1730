"""Day 3 · DataFrame basics: joins with missing keys, aggregations, nulls.

Run it with `de-lab run day3 dataframe-basics` (reads ../data/basics, made by `de-lab gen day3`;
writes one Parquet folder per question under out/). Complete the six TODOs; keep the names and
columns of each result.
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

# 1. Orders of known users, with the user's name. Columns: order_id, user_id, name, amount.
orders_with_users = orders.join(users, "user_id").select("order_id", "user_id", "name", "amount")

# 2. Users who never ordered. Columns: user_id, name.
# TODO: this keeps users whose orders have no amount, not users without orders.
users_without_orders = users.join(orders, "user_id", "left").where(F.col("amount").isNull()).select("user_id", "name").distinct()

# 3. Orders whose user does not exist, including orders without a user id. Columns: order_id, user_id, amount.
# TODO
orphan_orders = orders.where(F.lit(False)).select("order_id", "user_id", "amount")

# 4. Every user with their number of orders and total amount (0 when none; missing amounts count as 0).
#    Columns: user_id, name, orders, total (rounded to 2 decimals).
# TODO: users without orders are missing.
user_totals = (
    users.join(orders, "user_id")
    .groupBy("user_id", "name")
    .agg(F.count("order_id").alias("orders"), F.round(F.sum("amount"), 2).alias("total"))
)

# 5. Revenue by gender over orders of known users; an unknown gender is "unknown".
#    Columns: gender, orders, revenue (rounded to 2 decimals).
# TODO: the missing genders.
gender_revenue = (
    orders.join(users, "user_id")
    .groupBy("gender")
    .agg(F.count("*").alias("orders"), F.round(F.sum("amount"), 2).alias("revenue"))
)

# 6. Reconciliation: a full outer join of users and orders on user_id; classify each joined row as
#    "matched", "user_only" or "order_only" and count them. Columns: side, count.
# TODO
reconciliation = spark.createDataFrame([("matched", 0)], "side STRING, count BIGINT")

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
