#!/usr/bin/python3
"""Every hostile input class, each under 1 MB, against the real binary with 4 GB of address space.

    check_hostile_inputs.py TOKENHEAT WORKDIR [--no-address-limit] [--time-limit S]

For each crafted file, `tokenheat info FILE` and `tokenheat render FILE -o OUT.png` must end by
themselves within 30 s (under `ulimit -v` 4 GB) either with exit 0, with exit 1 and a one-line
error that names the file, or (render) with exit 3, warnings naming the file and one error line:
a picture with no value in it, refused; never a signal (SIGSEGV, SIGBUS, SIGABRT from std::terminate or
bad_alloc), a hang or an error from a library. The files are built here, byte by byte, from the
formats' own rules (npy headers, ZIP records, safetensors' length prefix), so nothing large lives
in the repository.
"""
import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib

ADDRESS_SPACE = 4 << 30
TIME_LIMIT_S = 30
EMPTY_PICTURE = 3  # kExitEmptyPicture, src/app/commands.hpp


def npy(shape, dtype="<f4", data=b""):
    """An .npy file as np.save writes it: format 1.0, or 2.0 (4-byte header length) past 64 KiB."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (dtype, shape)
    version, length_format = (b"\x01\x00", "<H") if len(header) < 65000 else (b"\x02\x00", "<I")
    prefix = 8 + struct.calcsize(length_format)
    header += " " * (-(prefix + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY" + version + struct.pack(length_format, len(header)) + header.encode() + data


def safetensors(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def zip_bytes(members):
    """A .npz (ZIP) of (name, bytes, compress) members, as zipfile writes them."""
    path = os.path.join(WORKDIR, "zip.tmp")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, compress in members:
            archive.writestr(name, data, zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
    with open(path, "rb") as stream:
        data = stream.read()
    os.remove(path)
    return data


def deflated_zeros_member(name, declared_shape, zero_bytes, true_crc):
    """A member whose .npy header declares declared_shape and whose data is zero_bytes of zeros,
    deflated by hand in 1 MiB pieces so that building it costs no memory; its CRC-32 is the
    data's, or 0 (a bomb that lies about it)."""
    header = npy(declared_shape)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(header)
    crc = zlib.crc32(header)
    chunk = bytes(1 << 20)
    for _ in range(zero_bytes >> 20):
        stream += compressor.compress(chunk)
        if true_crc:
            crc = zlib.crc32(chunk, crc)
    stream += compressor.flush()
    crc = crc if true_crc else 0
    size = len(header) + zero_bytes
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream) & 0xFFFFFFFF,
                        size & 0xFFFFFFFF, len(name), 0) + name.encode()
    return local, stream, crc, size


def bomb_npz(copies, true_crc=False):
    """One deflated member of 1 GiB of zeros (268M float32 values), listed `copies` times in the
    central directory under different names (overlapping entries, as in zip bombs)."""
    local, stream, crc, size = deflated_zeros_member("values.npy", "(268435456,)", 1 << 30, true_crc)
    body = local + stream
    directory = b""
    for i in range(copies):
        name = ("values.npy" if i == 0 else "values%d.npy" % i).encode()
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                                 len(stream) & 0xFFFFFFFF, size & 0xFFFFFFFF, len(name), 0, 0, 0, 0, 0,
                                 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, copies, copies, len(directory), len(body), 0)
    return body + directory + end


def cases():
    deep = "[" * 60000 + "]" * 60000
    yield "deep-ignored-field.json", json.dumps({"tokens": ["a"], "values": [1]})[:-1] + ', "x": ' + deep + "}"
    yield "deep-tokens.json", '{"tokens": ' + deep + ', "values": [1]}'
    yield "deep-line.jsonl", '{"tokens": ["a"], "values": [1]}\n{"tokens": ["b"], "values": ' + deep + "}\n"
    yield "deep-metadata.safetensors", safetensors(
        {"values": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "__metadata__": {"tokens": deep}},
        b"\0\0\0\0")
    yield "zero-axis.npy", npy("(3000000, 0)")
    yield "zero-axis-huge.npy", npy("(1, 0, 1099511627776)")
    yield "zero-axis.safetensors", safetensors({"values": {"dtype": "F32", "shape": [3000000, 0], "data_offsets": [0, 0]}})
    yield "float-shape.safetensors", safetensors({"values": {"dtype": "F32", "shape": [1e300], "data_offsets": [0, 4]}},
                                                 b"\0\0\0\0")
    yield "half-offsets.safetensors", safetensors({"values": {"dtype": "F32", "shape": [1], "data_offsets": [0.5, 4]}},
                                                  b"\0\0\0\0")
    yield "float-ids.json", '{"tokens": ["a", "b"], "token_ids": [1e300, 0.5], "values": [1, 2]}'
    yield "many-dimensions.npy", npy("(" + "1, " * 200000 + ")")
    yield "empty-sequences.jsonl", '{"tokens":[],"values":[]}\n' * 38000
    yield "long-token.json", json.dumps({"tokens": ["w" * 1000000], "values": [1]})
    yield "tall-image.txt", "a " * 500000
    yield "bomb.npz", bomb_npz(1)
    if ADDRESS_LIMIT:  # a real 1 GiB array: without the limit it loads (in minutes under ASan)
        yield "bomb-true-crc.npz", bomb_npz(1, true_crc=True)
    yield "bomb-overlapping.npz", bomb_npz(9)
    yield "duplicate-members.npz", zip_bytes([("values.npy", npy("(2,)", data=bytes(8)), False),
                                              ("values.npy", npy("(2,)", data=bytes(8)), False)])


def limit():
    if ADDRESS_LIMIT:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def check_run(name, path, arguments, failures):
    try:
        result = subprocess.run([BINARY, *arguments], capture_output=True, text=True, errors="replace",
                                timeout=TIME_LIMIT, preexec_fn=limit, cwd=WORKDIR)
    except subprocess.TimeoutExpired:
        failures.append("%s: %s ran past %d s" % (name, arguments[0], TIME_LIMIT))
        return
    errors = [line for line in result.stderr.splitlines() if not line.startswith("tokenheat: warning")]
    shown = "%s %s -> exit %d: %r" % (name, arguments[0], result.returncode, result.stderr[-300:])
    print(shown)
    if result.returncode not in (0, 1, EMPTY_PICTURE):
        failures.append(shown + " (a crash or a signal)")
    elif result.returncode == 1 and (len(errors) != 1 or name not in errors[0]):
        failures.append(shown + " (expected one error line naming the file)")
    elif result.returncode == EMPTY_PICTURE and (len(errors) != 1 or name not in result.stderr):
        failures.append(shown + " (expected warnings naming the file, then one error line)")
    elif any(marker in result.stderr for marker in ("json.exception", "std::", "bad_alloc", "what()")):
        failures.append(shown + " (a library's error text)")


def main():
    failures = []
    for name, content in cases():
        path = os.path.join(WORKDIR, name)
        with open(path, "wb") as stream:
            stream.write(content.encode() if isinstance(content, str) else content)
        assert os.path.getsize(path) < 1 << 20, "%s is %d bytes: the contract is about inputs under 1 MB" % (
            name, os.path.getsize(path))
        check_run(name, path, ["info", path], failures)
        check_run(name, path, ["render", path, "-o", os.path.join(WORKDIR, "out.png")], failures)
        os.remove(path)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    BINARY, WORKDIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    ADDRESS_LIMIT = "--no-address-limit" not in sys.argv
    TIME_LIMIT = int(sys.argv[sys.argv.index("--time-limit") + 1]) if "--time-limit" in sys.argv else TIME_LIMIT_S
    os.makedirs(WORKDIR, exist_ok=True)
    sys.exit(main())
