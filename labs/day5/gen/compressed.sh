#!/bin/sh
# batches-compressed (kafka container: no learner code runs there): every record batch Kafka
# stored for topic $1 is compressed, read with Kafka's own kafka-dump-log, and there is at least one.
. /opt/de-lab/gen/verdict.sh
topic=$1
expected="every record batch of the topic compressed (gzip, snappy, lz4 or zstd), at least one"
files=""
for d in /var/lib/kafka/data/"$topic"-[0-9]*; do
  case $d in *delete*) continue ;; esac
  [ -d "$d" ] || continue
  for f in "$d"/*.log; do [ -f "$f" ] && files="$files${files:+,}$f"; done
done
if [ -z "$files" ]; then
  verdict false "$expected" "Kafka stored no log segment for the topic"
  exit 0
fi
counts=$(kafka-dump-log.sh --files "$files" 2>/dev/null | grep -oi 'compresscodec: [a-z0-9]*' | tr 'A-Z' 'a-z' \
  | awk '{print $2}' | sort | uniq -c)
all=$(printf '%s\n' "$counts" | awk '{s+=$1} END {print s+0}')
plain=$(printf '%s\n' "$counts" | awk '$2=="none" {s+=$1} END {print s+0}')
summary=$(printf '%s\n' "$counts" | awk 'NF==2 {printf "%s%s %s", (n++ ? ", " : ""), $1, $2}')
if [ "$all" -eq 0 ]; then
  verdict false "$expected" "the topic holds no record batches"
elif [ "$plain" -gt 0 ]; then
  verdict false "$expected" "$plain of $all batches are not compressed ($summary)"
else
  verdict true "$expected" "$all batches, all compressed ($summary)"
fi
