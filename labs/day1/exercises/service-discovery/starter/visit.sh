#!/bin/bash
# Client: records one visit in the database at $DB_HOST, then stays up so you can look around
# (`docker compose exec client bash`, then `getent hosts db`, `ping -c1 db`, `cat /etc/resolv.conf`).
# Settings: DB_HOST, DB_USER, DB_PASSWORD, DB_NAME (environment).
set -u
: "${DB_HOST:?set DB_HOST}" "${DB_USER:?set DB_USER}" "${DB_PASSWORD:?set DB_PASSWORD}" "${DB_NAME:?set DB_NAME}"
me="$(hostname)"
echo "client $me: connecting to $DB_HOST:3306 as $DB_USER"
# The database may still be starting: try for up to 90 s (a bounded wait, not a fixed sleep).
for attempt in $(seq 1 90); do
	if error="$(MYSQL_PWD="$DB_PASSWORD" mariadb -h "$DB_HOST" -u "$DB_USER" --connect-timeout=2 "$DB_NAME" \
			-e "REPLACE INTO visits (client, db_host) VALUES ('$me', '$DB_HOST')" 2>&1)"; then
		echo "client $me: visit recorded in $DB_HOST (attempt $attempt)"
		exec sleep infinity
	fi
	echo "client $me: attempt $attempt: ${error##*$'\n'}"
	sleep 1
done
echo "client $me: gave up: $DB_HOST never answered" >&2
exit 1
