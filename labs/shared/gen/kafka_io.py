"""The course's one Python Kafka helper (confluent_kafka, in the spark image), for days 4 and 5.

Topics (delete with their consumer groups, create, reset, wait until every partition has a
leader), producing (acknowledged, keyed like Java's default partitioner), reading a whole topic,
and end offsets. A day's compose file mounts this folder read-only at /opt/de-lab/shared, and the
day's scripts put that on their import path (see labs/README.md, "Helpers shared by days").

Waits are bounded waits on metadata, never sleeps: a topic deleted a moment ago cannot be created
again until the controller has finished deleting it. Failures end the program with one sentence
(SystemExit), with the client's last log lines.
"""

import collections
import json
import logging
import os
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092")

# librdkafka logs to stderr by default (`%3|...|FAIL|rdkafka#producer-1| ...` while a broker or a
# topic's leader is not there yet), in the middle of what `de-lab gen` says. Its lines go to this
# logger instead: the last 50 are kept, and the last three end the message of a Kafka failure
# here (see client_log_tail); all are printed as they come with DE_LAB_KAFKA_LOG=1.
CLIENT_LOG = collections.deque(maxlen=50)


class _Keep(logging.Handler):
    def emit(self, record):
        CLIENT_LOG.append(self.format(record))
        if os.environ.get("DE_LAB_KAFKA_LOG") == "1":
            print(self.format(record), file=sys.stderr, flush=True)


LOGGER = logging.getLogger("de-lab.rdkafka")
LOGGER.addHandler(_Keep())
LOGGER.setLevel(logging.DEBUG)
LOGGER.propagate = False

# A fresh broker has no group coordinator until __consumer_offsets exists: deleting a group retries these.
_COORDINATOR_STARTING = ("NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE")


def client_log_tail(lines=3):
    """The client's last log lines, for a failure message ('' when it logged nothing)."""
    tail = list(CLIENT_LOG)[-lines:]
    return ("\nlast Kafka client log lines:\n  " + "\n  ".join(tail)) if tail else ""


def client_config(bootstrap=None, **settings):
    """A client's settings with de-lab's logger: every Producer, Consumer and AdminClient takes these."""
    return {"bootstrap.servers": bootstrap or BOOTSTRAP, "logger": LOGGER, **settings}


def admin(bootstrap=None):
    return AdminClient(client_config(bootstrap))


def consumer(bootstrap=None, **settings):
    """A Consumer with de-lab's logger; settings such as group.id as Kafka names them."""
    return Consumer(client_config(bootstrap, **settings))


def topics(bootstrap=None):
    return set(admin(bootstrap).list_topics(timeout=10).topics)


def say(text):
    print(text, file=sys.stderr, flush=True)


def _wait(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout} s waiting until {what}{client_log_tail()}")
        time.sleep(0.3)


def delete_groups(groups, timeout=60, bootstrap=None, log=None):
    """Deletes the consumer groups that exist (their committed offsets go with them)."""
    if not groups:
        return
    client = admin(bootstrap)
    deadline = time.monotonic() + timeout
    pending = list(groups)
    while pending:
        retry = []
        for group, future in client.delete_consumer_groups(pending, request_timeout=10).items():
            try:
                future.result()
                if log:
                    log(f"deleted consumer group {group}")
            except KafkaException as error:
                text = str(error)
                if "GROUP_ID_NOT_FOUND" in text:
                    continue
                if any(code in text for code in _COORDINATOR_STARTING) and time.monotonic() < deadline:
                    retry.append(group)
                else:
                    raise SystemExit(f"cannot delete consumer group {group}: {error}") from error
        pending = retry
        if pending:
            time.sleep(0.5)


def delete(names, groups=(), timeout=60, bootstrap=None, log=None):
    """Deletes the consumer groups, then the topics that exist, and waits until they are gone."""
    delete_groups(groups, timeout, bootstrap, log)
    client = admin(bootstrap)
    present = [t for t in names if t in topics(bootstrap)]
    if not present:
        return
    for topic, future in client.delete_topics(present, operation_timeout=30).items():
        try:
            future.result()
            if log:
                log(f"deleted topic {topic}")
        except KafkaException as error:
            if "UNKNOWN_TOPIC" not in str(error):
                raise SystemExit(f"cannot delete topic {topic}: {error}") from error
    _wait(lambda: not (set(present) & topics(bootstrap)), f"{', '.join(present)} are deleted", timeout)


def ensure(names, partitions=3, configs=None, timeout=60, bootstrap=None, log=None):
    """Creates the topics that do not exist (with `partitions` partitions and the topic `configs`),
    then waits until every one has a leader for each partition, and the created ones all of theirs."""
    client = admin(bootstrap)
    deadline = time.monotonic() + timeout
    created = set()
    while True:
        missing = [t for t in names if t not in topics(bootstrap)]
        if not missing:
            break
        new = [NewTopic(t, num_partitions=partitions, replication_factor=1, config=configs or {}) for t in missing]
        for topic, future in client.create_topics(new, operation_timeout=30).items():
            try:
                future.result()
                created.add(topic)
                if log:
                    log(f"created topic {topic} ({partitions} partitions)")
            except KafkaException as error:
                # Still being deleted: try again shortly.
                if "TOPIC_ALREADY_EXISTS" not in str(error) or time.monotonic() > deadline:
                    raise SystemExit(f"cannot create topic {topic}: {error}") from error
        time.sleep(0.3)

    def ready():
        meta = client.list_topics(timeout=10).topics
        return all(
            t in meta
            and meta[t].error is None
            and (t not in created or len(meta[t].partitions) == partitions)
            and all(p.leader >= 0 for p in meta[t].partitions.values())
            for t in names
        )

    _wait(ready, f"{', '.join(names)} have leaders", timeout)


def reset(names, partitions=3, groups=(), configs=None, timeout=60, bootstrap=None, log=None):
    """Empty topics and no consumer-group offsets: delete, then create anew."""
    delete(names, groups, timeout, bootstrap, log)
    ensure(names, partitions, configs, timeout, bootstrap, log)


def producer(bootstrap=None, **settings):
    """murmur2 like Java's default partitioner: a key lands where Spark or Fluentd would put it.
    Acknowledged by every replica, idempotent; `settings` override these (e.g. a latency probe's)."""
    defaults = {"partitioner": "murmur2_random", "acks": "all", "enable.idempotence": True, "linger.ms": 5}
    return Producer(client_config(bootstrap, **{**defaults, **settings}))


def produce(topic, pairs, prod=None, bootstrap=None):
    """pairs: (key, value dict or str, timestamp ms or None). Waits until every record is
    acknowledged (unless `prod` is the caller's, who flushes it). Returns how many were sent."""
    own = prod is None
    prod = prod or producer(bootstrap)
    failures = []
    sent = 0

    def delivered(err, _msg):
        if err is not None:
            failures.append(str(err))

    for key, value, ts in pairs:
        body = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        kwargs = {"timestamp": ts} if ts is not None else {}
        while True:
            try:
                prod.produce(
                    topic,
                    key=key.encode() if key is not None else None,
                    value=body.encode(),
                    on_delivery=delivered,
                    **kwargs,
                )
                break
            except BufferError:
                prod.poll(0.1)
        prod.poll(0)
        sent += 1
    if own:
        left = prod.flush(60)
        if left or failures:
            raise SystemExit(
                f"{left} records not delivered to {topic}, {len(failures)} failed: {failures[:3]}{client_log_tail()}"
            )
    return sent


def watermarks(topic, bootstrap=None):
    """{partition: (earliest, latest)} offsets of the topic now (None when there is no such topic)."""
    c = consumer(bootstrap, **{"group.id": f"de-lab-count-{os.getpid()}-{time.time()}"})
    try:
        meta = c.list_topics(topic, timeout=10).topics.get(topic)
        if meta is None or meta.error is not None:
            return None
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in meta.partitions}
    finally:
        c.close()


def offsets(topic, bootstrap=None):
    """How many records each partition of the topic holds now ({} when there is no such topic)."""
    return {p: high - low for p, (low, high) in (watermarks(topic, bootstrap) or {}).items()}


def read_all(topic, timeout=30, bootstrap=None):
    """Every record of the topic now: dicts with key, value (text), timestamp (ms), partition, offset."""
    c = consumer(
        bootstrap,
        **{
            "group.id": f"de-lab-read-{os.getpid()}-{time.time()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        },
    )
    try:
        meta = c.list_topics(topic, timeout=10).topics.get(topic)
        if meta is None or meta.error is not None:
            return None
        ends, parts = {}, []
        for p in meta.partitions:
            low, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            if high > low:
                ends[p] = high
                parts.append(TopicPartition(topic, p, low))
        out = []
        if not parts:
            return out
        c.assign(parts)
        deadline = time.monotonic() + timeout
        done = set()
        while len(done) < len(ends):
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out reading {topic}")
            msg = c.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append(
                {
                    "key": msg.key().decode() if msg.key() is not None else None,
                    "value": msg.value().decode(errors="replace") if msg.value() is not None else None,
                    "timestamp": msg.timestamp()[1],
                    "partition": msg.partition(),
                    "offset": msg.offset(),
                }
            )
            if msg.offset() + 1 >= ends[msg.partition()]:
                done.add(msg.partition())
        return out
    finally:
        c.close()
