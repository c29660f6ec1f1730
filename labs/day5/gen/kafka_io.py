"""Day 5 Kafka helpers (confluent_kafka, in the spark image): delete/create topics, produce, read all."""

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


def client_log_tail(lines=3):
    """The client's last log lines, for a failure message ('' when it logged nothing)."""
    tail = list(CLIENT_LOG)[-lines:]
    return ("\nlast Kafka client log lines:\n  " + "\n  ".join(tail)) if tail else ""


def client_config(**settings):
    """A client's settings with de-lab's logger: every Producer, Consumer and AdminClient takes these."""
    return {"bootstrap.servers": BOOTSTRAP, "logger": LOGGER, **settings}


def admin():
    return AdminClient(client_config())


def topics():
    return set(admin().list_topics(timeout=10).topics)


def _wait(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout} s waiting until {what}{client_log_tail()}")
        time.sleep(0.3)


def delete(names, timeout=60):
    client = admin()
    present = [t for t in names if t in topics()]
    if not present:
        return
    for topic, future in client.delete_topics(present, operation_timeout=30).items():
        try:
            future.result()
        except KafkaException as error:
            if "UNKNOWN_TOPIC" not in str(error):
                raise SystemExit(f"cannot delete topic {topic}: {error}") from error
    _wait(lambda: not (set(present) & topics()), f"{', '.join(present)} are deleted", timeout)


def ensure(names, partitions=3, timeout=60):
    client = admin()
    deadline = time.monotonic() + timeout
    while True:
        missing = [t for t in names if t not in topics()]
        if not missing:
            break
        for topic, future in client.create_topics(
            [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing], operation_timeout=30
        ).items():
            try:
                future.result()
            except KafkaException as error:
                if "TOPIC_ALREADY_EXISTS" not in str(error) or time.monotonic() > deadline:
                    raise SystemExit(f"cannot create topic {topic}: {error}") from error
        time.sleep(0.3)

    def ready():
        meta = client.list_topics(timeout=10).topics
        return all(
            t in meta and meta[t].error is None and all(p.leader >= 0 for p in meta[t].partitions.values())
            for t in names
        )

    _wait(ready, f"{', '.join(names)} have leaders", timeout)


def reset(names, partitions=3):
    delete(names)
    ensure(names, partitions)


def producer():
    # murmur2 like Java's default partitioner: a key lands where Spark or Fluentd would put it.
    return Producer(
        client_config(**{"partitioner": "murmur2_random", "acks": "all", "enable.idempotence": True, "linger.ms": 5})
    )


def produce(topic, pairs, prod=None):
    """pairs: (key, value dict or str, timestamp ms or None). Waits until every record is acknowledged."""
    own = prod is None
    prod = prod or producer()
    failures = []

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
    if own:
        left = prod.flush(60)
        if left or failures:
            raise SystemExit(
                f"{left} records not delivered to {topic}, {len(failures)} failed: {failures[:3]}{client_log_tail()}"
            )


def read_all(topic, timeout=30):
    """Every record of the topic now: dicts with key, value (text), timestamp (ms), partition, offset."""
    consumer = Consumer(
        client_config(
            **{
                "group.id": f"de-lab-read-{os.getpid()}-{time.time()}",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
            }
        )
    )
    try:
        meta = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if meta is None or meta.error is not None:
            return None
        ends, parts = {}, []
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            if high > low:
                ends[p] = high
                parts.append(TopicPartition(topic, p, low))
        out = []
        if not parts:
            return out
        consumer.assign(parts)
        deadline = time.monotonic() + timeout
        done = set()
        while len(done) < len(ends):
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out reading {topic}")
            msg = consumer.poll(0.5)
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
        consumer.close()


def offsets(topic):
    """How many records each partition of the topic holds now ({} when there is no such topic)."""
    consumer = Consumer(client_config(**{"group.id": f"de-lab-count-{os.getpid()}-{time.time()}"}))
    try:
        meta = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if meta is None or meta.error is not None:
            return {}
        counts = {}
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            counts[p] = high - low
        return counts
    finally:
        consumer.close()


def say(text):
    print(text, file=sys.stderr, flush=True)
