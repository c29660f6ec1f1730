#!/bin/bash
# HEALTHCHECK for de-lab/mariadb: healthy = mariadbd accepts TCP connections on 3306 and answers
# a query. The temporary server used during initialisation has no networking, so a container is
# never reported healthy before MARIADB_DATABASE / MARIADB_USER and the initdb scripts are done.
#  1. `SELECT 1` over TCP as the `healthcheck` account the entrypoint created
#     (credentials in /var/lib/mysql/.de-lab-healthcheck.cnf; no privileges beyond login);
#  2. when MARIADB_USER/MARIADB_PASSWORD (or MYSQL_*) are set, `SELECT 1` as that app user in
#     MARIADB_DATABASE as well, proving the account the labs use works. If the server answered
#     step 1 but refuses the app user's password ("Access denied": the data dir was created with
#     other variables), the check stays healthy and says so in `docker inspect` (Health.Log):
#     the server works, and de-lab's logs show the learner what to fix.
# A data dir initialised elsewhere (no healthcheck.cnf) falls back to a TCP ping plus step 2,
# or root with MARIADB_ROOT_PASSWORD.
set -u
cnf=/var/lib/mysql/.de-lab-healthcheck.cnf
tcp=(--protocol=tcp --host=127.0.0.1 --port=3306 --connect-timeout=3)

pw_of() {  # pw_of VAR: $VAR, else the content of $VAR_FILE
	local v="${!1:-}" f="${1}_FILE"
	if [ -z "$v" ] && [ -n "${!f:-}" ] && [ -r "${!f}" ]; then v="$(< "${!f}")"; fi
	printf '%s' "$v"
}

app_user="${MARIADB_USER:-${MYSQL_USER:-}}"
app_pw="$(pw_of MARIADB_PASSWORD)"; [ -n "$app_pw" ] || app_pw="$(pw_of MYSQL_PASSWORD)"
app_db="${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}"

checked=0
if [ -r "$cnf" ]; then
	mariadb --defaults-extra-file="$cnf" "${tcp[@]}" --skip-column-names -e 'SELECT 1' >/dev/null || exit 1
	checked=1
fi
if [ -n "$app_user" ] && [ -n "$app_pw" ]; then
	if ! err="$(MYSQL_PWD="$app_pw" mariadb --no-defaults "${tcp[@]}" --user="$app_user" \
			${app_db:+--database="$app_db"} --skip-column-names -e 'SELECT 1' 2>&1 >/dev/null)"; then
		echo "$err"
		case "$err" in
			*"ERROR 1045"*|*"ERROR 1044"*|*"ERROR 1049"*)
				# server answers, but MARIADB_USER/PASSWORD/DATABASE differ from the data dir's
				if [ "$checked" = 1 ]; then
					echo "WARNING: server is up, but MARIADB_USER/MARIADB_PASSWORD/MARIADB_DATABASE do not match this data dir (they only apply to an empty /var/lib/mysql)"
					exit 0
				fi ;;
		esac
		exit 1
	fi
	checked=1
fi
if [ "$checked" = 0 ]; then
	root_pw="$(pw_of MARIADB_ROOT_PASSWORD)"; [ -n "$root_pw" ] || root_pw="$(pw_of MYSQL_ROOT_PASSWORD)"
	if [ -n "$root_pw" ]; then
		MYSQL_PWD="$root_pw" mariadb --no-defaults "${tcp[@]}" --user=root --skip-column-names -e 'SELECT 1' >/dev/null || exit 1
	else
		mariadb-admin --no-defaults "${tcp[@]}" ping >/dev/null || exit 1
	fi
fi
exit 0
