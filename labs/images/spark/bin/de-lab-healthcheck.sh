#!/bin/sh
# HEALTHCHECK of de-lab/spark: cheap (no Spark JVM is started, ~0.3 s), but it proves that what
# every spark-submit needs is in place: a Java runtime that starts, pyspark and its Arrow/pandas
# stack importable from the venv's python, the Kafka connector in Spark's jars/, and a writable
# event log directory (a volume mounted with the wrong owner makes every job fail at start).
set -eu
java -Xshare:auto -XX:TieredStopAtLevel=1 -version >/dev/null 2>&1 || { echo "java does not start"; exit 1; }
python -c 'import pyspark, pyarrow, pandas' || { echo "pyspark/pyarrow/pandas not importable"; exit 1; }
ls "$SPARK_HOME"/jars/spark-sql-kafka-0-10_*.jar >/dev/null 2>&1 || { echo "Kafka connector jar missing"; exit 1; }
[ -d /opt/spark-events ] && [ -w /opt/spark-events ] || { echo "/opt/spark-events is not writable by $(id -un)"; exit 1; }
echo ok
