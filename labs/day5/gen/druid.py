"""Day 5 Druid helpers (plain urllib, through the router): SQL, supervisors, tasks, datasources."""

import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

DRUID = os.environ.get("DRUID_URL", "http://druid:8888")


class DruidError(Exception):
    pass


def call(method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        DRUID + path, data=data, method=method, headers={"Content-Type": "application/json"} if data else {}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            text = res.read().decode()
            return res.status, (json.loads(text) if text.strip() else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def q(name):
    return urllib.parse.quote(name, safe="")


def sql(query, params=None):
    body = {"query": query}
    if params:
        body["parameters"] = [{"type": "VARCHAR", "value": p} for p in params]
    status, rows = call("POST", "/druid/v2/sql", body)
    if status != 200:
        raise DruidError(f"Druid SQL failed ({status}): {_message(rows)}")
    return rows


def sql_or_none(query):
    """Rows, or None while the datasource does not exist (yet)."""
    try:
        return sql(query)
    except DruidError as error:
        if "not found" in str(error).lower() or "object" in str(error).lower():
            return None
        raise


def _message(body):
    if isinstance(body, dict):
        return body.get("errorMessage") or body.get("error") or json.dumps(body)[:400]
    return str(body)[:400]


def submit_supervisor(spec):
    status, body = call("POST", "/druid/indexer/v1/supervisor", spec)
    if status != 200:
        raise DruidError(f"Druid refused the supervisor spec ({status}): {_message(body)}")
    return body["id"]


def supervisors():
    status, body = call("GET", "/druid/indexer/v1/supervisor")
    return body if status == 200 else []


def supervisor_status(sid):
    status, body = call("GET", f"/druid/indexer/v1/supervisor/{q(sid)}/status")
    return body.get("payload", {}) if status == 200 and isinstance(body, dict) else None


def read_to_end(sid):
    """The supervisor's task is reading and has read to the end of the topic (lag 0): a count that
    is still short then stays short. (Before a task runs, the lag can read 0 too.)"""
    state = supervisor_status(sid) or {}
    reading = any(t.get("currentOffsets") for t in state.get("activeTasks") or [])
    return reading and state.get("aggregateLag") == 0


def terminate(sid):
    call("POST", f"/druid/indexer/v1/supervisor/{q(sid)}/terminate")


def tasks(state, datasource=None):
    path = f"/druid/indexer/v1/tasks?state={state}"
    if datasource:
        path += f"&datasource={q(datasource)}"
    status, body = call("GET", path)
    return body if status == 200 else []


def active_tasks(datasource=None):
    """The tasks that are not finished (running, pending or waiting), of one datasource or all."""
    return [t for state in ("running", "pending", "waiting") for t in tasks(state, datasource)]


def kill_task(task_id):
    call("POST", f"/druid/indexer/v1/task/{q(task_id)}/shutdown")


def submit_task(spec):
    status, body = call("POST", "/druid/indexer/v1/task", spec)
    if status != 200:
        raise DruidError(f"Druid refused the task spec ({status}): {_message(body)}")
    return body["task"]


def task_status(task_id):
    status, body = call("GET", f"/druid/indexer/v1/task/{q(task_id)}/status")
    if status != 200:
        return "UNKNOWN", ""
    s = body.get("status", {})
    return s.get("statusCode") or s.get("status"), s.get("errorMsg") or ""


def wait_task(task_id, timeout=300):
    deadline = time.monotonic() + timeout
    while True:
        code, error = task_status(task_id)
        if code in ("SUCCESS", "FAILED"):
            return code, error
        if time.monotonic() > deadline:
            return "TIMEOUT", f"still {code} after {timeout} s"
        time.sleep(1)


def used_datasources():
    """The datasources that have used segments in the metadata store, loaded or not yet (a task's
    segments are published there before the coordinator assigns them to the historical)."""
    status, body = call("GET", "/druid/coordinator/v1/metadata/datasources")
    return body if status == 200 else []


def drop_datasource(name):
    """Marks every segment unused and deletes them (the grader's own cleanup between runs)."""
    call("DELETE", f"/druid/coordinator/v1/datasources/{q(name)}")


def tables():
    """The datasources Druid SQL can query now (an empty set while Druid does not answer)."""
    try:
        return {
            r["TABLE_NAME"]
            for r in sql("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'druid'")
        }
    except DruidError:
        return set()


def wait_until(predicate, timeout, every=1.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return value
        time.sleep(every)


GRADED = re.compile(
    r"^(fluentd-to-kafka|spark-enrich|druid-ingestion|batch-backfill|turnilo-cube|reset-replay)-"
    r"(learner|reference|starter|solution)-"
)


def clear_others(keep):
    """Terminates the supervisors and tasks that earlier graded runs left (they hold task slots and
    memory), except `keep`. Only graded runs' own names (<exercise>-<role>-<unique>): a learner's
    own pipeline in the same stack (the datasource ratings, say) is never touched."""
    for sid in supervisors():
        if GRADED.match(sid) and sid != keep:
            terminate(sid)
    for task in active_tasks():
        ds = task.get("dataSource", "")
        if GRADED.match(ds) and ds != keep:
            kill_task(task["id"])


def _get_status(path):
    """The HTTP status of a GET (0 when Druid does not answer at all)."""
    try:
        with urllib.request.urlopen(DRUID + path, timeout=10) as res:
            return res.status, res.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except Exception:  # noqa: BLE001 - refused, reset, timed out: not ready
        return 0, ""


def wait_ready(timeout=300):
    """Until Druid can take the grader's work: an overlord leader and a coordinator leader (after a
    stack is recreated the broker answers SQL before them), a worker for tasks, and SQL."""
    missing = []

    def ready():
        missing.clear()
        if _get_status("/druid/indexer/v1/leader")[0] != 200:
            missing.append("overlord leader")
        if _get_status("/druid/coordinator/v1/leader")[0] != 200:
            missing.append("coordinator leader")
        status, body = _get_status("/druid/indexer/v1/workers")
        if status != 200 or body.strip() in ("", "[]"):
            missing.append("an indexer")
        if not missing:
            try:
                sql("SELECT 1 AS ok")
            except Exception:  # noqa: BLE001
                missing.append("SQL")
        return not missing

    if not wait_until(ready, timeout, every=2):
        raise SystemExit(f"Druid was not ready within {timeout} s: no {', '.join(missing)}")
