"""Day 4 grader helper: count the rows of a stream-stream join's state from its files, without Spark.

Spark's default state store (HDFSBackedStateStoreProvider) keeps each store of each partition in
checkpoint/state/<operatorId>/<partition>/<store>/ as <version>.delta and <version>.snapshot files.
Each file is compressed with the state store codec (lz4 by default: lz4-java's LZ4BlockOutputStream
framing) and holds records `int keySize, key, int valueSize, value` (big-endian ints), ended by -1;
in a delta, valueSize -1 removes the key. Version v of a store is its latest snapshot <= v with the
deltas after it applied in order (version 0 is empty). After batch N is committed, the state is
version N + 1. A stream-stream join (operator 0 here) keeps its rows in the stores
left-keyWithIndexToValue and right-keyWithIndexToValue: one entry per row, which is what Spark's
`statestore` data source counts.

Two kinds of trouble: Unknown (files in a form this reader does not know: another provider such as
RocksDB, another codec, another layout; Spark itself may still read them) and Unreadable (the known
form, but broken or missing: Spark could not read it either).
"""

import json
import os
import re
import struct
import sys

MAGIC = b"LZ4Block"
HEADER = struct.Struct("<Biii")  # token, compressed length, decompressed length, checksum
SEED = 0x9747B28C  # lz4-java's default seed, which Spark's LZ4CompressionCodec uses
RAW, LZ4 = 0x10, 0x20
STORE_FILE = re.compile(r"^(\d+)\.(delta|snapshot)$")
SIDES = ("left", "right")
PROVIDER = "spark.sql.streaming.stateStore.providerClass"
CODEC = "spark.sql.streaming.stateStore.compression.codec"
PARTITIONS = "spark.sql.shuffle.partitions"
P1, P2, P3, P4, P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
M32 = 0xFFFFFFFF


class Unknown(Exception):
    """The files are in a form this reader does not know: ask Spark instead."""


class Unreadable(Exception):
    """The files are in the known form but broken or missing: Spark could not read them either."""


def _rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & M32


def xxh32(data, seed):
    """XXH32 of data, the checksum lz4-java stores per block (masked to 28 bits there)."""
    n, i = len(data), 0
    if n >= 16:
        v = [(seed + P1 + P2) & M32, (seed + P2) & M32, seed, (seed - P1) & M32]
        while i <= n - 16:
            lanes = struct.unpack_from("<4I", data, i)
            v = [(_rotl((v[k] + lanes[k] * P2) & M32, 13) * P1) & M32 for k in range(4)]
            i += 16
        h = _rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)
    else:
        h = seed + P5
    h = (h + n) & M32
    while i + 4 <= n:
        h = (_rotl((h + struct.unpack_from("<I", data, i)[0] * P3) & M32, 17) * P4) & M32
        i += 4
    while i < n:
        h = (_rotl((h + data[i] * P5) & M32, 11) * P1) & M32
        i += 1
    h = ((h ^ (h >> 15)) * P2) & M32
    h = ((h ^ (h >> 13)) * P3) & M32
    return h ^ (h >> 16)


def _length(src, i, n):
    """An LZ4 length that continues in bytes of 255: returns (n + extra bytes, next index)."""
    while True:
        byte = src[i]
        i += 1
        n += byte
        if byte != 255:
            return n, i


def lz4_block(src, size):
    """Decode one raw LZ4 block (sequences of literals and back-references) of `size` bytes."""
    out, i, end = bytearray(), 0, len(src)
    while True:
        token = src[i]
        i += 1
        literals, i = _length(src, i, 15) if token >> 4 == 15 else (token >> 4, i)
        if i + literals > end:
            raise Unreadable("an LZ4 block ends inside its literals")
        out += src[i : i + literals]
        i += literals
        if i == end:
            break
        offset = src[i] | src[i + 1] << 8
        i += 2
        match, i = _length(src, i, 15) if token & 15 == 15 else (token & 15, i)
        match += 4
        if offset == 0 or offset > len(out):
            raise Unreadable("an LZ4 block refers to data before its start")
        start = len(out) - offset
        if offset >= match:
            out += out[start : start + match]
        else:  # an overlapping copy repeats the last `offset` bytes
            out += (out[start:] * (match // offset + 1))[:match]
    if len(out) != size:
        raise Unreadable(f"an LZ4 block gives {len(out)} bytes, its header says {size}")
    return bytes(out)


def unframe(data):
    """The bytes of an LZ4BlockOutputStream: blocks of magic, header and data, ended by an empty block."""
    if not data:
        raise Unreadable("the file is empty")
    if not data.startswith(MAGIC):
        raise Unknown("not lz4-java block data (another compression codec?)")
    out, i, ended = bytearray(), 0, False
    while i < len(data):
        if data[i : i + len(MAGIC)] != MAGIC or i + len(MAGIC) + HEADER.size > len(data):
            raise Unreadable(f"broken LZ4 block header at byte {i}")
        token, packed, size, check = HEADER.unpack_from(data, i + len(MAGIC))
        i += len(MAGIC) + HEADER.size
        method = token & 0xF0
        if method not in (RAW, LZ4) or packed < 0 or size < 0 or i + packed > len(data):
            raise Unreadable(f"broken or truncated LZ4 block at byte {i}")
        if size == 0:
            ended = True  # the end mark; Spark reads on if another stream follows
            continue
        block = bytes(data[i : i + packed])
        i += packed
        try:
            raw = block if method == RAW else lz4_block(block, size)
        except IndexError:
            raise Unreadable("a truncated LZ4 block") from None
        if len(raw) != size or xxh32(raw, SEED) & 0x0FFFFFFF != check & 0x0FFFFFFF:
            raise Unreadable(f"an LZ4 block's checksum does not match at byte {i - packed}")
        out += raw
    if not ended:
        raise Unreadable("the file ends before its end mark (truncated)")
    return bytes(out)


def records(data, snapshot):
    """(key, present) for each record: present is False for a removal (a delta's valueSize -1)."""
    i = 0
    while True:
        if i + 4 > len(data):
            raise Unreadable("the records end without the -1 end mark (truncated)")
        (key_size,) = struct.unpack_from(">i", data, i)
        i += 4
        if key_size == -1:
            return
        if key_size < 0 or i + key_size + 4 > len(data):
            raise Unreadable(f"a record's key size {key_size} does not fit the file")
        key = data[i : i + key_size]
        (value_size,) = struct.unpack_from(">i", data, i + key_size)
        i += key_size + 4
        if value_size < 0:
            if snapshot:
                raise Unreadable("a snapshot holds a removal")
            yield key, False
            continue
        if i + value_size > len(data):
            raise Unreadable(f"a record's value size {value_size} does not fit the file")
        i += value_size
        yield key, True


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise Unreadable(f"{os.path.basename(path)} cannot be read ({e.strerror})") from None


def store_files(folder):
    """{version: {"delta": path, "snapshot": path}} of a store folder; Unknown for any other file."""
    versions = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith((".", "_")):  # Hadoop's .crc files, unfinished .tmp files, _metadata/schema
            continue
        match = STORE_FILE.match(name)
        if not match:
            raise Unknown(f"{name} is not a file of Spark's default state store (another provider?)")
        versions.setdefault(int(match.group(1)), {})[match.group(2)] = os.path.join(folder, name)
    return versions


def store_rows(folder, version):
    """How many keys the store holds at `version`: its latest snapshot <= version, then the deltas."""
    files = store_files(folder)
    base = max((v for v, kinds in files.items() if v <= version and "snapshot" in kinds), default=0)
    keys = set()
    if base:
        keys = {key for key, _ in load(files[base]["snapshot"], snapshot=True)}
    for v in range(base + 1, version + 1):
        if "delta" not in files.get(v, {}):
            raise Unreadable(f"{os.path.basename(folder)} has no {v}.delta (nor a snapshot after it)")
        for key, present in load(files[v]["delta"], snapshot=False):
            if present:
                keys.add(key)
            else:
                keys.discard(key)
    return len(keys)


def load(path, snapshot):
    """The records of one store file, as a list; Unreadable names the file."""
    try:
        return list(records(unframe(read_file(path)), snapshot))
    except Unreadable as e:
        where = "/".join(path.split(os.sep)[-5:])  # state/0/<partition>/<store>/<file>
        raise Unreadable(f"{where}: {e}") from None


def last_id(folder):
    """Largest batch id among the files of a checkpoint log folder (offsets/, commits/), or -1."""
    if not os.path.isdir(folder):
        return -1
    return max((int(name) for name in os.listdir(folder) if name.isdigit()), default=-1)


def offsets_conf(checkpoint, batch):
    """The session settings the query recorded with batch's offsets (line 2 of offsets/<batch>)."""
    lines = read_file(os.path.join(checkpoint, "offsets", str(batch))).decode("utf-8", "replace").splitlines()
    try:
        conf = json.loads(lines[1]).get("conf", {}) if len(lines) > 1 else {}
    except (ValueError, AttributeError):
        raise Unreadable(f"offsets/{batch} is not an offsets log file") from None
    return conf if isinstance(conf, dict) else {}


def join_rows(checkpoint):
    """{"batch": N, "left": rows, "right": rows} of the join's state (operator 0) after the last
    committed batch N, read like Spark's `statestore` source with joinSide left and right."""
    batch = last_id(os.path.join(checkpoint, "commits"))
    if batch < 0:
        raise Unreadable("commits/ holds no committed batch")
    conf = offsets_conf(checkpoint, batch)
    provider = conf.get(PROVIDER, "HDFSBackedStateStoreProvider")
    if not provider.endswith(".HDFSBackedStateStoreProvider") and provider != "HDFSBackedStateStoreProvider":
        raise Unknown(f"the query kept its state with {provider.rsplit('.', 1)[-1]}")
    if conf.get(CODEC, "lz4") != "lz4":
        raise Unknown(f"the state store files are compressed with {conf[CODEC]}")
    operator = os.path.join(checkpoint, "state", "0")
    if not os.path.isdir(operator):
        raise Unreadable("state/0 does not exist: the query kept no state")
    parts = sorted(int(name) for name in os.listdir(operator) if name.isdigit())
    if not parts:
        raise Unreadable("state/0 holds no partition of state")
    count = int(conf.get(PARTITIONS, len(parts)))
    stores = {f"{side}-keyWithIndexToValue" for side in SIDES}
    found = set(os.listdir(os.path.join(operator, str(parts[0]))))
    if not stores & found:
        if any(STORE_FILE.match(name) for name in found):
            raise Unreadable("state/0 is the state of another operator, not of a stream-stream join")
        raise Unknown(f"state/0/{parts[0]} holds no store this reader knows ({', '.join(sorted(found)[:4])})")
    rows = {"batch": batch}
    for side in SIDES:
        rows[side] = 0
        for part in range(count):
            folder = os.path.join(operator, str(part), f"{side}-keyWithIndexToValue")
            if not os.path.isdir(folder):
                raise Unreadable(f"state/0/{part}/{side}-keyWithIndexToValue does not exist")
            rows[side] += store_rows(folder, batch + 1)
    return rows


def main():
    """python3 statestore.py CHECKPOINT: the join's state rows as JSON; exit 1 when unreadable,
    2 when in a form this reader does not know (then Spark's statestore source is the way)."""
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: python3 statestore.py CHECKPOINT   (prints the join's state rows as JSON)")
    try:
        print(json.dumps(join_rows(sys.argv[1]), sort_keys=True))
    except Unknown as e:
        print(
            f"statestore.py: {e}: read it with Spark's statestore source (gen/state.py --reader spark)", file=sys.stderr
        )
        sys.exit(2)
    except Unreadable as e:
        sys.exit(f"statestore.py: {e}")


if __name__ == "__main__":
    main()
