#!/usr/bin/env python3
"""Day 4 warm driver: one long-lived Spark driver that runs gen/drive.py requests, for graders.

    spark-submit /opt/de-lab/gen/warm.py serve      the driver (the grader starts it with the stack)
    python3 /opt/de-lab/gen/warm.py ping            exit 0 when it answers
    python3 /opt/de-lab/gen/drive.py --warm ARGS    a client: run drive.py ARGS in it

A fresh spark-submit spends most of a short graded run starting a JVM and warming it up (class
loading, JIT, code generation): about 9 s of a 9 s parse-events run on an idle machine, against 3 s
in a driver that has run one before. `de-lab grade` starts this driver in the spark service of each
private stack, before it records what runs there, and every step written `drive.py --warm` goes
through it. Without it (de-lab check, de-lab run, or after it ended), drive.py runs the job cold
(spark-submit runner.py): the same job, the same output, only slower.

Warm, but fresh (issue 22). The JVM stays; the learner's code never runs in this process. Each
request runs drive.py's graders' side here (reset, produce the waves) and the job in a NEW Python
process (gen/runner.py) attached to this JVM through PYSPARK_GATEWAY_PORT/_SECRET, in a new
SparkSession made for it. After the run that process and its process group are killed, so patched
modules (the generator, pyspark), module state and threads (raw _thread ones too) end with it.
What it can leave is checked: the run's streaming queries are stopped; a streaming query still
running, a process it left (in a session of its own), or a change to the shared JVM (jvm_state:
SparkContext and Hadoop conf, system properties, listeners, global temp views, cache, jars, the
checkpoint folder) ends the driver after it answers, and de-lab grade starts a new one for the next
exercise. Not detectable here: a static field changed through Java reflection over py4j; a run
has full access to the JVM. One request at a time: a request made while one runs gets "busy" and
its client runs cold. When the client goes away (a step's timeout, or the graders' crash of a
stream run: SIGKILL of the client), the run ends as every run does (its process group killed, its
queries stopped, its Spark jobs cancelled) and the same leftovers are checked: the driver serves on
only when nothing is left, so the crashed query restarts warm. A request thread of the graders'
side still running 15 s later ends the driver.
"""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOCKET = os.environ.get("DE_LAB_WARM_SOCKET", "/tmp/de-lab-warm/drive.sock")


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
    """Runs drive.py ARGV in the warm driver and exits; returns when there is none (or it is busy)."""
    try:
        sock = connect()
        sock.sendall((json.dumps({"argv": argv}) + "\n").encode())
        replies = lines(sock)
        first = next(replies, None)
    except OSError:
        first = None
    if not first or first.get("busy"):
        return  # drive.py runs ARGV cold itself
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
    # "busy" is an answer too: the driver is alive and running another request (a second
    # `de-lab check` must not start a second driver over the first one's socket).
    sys.exit(0 if reply and (reply.get("pong") or reply.get("busy")) else 1)


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


def pump(stream, out):
    """Copies a job process's output to the Output of the request that started it, until the pipe
    closes. Both are bound when the job starts: a process that outlives its request (one that left
    its process group) writes to that request's closed Output, never into the next request's."""
    for chunk in iter(lambda: stream.read1(65536), b""):
        out.write(chunk.decode(errors="replace"))


class Request:
    """One drive.py request: its output, the job processes it started and its exit code. Whatever
    the request's threads use is bound here, never to variables of the serve loop, which the next
    request rebinds."""

    def __init__(self, conn, argv, runner=None):
        self.out = Output(conn)
        self.argv = argv
        self.spawned = []
        self.exit = 0
        self.runner = runner or [sys.executable, os.path.join(HERE, "runner.py")]

    def attach(self, env):
        """The job's process: a fresh python3 runner.py on this JVM (PYSPARK_GATEWAY_PORT/SECRET)."""
        proc = subprocess.Popen(
            self.runner,
            env={**env, "DE_LAB_RUNNER_ATTACH": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.spawned.append(proc)
        threading.Thread(target=pump, args=(proc.stdout, self.out), name="de-lab-warm-output", daemon=True).start()
        return proc

    def work(self, main):
        """Runs main(argv, spawn=self.attach) (drive.main) with this request's output as stdout and stderr."""
        sys.stdout, sys.stderr = self.out, self.out
        try:
            main(self.argv, spawn=self.attach)
        except SystemExit as e:
            if isinstance(e.code, str):
                self.out.write(e.code + "\n")
                self.exit = 1
            else:
                self.exit = e.code or 0
        except BaseException:  # noqa: BLE001 - a grader error, for the grading log
            import traceback

            self.out.write(traceback.format_exc())
            self.exit = 1


def stream_threads(jvm):
    names = [t.getName() for t in jvm.java.lang.Thread.getAllStackTraces().keySet().toArray()]
    return [n for n in names if n.startswith("stream execution thread")]


def processes():
    """{pid: 'pid command'} of the container's running processes whose parent is init (1), this
    process or the JVM (our parent): where a job's leftovers end up. Processes that docker exec
    started (parent 0 in the container) are the graders' and others'."""
    me, parent = os.getpid(), os.getppid()
    found = {}
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
        if ppid in (1, me, parent) and state != "Z":
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                command = "?"
            found[name] = f"{name} {command[:80]}"
    return found


def jvm_state(base):
    """What one run could leave in the shared JVM for the next, as {what: set of items}: the
    SparkContext's conf, the Hadoop conf, the JVM's system properties, SparkContext listeners,
    global temp views, persisted RDDs and cached tables, jars and files added, the checkpoint
    folder, streaming-query listeners of the base session, whether the context is stopped.
    A probe that cannot be read gives an item of its own (so the comparison fails closed)."""
    sc = base.sparkContext._jsc.sc()
    jvm = base.sparkContext._jvm

    def pairs(iterator):
        found = set()
        while iterator.hasNext():
            entry = iterator.next()
            found.add(f"{entry.getKey()}={entry.getValue()}")
        return found

    def listeners():
        found = [listener.getClass().getName() for listener in sc.listenerBus().listeners().toArray()]
        # A new session's streaming-query bus registers itself once per session; each run has one.
        return set(n for n in found if not n.endswith("StreamingQueryListenerBus"))

    probes = {
        "the SparkContext's conf": lambda: set(f"{k}={v}" for k, v in base.sparkContext.getConf().getAll()),
        "the Hadoop conf": lambda: pairs(base.sparkContext._jsc.hadoopConfiguration().iterator()),
        "the JVM's system properties": lambda: pairs(jvm.java.lang.System.getProperties().entrySet().iterator()),
        "SparkContext listeners": listeners,
        "global temp views": lambda: set(t.name for t in base.catalog.listTables("global_temp")),
        "persisted RDDs": lambda: {str(sc.getPersistentRDDs().size())},
        "cached tables": lambda: {str(base._jsparkSession.sharedState().cacheManager().isEmpty())},
        "jars and files added": lambda: set(list(sc.listJars()) + list(sc.listFiles())),
        "the checkpoint folder": lambda: {str(sc.getCheckpointDir())},
        "streaming listeners": lambda: {str(len(base._jsparkSession.streams().listListeners()))},
        "a stopped SparkContext": lambda: {str(sc.isStopped())},
    }
    state = {}
    for what, probe in probes.items():
        try:
            state[what] = probe()
        except Exception as e:  # noqa: BLE001
            state[what] = {f"unreadable ({type(e).__name__})"}
    return state


def state_changes(clean, state):
    """'what: +added -removed' for each probe of jvm_state that differs."""
    changes = []
    for what, items in clean.items():
        now = state.get(what, set())
        if now != items:
            diff = [f"+{i}" for i in sorted(now - items)] + [f"-{i}" for i in sorted(items - now)]
            changes.append(f"{what}: {' '.join(d[:80] for d in diff[:3])}")
    return changes


def serve():
    import drive

    import runner

    drive.private()

    base = runner.new_session("de-lab-day4-warm")
    jvm = base.sparkContext._jvm
    os.makedirs(os.path.dirname(SOCKET), mode=0o700, exist_ok=True)
    if os.path.exists(SOCKET):
        os.remove(SOCKET)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(SOCKET)
    server.listen(4)
    print(f"warm.py: serving on {SOCKET} (pid {os.getpid()})", flush=True)
    real_out, real_err = sys.stdout, sys.stderr
    # Shared state (warehouse folder, SQL listener) is made on first use: use it before the snapshot.
    base.sql("SELECT 1").collect()
    jvm_state(base)
    clean = jvm_state(base)

    def finish(code):
        try:
            os.remove(SOCKET)
        except OSError:
            pass
        real_out.flush()
        real_err.flush()
        os._exit(code)

    def reset_sessions():
        from pyspark.sql import SparkSession

        SparkSession._instantiatedSession = base
        SparkSession._activeSession = base
        jvm.org.apache.spark.sql.SparkSession.setActiveSession(base._jsparkSession)
        jvm.org.apache.spark.sql.SparkSession.setDefaultSession(base._jsparkSession)

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
            try:  # a prober that gave up (a busy machine) must not end the driver
                conn.sendall(b'{"pong": true}\n')
            except OSError:
                pass
            conn.close()
            continue
        argv = request.get("argv")
        if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
            conn.close()
            continue
        try:
            conn.sendall((json.dumps({"pid": os.getpid()}) + "\n").encode())
        except OSError:
            conn.close()
            continue

        reset_sessions()
        # The run's session: runner.py takes it as the JVM's default session; the queries it leaves
        # are stopped from here once its process is gone.
        jsession = base._jsparkSession.newSession()
        jvm.org.apache.spark.sql.SparkSession.setDefaultSession(jsession)
        before = processes()
        req = Request(conn, argv)
        worker = threading.Thread(target=req.work, args=(drive.main,), name="de-lab-warm-request", daemon=True)
        worker.start()
        gone = False
        while worker.is_alive():
            ready, _, _ = select.select([conn, server], [], [], 0.5)
            if server in ready:
                other, _ = server.accept()
                try:
                    other.sendall(b'{"busy": true}\n')
                except OSError:
                    pass
                other.close()
            if conn in ready:
                try:
                    gone = not conn.recv(1)
                except OSError:
                    gone = True
                if gone:
                    break
        for proc in req.spawned:  # the job's process and its group end with the run, whatever it did
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        if gone:
            worker.join(15)
            if worker.is_alive():
                finish(3)
        for proc in req.spawned:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        sys.stdout, sys.stderr = real_out, real_err
        notes = []
        for streams in (jsession.streams(), base._jsparkSession.streams()):
            for query in streams.active():
                try:
                    query.stop()
                except Exception:  # noqa: BLE001
                    pass
        # Spark jobs the run started (a thread of the killed process, a client that gave up on a
        # long job) would go on running here: cancelled, and waited for.
        tracker = base.sparkContext.statusTracker()
        try:
            if tracker.getActiveJobsIds():
                base.sparkContext.cancelAllJobs()
        except Exception:  # noqa: BLE001
            pass
        deadline = time.monotonic() + 5
        while (stream_threads(jvm) or tracker.getActiveJobsIds()) and time.monotonic() < deadline:
            time.sleep(0.2)
        streams = stream_threads(jvm)
        if streams:
            notes.append(
                f"a streaming query the job started was still running ({'; '.join(streams[:3])}): the warm driver ends after this run"
            )
        jobs = tracker.getActiveJobsIds()
        if jobs:
            notes.append(
                f"a Spark job the job started was still running (job {', '.join(map(str, jobs[:3]))}): the warm driver ends after this run"
            )
        left = [c for pid, c in processes().items() if pid not in before]
        if left:  # only what is still there a moment later (a command the JVM runs and waits for is not)
            time.sleep(1)
            now = processes()
            left = [c for pid, c in now.items() if pid not in before and c in left]
        if left:
            notes.append(f"the job left processes running ({'; '.join(left[:3])}): the warm driver ends after this run")
        reset_sessions()
        try:
            base.catalog.clearCache()
        except Exception:  # noqa: BLE001
            pass
        state = jvm_state(base)
        changed = state_changes(clean, state)
        if changed:
            notes.append(
                f"the job changed state of the shared JVM ({'; '.join(changed[:3])}): the warm driver ends after this run"
            )
        jvm.java.lang.System.gc()
        req.out.open = False
        try:
            conn.sendall((json.dumps({"exit": req.exit, "notes": notes}) + "\n").encode())
            conn.close()
        except OSError:
            pass
        if gone:  # for the driver's own log: what ended a run whose client is no longer there
            print(
                f"warm.py: the client went away: its run was ended{'; ' + '; '.join(notes) if notes else ''}",
                flush=True,
            )
        if notes:
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
