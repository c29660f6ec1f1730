#!/bin/sh
# Day 5's Turnilo. Until you run your config it runs the image's (every Druid datasource as a
# cube). `de-lab run day5 turnilo-cube` checks turnilo-cube/config.yaml (turnilo verify-config),
# copies it to /tmp/turnilo-active.yaml and stops the running Turnilo (pid in /tmp/turnilo.pid):
# this loop starts it again at once with that copy. A restarted container runs the default again.
ACTIVE=/tmp/turnilo-active.yaml
DEFAULT=/etc/turnilo/config.yaml
rm -f "$ACTIVE"
trap 'kill $child 2>/dev/null; exit 0' TERM INT
while :; do
  conf=$DEFAULT
  [ -r "$ACTIVE" ] && conf=$ACTIVE
  echo "turnilo-loop: running $conf" >&2
  turnilo run-config "$conf" &
  child=$!
  echo "$child" > /tmp/turnilo.pid
  wait $child
  sleep 1
done
