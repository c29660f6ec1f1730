"""Day 5 / reset-replay — reference solution: take the pipeline back to nothing, so that a replay
gives the same totals as the first run.

    de-lab run day5 reset-replay        (runs this file in the spark container, in this folder)

Order matters: stop the consumer before removing what it reads, and wait for each step to finish.
"""
import json
import os
import shutil
import time
import urllib.error
import urllib.request

from confluent_kafka.admin import AdminClient

DRUID = os.environ.get("DRUID_URL", "http://druid:8888")
KAFKA = os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092")
# The pipeline's names (the grader runs a pipeline of its own, under other names).
DATASOURCE = os.environ.get("PIPELINE_DATASOURCE", "ratings")
TOPICS = os.environ.get("PIPELINE_TOPICS", "ratings-raw,ratings-enriched").split(",")
CHECKPOINTS = "checkpoints"


def druid(method, path):
    req = urllib.request.Request(DRUID + path, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            body = res.read().decode()
            return res.status, json.loads(body) if body.strip() else None
    except urllib.error.HTTPError as error:
        return error.code, None


def wait(what, predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"reset: timed out waiting until {what}")
        time.sleep(1)
    print(f"reset: {what}")


# 1. Suspend the supervisor (its tasks publish and stop), forget the Kafka offsets it stored in
#    Druid's metadata (terminating keeps them: a new supervisor for `ratings` would go on from
#    there, past the end of the new topic, and read nothing), then terminate it.
status, supervisors = druid("GET", "/druid/indexer/v1/supervisor")
if DATASOURCE in (supervisors or []):
    druid("POST", f"/druid/indexer/v1/supervisor/{DATASOURCE}/suspend")
    wait("the suspended supervisor's tasks have stopped",
         lambda: not (druid("GET", f"/druid/indexer/v1/tasks?state=running&datasource={DATASOURCE}")[1] or []))
    druid("POST", f"/druid/indexer/v1/supervisor/{DATASOURCE}/reset")
    druid("POST", f"/druid/indexer/v1/supervisor/{DATASOURCE}/terminate")
wait(f"no ingestion task runs for {DATASOURCE}",
     lambda: not (druid("GET", f"/druid/indexer/v1/tasks?state=running&datasource={DATASOURCE}")[1] or []))

# 2. Drop the datasource: mark every segment unused, so nothing of it is queried any more.
druid("DELETE", f"/druid/coordinator/v1/datasources/{DATASOURCE}")
wait("the datasource has no used segments",
     lambda: DATASOURCE not in (druid("GET", "/druid/coordinator/v1/datasources")[1] or []))

# 3. Delete the topics (their records and the offsets that checkpoints remember).
admin = AdminClient({"bootstrap.servers": KAFKA})
present = [t for t in TOPICS if t in admin.list_topics(timeout=10).topics]
for future in admin.delete_topics(present, operation_timeout=30).values() if present else []:
    future.result()
wait("the topics are deleted", lambda: not (set(TOPICS) & set(admin.list_topics(timeout=10).topics)))

# 4. Delete the Spark checkpoints: they point at offsets of topics that no longer exist.
shutil.rmtree(CHECKPOINTS, ignore_errors=True)
print("reset: checkpoints removed; the pipeline is empty")
