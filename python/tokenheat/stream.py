"""connect(): tokens and their values sent to a running viewer as they are made, shown at once.

    import tokenheat
    with tokenheat.connect() as stream:                 # the viewer listening, or a new one
        for text, act, logprob in generate():
            stream.append([text], {"act": act, "logprob": logprob})
        stream.sync()                                   # all of it is in the viewer's document

The viewer (``tokenheat --listen``) reads frames from a Unix-domain socket, as
docs/streaming-protocol.md (version 1) lays them out: a JSON header and a raw little-endian payload
each. Values are float32 (NaN, +-Inf and None mean "no value"), read from lists, NumPy arrays or
torch tensors (recognised without importing torch, read through NumPy when it is installed, so that
no Python loop runs per value). Standard library only.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
import os
import re
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

from . import TokenheatError, __version__, find_binary
from ._io import _is_sequence, _number, _plain

PROTOCOL = 1
MAX_HEADER = 16 << 20    # bytes of a frame's JSON header
MAX_PAYLOAD = 1 << 28    # bytes of a frame's payload
MAX_VOCABULARY = 4_194_304
MAX_NAME = 256           # bytes of a sequence's or channel's name, in UTF-8
ENCODINGS = ("auto", "decoded", "byte-level", "sentencepiece", "wordpiece")
LISTENING = "tokenheat: listening on "


# [SECTION] Finding a viewer

def _socket_folder():
    """Where `tokenheat --listen` puts its socket when given no path: $XDG_RUNTIME_DIR/tokenheat,
    else /tmp/tokenheat-<uid>."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return Path(runtime) / "tokenheat" if runtime else Path(f"/tmp/tokenheat-{os.getuid()}")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process, alive
        return True
    return True


def _live_sockets(folder):
    """The sockets <pid>.sock in folder whose viewer process is alive, the most recently made first
    (a viewer that crashed leaves its socket behind)."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        pid = re.fullmatch(r"([0-9]+)\.sock", entry.name)
        try:
            status = entry.stat()
        except FileNotFoundError:  # gone since the listing
            continue
        if pid and stat.S_ISSOCK(status.st_mode) and _alive(int(pid[1])):
            found.append((status.st_mtime_ns, entry.path))
    return [path for _, path in sorted(found, reverse=True)]


def _open_socket(path, timeout):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(os.fspath(path))
    except OSError as error:
        connection.close()
        raise TokenheatError(f"cannot connect to the tokenheat viewer at {path}: {error.strerror or error}") from None
    return connection


def _start_viewer(binary, deadline):
    """Starts `tokenheat --listen` and returns (its Popen, the path it listens on), read from the
    first line it prints. Its stdout is a file, not a pipe: the viewer outlives this process and
    may write more. It runs in a session of its own, so that a Ctrl+C stopping the script that
    streams leaves the viewer open with what it received."""
    executable = find_binary(binary)
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen([executable, "--listen"], stdin=subprocess.DEVNULL, stdout=output,
                                   start_new_session=True)
        while True:
            printed = os.pread(output.fileno(), 65536, 0)  # pread: the viewer shares the file's offset
            if b"\n" in printed:
                break
            if process.poll() is not None:
                raise TokenheatError(f"`{executable} --listen` exited with code {process.returncode} before listening")
            if time.monotonic() > deadline:
                process.terminate()
                raise TokenheatError(f"`{executable} --listen` did not say where it listens in time")
            time.sleep(0.02)
    line = printed.split(b"\n", 1)[0].decode("utf-8", "replace")
    if not line.startswith(LISTENING):
        raise TokenheatError(f"`{executable} --listen` printed {line!r}, not {LISTENING!r} and a path")
    return process, line[len(LISTENING):]


def connect(path=None, *, start=True, binary=None, timeout=10.0):
    """A Stream to a tokenheat viewer, greeted (``hello``, answered by ``welcome``).

    path: the viewer's socket. Without it: $TOKENHEAT_SOCKET, else the most recently made socket of
        a live viewer in $XDG_RUNTIME_DIR/tokenheat/ (/tmp/tokenheat-<uid>/ without
        XDG_RUNTIME_DIR), where ``tokenheat --listen`` puts it; else, with start true and a display
        (DISPLAY or WAYLAND_DISPLAY), a new ``tokenheat --listen`` (the binary found as
        find_binary(binary) finds it), which stays open after this process ends.
    timeout: seconds to start a viewer, connect and be greeted.

    Raises TokenheatError when no viewer is listening and none can be started, when connecting
    fails, or with the viewer's message when it refuses the connection (16 are open already, say).
    """
    deadline = time.monotonic() + timeout
    path = path if path is not None else os.environ.get("TOKENHEAT_SOCKET") or None
    if path is not None:
        return Stream(_open_socket(path, timeout), timeout=timeout)
    folder = _socket_folder()
    refused = []
    for candidate in _live_sockets(folder):
        try:
            return Stream(_open_socket(candidate, timeout), timeout=timeout)
        except TokenheatError as error:  # a socket left behind, its pid taken by another process since
            refused.append(str(error))
    none_listening = f"no tokenheat viewer is listening in {folder}" + "".join(f"; {error}" for error in refused)
    if not start:
        raise TokenheatError(f"{none_listening}: start one with `tokenheat --listen`, or connect with start=True")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise TokenheatError(f"{none_listening}, and there is no display to start one on (neither DISPLAY nor "
                             "WAYLAND_DISPLAY is set): run `tokenheat --listen` where there is one and pass its "
                             "socket's path, or set TOKENHEAT_SOCKET")
    process, path = _start_viewer(binary, deadline)
    stream = Stream(_open_socket(path, max(deadline - time.monotonic(), 0.1)), timeout=timeout)
    stream.viewer_process = process
    return stream


# [SECTION] Values, ids and names as the protocol takes them

def _numpy():
    """NumPy when it is installed, else None: imported at the first values sent, not with tokenheat."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _float32(data, where):
    """One channel's values as (little-endian float32 bytes, count): a number (one token), or a
    list, NumPy array or tensor of numbers; None, NaN and +-Inf mean no value. Wider values are
    rounded to nearest, beyond float32's range to +-Inf (no value), as files' values are."""
    if hasattr(data, "detach"):  # a torch tensor, read as float32 (bfloat16 and float16 too) on the CPU
        data = data.detach().cpu().float()
        data = data.numpy() if _numpy() else data.tolist()
    if hasattr(data, "dtype") and hasattr(data, "astype") and data.dtype.kind != "O":  # NumPy
        if data.dtype.kind not in "biuf":
            raise ValueError(f"{where}: values of dtype {data.dtype}, not numbers")
        if data.ndim > 1:
            raise ValueError(f"{where}: values of shape {data.shape}, expected one value per token (1-D)")
        with _numpy().errstate(over="ignore"):
            floats = data.astype("<f4").reshape(-1)
        return floats.tobytes(), floats.size
    data = _plain(data)
    if not _is_sequence(data):
        data = [data]
    try:
        floats = array("f", data)
    except TypeError:  # None for no value, or something not a number: value by value, to name it
        floats = array("f", (math.nan if value is None else _number(value, f"{where}[{i}]")
                             for i, value in enumerate(data)))
    if sys.byteorder == "big":
        floats.byteswap()
    return floats.tobytes(), len(floats)


def _int32(ids, size):
    """Token ids (an int, or a list, NumPy array or tensor of them) as (little-endian int32 bytes,
    count), each checked to be an index into a vocabulary of `size` entries."""
    if hasattr(ids, "detach"):
        ids = ids.detach().cpu()
        ids = ids.numpy() if _numpy() else ids.tolist()
    if hasattr(ids, "dtype") and hasattr(ids, "astype"):  # NumPy
        if ids.dtype.kind not in "iu":
            raise ValueError(f"ids of dtype {ids.dtype}, not integers")
        ids = ids.reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= size):
            raise ValueError(f"ids from {ids.min()} to {ids.max()}: the vocabulary has {size} entries")
        return ids.astype("<i4").tobytes(), ids.size
    ids = _plain(ids)
    if not _is_sequence(ids):
        ids = [ids]
    try:
        ids = [operator.index(i) for i in ids]
    except TypeError:
        raise ValueError(f"ids must be integers, got {ids!r}") from None
    if ids and (min(ids) < 0 or max(ids) >= size):
        raise ValueError(f"ids from {min(ids)} to {max(ids)}: the vocabulary has {size} entries")
    numbers = array("i", ids)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tobytes(), len(numbers)


def _tokens(tokens):
    """Token texts: one str, or a list (or array) of them."""
    if isinstance(tokens, str):
        return [tokens]
    tokens = _plain(tokens)
    if not _is_sequence(tokens) or not all(isinstance(token, str) for token in tokens):
        raise ValueError(f"tokens must be a str or a list of str, got {tokens!r}")
    return list(tokens)


def _check_name(name, what):
    """name, checked to be a sequence's or channel's name as the protocol takes it."""
    if not isinstance(name, str) or not 1 <= len(name.encode("utf-8")) <= MAX_NAME:
        raise ValueError(f"a {what} name is a str of 1 to {MAX_NAME} bytes in UTF-8, got {name!r}")
    return name


def _dimensions(values):
    """0 for a number, 1 for a list or 1-D array of numbers, 2 for rows of them."""
    if hasattr(values, "ndim"):
        return values.ndim
    values = _plain(values)
    if not _is_sequence(values):
        return 0
    return 2 if len(values) and _is_sequence(_plain(values[0])) else 1


def _columns(values, channels):
    """append's and update's values as [(channel name, float32 bytes, count)], channel after channel.

    values: None; one channel (a number or 1-D, named by channels=, a str or a list of one name,
    else "value"); several as a dict {name: 1-D}; or 2-D [channels][tokens], channels= naming its
    rows.
    """
    if values is None:
        if channels is not None:
            raise ValueError("channels= names the rows of values, and no values were given")
        return []
    if hasattr(values, "items"):
        if channels is not None:
            raise ValueError("values is a dict, whose keys name the channels: leave channels= out")
        named = list(values.items())
    else:
        names = ["value"] if channels is None else [channels] if isinstance(channels, str) else list(channels)
        rows = list(values) if _dimensions(values) == 2 else [values]
        if len(names) != len(rows):
            shape = "2-D values [channels][tokens]" if len(rows) > 1 else "1-D values"
            raise ValueError(f"{shape} have {len(rows)} row(s), and channels= names {len(names)}: {names!r} "
                             "(values shaped [tokens][channels] need a transpose)")
        named = list(zip(names, rows))
    columns = []
    for name, data in named:
        _check_name(name, "channel")
        columns.append((name, *_float32(data, f"channel {name!r}")))
    if len({name for name, _, _ in columns}) != len(columns):
        raise ValueError(f"a channel is named twice: {[name for name, _, _ in columns]!r}")
    return columns


def _encode(header):
    return json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# [SECTION] The stream

class Stream:
    """A connection to a listening viewer; what it sends joins the viewer's document at once.

    Made by connect() (or from a connected Unix socket: Stream(socket), which greets the
    viewer). Sequences are named by this stream (names are its own: another client's
    "generation" is another sequence, shown with " (2)"); ``stream.sequence`` is the one append()
    and update() use when they name none ("stream 1" for the first stream of a process). Sending
    returns as soon as the frames are written: the viewer checks them as they arrive, and an
    ``error`` it answers raises TokenheatError with its message from the next sync(), or from the
    call that finds the connection closed. ``stream.viewer`` is the viewer's version string,
    ``stream.viewer_process`` the subprocess.Popen of the viewer connect() started, or None.
    A context manager: leaving the ``with`` closes it. One thread at a time.
    """

    _numbers = itertools.count(1)

    def __init__(self, connection, *, timeout=10.0):
        self._socket = connection
        self._received = bytearray()
        self._error = None
        self._open = {}  # name: tokens appended, of the sequences open now
        self._closed = set()
        self._vocabulary_size = None
        self._sync_ids = itertools.count(1)
        self.sequence = f"stream {next(Stream._numbers)}"
        self.viewer_process = None
        try:
            self._send({"type": "hello", "protocol": PROTOCOL, "client": f"tokenheat-python {__version__}"})
            welcome, _ = self._receive(time.monotonic() + timeout, "welcome")
        except BaseException:
            self._close_socket()
            raise
        if welcome.get("type") != "welcome" or welcome.get("protocol") != PROTOCOL:
            self._close_socket()
            raise TokenheatError(f"the viewer answered hello with {welcome!r}, not a welcome to protocol {PROTOCOL}")
        self.viewer = welcome.get("viewer")

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    # [SECTION] Sending and receiving frames

    def _check_usable(self):
        if self._error is not None:
            raise self._error
        if self._socket is None:
            raise ValueError("the stream is closed")

    def _send(self, header, payload=b""):
        self._send_encoded(_encode(header), payload)

    def _send_encoded(self, header, payload):
        self._check_usable()
        try:
            self._socket.sendall(struct.pack("<II", len(header), len(payload)) + header)
            if payload:
                self._socket.sendall(payload)
        except OSError as error:
            raise self._hung_up(error) from None

    def _send_rows(self, make_header, count, arrays):
        """Sends rows 0..count of arrays (4 bytes a row each, laid one after another in the
        payload) under make_header(start, end), split in halves until every frame is within the
        protocol's limits (a header of 1 MiB, a payload of 256 MiB)."""
        def send(start, end):
            header = _encode(make_header(start, end))
            if len(header) <= MAX_HEADER and 4 * (end - start) * len(arrays) <= MAX_PAYLOAD:
                self._send_encoded(header, b"".join(data[4 * start:4 * end] for data in arrays))
            elif end - start == 1:
                raise ValueError(f"token {start}'s frame has a header of {len(header)} bytes, over the "
                                 f"protocol's {MAX_HEADER}")
            else:
                middle = (start + end) // 2
                send(start, middle)
                send(middle, end)
        send(0, count)

    def _fail(self, message):
        """The viewer has ended the connection: the error every later call raises."""
        self._close_socket()
        self._error = TokenheatError(message)
        return self._error

    def _hung_up(self, cause):
        """The TokenheatError for a send that failed: the viewer closed the connection, most
        likely after an ``error`` frame, whose message it carries then."""
        try:
            while True:
                self._receive(time.monotonic() + 1.0, "error")
        except TokenheatError as error:
            return error
        except TimeoutError:
            return self._fail(f"the tokenheat viewer closed the connection ({cause})")

    def _receive(self, deadline, expected):
        """The next frame from the viewer, (header, payload). An ``error`` frame raises
        TokenheatError with its message, the connection closed raises TokenheatError, and no whole
        frame by the deadline TimeoutError (what arrived of it is kept for the next call)."""
        while True:
            if len(self._received) >= 8:
                header_size, payload_size = struct.unpack_from("<II", self._received)
                end = 8 + header_size + payload_size
                if len(self._received) >= end:
                    header = json.loads(self._received[8:8 + header_size].decode("utf-8"))
                    payload = bytes(self._received[8 + header_size:end])
                    del self._received[:end]
                    if header.get("type") == "error":
                        raise self._fail(f"tokenheat viewer: {header.get('message')}")
                    return header, payload
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {expected} from the tokenheat viewer in time")
            self._socket.settimeout(remaining)
            try:
                chunk = self._socket.recv(65536)
            except socket.timeout:  # TimeoutError from Python 3.10, an OSError before
                continue
            except OSError as error:
                raise self._fail(f"the tokenheat viewer closed the connection ({error})") from None
            finally:
                if self._socket is not None:
                    self._socket.settimeout(None)  # sending blocks while the viewer catches up
            if not chunk:
                raise self._fail("the tokenheat viewer closed the connection")
            self._received += chunk

    def _close_socket(self):
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    # [SECTION] What a client does

    def vocabulary(self, tokens, encoding="auto"):
        """Sends the table that ``append(ids=...)`` indexes: a tokenizer's own strings, id by id
        (for Hugging Face: ``tokenizer.convert_ids_to_tokens(range(len(tokenizer)))``), which the
        viewer decodes as files' tokens are: encoding "auto" (by their look), "decoded" (already
        text), "byte-level" (GPT-2's Ġ), "sentencepiece" (▁, <0x0A>) or "wordpiece" (##). A later
        vocabulary replaces it. The header carrying it holds 1 MiB at most, about 100,000 short
        tokens: a larger one is a ValueError."""
        tokens = _tokens(tokens)
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}")
        if not 1 <= len(tokens) <= MAX_VOCABULARY:
            raise ValueError(f"a vocabulary has 1 to {MAX_VOCABULARY} tokens, got {len(tokens)}")
        header = _encode({"type": "vocabulary", "tokens": tokens, "encoding": encoding})
        if len(header) > MAX_HEADER:
            raise ValueError(f"the vocabulary's frame header is {len(header)} bytes, over the protocol's {MAX_HEADER}")
        self._send_encoded(header, b"")
        self._vocabulary_size = len(tokens)

    def open(self, name, channels=None):
        """Starts an empty sequence called name, its channels (a list of names) first and in this
        order when given. append() opens the sequences it names by itself. A stream names each of
        its sequences once: a name open or closed before is a ValueError."""
        _check_name(name, "sequence")
        if name in self._open or name in self._closed:
            state = "open" if name in self._open else "closed"
            raise ValueError(f"sequence {name!r} is {state} on this stream already: a stream names each sequence once")
        header = {"type": "open", "sequence": name}
        if channels is not None:
            header["channels"] = [_check_name(channel, "channel") for channel in channels]
        self._send(header)
        self._open[name] = 0

    def append(self, tokens=None, values=None, *, channels=None, sequence=None, ids=None):
        """Adds tokens at the end of a sequence, with their values, and returns how many tokens the
        sequence has now.

        tokens: one str or a list of them; or, instead, ids=: an int or a list, array or tensor of
            indices into the vocabulary() sent before.
        values: as many numbers as tokens: one channel (a number for one token, a list, NumPy
            array or tensor), named by channels= (default "value"); several as a dict {name:
            values}, or 2-D [channels][tokens] with channels= listing their names. A channel left
            out gets no value for these tokens; a new one is added, with no value before them.
        sequence: its name (default: stream.sequence); opened, with these channels, when it is
            not open yet. A sequence closed by close_sequence() takes no more tokens: a ValueError.
        """
        if (tokens is None) == (ids is None):
            raise ValueError("give tokens (str) or ids= (int), one of the two")
        if ids is None:
            tokens = _tokens(tokens)
            count, arrays = len(tokens), []
        else:
            if self._vocabulary_size is None:
                raise ValueError("ids= index the vocabulary: send stream.vocabulary(tokens) first")
            id_bytes, count = _int32(ids, self._vocabulary_size)
            arrays = [id_bytes]
        columns = _columns(values, channels)
        for name, _, length in columns:
            if length != count:
                raise ValueError(f"channel {name!r} has {length} values for {count} tokens")
        name = self._sequence_to_append(sequence, [name for name, _, _ in columns])
        if count == 0:
            return self._open[name]

        def header(start, end):
            frame = {"type": "append", "sequence": name, "count": end - start}
            if ids is None:
                frame["tokens"] = tokens[start:end]
            else:
                frame["ids"] = True
            if columns:
                frame["channels"] = [name for name, _, _ in columns]
            return frame

        self._send_rows(header, count, arrays + [data for _, data, _ in columns])
        self._open[name] += count
        return self._open[name]

    def _sequence_to_append(self, sequence, channels):
        name = self.sequence if sequence is None else sequence
        if name not in self._open:
            self.open(name, channels)
        return name

    def update(self, start, values, *, channels=None, sequence=None):
        """Replaces the values of tokens start, start + 1... of a sequence, all appended already (an
        intervention's re-run, or values known only later); values as in append(), one or more
        channels, as many numbers each. A new channel is added, with no value elsewhere."""
        name = self.sequence if sequence is None else sequence
        if name not in self._open:
            raise ValueError(f"sequence {name!r} is not open on this stream")
        columns = _columns(values, channels)
        counts = {count for _, _, count in columns}
        if not columns or len(counts) != 1 or 0 in counts:
            raise ValueError("update takes one or more channels of the same number (at least 1) of values")
        count = counts.pop()
        start = operator.index(start)
        if start < 0 or start + count > self._open[name]:
            raise ValueError(f"tokens {start}..{start}+{count} of sequence {name!r}, which has {self._open[name]}")
        names = [name for name, _, _ in columns]
        self._send_rows(lambda first, end: {"type": "update", "sequence": name, "start": start + first,
                                            "count": end - first, "channels": names},
                        count, [data for _, data, _ in columns])

    def close_sequence(self, name=None):
        """Marks a sequence (default: stream.sequence) complete: it takes no more tokens."""
        name = self.sequence if name is None else name
        if name not in self._open:
            raise ValueError(f"sequence {name!r} is not open on this stream")
        self._send({"type": "close", "sequence": name})
        del self._open[name]
        self._closed.add(name)

    def sync(self, timeout=10.0):
        """Waits until everything sent before is in the viewer's document and returns the viewer's
        count of tokens by sequence name, {name: tokens}. Raises TokenheatError with the viewer's
        message when it refused a frame, TimeoutError after timeout seconds without an answer."""
        self._check_usable()
        sync_id = next(self._sync_ids)
        self._send({"type": "sync", "id": sync_id})
        deadline = time.monotonic() + timeout
        while True:
            reply, _ = self._receive(deadline, "synced")
            # Not a late answer to a sync that timed out:
            if reply.get("type") == "synced" and reply.get("id") == sync_id:
                return reply.get("tokens", {})

    def close(self):
        """Closes the open sequences and the connection; the viewer keeps what it received. An
        error the viewer finds in the last frames is seen only by a sync() before."""
        if self._socket is None:
            return
        try:
            for name in list(self._open):
                self.close_sequence(name)
        finally:
            self._close_socket()
