"""Day 4 / windowed-counts: impressions and clicks per 10-minute event-time window.

    de-lab gen day4 --topic events --wave 1     (put a wave of events into the topic `events`)
    de-lab run day4 windowed-counts                       (run this job once over what is there: availableNow)

The graders import this file and call start(spark, cfg) once per wave of events, on the same
checkpoint; running it yourself does the same once (see main() below).
"""
import argparse
import os
from types import SimpleNamespace

from pyspark.sql import SparkSession, functions as F, types as T

# The JSON fields of an event value, with the types we want them in.
EVENT_SCHEMA = T.StructType([
    T.StructField("event_id", T.StringType()),
    T.StructField("event_type", T.StringType()),
    T.StructField("user_id", T.StringType()),
    T.StructField("ad_id", T.StringType()),
    T.StructField("impression_id", T.StringType()),
    T.StructField("page", T.StringType()),
    T.StructField("device", T.StringType()),
    T.StructField("cost_micros", T.LongType()),
    T.StructField("event_time", T.TimestampType()),
    T.StructField("event_ts_ms", T.LongType()),
])


def read_events(spark, cfg, **options):
    """The topic's records that parse as events (as in parse-events), one row per event."""
    reader = (spark.readStream.format("kafka")
              .option("kafka.bootstrap.servers", cfg.bootstrap)
              .option("subscribe", cfg.topic)
              .option("startingOffsets", "earliest"))
    for key, value in options.items():
        reader = reader.option(key, value)
    return (reader.load()
            .select(F.from_json(F.col("value").cast("string"), EVENT_SCHEMA).alias("e"))
            .select("e.*")
            .where(F.col("event_id").isNotNull() & F.col("event_time").isNotNull()))


def start(spark, cfg):
    events = read_events(spark, cfg)
    counts = (events
              # Events more than 10 minutes behind the newest event time seen are late: dropped.
              .withWatermark("event_time", "10 minutes")
              .groupBy(F.window("event_time", "10 minutes"), "event_type")
              .count())
    out = counts.select(
        F.col("window.start").alias("window_start"),
        F.col("window.end").alias("window_end"),
        "event_type",
        F.col("count").alias("events"),
    )
    return (out.writeStream.format("json")
            .outputMode("append")
            .option("path", cfg.out)
            .option("checkpointLocation", cfg.checkpoint)
            .trigger(**cfg.trigger)
            .start())


def print_batches(query):
    """One line per micro-batch of this run: rows read, watermark, rows kept in state, rows dropped as late."""
    for p in query.recentProgress:
        ops = p["stateOperators"] or []
        print(f"batch {p['batchId']}: {p['numInputRows']} rows read, watermark {(p['eventTime'] or {}).get('watermark', '-')}, "
              f"state rows {sum(op['numRowsTotal'] for op in ops)}, dropped by the watermark {sum(op['numRowsDroppedByWatermark'] for op in ops)}")


def main():
    p = argparse.ArgumentParser(description="Run the job once over what is in the topic (trigger availableNow).")
    p.add_argument("--topic", default="events", help="input topic (default events)")
    args = p.parse_args()
    here = os.getcwd()
    cfg = SimpleNamespace(bootstrap=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"), topic=args.topic, out_topic=None,
                          out=os.path.join(here, "out"), checkpoint=os.path.join(here, "checkpoint"),
                          users=os.path.join(here, "users.csv"), trigger={"availableNow": True}, max_offsets=100)
    spark = SparkSession.builder.appName("day4-windowed-counts").getOrCreate()
    query = start(spark, cfg)
    query.awaitTermination()
    print_batches(query)
    print(f"read {sum(p['numInputRows'] for p in query.recentProgress)} records from {cfg.topic}; output in {cfg.out}")


if __name__ == "__main__":
    main()
