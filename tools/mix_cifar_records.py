#!/usr/bin/env python3
"""Interleave records of CIFAR-10 binaries (official layout) into one file.

    mix_cifar_records.py OUT SOURCE:FIRST:COUNT [SOURCE:FIRST:COUNT ...]

Writes record k of every source in turn, for k = 0 .. COUNT-1 (all sources give the same COUNT),
so every prefix of OUT holds the sources in equal parts: `ola optimize --calib OUT --calib-images N`
then calibrates on N/2 records of each of two sources. Used to calibrate on lossless and
JPEG-decoded training images together (docs/results.md, session 11). Records are copied byte for
byte (3073 bytes: label, 1024 R, 1024 G, 1024 B). OUT is written to a temporary file and renamed,
so a failed run leaves no partial file. Errors name the source and what was expected; exit code 2.
"""
import os
import sys
import tempfile

RECORD = 3073


class MixError(Exception):
    pass


def parse_source(spec):
    parts = spec.rsplit(":", 2)
    if len(parts) != 3:
        raise MixError(f"{spec}: expected SOURCE:FIRST:COUNT")
    path, first, count = parts
    try:
        first, count = int(first), int(count)
    except ValueError:
        raise MixError(f"{spec}: FIRST and COUNT must be integers") from None
    if first < 0 or count < 1:
        raise MixError(f"{spec}: expected FIRST >= 0 and COUNT >= 1, got {first} and {count}")
    return path, first, count


def read_records(path, first, count):
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise MixError(f"{path}: cannot read ({e.strerror})") from None
    if size % RECORD != 0:
        raise MixError(f"{path}: size {size} is not a multiple of the CIFAR-10 record size {RECORD}")
    have = size // RECORD
    if first + count > have:
        raise MixError(f"{path}: records {first}..{first + count - 1} requested, the file has {have}")
    with open(path, "rb") as f:
        f.seek(first * RECORD)
        data = f.read(count * RECORD)
    records = [data[i * RECORD:(i + 1) * RECORD] for i in range(count)]
    for i, r in enumerate(records):
        if r[0] > 9:
            raise MixError(f"{path}: record {first + i}: label {r[0]}, expected 0..9")
    return records


def mix(out, specs):
    sources = [parse_source(s) for s in specs]
    counts = {c for _, _, c in sources}
    if len(counts) != 1:
        raise MixError(f"COUNT: expected the same for every source, got {[c for _, _, c in sources]}")
    records = [read_records(*s) for s in sources]
    directory = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(prefix=".mix_cifar_", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            for k in range(counts.pop()):
                for r in records:
                    f.write(r[k])
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        mix(argv[1], argv[2:])
    except MixError as e:
        print(f"mix_cifar_records: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
