#!/bin/sh
# Runs one Kafka command-line tool: kafka-run-class.sh <main class> [arguments…]
# All tool scripts in this directory (generated from tools.list) call this.
#   KAFKA_TOOLS_HEAP_OPTS  heap of a tool JVM           (default -Xmx256m)
#   KAFKA_TOOLS_JVM_OPTS   other JVM flags of the tools (default: serial GC, C1 only → fast start;
#                          set it to "" for long benchmarks such as kafka-producer-perf-test.sh)
#   KAFKA_TOOLS_OPTS       extra flags (e.g. -D…); the broker's KAFKA_OPTS is not used here, so a
#                          javaagent or JMX port meant for the broker never clashes with a tool.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 <main class> [arguments…]" >&2
  exit 2
fi
main_class=$1
shift
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
# Word splitting of the option variables is intended.
# shellcheck disable=SC2086
exec java ${KAFKA_TOOLS_HEAP_OPTS:--Xmx256m} \
  ${KAFKA_TOOLS_JVM_OPTS--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true} \
  "-Dlog4j.configuration=file:$KAFKA_HOME/config/tools-log4j.properties" \
  ${KAFKA_TOOLS_OPTS-} \
  -cp "$KAFKA_HOME/libs/*" "$main_class" "$@"
