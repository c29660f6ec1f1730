#!/usr/bin/env python3
"""Day 4 warm driver: one long-lived Spark driver that runs gen/drive.py requests, for graders.

    spark-submit /opt/de-lab/gen/warm.py serve      the driver (the grader starts it with the stack)
    python3 /opt/de-lab/gen/warm.py ping            exit 0 when it answers
    python3 /opt/de-lab/gen/drive.py --warm ARGS    a client: run drive.py ARGS in it

A fresh spark-submit spends most of a short graded run starting a JVM and warming it up (class
loading, JIT, code generation): about 9 s of a 9 s parse-events run on an idle machine, against 3 s
in a driver that has run one before. `de-lab grade` starts this driver in the spark service of each
private stack, before it records what runs there, and every step written `drive.py --warm` goes
through it. Without it (de-lab check, de-lab run, or after it ended), the client runs
`spark-submit drive.py ARGS` instead: the same job, the same output, only slower.

Each request runs in a new SparkSession of the same SparkContext (its own SQL settings, views and
streaming queries), with the learner's job loaded afresh, one request at a time. A request made
while one runs gets "busy" and the client runs cold. What a request can leave behind is checked
after it: its streaming queries are stopped; if a streaming query of any session, a thread the
job started or a child process is still there, the driver ends itself after answering, so
nothing of one exercise lives on into the next (the grader then sees the leftovers as strays).
When the client goes away (the step's timeout), the request's queries are stopped, and a job
that does not return within 15 s ends the driver.
"""
import json
import os
import select
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOCKET = os.environ.get("DE_LAB_WARM_SOCKET", "/tmp/de-lab-warm/drive.sock")
COLD = ["spark-submit", "--conf", "spark.eventLog.enabled=false", os.path.join(HERE, "drive.py")]


# ---- client -------------------------------------------------------------------------------------

def connect(timeout=5):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(SOCKET)
    sock.settimeout(None)
    return sock


def lines(sock):
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)


def client(argv):
    """Runs drive.py ARGV in the warm driver, or cold when there is none (or it is busy)."""
    try:
        sock = connect()
        sock.sendall((json.dumps({"argv": argv}) + "\n").encode())
        replies = lines(sock)
        first = next(replies, None)
    except OSError:
        first = None
    if not first or first.get("busy"):
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvp(COLD[0], COLD + argv)
    print(f"drive.py: running in the warm driver (pid {first.get('pid')})", file=sys.stderr, flush=True)
    for reply in replies:
        if "o" in reply:
            sys.stderr.write(reply["o"])
            sys.stderr.flush()
        elif "exit" in reply:
            for note in reply.get("notes", []):
                print(f"drive.py: {note}", file=sys.stderr, flush=True)
            sys.exit(reply["exit"])
    sys.exit("drive.py: the warm driver ended during the run (did the job end its own process?)")


def ping():
    try:
        sock = connect(2)
        sock.sendall(b'{"ping": true}\n')
        reply = next(lines(sock), None)
    except OSError:
        reply = None
    sys.exit(0 if reply and reply.get("pong") else 1)


# ---- server -------------------------------------------------------------------------------------

class Output:
    """sys.stdout/sys.stderr of a request: every write goes to the client as one JSON line."""

    def __init__(self, conn):
        self.conn, self.lock, self.open = conn, threading.Lock(), True

    def write(self, text):
        if text and self.open:
            with self.lock:
                try:
                    self.conn.sendall((json.dumps({"o": text}) + "\n").encode())
                except OSError:
                    self.open = False
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def stream_threads(jvm):
    names = [t.getName() for t in jvm.java.lang.Thread.getAllStackTraces().keySet().toArray()]
    return [n for n in names if n.startswith("stream execution thread")]


def children():
    """'pid command' of the running children of this process and of the JVM (our parent), but this one."""
    me, parent = os.getpid(), os.getppid()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (me, parent):
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
                ppid = int(ppid)
        except (OSError, IndexError, ValueError):
            continue
        # A zombie has ended: spark-class's own helper is one for good (bash execs java before it
        # reaps it), and a command the JVM ran is one until the JVM waits for it.
        if ppid in (me, parent) and state != "Z":
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                command = "?"
            found.append(f"{name} {command[:80]}")
    return found


def serve():
    import drive
    from pyspark.sql import SparkSession

    base = drive.new_session("de-lab-day4-warm")
    jvm = base.sparkContext._jvm
    os.makedirs(os.path.dirname(SOCKET), mode=0o700, exist_ok=True)
    if os.path.exists(SOCKET):
        os.remove(SOCKET)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(SOCKET)
    server.listen(4)
    print(f"warm.py: serving on {SOCKET} (pid {os.getpid()})", flush=True)
    real_out, real_err = sys.stdout, sys.stderr

    def finish(code):
        try:
            os.remove(SOCKET)
        except OSError:
            pass
        real_out.flush()
        real_err.flush()
        os._exit(code)

    while True:
        conn, _ = server.accept()
        try:
            conn.settimeout(5)  # a client that connects and says nothing does not hold the driver
            first = conn.makefile("rb").readline()
            request = json.loads(first or b"{}")
            conn.settimeout(None)
        except (OSError, ValueError):
            conn.close()
            continue
        if request.get("ping"):
            conn.sendall(b'{"pong": true}\n')
            conn.close()
            continue
        argv = request.get("argv")
        if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
            conn.close()
            continue
        conn.sendall((json.dumps({"pid": os.getpid()}) + "\n").encode())

        session = base.newSession()
        SparkSession._instantiatedSession = session
        SparkSession._activeSession = session
        jvm.org.apache.spark.sql.SparkSession.setActiveSession(session._jsparkSession)
        jvm.org.apache.spark.sql.SparkSession.setDefaultSession(session._jsparkSession)
        threads_before = set(threading.enumerate())
        children_before = set(children())
        out = Output(conn)
        result = {"exit": 0}

        def work():
            sys.stdout, sys.stderr = out, out
            try:
                drive.main(argv, session)
            except SystemExit as e:
                if isinstance(e.code, str):
                    out.write(e.code + "\n")
                    result["exit"] = 1
                else:
                    result["exit"] = e.code or 0
            except BaseException:  # noqa: BLE001 - the job's own error, for the grading log
                import traceback
                out.write(traceback.format_exc())
                result["exit"] = 1

        worker = threading.Thread(target=work, name="de-lab-warm-request", daemon=True)
        worker.start()
        gone = False
        while worker.is_alive():
            ready, _, _ = select.select([conn, server], [], [], 0.5)
            if server in ready:
                other, _ = server.accept()
                other.sendall(b'{"busy": true}\n')
                other.close()
            if conn in ready:
                try:
                    gone = not conn.recv(1)
                except OSError:
                    gone = True
                if gone:
                    break
        notes = []
        for query in session.streams.active:
            try:
                query.stop()
            except Exception:  # noqa: BLE001
                pass
        if gone:
            worker.join(15)
            if worker.is_alive():
                finish(3)
        sys.stdout, sys.stderr = real_out, real_err
        deadline = time.monotonic() + 5
        while stream_threads(jvm) and time.monotonic() < deadline:
            time.sleep(0.2)
        streams = stream_threads(jvm)
        if streams:
            notes.append(f"a streaming query the job started in another session was still running ({'; '.join(streams[:3])}): the warm driver ends after this run")
        # Python's own stand-ins for threads that native code (librdkafka, the JVM) made are not the job's.
        extra = [t for t in threading.enumerate() if t not in threads_before and t.is_alive() and t is not worker
                 and not isinstance(t, threading._DummyThread) and not type(t).__module__.startswith(("py4j", "pyspark"))]
        if extra:
            names = ", ".join(f"{t.name} ({type(t).__module__}.{type(t).__name__})" for t in extra[:3])
            notes.append(f"the job left {len(extra)} thread(s) running ({names}): the warm driver ends after this run")
        left = [c for c in children() if c not in children_before]
        if left:  # only what is still there a moment later (a command the JVM runs and waits for is not)
            time.sleep(1)
            left = [c for c in children() if c in left]
        if left:
            notes.append(f"the job left processes running ({'; '.join(left[:3])}): the warm driver ends after this run")
        session.catalog.clearCache()
        jvm.java.lang.System.gc()
        SparkSession._instantiatedSession = base
        SparkSession._activeSession = base
        jvm.org.apache.spark.sql.SparkSession.setActiveSession(base._jsparkSession)
        jvm.org.apache.spark.sql.SparkSession.setDefaultSession(base._jsparkSession)
        out.open = False
        try:
            conn.sendall((json.dumps({"exit": result["exit"], "notes": notes}) + "\n").encode())
            conn.close()
        except OSError:
            pass
        if gone or notes:
            finish(0)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "serve":
        serve()
    elif command == "ping":
        ping()
    else:
        sys.exit(__doc__)
