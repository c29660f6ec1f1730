"""Day 5 / spark-enrich — reference solution.

    de-lab gen day5 -- --feed raw       (put raw ratings into ratings-raw, as Fluentd would)
    de-lab run day5 spark-enrich        (run this job: ratings-raw -> ratings-enriched, until Ctrl-C)

The graders call start(spark, cfg) twice on the same checkpoint, with trigger availableNow.
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
               .select("r.*")
               .where(F.col("event_id").isNotNull() & F.col("event_time").isNotNull()
                      & F.col("rating").between(0.5, 5.0)))
    # At-least-once upstream: the same event can arrive twice. Keep the first, with bounded state.
    unique = (ratings.withWatermark("event_time", "10 minutes")
              .dropDuplicatesWithinWatermark(["event_id"]))
    movies = (spark.read.option("header", True).schema(MOVIES_SCHEMA).csv(cfg.movies)
              .select("movie_id", "title", F.split("genres", r"\|").getItem(0).alias("genre")))
    enriched = (unique.join(F.broadcast(movies), "movie_id", "left")
                .select("event_id", "user_id", "movie_id", "title",
                        F.coalesce("genre", F.lit("unknown")).alias("genre"),
                        "rating", (F.col("rating") >= 4.0).alias("liked"), "country",
                        F.date_format("event_time", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").alias("event_time")))
    return (enriched.select(F.col("movie_id").alias("key"),
                            F.to_json(F.struct(*enriched.columns)).alias("value"))
            .writeStream.format("kafka")
            .option("kafka.bootstrap.servers", cfg.bootstrap)
            .option("topic", cfg.out_topic)
            .option("checkpointLocation", cfg.checkpoint)
            .trigger(**cfg.trigger)
            .start())
