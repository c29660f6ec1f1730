"""Day 5 / spark-enrich: parse the raw ratings, enrich them with the movies table, re-key them.

    de-lab gen day5 -- --feed raw       (put raw ratings into ratings-raw, as Fluentd would)
    de-lab run day5 spark-enrich        (run this job: ratings-raw -> ratings-enriched, until Ctrl-C)

The graders call start(spark, cfg) twice on the same checkpoint, with trigger availableNow.
cfg: bootstrap, in_topic, out_topic, checkpoint, movies (path of movies.csv), trigger.
"""
from pyspark.sql import functions as F, types as T

RAW_SCHEMA = T.StructType([
    T.StructField("event_id", T.StringType()),
    T.StructField("user_id", T.StringType()),
    T.StructField("movie_id", T.StringType()),
    T.StructField("rating", T.DoubleType()),
    T.StructField("country", T.StringType()),
    T.StructField("event_time", T.TimestampType()),
])

MOVIES_SCHEMA = "movie_id STRING, title STRING, genres STRING, year INT"


def start(spark, cfg):
    raw = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", cfg.bootstrap)
           .option("subscribe", cfg.in_topic)
           .option("startingOffsets", "earliest")
           .load())
    ratings = (raw.select(F.from_json(F.col("value").cast("string"), RAW_SCHEMA).alias("r"))
               .select("r.*"))
    # TODO 1: drop records that are not ratings: no event_id or event_time, rating outside 0.5-5.0
    # TODO 2: the same event can arrive twice (Fluentd retries): keep each event_id once
    # TODO 3: enrich from cfg.movies: title, genre (the first of its genres; "unknown" when the
    #         movie is not in the table) and liked (rating >= 4.0)
    enriched = ratings
    # TODO 4: key = movie_id; event_time as 2026-11-02T09:00:01.250Z
    return (enriched.select(F.to_json(F.struct(*enriched.columns)).alias("value"))
            .writeStream.format("kafka")
            .option("kafka.bootstrap.servers", cfg.bootstrap)
            .option("topic", cfg.out_topic)
            .option("checkpointLocation", cfg.checkpoint)
            .trigger(**cfg.trigger)
            .start())
