#!/bin/sh
# Starts the Kafka server (here: KRaft broker + controller) in the foreground:
#   kafka-server-start.sh <server.properties>
#   KAFKA_HEAP_OPTS            default -Xmx384m -Xms384m (small: a lab machine runs many services)
#   KAFKA_JVM_PERFORMANCE_OPTS default: G1 with short pauses, as in Kafka's own start script
#   KAFKA_OPTS                 extra JVM flags (-D…, -javaagent:…)
#   KAFKA_LOG_LEVEL            root log level, default INFO
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 <server.properties>" >&2
  exit 2
fi
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx384m -Xms384m} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true} \
  "-Dlog4j.configuration=file:$KAFKA_HOME/config/log4j.properties" \
  "-Dkafka.root.loglevel=${KAFKA_LOG_LEVEL:-INFO}" \
  ${KAFKA_OPTS-} \
  -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$@"
