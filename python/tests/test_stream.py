"""The live stream (tokenheat.connect, tokenheat.torch.watch, examples/live_generation.py): the frames'
exact bytes against a stand-in server here, then the real viewer, `tokenheat --listen`, which gets
tokens and values, syncs, and shows them (its --print-state once its window is closed).

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. /usr/bin/python3 -m
unittest -v test_stream (ctest: python.stream). Needs Debian's python3-torch and, for the real
viewer, a display: $DISPLAY, or an Xvfb started here. Nothing skips: without them it fails.
"""

import json
import math
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
import unittest
from pathlib import Path
from unittest import mock

import numpy as np
import torch
from torch import nn

import tokenheat
import tokenheat.stream
import tokenheat.torch
from support import TemporaryFolderTest, bits

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "live_generation.py"
CLIENT = f"tokenheat-python {tokenheat.__version__}"


# [SECTION] Frames, as docs/streaming-protocol.md lays them out, read and written here on their own

def receive_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(connection):
    """(header dict, the frame's raw 8 + header bytes, payload), or None at the end of the stream."""
    prefix = receive_exactly(connection, 8)
    if prefix is None:
        return None
    header_size, payload_size = struct.unpack("<II", prefix)
    header = receive_exactly(connection, header_size)
    payload = receive_exactly(connection, payload_size) if payload_size else b""
    return json.loads(header.decode("utf-8")), prefix + header, payload


def write_frame(connection, header, payload=b""):
    encoded = json.dumps(header).encode("utf-8")
    connection.sendall(struct.pack("<II", len(encoded), len(payload)) + encoded + payload)


def frames_of(data):
    """The frames in a recorded byte stream, as [(header, payload)]."""
    frames, at = [], 0
    while at < len(data):
        header_size, payload_size = struct.unpack_from("<II", data, at)
        header = json.loads(data[at + 8:at + 8 + header_size].decode("utf-8"))
        frames.append((header, data[at + 8 + header_size:at + 8 + header_size + payload_size]))
        at += 8 + header_size + payload_size
    return frames


def replay(frames):
    """What a client's frames build: {sequence: {"tokens": [str or vocabulary index], channel:
    [float32 values, NaN for none]}}, appends and updates applied in order."""
    sequences, vocabulary = {}, None
    for header, payload in frames:
        kind = header["type"]
        if kind == "vocabulary":
            vocabulary = header["tokens"]
        elif kind == "open":
            sequences[header["sequence"]] = {"tokens": [], **{name: [] for name in header.get("channels", [])}}
        elif kind in ("append", "update"):
            sequence, count = sequences[header["sequence"]], header["count"]
            values = np.frombuffer(payload, dtype="<f4")
            if kind == "append":
                start = len(sequence["tokens"])
                if header.get("ids"):
                    ids, values = np.frombuffer(payload[:4 * count], dtype="<i4"), values[count:]
                    sequence["tokens"] += [vocabulary[i] for i in ids]
                else:
                    sequence["tokens"] += header["tokens"]
                for name, column in sequence.items():
                    if name != "tokens":
                        column += [math.nan] * count
            else:
                start = header["start"]
            for i, name in enumerate(header.get("channels", [])):
                column = sequence.setdefault(name, [math.nan] * len(sequence["tokens"]))
                column[start:start + count] = values[i * count:(i + 1) * count].tolist()
    return sequences


class FakeViewer:
    """A stand-in for `tokenheat --listen` at path: it records every frame of one connection,
    answers hello with welcome and sync with synced (the tokens it counted), and a frame for which
    refuse(header) gives a message with an error frame, closing the connection, as the viewer does."""

    def __init__(self, path, refuse=lambda header: None):
        self.path, self.refuse, self.frames = str(path), refuse, []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen()
        self.server.settimeout(30)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            connection, _ = self.server.accept()
        except OSError:  # closed with no client
            return
        tokens = {}
        with connection:
            while (frame := read_frame(connection)) is not None:
                header = frame[0]
                self.frames.append(frame)
                message = self.refuse(header)
                if message:
                    write_frame(connection, {"type": "error", "message": message})
                    return
                if header["type"] == "hello":
                    write_frame(connection, {"type": "welcome", "protocol": 1, "viewer": "tokenheat fake"})
                elif header["type"] == "append":
                    tokens[header["sequence"]] = tokens.get(header["sequence"], 0) + header["count"]
                elif header["type"] == "sync":
                    write_frame(connection, {"type": "synced", "id": header.get("id"), "tokens": tokens})

    def close(self):
        self.server.shutdown(socket.SHUT_RDWR)  # wakes an accept() still waiting
        self.server.close()
        self.thread.join(10)

    def headers(self):
        return [header for header, _, _ in self.frames]


def float32_bytes(*values):
    return struct.pack(f"<{len(values)}f", *values)


class StreamTestCase(TemporaryFolderTest):
    def fake_viewer(self, name="viewer.sock", **options):
        viewer = FakeViewer(self.tmp / name, **options)
        self.addCleanup(viewer.close)
        return viewer

    def connect(self, viewer):
        stream = tokenheat.connect(viewer.path)
        self.addCleanup(stream.close)
        return stream


# [SECTION] The client's frames, byte for byte

class FramingTest(StreamTestCase):
    def test_hello_open_append_update_close_and_sync_bytes(self):
        viewer = self.fake_viewer()
        stream = self.connect(viewer)
        self.assertEqual(stream.viewer, "tokenheat fake")
        act = np.array([1.5, -2.0, 3.0], dtype=np.float32)
        self.assertEqual(stream.append(["a", " b", "é"], {"act": act, "logprob": [None, -0.5, float("inf")]}), 3)
        self.assertEqual(stream.append(" c", {"act": 0.25}), 4)  # one token: a str and a number
        stream.update(1, [[7.0, 8.0], [9.0, 10.0]], channels=["act", "new"])
        stream.close_sequence()
        self.assertEqual(stream.sync(), {stream.sequence: 4})

        hello, opened, first, second, update, close, sync = viewer.frames
        header, raw, payload = hello
        self.assertEqual(header, {"type": "hello", "protocol": 1, "client": CLIENT})
        self.assertEqual(struct.unpack("<II", raw[:8]), (len(raw) - 8, 0))
        self.assertEqual(opened[0], {"type": "open", "sequence": stream.sequence, "channels": ["act", "logprob"]})
        header, raw, payload = first
        self.assertEqual(header, {"type": "append", "sequence": stream.sequence, "count": 3,
                                  "tokens": ["a", " b", "é"], "channels": ["act", "logprob"]})
        self.assertIn('"é"'.encode("utf-8"), raw)  # UTF-8, not \u escapes
        self.assertEqual(struct.unpack("<II", raw[:8]), (len(raw) - 8, 24))
        self.assertEqual(payload, float32_bytes(1.5, -2.0, 3.0, math.nan, -0.5, math.inf))  # channel after channel
        self.assertEqual(second[0]["tokens"], [" c"])
        self.assertEqual(second[2], float32_bytes(0.25))
        self.assertEqual(update[0], {"type": "update", "sequence": stream.sequence, "start": 1, "count": 2,
                                     "channels": ["act", "new"]})
        self.assertEqual(update[2], float32_bytes(7.0, 8.0, 9.0, 10.0))
        self.assertEqual(close[0], {"type": "close", "sequence": stream.sequence})
        self.assertEqual(sync[0], {"type": "sync", "id": 1})

    def test_ids_after_a_vocabulary(self):
        viewer = self.fake_viewer()
        stream = self.connect(viewer)
        stream.vocabulary(["Ġthe", "Ġcat", "<0x0A>"], encoding="byte-level")
        stream.open("ids", channels=["act"])
        stream.append(ids=np.array([2, 0, 1], dtype=np.int64), values=torch.tensor([0.5, 1.0, -1.0]), sequence="ids")
        stream.append(ids=1, values=[2.0], channels="act", sequence="ids")
        self.assertEqual(stream.sync(), {"ids": 4})
        vocabulary, opened, first, second = viewer.frames[1:5]
        self.assertEqual(vocabulary[0], {"type": "vocabulary", "tokens": ["Ġthe", "Ġcat", "<0x0A>"],
                                         "encoding": "byte-level"})
        self.assertEqual(opened[0], {"type": "open", "sequence": "ids", "channels": ["act"]})
        self.assertEqual(first[0], {"type": "append", "sequence": "ids", "count": 3, "ids": True,
                                    "channels": ["value"]})
        self.assertEqual(first[2], struct.pack("<3i", 2, 0, 1) + float32_bytes(0.5, 1.0, -1.0))
        self.assertEqual(second[2], struct.pack("<i", 1) + float32_bytes(2.0))

    def test_values_from_lists_arrays_and_tensors_are_the_same_float32(self):
        viewer = self.fake_viewer()
        stream = self.connect(viewer)
        values = np.array([0.1, -3.75, 1e-8, 65504.0], dtype=np.float64)
        sources = [values.tolist(), values, values.astype(np.float32), torch.tensor(values),
                   torch.tensor(values, dtype=torch.float32, requires_grad=True) * 1]
        for i, source in enumerate(sources):
            stream.append(list("abcd"), source, sequence=f"s{i}")
        stream.append(["x", "y"], [1e300, None], sequence="wide")  # beyond float32: +Inf, no value
        stream.sync()
        payloads = [payload for header, _, payload in viewer.frames if header["type"] == "append"]
        self.assertEqual(payloads[:-1], [values.astype("<f4").tobytes()] * len(sources))
        self.assertEqual(bits(np.frombuffer(payloads[-1], "<f4")), bits([math.inf, math.nan]))

    def test_a_large_append_is_split_within_the_protocols_limits(self):
        viewer = self.fake_viewer()
        stream = self.connect(viewer)
        tokens = [f" token{i:09d}" for i in range(70_000)]  # about 1.2 MB of JSON
        values = np.arange(70_000, dtype=np.float32)
        # A 1 MiB header limit stands in for the protocol's 16 MiB, which would take 17 MB of tokens.
        with mock.patch.object(tokenheat.stream, "MAX_HEADER", 1 << 20):
            self.assertEqual(stream.append(tokens, values), 70_000)
        self.assertEqual(stream.sync(), {stream.sequence: 70_000})
        appends = [(header, raw, payload) for header, raw, payload in viewer.frames if header["type"] == "append"]
        self.assertGreater(len(appends), 1)
        self.assertTrue(all(len(raw) - 8 <= 1 << 20 for _, raw, _ in appends))
        self.assertEqual([token for header, _, _ in appends for token in header["tokens"]], tokens)
        self.assertEqual(b"".join(payload for _, _, payload in appends), values.tobytes())

    def test_bad_calls_raise_before_sending(self):
        viewer = self.fake_viewer()
        stream = self.connect(viewer)
        with self.assertRaisesRegex(ValueError, "channel 'value' has 2 values for 3 tokens"):
            stream.append(["a", "b", "c"], [1.0, 2.0])
        with self.assertRaisesRegex(ValueError, "vocabulary"):
            stream.append(ids=[1])
        stream.vocabulary(["a", "b"])
        with self.assertRaisesRegex(ValueError, "ids from 0 to 2: the vocabulary has 2 entries"):
            stream.append(ids=[0, 2])
        with self.assertRaisesRegex(ValueError, "not a number"):
            stream.append(["a"], ["high"])
        with self.assertRaisesRegex(ValueError, "need a transpose"):
            stream.append(["a", "b", "c"], np.zeros((3, 2)), channels=["x", "y"])
        stream.append(["a"], [1.0], sequence="done")
        with self.assertRaisesRegex(ValueError, "tokens 1..1\\+1 of sequence 'done', which has 1"):
            stream.update(1, [2.0], sequence="done")
        stream.close_sequence("done")
        with self.assertRaisesRegex(ValueError, "sequence 'done' is closed on this stream already"):
            stream.append(["b"], sequence="done")
        with self.assertRaisesRegex(ValueError, "sequence 'done' is closed on this stream already"):
            stream.open("done")
        self.assertEqual(stream.sync(), {"done": 1})
        self.assertEqual([header["type"] for header in viewer.headers()],
                         ["hello", "vocabulary", "open", "append", "close", "sync"])

    def test_an_error_frame_raises_with_the_viewers_message(self):
        message = "frame 3 (append): payload is 8 bytes, the header asks for 12"
        viewer = self.fake_viewer(refuse=lambda header: message if header["type"] == "append" else None)
        stream = self.connect(viewer)
        stream.append(["a", "b"], [1.0, 2.0])  # sent; the viewer answers meanwhile
        with self.assertRaises(tokenheat.TokenheatError) as raised:
            stream.sync()
        self.assertEqual(str(raised.exception), f"tokenheat viewer: {message}")
        with self.assertRaisesRegex(tokenheat.TokenheatError, "payload is 8 bytes"):
            stream.append(["c"], [3.0])  # every later call
        stream.close()  # quietly: the connection is gone already

    def test_an_error_found_while_sending_raises_with_the_viewers_message(self):
        viewer = self.fake_viewer(refuse=lambda header: header["type"] == "open" and "frame 2 (open): too many")
        stream = self.connect(viewer)
        deadline = time.monotonic() + 10
        with self.assertRaisesRegex(tokenheat.TokenheatError, r"^tokenheat viewer: frame 2 \(open\): too many$"):
            while time.monotonic() < deadline:  # until a send finds the connection closed
                stream.append(["a"] * 1000, np.ones(1000))
                time.sleep(0.01)

    def test_a_refused_hello_raises_from_connect(self):
        viewer = self.fake_viewer(refuse=lambda header: "17 connections: at most 16 at once")
        with self.assertRaisesRegex(tokenheat.TokenheatError, "^tokenheat viewer: 17 connections: at most 16 at once$"):
            tokenheat.connect(viewer.path)


# [SECTION] Finding the viewer, or starting one

# A stand-in binary for `tokenheat --listen`: it listens where it is told (its pid's socket in
# $XDG_RUNTIME_DIR/tokenheat), prints where, greets one client and answers its syncs.
FAKE_BINARY = textwrap.dedent("""\
    #!{python}
    import json, os, socket, struct, sys
    assert sys.argv[1:] == ["--listen"], sys.argv
    folder = os.path.join(os.environ["XDG_RUNTIME_DIR"], "tokenheat")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, f"{{os.getpid()}}.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen()
    print("tokenheat: listening on " + path, flush=True)
    connection, _ = server.accept()
    def send(header):
        data = json.dumps(header).encode()
        connection.sendall(struct.pack("<II", len(data), 0) + data)
    while prefix := connection.recv(8, socket.MSG_WAITALL):
        sizes = struct.unpack("<II", prefix)
        header = json.loads(connection.recv(sizes[0], socket.MSG_WAITALL))
        if sizes[1]:
            connection.recv(sizes[1], socket.MSG_WAITALL)
        if header["type"] == "hello":
            send({{"type": "welcome", "protocol": 1, "viewer": "tokenheat started"}})
        elif header["type"] == "sync":
            send({{"type": "synced", "id": header["id"], "tokens": {{}}}})
    os.unlink(path)
    """)


class ConnectTest(StreamTestCase):
    def setUp(self):
        super().setUp()
        self.runtime = self.tmp / "run"
        self.folder = self.runtime / "tokenheat"
        self.folder.mkdir(parents=True, mode=0o700)
        environment = mock.patch.dict(os.environ, {"XDG_RUNTIME_DIR": str(self.runtime)})
        environment.start()
        self.addCleanup(environment.stop)
        for name in ("TOKENHEAT_SOCKET", "DISPLAY", "WAYLAND_DISPLAY"):
            os.environ.pop(name, None)

    def test_the_newest_socket_of_a_live_viewer(self):
        older = self.fake_viewer(f"run/tokenheat/{os.getppid()}.sock")  # a live process, the test's parent
        newer = self.fake_viewer(f"run/tokenheat/{os.getpid()}.sock")
        stale = socket.socket(socket.AF_UNIX)  # left behind by a viewer that is gone
        stale.bind(str(self.folder / "999999999.sock"))
        stale.close()
        os.utime(older.path, (1, 1))
        with tokenheat.connect(start=False) as stream:
            stream.sync()
        self.assertEqual([h["type"] for h in newer.headers()], ["hello", "sync"])
        self.assertEqual(older.frames, [])

    def test_tokenheat_socket_comes_first(self):
        self.fake_viewer(f"run/tokenheat/{os.getpid()}.sock")
        chosen = self.fake_viewer("chosen.sock")
        with mock.patch.dict(os.environ, {"TOKENHEAT_SOCKET": chosen.path}), tokenheat.connect() as stream:
            stream.sync()
        self.assertEqual([h["type"] for h in chosen.headers()], ["hello", "sync"])

    def test_no_viewer_listening(self):
        listening = "^no tokenheat viewer is listening in " + re.escape(str(self.folder))
        with self.assertRaisesRegex(tokenheat.TokenheatError, listening + ": start one with "):
            tokenheat.connect(start=False)
        with self.assertRaisesRegex(tokenheat.TokenheatError, "there is no display to start one on"):
            tokenheat.connect()
        with self.assertRaisesRegex(tokenheat.TokenheatError,
                                    "cannot connect to the tokenheat viewer at " + re.escape(str(self.tmp))):
            tokenheat.connect(self.tmp / "nothing.sock")

    def test_a_viewer_is_started_when_none_listens(self):
        binary = self.tmp / "fake-tokenheat"
        binary.write_text(FAKE_BINARY.format(python=sys.executable))
        binary.chmod(0o755)
        with mock.patch.dict(os.environ, {"DISPLAY": ":99"}), tokenheat.connect(binary=binary) as stream:
            self.assertEqual(stream.viewer, "tokenheat started")
            self.assertEqual(stream.viewer_process.args, [str(binary), "--listen"])
            self.assertEqual(stream.sync(), {})
        self.assertEqual(stream.viewer_process.wait(10), 0)


# [SECTION] tokenheat.torch.watch on a model of known activations

class Toy(nn.Module):
    """Tokens without positions, so that a forward pass over the last token alone (a key-value
    cache's) gives it the activations a pass over all of them gives it."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.embed = nn.Embedding(5, 4)
        self.act = nn.Sequential(nn.Linear(4, 6), nn.GELU())
        self.head = nn.Linear(6, 5)

    def forward(self, ids):
        return self.head(self.act(self.embed(ids)))


class WatchTest(StreamTestCase):
    VOCABULARY = ["<s>", "Ġa", "Ġb", "Ġc", "Ġd"]

    def generate(self, model, watcher, cached):
        """Six tokens after a prompt of two, greedily; returns the ids."""
        ids = torch.tensor([[0, 3]])
        watcher.step(ids)  # a [1, positions] batch of one, as Hugging Face's put() gets it
        with torch.no_grad():
            for _ in range(6):
                logits = model(ids[:, -1:] if cached and ids.shape[1] > 2 else ids)
                next_id = logits[0, -1].argmax()
                watcher.step(next_id)
                ids = torch.cat([ids, next_id.view(1, 1)], 1)
            model(ids[:, -1:] if cached else ids)  # the last token's activations
        return ids[0]

    def test_each_token_gets_its_activations_and_logprob(self):
        model = Toy()
        for cached in (False, True):
            with self.subTest(cached=cached):
                viewer = self.fake_viewer(f"viewer-{cached}.sock")
                stream = self.connect(viewer)
                channels = {"n2": ("act", 2), "mean": "act", "norm": ("act.0", "norm")}
                with tokenheat.torch.watch(model, channels, stream, sequence="gen", logits="head",
                                           vocabulary=self.VOCABULARY) as watcher:
                    ids = self.generate(model, watcher, cached)
                self.assertEqual(model.act._forward_hooks, {})  # removed
                stream.sync()
                got = replay([(header, payload) for header, _, payload in viewer.frames])["gen"]
                self.assertEqual(got["tokens"], [self.VOCABULARY[i] for i in ids])
                with torch.no_grad():
                    act = model.act(model.embed(ids))
                    logprobs = model.head(act).log_softmax(-1)
                    pre = model.act[0](model.embed(ids))
                # Close, not equal: a product over fewer rows may round differently.
                close = dict(rtol=1e-5, atol=1e-6)
                np.testing.assert_allclose(got["n2"], act[:, 2], **close)
                np.testing.assert_allclose(got["mean"], act.mean(-1), **close)
                np.testing.assert_allclose(got["norm"], pre.norm(dim=-1), **close)
                expected = [math.nan] * 2 + logprobs[1:-1].gather(1, ids[2:, None])[:, 0].tolist()
                np.testing.assert_allclose(got["logprob"], expected, **close)  # none for the prompt

    def test_a_list_of_modules_reads_one_neuron_or_a_reduction(self):
        model = Toy()
        viewer = self.fake_viewer()
        stream = self.connect(viewer)
        with tokenheat.torch.watch(model, ["act", "embed"], stream, reduce="max") as watcher:
            watcher.step(["x", "y"])
            model(torch.tensor([[1, 2]]))
        stream.sync()
        got = replay([(header, payload) for header, _, payload in viewer.frames])[stream.sequence]
        self.assertEqual(list(got), ["tokens", "act max", "embed max"])
        with torch.no_grad():
            np.testing.assert_allclose(got["embed max"], model.embed(torch.tensor([1, 2])).amax(-1), rtol=1e-6)
        with self.assertRaisesRegex(ValueError, "reduction 'median' is not one of mean, max, norm"):
            tokenheat.torch.watch(model, "act", stream, reduce="median")
        with self.assertRaisesRegex(ValueError, "token ids need watch\\(vocabulary=...\\)"):
            with tokenheat.torch.watch(model, "act", stream, neuron=1, sequence="no vocabulary") as watcher:
                watcher.step(3)


# [SECTION] The real viewer

class Display:
    """The X display the viewers open on: $DISPLAY, else an Xvfb started here (as `xvfb-run -a`
    starts one: on the first free display number, which -displayfd tells)."""

    def __init__(self):
        self.server = None
        self.name = os.environ.get("DISPLAY")
        if not self.name:
            read, write = os.pipe()
            self.server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24",
                                            "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
            os.close(write)
            with os.fdopen(read) as number:
                self.name = ":" + number.readline().strip()

    def close(self):
        if self.server:
            self.server.terminate()
            self.server.wait()


class Viewer:
    """`tokenheat --listen [PATH] --print-state` on the display, with settings and a runtime
    folder of its own; .socket is the path its first line says it listens on."""

    def __init__(self, test, display, *arguments):
        self.test = test
        self.environment = dict(os.environ, DISPLAY=display.name, XDG_CONFIG_HOME=str(test.tmp / "config"),
                                XDG_RUNTIME_DIR=str(test.tmp / "run"))
        (test.tmp / "run").mkdir(mode=0o700, exist_ok=True)
        self.errors = test.tmp / "viewer-stderr.txt"
        with open(self.errors, "w") as errors:
            self.process = subprocess.Popen([tokenheat.find_binary(), "--listen", *arguments, "--print-state"],
                                            stdout=subprocess.PIPE, stderr=errors, text=True, env=self.environment)
        test.addCleanup(self.kill)
        first = []
        reader = threading.Thread(target=lambda: first.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        test.assertTrue(first and first[0].startswith(tokenheat.stream.LISTENING),
                        f"`tokenheat --listen` printed {first!r} first; stderr: {self.errors.read_text()}")
        self.socket = first[0].rstrip("\n")[len(tokenheat.stream.LISTENING):]

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def quit(self):
        """Stops it as Ctrl+C does (SIGTERM: it closes its window) and returns its --print-state."""
        self.process.send_signal(signal.SIGTERM)
        printed, _ = self.process.communicate(timeout=60)
        self.test.assertEqual(self.process.returncode, 0, self.errors.read_text())
        return json.loads(printed.strip().splitlines()[-1])


def streamed(state):
    """--print-state's streamed sequences, each with "values": {channel: [float, NaN for none]}."""
    sequences = state["stream"]["sequences"]
    for sequence in sequences:
        sequence["values"] = {channel["name"]: [math.nan if value is None else value for value in channel["values"]]
                              for channel in sequence["channels"]}
    return sequences


class Relay:
    """A socket at path that passes a client's bytes on to the viewer at target and its answers
    back, keeping what the client sent: the frames a program sent, to read here."""

    def __init__(self, path, target):
        self.path, self.target, self.sent = str(path), target, bytearray()
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(self.path)
        self.server.listen()
        self.server.settimeout(240)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        client, _ = self.server.accept()
        viewer = socket.socket(socket.AF_UNIX)
        viewer.connect(self.target)
        answers = threading.Thread(target=self.pass_on, args=(viewer, client, None), daemon=True)
        answers.start()
        self.pass_on(client, viewer, self.sent)
        answers.join(30)
        client.close()
        viewer.close()

    @staticmethod
    def pass_on(source, destination, kept):
        try:
            while chunk := source.recv(65536):
                if kept is not None:
                    kept += chunk
                destination.sendall(chunk)
            destination.shutdown(socket.SHUT_WR)
        except OSError:  # the other side gone: nothing more to pass
            pass

    def frames(self):
        self.thread.join(30)
        self.server.close()
        return frames_of(bytes(self.sent))


class ViewerTest(StreamTestCase):
    @classmethod
    def setUpClass(cls):
        cls.display = Display()
        cls.addClassCleanup(cls.display.close)

    def test_tokens_and_values_arrive_in_the_viewer(self):
        path = self.tmp / "viewer.sock"
        viewer = Viewer(self, self.display, str(path))
        self.assertEqual(viewer.socket, str(path))
        with tokenheat.connect(path) as stream:
            self.assertRegex(stream.viewer, r"^tokenheat ")
            stream.append(["The", " cat"], {"act": [0.5, 1.25]}, sequence="numbers")
            act = np.array([3.0, 2.0, 0.1], dtype=np.float32)
            stream.append([" sat", " on", " it"], {"act": act, "logprob": torch.tensor([-1.0, -2.0, -3.5])},
                          sequence="numbers")
            stream.update(1, {"act": [4.5]}, sequence="numbers")
            stream.close_sequence("numbers")
            self.assertEqual(stream.sync(), {"numbers": 5})  # all of it in, the close too
        state = viewer.quit()
        self.assertEqual((state["sequence"], state["tokens"], state["channel"]), (0, 5, "act"))
        [numbers] = streamed(state)
        self.assertEqual((numbers["name"], numbers["client_name"], numbers["tokens"], numbers["open"]),
                         ("numbers", "numbers", 5, False))
        self.assertEqual(numbers["text"], "The cat sat on it")
        self.assertEqual(list(numbers["values"]), ["act", "logprob"])
        self.assertEqual(bits(numbers["values"]["act"]), bits([0.5, 4.5, 3.0, 2.0, np.float32(0.1)]))  # updated
        self.assertEqual(bits(numbers["values"]["logprob"]), bits([math.nan, math.nan, -1.0, -2.0, -3.5]))

    def test_ids_through_a_vocabulary(self):
        viewer = Viewer(self, self.display, str(self.tmp / "viewer.sock"))
        with tokenheat.connect(viewer.socket) as stream:
            stream.vocabulary(["Ġthe", "Ġcat", "Ċ", "sat"], encoding="byte-level")
            stream.append(ids=[0, 1, 3, 2, 0], values=np.array([0.25, 8.0, 2.0, 1.0, 0.5]), channels="count",
                          sequence="from ids")
            self.assertEqual(stream.sync(), {"from ids": 5})
        [sequence] = streamed(viewer.quit())
        self.assertEqual((sequence["name"], sequence["tokens"]), ("from ids", 5))
        self.assertEqual(sequence["text"], " the catsat\n the")  # decoded as GPT-2's byte-level strings
        self.assertEqual(bits(sequence["values"]["count"]), bits([0.25, 8.0, 2.0, 1.0, 0.5]))

    def test_two_clients_and_a_refused_frame(self):
        viewer = Viewer(self, self.display, str(self.tmp / "viewer.sock"))
        first, second = tokenheat.connect(viewer.socket), tokenheat.connect(viewer.socket)
        self.addCleanup(first.close)
        self.addCleanup(second.close)
        first.append(["a", "b"], [1.0, 2.0], sequence="generation")
        self.assertEqual(first.sync(), {"generation": 2})  # in before the other's
        second.append(["c"], [3.0], sequence="generation")  # its own "generation"
        self.assertEqual(second.sync(), {"generation": 1})
        # 64 channel names a connection at most: the viewer refuses the open, and closes the
        # connection, which the append may find already, or else the sync.
        refused = r'^tokenheat viewer: frame 5 \(open\): channel "c63" is one more than the 64 '
        with self.assertRaisesRegex(tokenheat.TokenheatError, refused):
            second.append(["x"], {f"c{i}": [float(i)] for i in range(64)}, sequence="wide")
            second.sync()
        first.append(["c"], [3.0], sequence="generation")  # the other connection goes on
        self.assertEqual(first.sync(), {"generation": 3})
        first.close()
        sequences = streamed(viewer.quit())
        self.assertEqual([(s["name"], s["client_name"], s["tokens"]) for s in sequences],
                         [("generation", "generation", 3), ("generation (2)", "generation", 1)])
        self.assertEqual(sequences[0]["text"], "abc")

    def test_connect_finds_the_listening_viewer_and_starts_one(self):
        viewer = Viewer(self, self.display)  # its default socket, in $XDG_RUNTIME_DIR/tokenheat
        self.assertEqual(viewer.socket, str(self.tmp / "run" / "tokenheat" / f"{viewer.process.pid}.sock"))
        with mock.patch.dict(os.environ, viewer.environment):
            os.environ.pop("TOKENHEAT_SOCKET", None)
            with tokenheat.connect(start=False) as stream:
                stream.append(["found"], [1.0])
                stream.sync()
            self.assertEqual([s["text"] for s in streamed(viewer.quit())], ["found"])
            with tokenheat.connect() as stream:  # none listening now: one is started, on the display
                started = stream.viewer_process
                self.addCleanup(lambda: started.poll() is None and started.kill())
                self.assertEqual(started.args[1:], ["--listen"])
                stream.append(["started"], [1.0])
                self.assertEqual(stream.sync(), {stream.sequence: 1})
        started.terminate()
        self.assertEqual(started.wait(60), 0)

    def test_live_generation_example(self):
        viewer = Viewer(self, self.display, str(self.tmp / "viewer.sock"))
        relay = Relay(self.tmp / "relay.sock", viewer.socket)
        environment = dict(os.environ, PYTHONPATH=str(Path(tokenheat.__file__).parents[1]))
        result = subprocess.run([sys.executable, str(EXAMPLE), "--socket", relay.path, "--steps", "3",
                                 "--tokens", "8", "--delay", "0"], env=environment, capture_output=True, text=True,
                                timeout=240)
        self.assertEqual(result.returncode, 0, result.stderr)
        sent = replay(relay.frames())["generation"]
        [got] = streamed(viewer.quit())

        self.assertEqual(len(sent["tokens"]), 1 + 12 + 8)  # <bos>, the prompt's run, the generated
        self.assertEqual(sent["tokens"][0], "<bos>")
        self.assertIn("streamed 21 tokens", result.stdout)
        self.assertIn("it has {'generation': 21}", result.stdout)
        self.assertIn("generated:" + "".join(sent["tokens"][13:]), result.stdout)
        channels = [name for name in sent if name != "tokens"]
        self.assertRegex(" ".join(channels), r"^L0\.n\d+ L1\.n\d+ L0 mean L1 mean logprob$")
        for name in channels[:4]:
            self.assertFalse(np.isnan(sent[name]).any(), name)  # every token's activations, the last one's too
        self.assertTrue(np.isnan(sent["logprob"][:13]).all() and not np.isnan(sent["logprob"][13:]).any())

        self.assertEqual((got["name"], got["tokens"], got["open"]), ("generation", 21, False))
        self.assertEqual(got["text"], "".join(sent["tokens"]))
        self.assertEqual(list(got["values"]), channels)
        for name in channels:
            self.assertEqual(bits(got["values"][name]), bits(sent[name]), name)

    def test_a_client_that_hangs_up_in_the_middle_of_a_frame(self):
        viewer = Viewer(self, self.display, str(self.tmp / "viewer.sock"))
        # A client of its own, on a raw socket: tokenheat.connect would never send half a frame.
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(raw.close)
        raw.settimeout(30)
        raw.connect(viewer.socket)
        write_frame(raw, {"type": "hello", "protocol": 1, "client": "raw"})
        self.assertEqual(read_frame(raw)[0]["type"], "welcome")  # read: unread data would reset the connection
        write_frame(raw, {"type": "open", "sequence": "cut", "channels": ["act"]})
        write_frame(raw, {"type": "append", "sequence": "cut", "count": 3, "tokens": ["good", " start", " here"],
                          "channels": ["act"]}, float32_bytes(0.5, -1.25, 3.0))
        header = json.dumps({"type": "append", "sequence": "cut", "count": 2, "tokens": [" never", " seen"],
                             "channels": ["act"]}).encode("utf-8")
        payload = float32_bytes(7.0, 8.0)
        frame = struct.pack("<II", len(header), len(payload)) + header + payload
        half = frame[:len(frame) // 2]
        raw.sendall(half)
        raw.close()
        # One thread reads every connection: a client connecting after the hang-up is read after
        # it, and its sync answered once the hang-up's notice is in.
        with tokenheat.connect(viewer.socket) as later:
            self.assertEqual(later.sync(), {})
        state = viewer.quit()
        self.assertIn(f"client 1: disconnected in the middle of a frame ({len(half)} bytes of it dropped; what came "
                      "before is kept)", state["stream"]["messages"])
        [cut] = streamed(state)
        self.assertEqual((cut["name"], cut["client"], cut["tokens"], cut["open"], cut["text"]),
                         ("cut", 1, 3, False, "good start here"))
        self.assertEqual(bits(cut["values"]["act"]), bits([0.5, -1.25, 3.0]))
        self.assertEqual(state["tokens"], 3)

    def test_a_client_faster_than_the_viewer_draws(self):
        viewer = Viewer(self, self.display, str(self.tmp / "viewer.sock"))
        count, chunk = 2_000_000, 65_536
        vocabulary = [f"Ġw{i}" for i in range(300)]
        generator = np.random.default_rng(7)
        ids = generator.integers(0, len(vocabulary), count, dtype=np.int32)
        values = generator.uniform(-1.0, 3.0, count).astype(np.float32)
        values[::11] = np.nan  # no value, every 11th token
        values[5::13] = np.inf
        with tokenheat.connect(viewer.socket) as stream:
            stream.vocabulary(vocabulary, encoding="byte-level")
            stream.open("fast", channels=["act"])
            for start in range(0, count, chunk):  # as fast as the socket takes them: no sync between
                stream.append(ids=ids[start:start + chunk], values=values[start:start + chunk], channels="act",
                              sequence="fast")
            # Speed is the benchmarks' (tokenheat bench): here only that nothing is lost.
            self.assertEqual(stream.sync(timeout=300), {"fast": count})
        state = viewer.quit()
        [fast] = streamed(state)
        self.assertEqual((fast["name"], fast["tokens"], state["tokens"]), ("fast", count, count))
        [act] = fast["channels"]
        finite = np.isfinite(values)
        self.assertEqual((act["name"], act["finite"]), ("act", int(finite.sum())))
        expected = values[finite].astype(np.float64).sum()
        self.assertTrue(math.isclose(act["sum"], expected, rel_tol=1e-9), (act["sum"], expected))
        shown = np.where(finite, values, np.nan)[:256]  # --print-state shows each "no value" as null
        self.assertEqual(bits(fast["values"]["act"]), bits(shown))
        text = "".join(" " + vocabulary[i][1:] for i in ids[:2000])  # Ġ decoded as a space
        self.assertGreaterEqual(len(fast["text"]), 4096)
        self.assertTrue(text.startswith(fast["text"]), fast["text"][:100])

    WORDS = ["the", "viewer", "follows", "a", "growing", "sequence", "to", "its", "end", "while"]

    def words(self, start, count):
        return [" " + self.WORDS[i % len(self.WORDS)] + str(i) for i in range(start, start + count)]

    def scripted_viewer(self, *steps):
        """A viewer playing these script steps; a `screenshot NAME` step among them tells the
        test, through wait_for(NAME), that the steps before it have been played and drawn."""
        script = self.tmp / "talk.txt"
        script.write_text("".join(step + "\n" for step in steps))
        return Viewer(self, self.display, str(self.tmp / "viewer.sock"), "--script", str(script))

    def wait_for(self, viewer, name):
        path, deadline = self.tmp / name, time.monotonic() + 60
        while not path.exists() and time.monotonic() < deadline and viewer.process.poll() is None:
            time.sleep(0.05)
        self.assertTrue(path.exists(), f"no {name}; stderr: {viewer.errors.read_text()}")

    def test_the_view_follows_the_tail_of_a_growing_sequence(self):
        # Tokens only once the window has been drawn: streamed before the first frame, the view
        # may not follow them (a start-up race of its own).
        viewer = self.scripted_viewer("screenshot drawn.png")
        self.wait_for(viewer, "drawn.png")
        with tokenheat.connect(viewer.socket) as stream:
            for start in range(0, 3000, 100):
                stream.append(self.words(start, 100), np.arange(start, start + 100, dtype=np.float32),
                              sequence="growing")
            self.assertEqual(stream.sync(), {"growing": 3000})
        state = viewer.quit()
        view = {key: state[key] for key in ("tokens", "top_token", "scroll")}
        view["new_tokens"] = state["stream"]["new_tokens"]
        self.assertEqual(view["tokens"], 3000)
        # The end in view: the top line is less than a screen above the last token (the default
        # window, 1440 x 900 on this display, shows about 370 of these tokens), nothing below it.
        self.assertGreater(view["top_token"], 3000 - 600, view)
        self.assertEqual(view["new_tokens"], 0, view)

    def test_the_view_stays_where_the_user_scrolled(self):
        viewer = self.scripted_viewer("screenshot drawn.png", "wait 2", "goto 0", "screenshot after-goto.png")
        self.wait_for(viewer, "drawn.png")
        with tokenheat.connect(viewer.socket) as stream:
            stream.append(self.words(0, 2000), sequence="growing")
            self.assertEqual(stream.sync(), {"growing": 2000})  # in before the goto, 2 s later
            self.wait_for(viewer, "after-goto.png")  # taken once the goto has been played and drawn
            stream.append(self.words(2000, 500), sequence="growing")
            self.assertEqual(stream.sync(), {"growing": 2500})
        state = viewer.quit()
        view = {key: state[key] for key in ("tokens", "top_token", "scroll")}
        view["new_tokens"] = state["stream"]["new_tokens"]
        self.assertEqual(view["tokens"], 2500)
        self.assertEqual(view["top_token"], 0, view)  # the view stayed where the goto put it
        self.assertEqual(view["new_tokens"], 500, view)  # and the button counts what arrived below


if __name__ == "__main__":
    unittest.main()
