#!/usr/bin/env python3
"""A small API in front of the database.

    /cities   the rows of the `cities` table as JSON, largest population first (read per request)
    /health   "ok" while the database answers; 503 "database unreachable" when it does not

At start it reads the `cities` table once (with the mariadb client). If the database cannot be
reached at that moment, it exits with code 1 at once: it does not retry. That is deliberate —
starting it at the right moment is Compose's job (depends_on). Once running, it keeps serving and
/health tells whether it can still do its job, which is what a healthcheck should ask.

Settings (environment): DB_HOST, DB_USER, DB_PASSWORD, DB_NAME, PORT (default 8080).
"""
import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUERY = "SELECT name, name_ko, population FROM cities ORDER BY population DESC, name"


class DatabaseDown(Exception):
    pass


def query(sql: str, connect_timeout: int = 3) -> str:
    env = dict(os.environ, MYSQL_PWD=os.environ["DB_PASSWORD"])
    done = subprocess.run(
        ["mariadb", "-h", os.environ["DB_HOST"], "-u", os.environ["DB_USER"], f"--connect-timeout={connect_timeout}",
         "-N", "-B", "-e", sql, os.environ["DB_NAME"]],
        capture_output=True, text=True, env=env, check=False, timeout=10)
    if done.returncode != 0:
        raise DatabaseDown(done.stderr.strip() or f"mariadb exited with {done.returncode}")
    return done.stdout


def load_cities(connect_timeout: int = 3) -> list[dict]:
    rows = []
    for line in query(QUERY, connect_timeout).splitlines():
        name, name_ko, population = line.split("\t")
        rows.append({"name": name, "name_ko": name_ko, "population": int(population)})
    return rows


def main() -> None:
    for name in ("DB_HOST", "DB_USER", "DB_PASSWORD", "DB_NAME"):
        if not os.environ.get(name):
            sys.exit(f"app: set {name}")
    try:
        cities = load_cities(connect_timeout=5)
    except (DatabaseDown, subprocess.TimeoutExpired) as error:
        print(f"app: cannot load cities from {os.environ['DB_HOST']}: {error}", file=sys.stderr, flush=True)
        sys.exit(1)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                if self.path == "/cities":
                    self.reply(200, "application/json; charset=utf-8", (json.dumps(load_cities(), ensure_ascii=False) + "\n").encode("utf-8"))
                elif self.path == "/health":
                    query("SELECT 1")
                    self.reply(200, "text/plain", b"ok\n")
                else:
                    self.reply(404, "text/plain", b"try /cities or /health\n")
            except (DatabaseDown, subprocess.TimeoutExpired) as error:
                print(f"app: {self.path}: database unreachable: {error}", file=sys.stderr, flush=True)
                self.reply(503, "text/plain", b"database unreachable\n")

        def reply(self, status: int, kind: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt: str, *args) -> None:
            pass  # the healthcheck calls /health every few seconds: keep the log readable

    port = int(os.environ.get("PORT", "8080"))
    print(f"app: loaded {len(cities)} cities; serving on port {port}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
