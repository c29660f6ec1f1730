#!/usr/bin/env python3
"""A small API in front of the database.

At start it loads the `cities` table ONCE (with the mariadb client) and then serves it:
    /cities   the rows as JSON, largest population first
    /health   "ok" — answers as soon as the data is loaded and the server listens
If the database cannot be reached at start, it exits with code 1 at once: it does not retry.
That is deliberate — starting it at the right moment is Compose's job (depends_on).

Settings (environment): DB_HOST, DB_USER, DB_PASSWORD, DB_NAME, PORT (default 8080).
"""
import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def load_cities() -> list[dict]:
    env = dict(os.environ, MYSQL_PWD=os.environ["DB_PASSWORD"])
    query = "SELECT name, name_ko, population FROM cities ORDER BY population DESC, name"
    done = subprocess.run(
        ["mariadb", "-h", os.environ["DB_HOST"], "-u", os.environ["DB_USER"], "--connect-timeout=3",
         "-N", "-B", "-e", query, os.environ["DB_NAME"]],
        capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        print(f"app: cannot load cities from {os.environ['DB_HOST']}: {done.stderr.strip()}", file=sys.stderr, flush=True)
        sys.exit(1)
    rows = []
    for line in done.stdout.splitlines():
        name, name_ko, population = line.split("\t")
        rows.append({"name": name, "name_ko": name_ko, "population": int(population)})
    return rows


def main() -> None:
    for name in ("DB_HOST", "DB_USER", "DB_PASSWORD", "DB_NAME"):
        if not os.environ.get(name):
            sys.exit(f"app: set {name}")
    cities = load_cities()
    body = (json.dumps(cities, ensure_ascii=False) + "\n").encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/cities":
                self.reply(200, "application/json; charset=utf-8", body)
            elif self.path == "/health":
                self.reply(200, "text/plain", b"ok\n")
            else:
                self.reply(404, "text/plain", b"try /cities or /health\n")

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
