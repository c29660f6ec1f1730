#!/bin/sh
# de-lab Fluentd entrypoint.
#   (no arguments)          fluentd -c /fluentd/etc/$FLUENTD_CONF -p /fluentd/plugins $FLUENTD_OPTS
#   -v, --dry-run, …        the same, with these fluentd options added
#   any other command       run as given (e.g. `fluent-gem list`, `bash`)
# Variables: FLUENTD_CONF (file name in /fluentd/etc, or an absolute path; default fluent.conf),
#            FLUENTD_OPTS (extra fluentd options, e.g. "-v" or "--no-supervisor").
set -eu
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	conf="${FLUENTD_CONF:-fluent.conf}"
	case "$conf" in /*) ;; *) conf="/fluentd/etc/$conf" ;; esac
	[ -r "$conf" ] || { echo "de-lab-entrypoint: config file $conf not found or not readable" >&2; exit 1; }
	# FLUENTD_OPTS is split on spaces on purpose (several options).
	# shellcheck disable=SC2086
	exec fluentd -c "$conf" -p /fluentd/plugins ${FLUENTD_OPTS:-} "$@"
fi
exec "$@"
