#!/usr/bin/env python3
"""Day 4 job runner: the only process that runs a learner's job, in a fresh interpreter.

    DE_LAB_RUNNER=SOCKET spark-submit runner.py              a cold run (its own Spark driver)
    DE_LAB_RUNNER=SOCKET DE_LAB_RUNNER_ATTACH=1 python3 runner.py
                                                             attached to the warm driver's JVM
                                                             (PYSPARK_GATEWAY_PORT/_SECRET)

gen/drive.py (the graders' side) starts it AFTER it has produced the first wave and talks to it
over the socket: it sends the job's path and cfg (topics, folders: no seed, nothing of the
generator), then "run" once per wave, after it has produced that wave itself. This process never
imports the generator and drops gen/ from its import path, so a job can patch nothing the graders
run; whatever it does to Python (patched modules, threads, even raw _thread ones) ends with this
process, which the graders kill after the run. Nothing the graders check comes from here.
"""

import ctypes
import importlib.util
import json
import os
import socket
import sys
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))


def die_with_parent():
    """SIGKILL this process when its parent ends (a killed drive.py, or the JVM that runs us)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def new_session(name):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.stateStore.maintenanceInterval", "600s")
        # A Python worker (a UDF's) serves one task and ends: no worker lives on into another job.
        .config("spark.python.worker.reuse", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


def attached_session():
    """A new SparkSession of the running JVM's SparkContext (the warm driver's), from this new process."""
    from pyspark import SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    gateway = launch_gateway()
    jvm = gateway.jvm
    jsc = jvm.org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
        jvm.org.apache.spark.SparkContext.getOrCreate()
    )
    sc = SparkContext(gateway=gateway, jsc=jsc)
    # The warm driver made this run's session and made it the default one.
    jsession = jvm.org.apache.spark.sql.SparkSession.getDefaultSession().get()
    return SparkSession(sc, jsession)


def load_job(path):
    spec = importlib.util.spec_from_file_location("learner_job", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "start"):
        raise SystemExit(f"runner.py: {path} defines no start(spark, cfg)")
    return module


def progress_dict(p):
    raw = p.json() if callable(getattr(p, "json", None)) else getattr(p, "json", p)
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def print_progress(wave, query, seen):
    """One line per new batch on stderr (a log for people; no check reads it)."""
    for p in query.recentProgress:
        d = progress_dict(p)
        key = (d.get("runId"), d.get("batchId"))
        if key in seen:
            continue
        seen.add(key)
        ops = d.get("stateOperators") or []
        print(
            f"drive.py: wave {wave} batch {d.get('batchId')}: {d.get('numInputRows', 0)} rows read, "
            f"watermark {(d.get('eventTime') or {}).get('watermark')}, "
            f"state rows {sum(int(o.get('numRowsTotal', 0)) for o in ops)}, "
            f"dropped by the watermark {sum(int(o.get('numRowsDroppedByWatermark', 0)) for o in ops)}",
            file=sys.stderr,
            flush=True,
        )


def main():
    die_with_parent()
    path = os.environ.pop("DE_LAB_RUNNER", "")
    attach = os.environ.pop("DE_LAB_RUNNER_ATTACH", "") == "1"
    # Nothing of the graders on the job's import path (gen/ is sys.path[0] as this file's folder).
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    stream = sock.makefile("rwb")

    def send(message):
        stream.write((json.dumps(message) + "\n").encode())
        stream.flush()

    def receive():
        line = stream.readline()
        return json.loads(line) if line else {"quit": True}

    hello = receive()
    cfg = hello["cfg"]
    spark = attached_session() if attach else new_session(hello.get("name", "de-lab-day4"))
    if not attach:
        spark.sparkContext.setLogLevel("WARN")
    sys.stdout = sys.stderr  # the job's prints go to the grading log, as before
    seen = set()
    try:
        job = load_job(hello["job"])
        send({"ready": True})
        while True:
            command = receive()
            if command.get("quit"):
                break
            wave, timeout = command.get("wave"), command.get("timeout", 300)
            query = job.start(spark, SimpleNamespace(**cfg, trigger=command["trigger"]))
            if command.get("stream"):
                deadline = time.monotonic() + timeout
                # The first trigger fixes the starting offsets; then drive.py sends the rest.
                while not query.recentProgress and query.isActive and time.monotonic() < deadline:
                    time.sleep(0.2)
                send({"started": True})
                while query.isActive and time.monotonic() < deadline:
                    print_progress(wave, query, seen)
                    time.sleep(0.5)
                if query.exception():
                    raise SystemExit(f"drive.py: the query failed: {query.exception()}")
                raise SystemExit(f"drive.py: the query was still running after {timeout} s (nobody stopped it)")
            query.awaitTermination(timeout)
            print_progress(wave, query, seen)
            if query.isActive:
                query.stop()
                raise SystemExit(f"drive.py: the query did not finish wave {wave} within {timeout} s")
            if query.exception():
                raise SystemExit(f"drive.py: the query failed: {query.exception()}")
            send({"done": True})
    except SystemExit as e:
        send({"error": str(e.code) if e.code is not None else "the job exited"})
    except BaseException:  # noqa: BLE001 - the job's own error, for the grading log
        import traceback

        text = traceback.format_exc()
        sys.stderr.write(text)
        send({"error": f"drive.py: the job failed: {text.strip().splitlines()[-1][:300]}"})
    sys.stderr.flush()
    if not attach:
        try:
            spark.stop()
        except Exception:  # noqa: BLE001
            pass
    # Attached: never stop the warm driver's SparkContext; end without Python's exit handlers.
    os._exit(0)


if __name__ == "__main__":
    main()
