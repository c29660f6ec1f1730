#!/bin/sh
# de-lab Turnilo entrypoint.
#   (no arguments)     turnilo run-config "$TURNILO_CONFIG"
#   --verbose, …       the same, with these run-config options added (e.g. --port 9091)
#   any other command  run as given (e.g. `turnilo verify-config /etc/turnilo/config.yaml`)
# Variables: TURNILO_CONFIG (config file, default /etc/turnilo/config.yaml; mount your own over it).
set -eu
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	conf="${TURNILO_CONFIG:-/etc/turnilo/config.yaml}"
	[ -r "$conf" ] || { echo "de-lab-entrypoint: config file $conf not found or not readable" >&2; exit 1; }
	exec turnilo run-config "$conf" "$@"
fi
exec "$@"
