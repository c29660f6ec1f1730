#!/bin/bash
# Docker HEALTHCHECK: sends one Kafka Metadata request (v0, "all topics", so nothing is
# auto-created) to the broker and succeeds only if the broker answers it with the request's
# correlation id and a broker list that contains at least one broker.
# Plain bash (/dev/tcp) instead of a JVM tool: a check every few seconds must cost next to nothing.
# For a full client-side check by hand:  kafka-broker-api-versions.sh --bootstrap-server localhost:9094
#   kafka-healthcheck.sh [host] [port]     default 127.0.0.1 9094 (the in-container LOCAL listener)
set -u
host=${1:-127.0.0.1}
port=${2:-9094}

exec 3<>"/dev/tcp/$host/$port" || exit 1
# Request = int32 size (27), then the header and body, big-endian:
#   api_key 3 (Metadata) | api_version 0 | correlation_id "dlab" | client_id "de-lab-health"
#   | topics: empty array (v0: all topics)
printf '\x00\x00\x00\x1b\x00\x03\x00\x00dlab\x00\x0dde-lab-health\x00\x00\x00\x00' >&3
# Response starts: int32 size | int32 correlation_id | int32 number of brokers
reply=$(timeout 5 head -c 12 <&3 | od -An -v -tx1 | tr -d ' \n')
exec 3<&-
if [ "${#reply}" -ne 24 ] || [ "${reply:8:8}" != 646c6162 ]; then
  echo "no Metadata answer from $host:$port" >&2
  exit 1
fi
brokers=$((16#${reply:16:8}))
if [ "$brokers" -lt 1 ]; then
  echo "Metadata answer from $host:$port lists no broker yet" >&2
  exit 1
fi
echo "ok: $host:$port answered Metadata, $brokers broker(s)"
