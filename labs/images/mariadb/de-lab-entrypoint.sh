#!/bin/bash
# de-lab MariaDB entrypoint.
#
# On the first start with an empty /var/lib/mysql it creates the system tables, sets the root
# password, creates MARIADB_DATABASE and MARIADB_USER, runs /docker-entrypoint-initdb.d/* once,
# and then execs mariadbd (as user mysql) so that it is PID 1 and gets SIGTERM directly.
#
# Variables (MYSQL_* names are accepted as aliases of the MARIADB_* ones; every password and
# name can also be read from a file with the _FILE suffix, e.g. MARIADB_ROOT_PASSWORD_FILE):
#   MARIADB_ROOT_PASSWORD            root password (root@localhost and root@MARIADB_ROOT_HOST)
#   MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1  allow an empty root password (labs only)
#   MARIADB_RANDOM_ROOT_PASSWORD=1   generate one and print it to the log
#   MARIADB_ROOT_HOST                host part of the remote root account (default %; "" = none)
#   MARIADB_DATABASE                 database to create
#   MARIADB_USER, MARIADB_PASSWORD   account to create, with all privileges on MARIADB_DATABASE
# Files in /docker-entrypoint-initdb.d, in name order, only when the data dir is initialised:
#   *.sh (executed if executable, sourced otherwise), *.sql, *.sql.gz, *.sql.xz, *.sql.zst
#   (SQL runs as root, in MARIADB_DATABASE when that is set).
set -Eeuo pipefail
shopt -s nullglob

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
INITDB_DIR=/docker-entrypoint-initdb.d
HEALTH_CNF="$DATADIR/.de-lab-healthcheck.cnf"
# Present while an initialisation runs: a data dir that still has it was interrupted and is redone.
INIT_MARKER="$DATADIR/.de-lab-initialising"

log()  { printf '%s [de-lab-entrypoint] %s\n' "$(date -u +'%Y-%m-%d %H:%M:%S')" "$*"; }
fail() { log "ERROR: $*" >&2; exit 1; }

# file_env VAR [DEFAULT]: the first non-empty of VAR, VAR_FILE's content, MYSQL_* alias, alias_FILE;
# else "" when VAR or its alias is set (even empty), else DEFAULT.
file_env() {
	local var="$1" def="${2:-}" alias="MYSQL_${1#MARIADB_}" n f
	for n in "$var" "$alias"; do
		f="${n}_FILE"
		if [ -n "${!n:-}" ] && [ -n "${!f:-}" ]; then fail "both $n and $f are set"; fi
		if [ -n "${!n:-}" ]; then export "$var=${!n}"; return; fi
		if [ -n "${!f:-}" ]; then
			[ -r "${!f}" ] || fail "$f: cannot read ${!f}"
			export "$var=$(< "${!f}")"; return
		fi
	done
	if [ -n "${!var+x}" ] || [ -n "${!alias+x}" ]; then export "$var="; else export "$var=$def"; fi
}

is_true() { case "${1:-}" in 1|y|Y|yes|YES|true|TRUE|on|ON) return 0 ;; *) return 1 ;; esac; }

# SQL string literal / identifier quoting
sql_str()   { local s="${1//\\/\\\\}"; s="${s//\'/\\\'}"; printf "'%s'" "$s"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

# Is the server command mariadbd/mysqld (possibly with options only)?
if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
case "$1" in
	mariadbd|mysqld|/usr/sbin/mariadbd|/usr/sbin/mysqld) ;;
	*) exec "$@" ;;  # anything else (bash, mariadb client, …) runs as given
esac

if [ "$(id -u)" = 0 ]; then
	# Bind mounts from the host may belong to anybody: hand the data dir to mysql, then drop root.
	mkdir -p "$DATADIR" /run/mysqld
	if [ "$(stat -c %U "$DATADIR")" != mysql ]; then chown -R mysql:mysql "$DATADIR"; fi
	chown mysql:mysql /run/mysqld
	exec setpriv --reuid=mysql --regid=mysql --init-groups --inh-caps=-all -- "$0" "$@"
fi

first_start=0
if [ ! -d "$DATADIR/mysql" ] || [ -e "$INIT_MARKER" ]; then first_start=1; fi

if [ "$first_start" = 1 ]; then
	file_env MARIADB_ROOT_PASSWORD
	file_env MARIADB_ROOT_HOST '%'
	file_env MARIADB_DATABASE
	file_env MARIADB_USER
	file_env MARIADB_PASSWORD
	file_env MARIADB_ALLOW_EMPTY_ROOT_PASSWORD
	file_env MARIADB_RANDOM_ROOT_PASSWORD

	if [ -z "$MARIADB_ROOT_PASSWORD" ] && ! is_true "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" \
			&& ! is_true "$MARIADB_RANDOM_ROOT_PASSWORD"; then
		fail "the data directory is empty and no root password is set. Set MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD), MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 or MARIADB_RANDOM_ROOT_PASSWORD=1."
	fi
	if [ -n "$MARIADB_USER" ] && [ -z "$MARIADB_PASSWORD" ]; then
		fail "MARIADB_USER is set but MARIADB_PASSWORD is empty"
	fi
	if [ "$MARIADB_USER" = root ]; then
		fail "MARIADB_USER=root: set MARIADB_ROOT_PASSWORD for root, MARIADB_USER is for an app account"
	fi
	if [ -z "$MARIADB_ROOT_PASSWORD" ] && is_true "$MARIADB_RANDOM_ROOT_PASSWORD"; then
		MARIADB_ROOT_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24)"
		log "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
	fi

	# bash as PID 1 ignores SIGTERM unless trapped: stop cleanly if the container is stopped now.
	tmp_pid=
	on_stop() {
		log "stop requested during initialisation: aborting (the next start initialises again)"
		if [ -n "$tmp_pid" ]; then kill -TERM "$tmp_pid" 2>/dev/null; wait "$tmp_pid" || true; fi
		exit 143
	}
	trap on_stop TERM INT

	if [ -e "$INIT_MARKER" ]; then
		log "an earlier initialisation was interrupted: starting over"
	fi
	log "initialising an empty data directory in $DATADIR"
	# Remove leftovers of an interrupted initialisation (never a finished data dir, see first_start).
	find "$DATADIR" -mindepth 1 -maxdepth 1 ! -name 'lost+found' -exec rm -rf {} +
	: > "$INIT_MARKER"
	mariadb-install-db --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
		--skip-name-resolve --skip-log-bin --cross-bootstrap --rpm >/dev/null \
		|| fail "mariadb-install-db failed"

	log "starting a temporary server (no networking)"
	"$@" --skip-networking --socket="$SOCKET" --skip-log-bin &
	tmp_pid=$!
	for _ in $(seq 1 60); do
		if mariadb-admin --no-defaults --socket="$SOCKET" -uroot ping >/dev/null 2>&1; then break; fi
		kill -0 "$tmp_pid" 2>/dev/null || fail "temporary server exited during initialisation (see above)"
		sleep 1
	done
	mariadb-admin --no-defaults --socket="$SOCKET" -uroot ping >/dev/null 2>&1 \
		|| fail "temporary server did not answer in 60s"

	root_cli=(mariadb --no-defaults --default-character-set=utf8mb4 --socket="$SOCKET" -uroot --protocol=socket)

	health_pw="$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24)"
	{
		echo "SET @@SESSION.SQL_LOG_BIN=0;"
		# No anonymous accounts, no root@<container id>: root@localhost plus root@MARIADB_ROOT_HOST.
		echo "DELETE FROM mysql.global_priv WHERE User='' OR (User='root' AND Host<>'localhost');"
		echo "DELETE FROM mysql.proxies_priv WHERE User='' OR (User='root' AND Host<>'localhost');"
		echo "FLUSH PRIVILEGES;"
		echo "DROP DATABASE IF EXISTS test;"
		echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_str "$MARIADB_ROOT_PASSWORD");"
		if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != localhost ]; then
			echo "CREATE USER 'root'@$(sql_str "$MARIADB_ROOT_HOST") IDENTIFIED BY $(sql_str "$MARIADB_ROOT_PASSWORD");"
			echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@$(sql_str "$MARIADB_ROOT_HOST") WITH GRANT OPTION;"
			echo "GRANT PROXY ON ''@'%' TO 'root'@$(sql_str "$MARIADB_ROOT_HOST") WITH GRANT OPTION;"
		fi
		# Account used only by the HEALTHCHECK (no privileges beyond logging in, local TCP only).
		for h in 127.0.0.1 ::1 localhost; do
			echo "CREATE USER 'healthcheck'@'$h' IDENTIFIED BY $(sql_str "$health_pw");"
		done
		if [ -n "$MARIADB_DATABASE" ]; then
			echo "CREATE DATABASE IF NOT EXISTS $(sql_ident "$MARIADB_DATABASE") CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
		fi
		if [ -n "$MARIADB_USER" ]; then
			echo "CREATE USER $(sql_str "$MARIADB_USER")@'%' IDENTIFIED BY $(sql_str "$MARIADB_PASSWORD");"
			if [ -n "$MARIADB_DATABASE" ]; then
				echo "GRANT ALL PRIVILEGES ON $(sql_ident "$MARIADB_DATABASE").* TO $(sql_str "$MARIADB_USER")@'%';"
			fi
		fi
		echo "FLUSH PRIVILEGES;"
	} | "${root_cli[@]}" || fail "setting up accounts failed"

	umask 077
	printf '[client]\nuser=healthcheck\npassword=%s\n' "$health_pw" > "$HEALTH_CNF"
	umask 022

	# From here on root has a password: give it to the client through a private option file.
	client_cnf="$(mktemp /run/mysqld/.de-lab-init.XXXXXX)"
	printf '[client]\nuser=root\npassword="%s"\nsocket=%s\ndefault-character-set=utf8mb4\n' \
		"$(printf '%s' "$MARIADB_ROOT_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')" "$SOCKET" > "$client_cnf"
	sql_cli=(mariadb --defaults-extra-file="$client_cnf" --protocol=socket)
	if [ -n "$MARIADB_DATABASE" ]; then sql_cli+=("--database=$MARIADB_DATABASE"); fi
	export DE_LAB_MARIADB_CLIENT_CNF="$client_cnf"   # initdb *.sh scripts may use it

	# What *.sh scripts can call, like in the official images.
	docker_process_sql() { "${sql_cli[@]}" "$@"; }

	for f in "$INITDB_DIR"/*; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then log "running $f"; "$f"
				else log "sourcing $f"; . "$f"; fi ;;
			*.sql)     log "running $f"; "${sql_cli[@]}" < "$f" ;;
			*.sql.gz)  log "running $f"; gzip -dc "$f" | "${sql_cli[@]}" ;;
			*.sql.xz)  log "running $f"; xz -dc "$f" | "${sql_cli[@]}" ;;
			*.sql.zst) log "running $f"; zstd -dc "$f" | "${sql_cli[@]}" ;;
			*)         log "ignoring $f" ;;
		esac
	done

	log "stopping the temporary server"
	mariadb-admin --defaults-extra-file="$client_cnf" shutdown >/dev/null \
		|| kill -TERM "$tmp_pid"
	wait "$tmp_pid" || true
	tmp_pid=
	rm -f "$client_cnf" "$INIT_MARKER"
	trap - TERM INT
	unset MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD DE_LAB_MARIADB_CLIENT_CNF health_pw
	log "initialisation done; starting mariadbd"
else
	log "data directory already initialised: skipping initialisation and $INITDB_DIR"
fi

exec "$@"
