"""Training run for de-lab/spark's class data sharing archive (see bin/spark-submit).

Run once at image build with DE_LAB_SPARK_CDS=dump: the driver JVM writes every class it loaded
to /opt/spark/cds/spark.jsa when it exits. It touches what the course's jobs use (DataFrames,
joins, windows, files, cache, buckets, Structured Streaming with watermarks, state, foreachBatch,
the Kafka source's planning), so that their drivers find most of their classes in the archive.
A class that is not in it is loaded from its jar as usual: the archive only saves time.
"""

import shutil
import tempfile

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

root = tempfile.mkdtemp(prefix="cds-train-")
spark = (
    SparkSession.builder.appName("cds-train")
    .config("spark.sql.warehouse.dir", f"{root}/warehouse")
    .config("spark.sql.autoBroadcastJoinThreshold", "-1")
    .getOrCreate()
)

# Batch: DataFrames from Python and from range, joins, aggregations, windows, files, cache.
users = spark.createDataFrame(
    [(i, f"user-{i}", None if i % 7 == 0 else f"c{i % 3}") for i in range(200)],
    "user_id INT, name STRING, country STRING",
)
events = spark.range(20_000).select(
    (F.col("id") % 250).cast("int").alias("user_id"),
    (F.col("id") * 1000).cast("timestamp").alias("ts"),
    F.when(F.col("id") % 5 == 0, "click").otherwise("view").alias("kind"),
    F.to_json(F.struct(F.col("id").alias("n"))).alias("payload"),
)
for how in ["inner", "left", "full"]:
    events.join(users, "user_id", how).groupBy("country").agg(F.count("*"), F.countDistinct("kind")).collect()
events.join(users, "user_id", "left_anti").groupBy("kind").count().collect()
events.join(F.broadcast(users), "user_id").groupBy("name").count().collect()
w = Window.partitionBy("user_id").orderBy("ts")
ranked = events.withColumn("n", F.row_number().over(w)).withColumn("lag", F.lag("ts").over(w))
ranked.where("n < 3").select(F.from_json("payload", "n LONG").alias("p"), "n").collect()
cached = events.repartition(4, "user_id").persist()
cached.count()
cached.groupBy("kind").agg(F.sum("user_id"), F.approx_count_distinct("user_id")).collect()
cached.unpersist()
events.withColumn("day", F.to_date("ts")).coalesce(2).write.partitionBy("day").parquet(f"{root}/parquet")
spark.read.parquet(f"{root}/parquet").where("day = '1970-01-01'").count()
events.limit(100).write.json(f"{root}/json")
events.limit(100).write.option("header", True).csv(f"{root}/csv")
spark.read.option("header", True).option("inferSchema", True).csv(f"{root}/csv").count()
events.write.bucketBy(4, "user_id").sortBy("user_id").saveAsTable("events_b")
users.write.bucketBy(4, "user_id").sortBy("user_id").saveAsTable("users_b")
spark.table("events_b").join(spark.table("users_b"), "user_id").count()
spark.sql("SELECT kind, count(*) FROM events_b GROUP BY kind").explain("formatted")

# Kafka: the streaming source's schema only (no broker at build time; a batch read would wait for one).
(
    spark.readStream.format("kafka")
    .option("kafka.bootstrap.servers", "127.0.0.1:9")
    .option("subscribe", "t")
    .load()
    .selectExpr("CAST(value AS STRING) AS v", "timestamp")
    .printSchema()
)

# Structured Streaming: a file source run to the end, watermarked windows, a stream-stream join,
# dropDuplicates, state, file and memory sinks, foreachBatch.
events.limit(2000).write.json(f"{root}/in")
schema = "user_id INT, ts TIMESTAMP, kind STRING, payload STRING"
stream = spark.readStream.schema(schema).option("maxFilesPerTrigger", 1).json(f"{root}/in")
counts = (
    stream.withWatermark("ts", "10 minutes")
    .dropDuplicates(["user_id", "ts"])
    .groupBy(F.window("ts", "5 minutes"), "kind")
    .count()
)
counts.writeStream.outputMode("append").format("parquet").option("path", f"{root}/out").option(
    "checkpointLocation", f"{root}/ck1"
).trigger(availableNow=True).start().awaitTermination()
views = stream.where("kind = 'view'").withWatermark("ts", "1 hour").alias("v")
clicks = stream.where("kind = 'click'").withWatermark("ts", "1 hour").alias("c")
joined = views.join(
    clicks,
    F.expr("v.user_id = c.user_id AND c.ts BETWEEN v.ts AND v.ts + INTERVAL 30 MINUTES"),
    "leftOuter",
)
joined.writeStream.format("memory").queryName("joined").option("checkpointLocation", f"{root}/ck2").trigger(
    availableNow=True
).start().awaitTermination()
seen = []
stream.writeStream.foreachBatch(lambda df, batch: seen.append(df.count())).option(
    "checkpointLocation", f"{root}/ck3"
).trigger(availableNow=True).start().awaitTermination()
spark.read.format("statestore").load(f"{root}/ck1").count()

spark.stop()
shutil.rmtree(root, ignore_errors=True)
print(f"cds-train: done ({sum(seen)} rows through foreachBatch)")
