#!/usr/bin/env python3
"""Day 4 driver: feeds a learner's streaming job wave by wave, the way the graders run it.

    python3 /opt/de-lab/gen/drive.py --job JOB.py --dir DIR --topic T [options]

JOB.py defines start(spark, cfg) -> StreamingQuery (see any exercise's starter). For every wave
the driver produces that wave of seeded events (gen/events.py) and runs the job once with
trigger(availableNow=True) until it stops: micro-batch boundaries, and so watermarks, are the
same on every run, which makes a learner's output comparable with the reference solution's.

The seed decides the amounts too, not only the records: how many events each wave has, and
the shares of broken, late and out-of-order events, vary around the --events and --*-share
options (see plan()), so every expected count changes with the seed. --fixed turns that off.

Modes
  waves   (default) reset the topics and DIR/{out,checkpoint}, then for each wave: produce, run.
  stream  reset; produce the first --backlog share of the first wave, start the job with a
          processing-time trigger, produce the rest while it runs, then keep it running until the
          process is killed (the graders kill it from outside, in the middle of the stream:
          checkpoint-recovery) or --timeout passes. A new query that starts at "latest" misses
          the backlog.
  resume  produce --waves (nothing is reset), then run the job once more (availableNow) on the
          same checkpoint. When the stream run was stopped before it had sent the rest of its
          first wave (--stream-waves), that rest is sent first, so every run ends on the same
          records; stopped while sending it, the graders' own run failed (exit GRADER_FAULT).
          The stream run marks its progress in /tmp (feed_marker): "feeding", then "fed".
Each batch's progress (rows, watermark, state rows, rows dropped as late) is printed to stderr,
for people reading a grading log. `drive.py --warm ARGS` runs ARGS in the graders' warm driver
when there is one (gen/warm.py), else cold.

The judge apart from the judged: this process is the graders'. It resets, writes users.csv and
produces every wave itself, and only then lets the job run, in a process of its own
(gen/runner.py: spark-submit runner.py, or a fresh Python attached to the warm driver's JVM) that
gets the job's cfg and "run now", never the seed, and has nothing of the generator to patch. This
process keeps its arguments (the seed) off its command line (hide_argv) and cannot be traced by
the job (private). Nothing the graders check comes from the job's process: checks read what a
separate process observes.
"""

import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The day's modules, then the helpers days 4 and 5 share (labs/shared/gen: kafka_io; labs/README.md).
sys.path[:0] = [HERE, "/opt/de-lab/shared"]

import events  # noqa: E402
import kafka_io  # noqa: E402

RUNNER = os.path.join(HERE, "runner.py")
# The graders' own part (topics, the users table, the waves) failed: exercise.yaml lists this code in
# the step's graderExitCodes, so grading says `error` (retried by --resume), never the learner's 0.
# The job runs in a process of its own and cannot set this process's exit code.
GRADER_FAULT = 70
COLD_RUNNER = ["spark-submit", "--conf", "spark.eventLog.enabled=false", RUNNER]


def private():
    """This process (the graders') cannot be traced or read by others of its user: the job runs
    as the same user, next to it. PR_SET_DUMPABLE 0 also makes /proc/PID/environ and mem root's."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass


def hide_argv(argv):
    """Runs this script again with its arguments in a pipe instead of its command line, which
    every process of the container can read in /proc (the seed is among them). Returns the argv."""
    if argv[:1] == ["--argv-fd"]:
        with os.fdopen(int(argv[1]), "rb") as f:
            return json.loads(f.read())
    read, write = os.pipe()
    os.write(write, json.dumps(argv).encode())
    os.close(write)
    os.set_inheritable(read, True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), "--argv-fd", str(read)])


def plan(args, wave):
    return events.graded_amounts(
        args.seed, wave, args.events, args.late_share, args.bad_share, args.disorder_share, fixed=args.fixed
    )


def users_plan(args):
    return events.graded_users(args.seed, fixed=args.fixed)


def wave_args(args, wave):
    amounts = plan(args, wave)
    return argparse.Namespace(
        seed=args.seed,
        events=amounts["events"],
        wave=wave,
        wave_minutes=args.wave_minutes,
        start=events.DEFAULT_START,
        late_share=amounts["late_share"],
        late_minutes=args.late_minutes,
        disorder_share=amounts["disorder_share"],
        disorder_minutes=5,
        bad_share=amounts["bad_share"],
        ctr=args.ctr,
        users=40,
        ads=8,
        topic=args.topic,
        bootstrap=args.bootstrap,
        out=None,
        rate=0,
        live=False,
    )


def graders(what, fn, *fn_args, runner=None):
    """Runs a part of the graders' own work; its failure ends this process with GRADER_FAULT."""
    try:
        return fn(*fn_args)
    except (Exception, SystemExit) as e:  # noqa: BLE001 - any failure of ours is ours
        if runner is not None:
            runner.stop(5)
        detail = e.code if isinstance(e, SystemExit) else f"{type(e).__name__}: {e}"
        print(f"drive.py: the graders' own step failed while {what}: {str(detail)[:500]}", file=sys.stderr, flush=True)
        sys.exit(GRADER_FAULT)


def reset(args):
    """Empties out/ and checkpoint/ and makes the run's topics anew (not in --mode resume)."""
    for name in ("out", "checkpoint"):
        path = os.path.join(args.dir, name)
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else (os.path.exists(path) and os.remove(path))
    names = [args.topic] + ([args.out_topic] if args.out_topic else [])
    stale = [
        t
        for t in kafka_io.topics(args.bootstrap)
        if args.drop_prefix and t.startswith(args.drop_prefix) and t not in names
    ]
    kafka_io.delete(names + stale, bootstrap=args.bootstrap, log=kafka_io.say)
    kafka_io.ensure(names, args.partitions, bootstrap=args.bootstrap, log=kafka_io.say)


def feed_marker(args, stage):
    """Where the stream run says how far it sent its waves ("feeding", "fed"): the crash step waits
    for "fed" (filesink.py wait --fed), and the resume run reads both. Nothing secret is in them."""
    return os.path.join(tempfile.gettempdir(), f"de-lab-drive-{args.topic}.{stage}")


def mark(args, stage):
    with open(feed_marker(args, stage), "w", encoding="utf-8") as f:
        f.write(f"{time.time()}\n")


def finish_stream_feed(args, produce):
    """Resume mode: sends what the stream run did not get to send of its waves (see Modes)."""
    feeding, fed = (os.path.exists(feed_marker(args, s)) for s in ("feeding", "fed"))
    if fed or not args.stream_waves:
        return
    if feeding:
        print(
            "drive.py: the graders' own step failed: the stream run was stopped while it was still sending "
            "its waves, so the topic holds an unknown part of them",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(GRADER_FAULT)
    first, *rest = [int(w) for w in args.stream_waves.split(",") if w.strip()]
    print(
        "drive.py: the stream run was stopped before it sent the rest of its waves: sending them now",
        file=sys.stderr,
        flush=True,
    )
    produce(first, (args.backlog, 1))
    for wave in rest:
        produce(wave)


def produce_wave(args, wave, part=None):
    """Sends wave `wave` (or, with part=(a, b), only its records a..b-1, as shares 0..1)."""
    ev_args = wave_args(args, wave)
    records, stats = events.wave_records(ev_args)
    if part is not None:
        records = records[round(len(records) * part[0]) : round(len(records) * part[1])]
    events.produce(records, ev_args)
    which = "" if part is None else f" (records {part[0]:.0%}-{part[1]:.0%}: {len(records)})"
    print(
        f"drive.py: wave {wave}: {stats['events']} events ({stats['late']} late, {stats['malformed']} malformed){which} -> {args.topic}",
        file=sys.stderr,
        flush=True,
    )
    return stats


def config(args):
    """The job's cfg (without the trigger): where to read and write. No seed, nothing of the generator."""
    return dict(
        bootstrap=args.bootstrap,
        topic=args.topic,
        out_topic=args.out_topic,
        out=os.path.join(args.dir, "out"),
        checkpoint=os.path.join(args.dir, "checkpoint"),
        users=os.path.join(args.dir, "users.csv"),
        max_offsets=args.max_offsets,
    )


def cold_spawn(env):
    """The job's process in a cold run: spark-submit runner.py, killed when this process ends."""

    def child():
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL

    return subprocess.Popen(COLD_RUNNER, env=env, preexec_fn=child, start_new_session=True)


class Runner:
    """The job's own process (gen/runner.py), spoken to over a private socket."""

    def __init__(self, spawn, args):
        self.folder = tempfile.mkdtemp(prefix="de-lab-drive-")
        path = os.path.join(self.folder, "control.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)
        self.server.settimeout(1)
        env = {k: v for k, v in os.environ.items() if k != "DE_LAB_WARM_SOCKET"}
        env["DE_LAB_RUNNER"] = path
        self.proc = spawn(env)
        deadline = time.monotonic() + args.start_timeout
        self.conn = None
        while self.conn is None:
            try:
                self.conn, _ = self.server.accept()
            except socket.timeout:
                if self.proc.poll() is not None:
                    self.fail(f"drive.py: the job's process ended before it started (exit {self.proc.returncode})")
                if time.monotonic() > deadline:
                    self.fail(f"drive.py: the job's process did not start within {args.start_timeout} s")
        self.conn.settimeout(None)
        self.stream = self.conn.makefile("rwb")

    def send(self, message):
        try:
            self.stream.write((json.dumps(message) + "\n").encode())
            self.stream.flush()
        except OSError:
            self.fail(f"drive.py: the job's process ended (exit {self.proc.poll()})")

    def quit(self):
        if getattr(self, "stream", None) is None:
            return
        try:
            self.stream.write(b'{"quit": true}\n')
            self.stream.flush()
        except OSError:
            pass

    def receive(self, what):
        line = self.stream.readline()
        try:
            reply = json.loads(line) if line else None
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            self.proc.poll()
            self.fail(f"drive.py: the job's process ended during {what} (exit {self.proc.returncode})")
        if reply.get("error"):
            self.fail(str(reply["error"])[:2000])
        return reply

    def stop(self, grace=30):
        if self.proc.poll() is None:
            self.quit()
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        try:  # everything the job started in its process group, too
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def fail(self, message):
        self.stop(5)
        sys.exit(message)


def main(argv=None, spawn=cold_spawn):
    """Runs the driver on argv; the job runs in the process spawn(env) starts (gen/runner.py)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--job", required=True, help="the learner's script (defines start(spark, cfg))")
    p.add_argument("--dir", required=True, help="exercise folder: out/, checkpoint/, users.csv")
    p.add_argument("--topic", required=True, help="input topic")
    p.add_argument("--out-topic", help="output topic (reset too)")
    p.add_argument("--mode", choices=["waves", "stream", "resume"], default="waves")
    p.add_argument("--waves", default="1", help="waves to produce, e.g. 1,2")
    p.add_argument(
        "--seed", type=int, required=True, help="seed (required: de-lab passes the course seed, labs/course.yaml)"
    )
    p.add_argument("--events", type=int, default=200)
    p.add_argument("--wave-minutes", type=int, default=30)
    p.add_argument("--late-share", type=float, default=0.0)
    p.add_argument("--late-minutes", type=int, default=20)
    p.add_argument("--disorder-share", type=float, default=0.0)
    p.add_argument("--bad-share", type=float, default=0.0)
    p.add_argument("--ctr", type=float, default=0.25)
    p.add_argument(
        "--fixed",
        action="store_true",
        help="exactly --events per wave and exactly the given shares (no variation by seed)",
    )
    p.add_argument(
        "--max-offsets", type=int, default=100, help="cfg.max_offsets: records per micro-batch where a job limits it"
    )
    p.add_argument(
        "--backlog", type=float, default=0.5, help="--mode stream: share of the first wave sent before the job starts"
    )
    p.add_argument(
        "--stream-waves", help="--mode resume: the waves (and --backlog) of the stream run before it (see Modes)"
    )
    p.add_argument("--users", action="store_true", help="write the users dimension to DIR/users.csv first")
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092"))
    p.add_argument("--timeout", type=int, default=300, help="seconds a run of the job may take (per wave)")
    p.add_argument("--drop-prefix", help="also delete older topics whose names start with this (earlier graded runs)")
    p.add_argument("--start-timeout", type=int, default=240, help="seconds the job's process may take to start")
    args = p.parse_args(argv)
    waves = [int(w) for w in args.waves.split(",") if w.strip()]

    # Everything of the graders happens first, in this process: reset, the users table, the first wave.
    if args.mode != "resume":
        graders("resetting the run's topics and folders", reset, args)
    if args.users:
        users_args = argparse.Namespace(
            seed=args.seed,
            users=40,
            start=events.DEFAULT_START,
            out=os.path.join(args.dir, "users.csv"),
            **users_plan(args),
        )
        graders("writing users.csv", events.users_csv, users_args)

    def produce(wave, part=None, runner=None):
        return graders(f"producing wave {wave}", produce_wave, args, wave, part, runner=runner)

    hello = {"job": args.job, "cfg": config(args), "name": f"de-lab-day4-{os.path.basename(args.dir)}"}
    if args.mode == "waves":
        produce(waves[0])
        runner = Runner(spawn, args)
        runner.send(hello)
        runner.receive("the job's start")
        for n, wave in enumerate(waves):
            if n > 0:
                produce(wave, runner=runner)
            runner.send({"run": True, "wave": wave, "trigger": {"availableNow": True}, "timeout": args.timeout})
            runner.receive(f"wave {wave}")
    elif args.mode == "stream":
        first, rest = waves[0], waves[1:]
        if args.backlog > 0:
            produce(first, (0, args.backlog))
        runner = Runner(spawn, args)
        runner.send(hello)
        runner.receive("the job's start")
        runner.send(
            {
                "run": True,
                "stream": True,
                "wave": ",".join(map(str, waves)),
                "trigger": {"processingTime": "1 second"},
                "timeout": args.timeout,
            }
        )
        runner.receive("the query's first trigger")
        mark(args, "feeding")
        produce(first, (args.backlog, 1), runner=runner)
        for wave in rest:
            produce(wave, runner=runner)
        mark(args, "fed")
        # Runs until the graders kill this process (SIGKILL: no clean shutdown, like a crash; the
        # job's process dies with it, cold; warm, the driver kills it and stops its query when its
        # client goes), or the runner gives up after --timeout.
        runner.receive("the stream")
    else:
        finish_stream_feed(args, produce)
        for wave in waves:
            produce(wave)
        runner = Runner(spawn, args)
        runner.send(hello)
        runner.receive("the job's start")
        runner.send({"run": True, "wave": "resume", "trigger": {"availableNow": True}, "timeout": args.timeout})
        runner.receive("the resumed run")
    runner.stop()


if __name__ == "__main__":
    private()
    argv = hide_argv(sys.argv[1:])
    private()
    if argv[:1] == ["--warm"]:
        import warm

        argv = argv[1:]
        warm.client(argv)  # returns when there is no warm driver (or it is busy): run cold
    main(argv)
