#!/usr/bin/env python3
"""A tiny HTTP service that reports revenue per product from a CSV file.

It is configured only through environment variables (read once, at start):

    REPORT_FORMAT   text | json              default: text
    TOP_N           products to list (1-50)  default: 5
    REPORT_TITLE    first line / "title"     default: Sales report
    DATA_FILE       CSV with product,quantity,unit_price columns
                                             default: /data/sales.csv
    PORT            port to listen on        default: 8080

Endpoints:  /report  the report     /config  the settings in effect     /health  "ok"
A bad setting stops the service at start with a message saying which one (exit code 2).
"""
import csv
import json
import os
import sys
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def settings() -> dict:
    fmt = os.environ.get("REPORT_FORMAT", "text").strip().lower()
    if fmt not in ("text", "json"):
        sys.exit(f"report: REPORT_FORMAT must be text or json, not {fmt!r}")
    try:
        top_n = int(os.environ.get("TOP_N", "5"))
    except ValueError:
        sys.exit(f"report: TOP_N must be a whole number, not {os.environ['TOP_N']!r}")
    if not 1 <= top_n <= 50:
        sys.exit(f"report: TOP_N must be between 1 and 50, not {top_n}")
    try:
        port = int(os.environ.get("PORT", "8080"))
    except ValueError:
        sys.exit(f"report: PORT must be a number, not {os.environ['PORT']!r}")
    return {
        "format": fmt,
        "top_n": top_n,
        "title": os.environ.get("REPORT_TITLE", "Sales report"),
        "data_file": os.environ.get("DATA_FILE", "/data/sales.csv"),
        "port": port,
    }


def revenue_by_product(path: str) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            amount = Decimal(row["quantity"]) * Decimal(row["unit_price"])
            totals[row["product"]] = totals.get(row["product"], Decimal(0)) + amount
    # Highest revenue first; ties by name, so the order never depends on the file's order.
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def render(config: dict) -> tuple[str, str]:
    top = revenue_by_product(config["data_file"])[: config["top_n"]]
    if config["format"] == "json":
        body = {"title": config["title"], "top": [{"product": p, "revenue": f"{r:.2f}"} for p, r in top]}
        return "application/json", json.dumps(body, ensure_ascii=False) + "\n"
    lines = [config["title"]] + [f"{i}. {p} {r:.2f}" for i, (p, r) in enumerate(top, start=1)]
    return "text/plain; charset=utf-8", "\n".join(lines) + "\n"


def main() -> None:
    config = settings()
    if not os.path.exists(config["data_file"]):
        sys.exit(f"report: DATA_FILE {config['data_file']} does not exist (is the data folder mounted?)")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/report":
                kind, body = render(config)
            elif self.path == "/config":
                kind, body = "application/json", json.dumps(config) + "\n"
            elif self.path == "/health":
                kind, body = "text/plain", "ok\n"
            else:
                self.send_error(404, "try /report, /config or /health")
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt: str, *args) -> None:  # one line per request on stdout: `docker compose logs`
            print(f"{self.address_string()} {fmt % args}", flush=True)

    print(f"report: serving {config['format']} (top {config['top_n']}) on port {config['port']}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", config["port"]), Handler).serve_forever()


if __name__ == "__main__":
    main()
