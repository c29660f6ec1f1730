"""Day 4 / parse-events: read ad events from Kafka, keep the ones that parse, write them back.

    de-lab gen day4 --topic events          (put a wave of events into the topic `events`)
    de-lab run day4 parse-events            (run this job once over what is there: availableNow)

The graders import this file and call start(spark, cfg) once per wave of events; running it
yourself does the same once (see main() below).
"""
import argparse
import os
from types import SimpleNamespace

from pyspark.sql import SparkSession, functions as F, types as T

# The JSON fields of an event value, with the types we want them in.
# TODO 1: event_time must be a timestamp and cost_micros a whole number (see the instructions);
#         as strings, "yesterday" passes for a time and nothing can be computed from the cost.
EVENT_SCHEMA = T.StructType([
    T.StructField("event_id", T.StringType()),
    T.StructField("event_type", T.StringType()),
    T.StructField("user_id", T.StringType()),
    T.StructField("ad_id", T.StringType()),
    T.StructField("impression_id", T.StringType()),
    T.StructField("page", T.StringType()),
    T.StructField("device", T.StringType()),
    T.StructField("cost_micros", T.StringType()),
    T.StructField("event_time", T.StringType()),
    T.StructField("event_ts_ms", T.LongType()),
])


def start(spark, cfg):
    raw = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", cfg.bootstrap)
           .option("subscribe", cfg.topic)
           .option("startingOffsets", "earliest")
           .load())
    events = (raw.select(F.from_json(F.col("value").cast("string"), EVENT_SCHEMA).alias("e"))
              .select("e.*"))
    # TODO 2: drop the records that are not events: broken JSON (every field null) and
    #         records without a usable event_time.
    out = events.select(
        F.col("event_id").alias("key"),
        F.to_json(F.struct(
            "event_id", "event_type", "user_id", "ad_id", "page", "event_time",
            # TODO 3: add cost = cost_micros / 1,000,000 (a double), named "cost".
        )).alias("value"),
    )
    return (out.writeStream.format("kafka")
            .option("kafka.bootstrap.servers", cfg.bootstrap)
            .option("topic", cfg.out_topic)
            .option("checkpointLocation", cfg.checkpoint)
            .trigger(**cfg.trigger)
            .start())


def main():
    p = argparse.ArgumentParser(description="Run the job once over what is in the topic (trigger availableNow).")
    p.add_argument("--topic", default="events", help="input topic (default events)")
    p.add_argument("--out-topic", default="events-clean", help="output topic (default events-clean)")
    args = p.parse_args()
    here = os.getcwd()
    cfg = SimpleNamespace(bootstrap=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"), topic=args.topic, out_topic=args.out_topic,
                          out=os.path.join(here, "out"), checkpoint=os.path.join(here, "checkpoint"),
                          users=os.path.join(here, "users.csv"), trigger={"availableNow": True}, max_offsets=100)
    spark = SparkSession.builder.appName("day4-parse-events").getOrCreate()
    query = start(spark, cfg)
    query.awaitTermination()
    print(f"read {sum(p['numInputRows'] for p in query.recentProgress)} records from {cfg.topic}; wrote to {cfg.out_topic}")


if __name__ == "__main__":
    main()
