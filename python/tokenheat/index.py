"""Feature dashboards' index: every feature's statistics and sample contexts, from activation shards.

    python3 -m tokenheat.index build SHARD... -o INDEX [--top-k 20] [--quantile-bands 10 --per-band 5]
        [--random 10] [--context 32] [--features A:B] [--histogram-bins 32] [--seed 0]
        [--scheduler ADDRESS] [--vocabulary FILE]

writes INDEX, the feature index of docs/feature-index.md (version 1), which `tokenheat INDEX` opens
as a feature browser. From Python: ``tokenheat.index.build(shards, output, **options)``.

A shard is a .npz, .npy or .safetensors file holding a stretch of the corpus: token ids (``ids``,
``input_ids`` or ``token_ids``, integers) or tokens (``tokens``, text), and the activations, dense
``features`` / ``activations`` [tokens, features] or sparse ``feature_indices`` + ``feature_values``
[tokens, k] (index -1 or value 0: no entry; a feature listed twice for a token adds up). The
vocabulary (strings by id) is ``--vocabulary FILE`` (one token a line, or a tokenizer.json), else a
``vocabulary`` / ``vocab`` array in the shards, else a tokenizer.json beside the shard, else, for
shards of text tokens, the sorted distinct tokens. Arrays are read in place, never whole (.npy
through np.load(mmap_mode="r"), an .npz's stored members at their offsets in the zip, safetensors
through its header: memory-mapped, or a block of rows read from the file); a compressed .npz member
cannot be, and its shard is read whole, as one partition.

The work runs on Dask: each shard is cut into partitions (up to 16M tokens, fewer when a
partition's activations would pass 4 GB as stored, or to give each core two), each partition a
task that reads it once, block by block (CHUNK_ENTRIES activations, NumPy over all features at
once, so that a task's memory does not grow with its partition), into a summary (_Summary) that
merges with the others' in a tree (fan-in 4): max, the histogram's cell counts, top-k, band
candidates per cell and random samples, each cell grid following the feature's max (Grid: cells
of powers of two, coarsened as the max grows), so that the shards are read once and the bins and
bands are cut from the cells at the end. Then the chosen contexts' windows are cut from the
shards. By default on Dask's local threaded scheduler; ``--scheduler ADDRESS`` runs the tasks on a
dask.distributed cluster (its workers need this package importable and the shards at the same
paths). The result does not depend on the scheduler nor on the partitioning: every choice is a
total order (ties broken by corpus position).

Errors: a shard that cannot be read stops the build with ``tokenheat.index: error: SHARD: why`` and
exit status 1 (other errors likewise, without a shard), bad options with status 2. INDEX is written
to a temporary file beside it and renamed at the end: a failed build leaves nothing at INDEX (an
older INDEX stays as it was).
"""

from __future__ import annotations

import argparse
import functools
import glob
import json
import math
import os
import struct
import sys
import tempfile
import time
import uuid
import zipfile

import numpy as np

FORMAT = "tokenheat-feature-index-1"
PARTITION_TOKENS = 1 << 24           # at most, a partition (read block by block: memory does not grow with it)
PARTITION_BYTES = 1 << 32            # of activations as stored, at most, a partition (unless one token is more)
PARTITION_LEAST = 1 << 20            # tokens a partition has at least when cut for the cores (below)
CHUNK_ENTRIES = 1 << 17              # activations a task works on at once (a block of a partition's rows)
SETTLE_ENTRIES = 1 << 20             # entries a summary takes in (past the bars) before it cuts them
FLUSH_ENTRIES = 1 << 22              # activations a summary bins at once into its histogram's cells
WINDOW_TASK_CONTEXTS = 1024          # contexts a window task cuts
WINDOW_BATCH = 256                   # window tasks run at once (their results held until placed)
FAN_IN = 4                           # of the merge tree

ID_NAMES = ("ids", "input_ids", "token_ids")
DENSE_NAMES = ("features", "activations", "feature_activations")
VOCABULARY_NAMES = ("vocabulary", "vocab")

__all__ = ["build", "main", "priority", "ShardError", "BuildError", "FORMAT"]


class ShardError(Exception):
    """A shard that cannot be read or does not fit the others; str() is ``SHARD: why``."""

    def __init__(self, shard, why):
        super().__init__(shard, why)
        self.shard, self.why = shard, why

    def __str__(self):
        return f"{self.shard}: {self.why}"


class BuildError(Exception):
    """A build that cannot go on for a reason that is not one shard's (a scheduler, INDEX's folder)."""


# [SECTION] The priority hash (docs/feature-index.md: Selection)

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x):
    """SplitMix64's output for the state x (uint64 arrays, wrapping)."""
    with np.errstate(over="ignore"):
        z = x + _GAMMA
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def priority(key, features, positions):
    """hash(key, feature, position) = mix(mix(mix(key) ^ feature) ^ position), uint64, elementwise.

    key is 2 * seed for the bands' samples and 2 * seed + 1 for the random ones; feature is the
    dictionary index; position the corpus position."""
    features = np.asarray(features, dtype=np.int64).astype(np.uint64)
    positions = np.asarray(positions, dtype=np.int64).astype(np.uint64)
    keyed = _mix(np.array([key], dtype=np.uint64))
    return _mix(_mix(keyed ^ features) ^ positions)


# [SECTION] Reading shards: where each array lies, mapped in whichever process runs a task

class _Array:
    """One array of a shard, described so that any process can map it: path, dtype, shape, and the
    data's offset in the file (None for a compressed .npz member, which is inflated instead)."""

    def __init__(self, path, dtype, shape, fortran=False, offset=None, member=None, bfloat16=False,
                 kind="npz", squeeze=False):
        self.path, self.dtype, self.shape, self.fortran = path, np.dtype(dtype), tuple(shape), fortran
        self.offset, self.member, self.bfloat16, self.kind, self.squeeze = offset, member, bfloat16, kind, squeeze

    @property
    def mappable(self):
        return self.kind == "npy" or self.offset is not None

    def open(self):
        shape = self.shape
        if self.kind == "npy":
            array = np.load(self.path, mmap_mode="r", allow_pickle=False)
        elif math.prod(shape) == 0:
            array = np.zeros(shape, self.dtype)
        elif self.offset is not None:
            array = np.memmap(self.path, dtype=self.dtype, mode="r", offset=self.offset, shape=shape,
                              order="F" if self.fortran else "C")
        else:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as member:
                array = np.lib.format.read_array(member, allow_pickle=False)
        return array[0] if self.squeeze else array


def _float32(raw, bfloat16=False):
    if bfloat16:
        return (np.asarray(raw, dtype=np.uint16).astype(np.uint32) << np.uint32(16)).view(np.float32)
    return np.asarray(raw, dtype=np.float32)


def _npy_header(handle, where):
    """(dtype, shape, fortran, data offset) of the .npy header at the handle's position."""
    try:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        else:
            shape, fortran, dtype = np.lib.format._read_array_header(handle, version)  # 3.0: utf-8 names
    except (ValueError, OSError, SyntaxError) as error:
        raise ValueError(f"{where}: not a .npy header ({error})") from None
    if dtype.hasobject:
        raise ValueError(f"{where}: an object array (it would need pickle, which is never run)")
    return dtype, shape, fortran, handle.tell()


def _read_npz(path, name):
    """The .npz's arrays as {name: _Array}."""
    arrays = {}
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ShardError(name, f"not an .npz (zip) file: {error}") from None
    size = os.path.getsize(path)
    with archive, open(path, "rb") as handle:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            key = info.filename[:-4]
            where = f"member {info.filename}"
            if info.compress_type == zipfile.ZIP_STORED:
                handle.seek(info.header_offset)
                local = handle.read(30)
                if len(local) < 30 or local[:4] != b"PK\x03\x04":
                    raise ShardError(name, f"{where}: no local header at byte {info.header_offset}")
                name_length, extra_length = struct.unpack("<HH", local[26:30])
                start = info.header_offset + 30 + name_length + extra_length
                handle.seek(start)
                try:
                    dtype, shape, fortran, data = _npy_header(handle, where)
                except ValueError as error:
                    raise ShardError(name, str(error)) from None
                end = data + math.prod(shape) * dtype.itemsize
                if end > start + info.file_size or end > size:
                    raise ShardError(name, f"{where}: shape {shape} needs {end - data} bytes, but the member "
                                           f"holds {start + info.file_size - data} (truncated?)")
                arrays[key] = _Array(path, dtype, shape, fortran, offset=data)
            elif info.compress_type == zipfile.ZIP_DEFLATED:
                try:
                    with archive.open(info) as member:
                        dtype, shape, fortran, _ = _npy_header(member, where)
                except (ValueError, zipfile.BadZipFile, OSError, EOFError) as error:
                    raise ShardError(name, str(error) if isinstance(error, ValueError) else f"{where}: {error}") \
                        from None
                arrays[key] = _Array(path, dtype, shape, fortran, member=info.filename)
            else:
                raise ShardError(name, f"{where}: compression method {info.compress_type} (np.savez stores, "
                                       f"np.savez_compressed deflates)")
    return arrays, {}


_SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4",
                       "I16": "<i2", "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
                       "BOOL": "?"}


def _read_safetensors(path, name):
    """The tensors as {name: _Array}, and the metadata's JSON lists (tokens, vocabulary, feature_names)."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise ShardError(name, "not a safetensors file: shorter than its 8-byte header length")
        length, = struct.unpack("<Q", prefix)
        if length > min(size - 8, 100 << 20):
            raise ShardError(name, f"not a safetensors file: a header of {length} bytes in a file of {size}")
        try:
            header = json.loads(handle.read(length))
            if not isinstance(header, dict):
                raise ValueError("not an object")
        except ValueError as error:
            raise ShardError(name, f"not a safetensors file: its header is not JSON ({error})") from None
    arrays, lists = {}, {}
    for key, tensor in header.items():
        if key == "__metadata__":
            for meta_key, text in (tensor or {}).items():
                if meta_key in ("tokens", "feature_names") + VOCABULARY_NAMES + ID_NAMES:
                    try:
                        lists[meta_key] = json.loads(text)
                    except (TypeError, ValueError):
                        raise ShardError(name, f"metadata {meta_key!r} is not a JSON list") from None
            continue
        try:
            dtype = np.dtype(_SAFETENSORS_DTYPES[tensor["dtype"]])
            shape = tuple(int(n) for n in tensor["shape"])
            begin, end = (int(n) for n in tensor["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise ShardError(name, f"tensor {key!r}: an unreadable entry in the header") from None
        if end - begin != math.prod(shape) * dtype.itemsize or begin < 0 or 8 + length + end > size:
            raise ShardError(name, f"tensor {key!r}: data_offsets [{begin}, {end}] do not fit its shape {shape} "
                                   f"and the file's {size} bytes (truncated?)")
        arrays[key] = _Array(path, dtype, shape, offset=8 + length + begin, bfloat16=tensor["dtype"] == "BF16")
    return arrays, lists


def _read_npy(path, name):
    """A lone .npy: the dense activations; its tokens in PATH.tokens.json (text or ids, as the viewer)."""
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError) as error:
        raise ShardError(name, f"not a readable .npy file: {error}") from None
    arrays = {"features": _Array(path, array.dtype, array.shape, kind="npy")}
    lists = {}
    sidecar = path + ".tokens.json"
    if os.path.exists(sidecar):
        try:
            with open(sidecar, encoding="utf-8") as handle:
                tokens = json.load(handle)
        except (OSError, ValueError) as error:
            raise ShardError(name, f"{os.path.basename(sidecar)}: {error}") from None
        if tokens and all(isinstance(token, int) and not isinstance(token, bool) for token in tokens):
            lists["ids"] = tokens
        else:
            lists["tokens"] = tokens
    return arrays, lists


def _tokenizer_vocabulary(data):
    """Strings by id from a tokenizer.json (model.vocab, a dict or a Unigram list, and added_tokens)."""
    pairs = []
    vocab = data.get("model", {}).get("vocab") if isinstance(data, dict) else None
    if isinstance(vocab, dict):
        pairs = [(int(i), str(token)) for token, i in vocab.items()]
    elif isinstance(vocab, list):
        pairs = [(i, str(entry[0] if isinstance(entry, list) else entry)) for i, entry in enumerate(vocab)]
    else:
        raise ValueError("no model.vocab in it")
    for added in data.get("added_tokens", []) or []:
        pairs.append((int(added["id"]), str(added["content"])))
    strings = [""] * (max(i for i, _ in pairs) + 1 if pairs else 0)
    for i, token in pairs:
        if i < 0:
            raise ValueError(f"a negative id {i}")
        strings[i] = token
    return strings


def read_vocabulary(path):
    """A vocabulary file: tokenizer.json (by its content), else one token string a line."""
    with open(path, "rb") as handle:
        raw = handle.read()
    text = raw.decode("utf-8")
    if text.lstrip().startswith("{"):
        return _tokenizer_vocabulary(json.loads(text))
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class _Shard:
    """A shard's description, plain data for any worker: what its tokens and activations are."""

    def __init__(self, index, name, path):
        self.index, self.name, self.path = index, name, path
        self.tokens = 0              # its token count
        self.offset = 0              # its first token's corpus position
        self.ids = None              # _Array of integer ids, or a list
        self.strings = None          # _Array of text tokens, or a list
        self.dense = None            # _Array [tokens, features]
        self.sparse = None           # (_Array indices, _Array values) [tokens, k]
        self.feature_count = None    # dense columns, else feature_names' length
        self.feature_names = None
        self.vocabulary = None

    @property
    def mappable(self):
        arrays = [self.dense] if self.dense is not None else list(self.sparse)
        arrays += [a for a in (self.ids, self.strings) if isinstance(a, _Array)]
        return all(a.mappable for a in arrays)

    def row_bytes(self):
        """A token's activations as stored (what a task reads of each of its rows)."""
        if self.dense is not None:
            return self.dense.shape[-1] * self.dense.dtype.itemsize
        indices, values = self.sparse
        return indices.shape[-1] * (indices.dtype.itemsize + values.dtype.itemsize)

    def token_ids(self, rows, vocabulary_lookup):
        """The ids of the tokens at rows (an int array), as int64."""
        if self.ids is not None:
            source = self.ids.open() if isinstance(self.ids, _Array) else np.asarray(self.ids)
            return np.asarray(source[rows], dtype=np.int64)
        source = self.strings.open() if isinstance(self.strings, _Array) else np.asarray(self.strings, dtype=str)
        return _lookup(vocabulary_lookup, np.asarray(source[rows]), self.name)

    def token_strings(self, start, stop):
        source = self.strings.open() if isinstance(self.strings, _Array) else np.asarray(self.strings, dtype=str)
        return np.asarray(source[start:stop])


def _text_array(array):
    return array.dtype.kind == "U"


def _activation_shape(shard, key, array, width_name):
    shape = array.shape
    if len(shape) == 3 and shape[0] == 1:
        array.squeeze, shape = True, shape[1:]  # open() drops the leading 1
    if len(shape) != 2:
        raise ShardError(shard.name, f"array {key!r} has shape {array.shape}; expected [tokens, {width_name}]")
    return shape


def open_shard(index, name, vocabulary_names=VOCABULARY_NAMES):
    """Reads a shard's headers (not its data) into a _Shard, or raises ShardError naming it."""
    path = os.path.abspath(name)
    if not os.path.exists(path):
        raise ShardError(name, "no such file")
    if os.path.isdir(path):
        raise ShardError(name, "a folder, not a shard file")
    lower = name.lower()
    try:
        if lower.endswith(".npz"):
            arrays, lists = _read_npz(path, name)
        elif lower.endswith(".safetensors"):
            arrays, lists = _read_safetensors(path, name)
        elif lower.endswith(".npy"):
            arrays, lists = _read_npy(path, name)
        else:
            raise ShardError(name, "not a .npz, .npy or .safetensors file")
    except OSError as error:
        raise ShardError(name, error.strerror or str(error)) from None
    shard = _Shard(index, name, path)

    # Tokens: ids, else text.
    def one_dimensional(key, array):
        shape = array.shape
        if len(shape) == 2 and shape[0] == 1:
            array.squeeze, shape = True, shape[1:]
        if len(shape) != 1:
            raise ShardError(name, f"array {key!r} has shape {array.shape}; expected [tokens]")
        return shape[0]

    for key in ID_NAMES + ("tokens",):
        if key in arrays:
            array = arrays[key]
            if array.dtype.kind in "iu":
                shard.ids, shard.tokens = array, one_dimensional(key, array)
                break
            if key == "tokens" and _text_array(array):
                shard.strings, shard.tokens = array, one_dimensional(key, array)
                break
            raise ShardError(name, f"array {key!r} is {array.dtype}: token ids must be integers, tokens text")
        if key in lists:
            values = lists[key]
            if not isinstance(values, list):
                raise ShardError(name, f"{key!r} is not a list")
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                shard.ids = values
            elif all(isinstance(v, str) for v in values):
                shard.strings = values
            else:
                raise ShardError(name, f"{key!r} must hold token ids (integers) or tokens (text)")
            shard.tokens = len(values)
            break
    else:
        raise ShardError(name, "no tokens: expected token ids (" + ", ".join(ID_NAMES) + ") or tokens")

    # Activations: dense, else sparse.
    dense = [key for key in DENSE_NAMES if key in arrays]
    sparse = "feature_indices" in arrays or "feature_values" in arrays
    if dense and sparse:
        raise ShardError(name, f"both dense ({dense[0]!r}) and sparse (feature_indices) activations")
    if dense:
        key = dense[0]
        array = arrays[key]
        if array.dtype.kind not in "fiu" or (array.dtype.kind == "f" and array.dtype.itemsize > 8):
            raise ShardError(name, f"array {key!r} is {array.dtype}, not numbers")
        rows, columns = _activation_shape(shard, key, array, "features")
        shard.dense, shard.feature_count = array, columns
    elif sparse:
        if "feature_indices" not in arrays or "feature_values" not in arrays:
            raise ShardError(name, "sparse activations need both feature_indices and feature_values")
        indices, values = arrays["feature_indices"], arrays["feature_values"]
        if "feature_tokens" in arrays:
            raise ShardError(name, "COO activations (feature_tokens) are not read: give [tokens, k] arrays")
        if indices.dtype.kind not in "iu":
            raise ShardError(name, f"array 'feature_indices' is {indices.dtype}, not integers")
        if values.dtype.kind not in "fiu":
            raise ShardError(name, f"array 'feature_values' is {values.dtype}, not numbers")
        rows, _ = _activation_shape(shard, "feature_indices", indices, "k")
        if _activation_shape(shard, "feature_values", values, "k") != (rows, indices.shape[-1]):
            raise ShardError(name, f"feature_indices {indices.shape} and feature_values {values.shape} differ "
                                   f"in shape")
        shard.sparse = (indices, values)
    else:
        raise ShardError(name, "no activations: expected " + ", ".join(DENSE_NAMES)
                         + " [tokens, features] or feature_indices + feature_values [tokens, k]")
    if rows != shard.tokens:
        raise ShardError(name, f"{shard.tokens} tokens but activations for {rows}")

    # Names and vocabulary, small: read now.
    def text_list(key):
        if key in arrays:
            array = arrays[key]
            if not _text_array(array):
                raise ShardError(name, f"array {key!r} is {array.dtype}, not text")
            return [str(s) for s in np.asarray(array.open()).reshape(-1)]
        if key in lists:
            if not isinstance(lists[key], list) or not all(isinstance(s, str) for s in lists[key]):
                raise ShardError(name, f"{key!r} is not a list of strings")
            return lists[key]
        return None

    try:
        shard.feature_names = text_list("feature_names")
        for key in vocabulary_names:
            shard.vocabulary = text_list(key)
            if shard.vocabulary is not None:
                break
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ShardError(name, f"cannot read: {error}") from None
    if shard.feature_names is not None:
        if shard.feature_count is not None and len(shard.feature_names) != shard.feature_count:
            raise ShardError(name, f"{len(shard.feature_names)} feature_names for {shard.feature_count} features")
        shard.feature_count = len(shard.feature_names)
    return shard


# [SECTION] A partition's activations: the firing entries, block by block of rows

class _Rows:
    """Rows [a, b) of an _Array, read into memory: straight from the file for an array stored
    uncompressed in C order (so that a task holds one block of rows at a time, not a mapping of its
    whole partition), else sliced from open() (opened once: a compressed member is inflated once)."""

    def __init__(self, array):
        self.array, self.handle, self.source = array, None, None
        shape = array.shape[1:] if array.squeeze else array.shape
        self.tail = tuple(shape[1:])
        if array.kind != "npy" and array.offset is not None and not array.fortran and math.prod(shape) > 0:
            self.handle = open(array.path, "rb")
            self.row_bytes = math.prod(self.tail) * array.dtype.itemsize
        else:
            self.source = array.open()

    def __call__(self, start, stop):
        if self.handle is None:
            return np.asarray(self.source[start:stop])
        out = np.empty((stop - start,) + self.tail, self.array.dtype)
        self.handle.seek(self.array.offset + start * self.row_bytes)
        got = self.handle.readinto(out.reshape(-1).view(np.uint8))
        if got != out.nbytes:
            raise ValueError(f"rows {start} to {stop}: {got} of {out.nbytes} bytes read (truncated?)")
        return out

    def close(self):
        if self.handle is not None:
            self.handle.close()


def _index_mask(indices, lo, hi):
    """indices in [lo, hi) (hi None: no bound), elementwise; one comparison where it can be."""
    if hi is not None and lo == 0 and indices.dtype.kind == "i" and hi <= np.iinfo(indices.dtype).max:
        return indices.view(indices.dtype.str.replace("i", "u")) < hi  # negatives wrap past hi
    mask = indices >= lo if lo > 0 or indices.dtype.kind == "i" else np.ones(indices.shape, bool)
    if hi is not None:
        mask &= indices < hi
    return mask


def _sparse_sorted(indices, values, lo, hi, width=None):
    """The firing (feature - lo, row, value) of a block of sparse rows, sorted by feature then row
    (a radix sort), a feature listed twice for a token summed (np.add.reduceat, in k order); only
    indices in [lo, hi) (hi None: no bound; width: hi - lo, else found); and whether one was listed
    twice."""
    k = max(indices.shape[1], 1)
    flat = np.flatnonzero(_index_mask(indices, lo, hi) & (values != 0))
    features = indices.reshape(-1)[flat].astype(np.int64)
    if lo:
        features -= lo
    vals = values.reshape(-1)[flat]
    rows = flat >> (k.bit_length() - 1) if k & (k - 1) == 0 else flat // k
    if width is None:
        width = int(features.max()) + 1 if len(features) else 0
    order = _feature_order(features, width)
    features, rows, vals = features[order], rows[order], vals[order]
    twice = False
    if len(features) > 1:
        same = (features[1:] == features[:-1]) & (rows[1:] == rows[:-1])
        if same.any():
            twice = True
            firsts = np.flatnonzero(np.concatenate(([True], ~same)))
            vals = np.add.reduceat(vals, firsts)
            features, rows = features[firsts], rows[firsts]
    fire = vals > 0
    if not fire.all():
        features, rows, vals = features[fire], rows[fire], vals[fire]
    return features, rows, vals, twice


def _feature_order(features, width):
    """A stable order of non-negative ints below width: NumPy's radix sort of 16-bit keys (twice when wider)."""
    if width <= 1 << 16:
        return np.argsort(features.astype(np.uint16), kind="stable")
    if width > 1 << 32:
        return np.argsort(features, kind="stable")
    low = np.argsort((features & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((features[low] >> 16).astype(np.uint16), kind="stable")]


class _Blocks:
    """A partition's rows [start, stop) block by block (about CHUNK_ENTRIES activations a block).
    Iterating gives each block's firing entries as (the block's first row, features - lo, rows
    within the block, values float32), each feature's in row order (a sparse token that lists a
    feature twice: summed); `raw()` the blocks as read; `max_index`, after iterating, the largest
    feature index listed (sparse). The readers are made once, so a task may go over its partition
    more than once."""

    def __init__(self, shard, start, stop, lo, hi):
        self.shard, self.start, self.stop, self.lo, self.hi = shard, start, stop, lo, hi
        self.readers = []
        try:
            if shard.dense is not None:
                self.readers.append(_Rows(shard.dense))
                width = shard.dense.shape[-1]
            else:
                self.readers.append(_Rows(shard.sparse[0]))
                self.readers.append(_Rows(shard.sparse[1]))
                width = shard.sparse[0].shape[-1]
        except BaseException:
            self.close()
            raise
        self.step = max(1, CHUNK_ENTRIES // max(1, width))
        self.every_row = np.zeros(0, np.int64)  # a block's row of each entry, when every entry fires
        self.max_index = -1

    def close(self):
        for reader in self.readers:
            reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def raw(self):
        """(first row, block): dense, float32 [rows, hi - lo]; sparse, (indices, values float32)."""
        for a in range(self.start, self.stop, self.step):
            b = min(a + self.step, self.stop)
            if self.shard.dense is not None:
                block = _float32(self.readers[0](a, b)[:, self.lo:self.hi], self.shard.dense.bfloat16)
                yield a, np.ascontiguousarray(block)
            else:
                yield a, (self.readers[0](a, b), _float32(self.readers[1](a, b), self.shard.sparse[1].bfloat16))

    def __iter__(self):
        lo, hi = self.lo, self.hi
        for a, block in self.raw():
            if self.shard.dense is not None:
                flat = np.flatnonzero(block > 0)
                width = max(block.shape[1], 1)
                yield a, flat % width, flat // width, block.reshape(-1)[flat]
                continue
            indices, values = block
            nonzero = values != 0
            self.max_index = max(self.max_index, int(np.max(indices, where=nonzero & (indices >= 0), initial=-1)))
            k = max(indices.shape[1], 1)
            valid = _index_mask(indices, lo, hi) & nonzero
            if k > 1 and _listed_twice(indices, valid):
                yield (a,) + _sparse_sorted(indices, values, lo, hi, None if hi is None else hi - lo)[:3]
                continue
            firing = valid & (values > 0)
            if firing.all():  # every entry fires (a top-k SAE's, say): no gathers
                if len(self.every_row) != firing.size:
                    self.every_row = np.arange(firing.size, dtype=np.int64) // k
                    self.every_row.flags.writeable = False
                features, rows, values = indices.reshape(-1).astype(np.int64), self.every_row, values.reshape(-1)
            else:
                flat = np.flatnonzero(firing)
                features, values = indices.reshape(-1)[flat].astype(np.int64), values.reshape(-1)[flat]
                rows = flat >> (k.bit_length() - 1) if k & (k - 1) == 0 else flat // k
            if lo:
                features -= lo
            yield a, features, rows, values


def _guard(function):
    """Task functions: any failure is the shard's (ShardError naming it)."""
    @functools.wraps(function)
    def guarded(shard, *args):
        try:
            return function(shard, *args)
        except ShardError:
            raise
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001: an unreadable member, a file gone, a worker's OSError
            kind = type(error)
            name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
            raise ShardError(shard.name, f"{name}: {error}") from None
    return guarded


# [SECTION] The pass: every statistic and sample in one read of the shards

def _shard_facts(shard, count=0):
    return {"tokens": count, "min_id": None, "max_id": None, "strings": None, "max_index": -1, "infinite": None}


def _listed_twice(indices, valid):
    """Whether a row of a sparse block lists a feature twice among its valid entries (each row's
    indices sorted, the others set apart)."""
    k = indices.shape[1]
    if indices.dtype.kind == "i" and indices.dtype.itemsize >= 2 and k < 1 << (8 * indices.dtype.itemsize - 2):
        apart = -1 - np.arange(k, dtype=indices.dtype)
        masked = np.where(valid, indices, apart)
    else:
        masked = np.where(valid, indices.astype(np.int64), -1 - np.arange(k, dtype=np.int64))
    masked.sort(axis=1)
    return bool((masked[:, 1:] == masked[:, :-1]).any())


def _running_max(maxima, features, values):
    """maxima[f] = max(maxima[f], the values of f), in place: the values above the running max are
    written (the last of a feature's wins), those still above written again; after a few rounds
    (values falling along a block), the rest by segments."""
    above = np.flatnonzero(values > maxima[features])
    for _ in range(4):
        if not len(above):
            return
        chosen, written = features[above], values[above]
        maxima[chosen] = written
        above = above[written > maxima[chosen]]
    if len(above):
        chosen, written = features[above], values[above]
        order = _feature_order(chosen, len(maxima))
        _segment_max(maxima, chosen[order], written[order])


def _segment_max(maxima, features, values):
    """maxima[f] = max(maxima[f], the values of f) for features sorted (np.maximum.reduceat)."""
    if not len(features):
        return
    firsts = np.flatnonzero(np.concatenate(([True], features[1:] != features[:-1])))
    present = features[firsts]
    maxima[present] = np.maximum(maxima[present], np.maximum.reduceat(values, firsts))


def _release_memory():
    """Hands the heap's free memory back to the system (glibc's malloc_trim), where there is one: a
    stage's freed blocks would otherwise stay in the process' resident size through the next."""
    try:
        import ctypes
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _pad(array, length):
    if len(array) >= length:
        return array
    return np.concatenate((array, np.zeros((length - len(array),) + array.shape[1:], array.dtype)))


# The grids (docs/feature-index.md: Bins and bands). Bins and bands are equal parts of (0, count x
# unit], the unit the smallest multiple m of a cell width 2**s with count x unit >= max, 2**s the
# power of two in (max / (2 count f), max / (count f)] for the grid's fineness f: m is f to 2f, and
# the last edge less than count / (f count) = 1/f of the max above it; for bands f is at least the
# band count (up to 32), so that the top band holds the max. A value's cell (k 2**s, (k + 1) 2**s]
# does not depend on m, and a larger max only makes the cells coarser by whole powers of two (cell
# k of 2**s lies in cell k >> d of 2**(s + d)): a partition counts and samples per cell of its own
# max, and a merge coarsens to the merged max, so the one pass needs neither the dataset's max nor a
# second read. Only the bins' and bands' grouping of cells (m) waits for the end.

NO_GRID = -(1 << 20)            # the cell exponent of a feature that never fires


class Grid:
    """count equal parts of (0, max], rounded up to whole cells of a power of two: per feature."""

    def __init__(self, count, fineness):
        self.count, self.fineness = count, fineness
        self.cells = 2 * count * fineness + 1  # a feature's values lie in cells below: max / 2**s <= 2 count f

    def exponents(self, maxima):
        """int64 s per feature (frexp: exact): 2**s in (max / (2 count f), max / (count f)]."""
        maxima = np.asarray(maxima, np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            _, exponent = np.frexp(maxima / (self.count * self.fineness))
        return np.where(maxima > 0, exponent.astype(np.int64) - 1, NO_GRID)

    def units(self, maxima, exponents):
        """m per feature, the smallest with count m 2**s >= max (0 for a feature that never fires)."""
        maxima = np.asarray(maxima, np.float64)
        fired = maxima > 0
        width = np.ldexp(1.0, np.where(fired, exponents, 0)) * self.count
        m = np.ceil(maxima / width)
        m += m * width < maxima              # products of small integers and powers of two: exact
        m -= (m > 1) & ((m - 1) * width >= maxima)
        return np.where(fired, m, 0).astype(np.int64)

    def parts(self, maxima, exponents, cell_index):
        """The bin or band of each cell index (of its feature's exponent): cell // m."""
        return cell_index // np.maximum(self.units(maxima, exponents), 1)

    def edges(self, maxima):
        """float32 [F, count + 1]: edges[f, b] = b x m x 2**s, all 0 for a feature that never fires."""
        exponents = self.exponents(maxima)
        m = self.units(maxima, exponents)
        unit = np.ldexp(m.astype(np.float64), np.where(m > 0, exponents, 0))
        return (unit[:, None] * np.arange(self.count + 1, dtype=np.float64)).astype(np.float32)


def histogram_grid(bins):
    return Grid(bins, 8)


def band_grid(bands):
    return Grid(bands, min(max(8, bands), 32))


def scales(exponents):
    """2**-s per feature (float64; 0 for one that never fires): a value times it is exact."""
    return np.where(exponents != NO_GRID, np.ldexp(1.0, -np.where(exponents != NO_GRID, exponents, 0)), 0.0)


def cells(values, scale):
    """The cell k of each positive value, for its feature's scale 2**-s: k 2**s < value <= (k + 1) 2**s."""
    scaled = values.astype(np.float64)
    scaled *= scale
    np.ceil(scaled, out=scaled)
    scaled -= 1
    return scaled.astype(np.int64)


def _coarsen(counts, old, new):
    """Cell counts [F, C] of exponents old, as of exponents new >= old (rows that never fired are 0)."""
    rows = np.flatnonzero((new > old) & (old != NO_GRID))
    if not len(rows):
        return counts
    width = counts.shape[1]
    shift = np.minimum(new[rows] - old[rows], 62)
    target = (np.arange(width, dtype=np.int64)[None, :] >> shift[:, None]) + (np.arange(len(rows)) * width)[:, None]
    counts = counts.copy() if not counts.flags.writeable else counts
    counts[rows] = np.bincount(target.reshape(-1), weights=counts[rows].reshape(-1),
                               minlength=len(rows) * width).astype(np.int64).reshape(len(rows), width)
    return counts


def _coarsen_bars(bars, old, new):
    """Bars [F, C] (the per_band-th smallest priority a cell keeps, _ALL while it keeps fewer) of
    exponents old, as of exponents new >= old: a coarse cell's is the smallest of its cells' (it
    keeps at least what any of them keeps, so its own can only be lower: a bar to pass, never one
    that turns away what it will keep)."""
    rows = np.flatnonzero((new > old) & (old != NO_GRID))
    if not len(rows):
        return
    width = bars.shape[1]
    shift = np.minimum(new[rows] - old[rows], 62)
    target = (np.arange(width, dtype=np.int64)[None, :] >> shift[:, None]) + (np.arange(len(rows)) * width)[:, None]
    coarse = np.full(len(rows) * width, _ALL)
    np.minimum.at(coarse, target.reshape(-1), bars[rows].reshape(-1))
    bars[rows] = coarse.reshape(len(rows), width)


# Selections: each a total order, so that any partitioning and merge order choose alike.

def _value_key(features, values):
    """uint64 ordering by feature, then by value, highest first (the bits of a positive float32
    order as its value)."""
    bits = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    return (features.astype(np.uint64) << np.uint64(32)) | (np.uint64(0xFFFFFFFF) - bits)


def _first_per_group(groups, order, limit):
    """Indices (into the arrays sorted by `order`, a permutation grouping by `groups`) of each
    group's first `limit`, and their ranks."""
    sorted_groups = groups[order]
    firsts = np.flatnonzero(np.concatenate(([True], sorted_groups[1:] != sorted_groups[:-1])))
    ranks = np.arange(len(order)) - np.repeat(firsts, np.diff(np.append(firsts, len(order))))
    kept = ranks < limit
    return order[kept], ranks[kept]


def _take(table, indices):
    return {key: value[indices] for key, value in table.items()}


def _select_top(table, limit, in_position_order=False):
    """The table's (feature, value, position) entries cut to each feature's `limit` highest values,
    ties by the lower position; sorted so. in_position_order: each feature's entries are in
    position order already (a partition's, or partitions' summaries in corpus order), so a stable
    sort keeps equal values so."""
    if limit == 0 or len(table["feature"]) == 0:
        return _take(table, np.zeros(0, np.int64))
    key = _value_key(table["feature"], table["value"])
    if in_position_order:
        order = np.argsort(key, kind="stable")
    else:
        by_position = np.argsort(table["position"], kind="stable")
        order = by_position[np.argsort(key[by_position], kind="stable")]
    kept, _ = _first_per_group(table["feature"], order, limit)
    return _take(table, kept)


def _select_sample(table, limit):
    """The table's entries cut to each group's `limit` smallest priorities (ties by position);
    sorted by group, priority, position."""
    groups = table["group"]
    if limit == 0 or len(groups) == 0:
        return _take(table, np.zeros(0, np.int64))
    # One sort on the group and the priority's high bits; equal keys (rare: 2**-40 a pair at worst)
    # sort again on everything.
    group_bits = max(int(groups.max()).bit_length(), 1)
    order = None
    if group_bits <= 24:
        key = (groups.astype(np.uint64) << np.uint64(64 - group_bits)) | (table["priority"] >> np.uint64(group_bits))
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        if (ordered[1:] == ordered[:-1]).any():
            order = None
    if order is None:
        order = np.lexsort((table["position"], table["priority"], groups))
    kept, _ = _first_per_group(groups, order, limit)
    return _take(table, kept)


def _keyed(key, features):
    """mix(mix(key) ^ feature): the feature's part of priority(key, feature, position), uint64."""
    return _mix(_mix(np.array([key], dtype=np.uint64)) ^ np.asarray(features, np.int64).astype(np.uint64))


def _priorities(keyed, positions):
    """priority(key, feature, position) = mix(keyed ^ position) for keyed = _keyed(key, feature),
    in place over one block (no temporaries past two)."""
    z = np.bitwise_xor(keyed, positions.view(np.uint64))
    t = np.empty_like(z)
    with np.errstate(over="ignore"):
        np.add(z, _GAMMA, out=z)
        np.right_shift(z, np.uint64(30), out=t)
        np.bitwise_xor(z, t, out=z)
        np.multiply(z, _M1, out=z)
        np.right_shift(z, np.uint64(27), out=t)
        np.bitwise_xor(z, t, out=z)
        np.multiply(z, _M2, out=z)
        np.right_shift(z, np.uint64(31), out=t)
        np.bitwise_xor(z, t, out=z)
    return z


_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_COLUMNS = {"top": {"feature": np.int64, "position": np.int64, "value": np.float32},
            "bands": {"feature": np.int64, "position": np.int64, "value": np.float32, "priority": np.uint64},
            "random": {"feature": np.int64, "position": np.int64, "priority": np.uint64}}


def _joined(parts, kind):
    """Tables (a list, emptied as it goes, so that a column is let go once joined) as one."""
    if not parts:
        return {key: np.zeros(0, dtype) for key, dtype in _COLUMNS[kind].items()}
    table = {key: np.concatenate([part.pop(key) for part in parts]) for key in _COLUMNS[kind]}
    parts.clear()
    return table


def _sampled(table, limit):
    """_select_sample, with each group's bar: the priority its entries must be below to be chosen
    now (_ALL while it holds fewer than limit)."""
    chosen = _select_sample(table, limit)
    groups = chosen["group"]
    if not len(groups):
        return chosen, groups, np.zeros(0, np.uint64)
    last = np.flatnonzero(np.append(groups[1:] != groups[:-1], True))
    full = np.diff(np.append(-1, last)) >= limit
    return chosen, groups[last[full]], chosen["priority"][last[full]]


WINDOW_FEATURES = 512                # features whose band cells' windows are reduced at once


def _band_samples(table, maxima, grid, limit):
    """The band entries that may still be chosen, and each cell's bar, by the cells of maxima.

    A band is at least f = grid.fineness cells wide, so for an entry in cell c one of the windows
    of w = (f + 1) // 2 cells [c - w + 1, c] and [c, c + w - 1] lies inside its band, whatever the
    dataset's max makes of the bands: it can be chosen only when it is among the `limit` smallest
    priorities of one of them (here, hence among everything's). Its cell's bar is the larger of the
    two windows' limit-th priorities. Returns the table grouped by cell (feature x cells + cell, by
    priority) and the bars of its features' cells: (features, bars [features, cells])."""
    features = table["feature"]
    table["group"] = features * grid.cells + cells(table["value"], scales(grid.exponents(maxima))[features])
    chosen = _select_sample(table, limit)
    groups, features = chosen["group"], chosen["feature"]
    if not len(groups):
        return chosen, np.zeros(0, np.int64), np.zeros((0, grid.cells), np.uint64)
    # Grouped by cell, so by feature: each feature's entries are one run.
    firsts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
    ranks = np.arange(len(groups)) - np.repeat(firsts, np.diff(np.append(firsts, len(groups))))
    feature_starts = np.flatnonzero(np.concatenate(([True], features[1:] != features[:-1])))
    present = features[feature_starts]
    row = np.repeat(np.arange(len(present)), np.diff(np.append(feature_starts, len(features))))
    cell = groups - features * grid.cells
    bars = np.empty((len(present), grid.cells), np.uint64)
    w = (grid.fineness + 1) // 2
    keep = np.empty(len(groups), bool)
    for begin in range(0, len(present), WINDOW_FEATURES):
        end = min(begin + WINDOW_FEATURES, len(present))
        inside = slice(feature_starts[begin], feature_starts[end] if end < len(present) else len(features))
        # Each cell's smallest priorities (sorted), padded by w - 1 empty cells a side; then the
        # limit smallest of the windows of 2, 3 ... w cells ending at each cell, each from the one
        # before and the cell (the smallest of a sorted list against another reversed, sorted).
        smallest = np.full((end - begin, grid.cells + 2 * (w - 1), limit), _ALL)
        smallest[row[inside] - begin, cell[inside] + w - 1, ranks[inside]] = chosen["priority"][inside]
        window = smallest
        for j in range(1, w):  # window[:, i] holds cells i .. i + j - 1; with cell i + j
            window = np.minimum(window[:, :-1], smallest[:, j:j + window.shape[1] - 1, ::-1])
            window.sort(axis=2)
        kth = window[:, :, limit - 1]                                    # window [c - w + 1 + i, c + i]
        bar = np.maximum(kth[:, :grid.cells], kth[:, w - 1:])              # i = 0 (left) and w - 1 (right)
        bars[begin:end] = bar
        keep[inside] = chosen["priority"][inside] <= bar[row[inside] - begin, cell[inside]]
    return _take(chosen, np.flatnonzero(keep)), present, bars


class _Summary:
    """What the pass keeps of a stretch of the corpus, mergeable with the others': per feature the
    max, firing count by cell (the histogram's), the top-k, the band samples that may be chosen
    (_band_samples) and the random samples. Entries are added in position order; each kind keeps a
    running bar (the k-th value of the top kept, a band cell's bar, the k-th priority of the random
    samples) that later entries must pass, so a block adds little once the bars stand, and `settle`
    cuts what passed. Cells follow the running max: the histogram's are counted at each flush with
    the max as it is then (what was counted before coarsened to it), the bands' when what was kept
    is cut."""

    def __init__(self, width, settings, lo):
        self.settings, self.lo = settings, lo
        self.histogram_grid, self.band_grid = histogram_grid(settings["histogram_bins"]), band_grid(settings["bands"])
        self.width = 0
        self.maxima = np.zeros(0, np.float32)
        self.histogram = np.zeros((0, self.histogram_grid.cells), np.int64)
        self.counted = np.zeros(0, np.int64)  # the histogram's exponents
        self.floor = np.zeros(0, np.float32)
        self.band_bars = np.zeros((0, self.band_grid.cells), np.uint64)
        self.random_bars = np.zeros(0, np.uint64)
        self.band_keyed, self.random_keyed = np.zeros(0, np.uint64), np.zeros(0, np.uint64)
        self.kept = {"top": [], "bands": [], "random": []}
        self.pending_bins, self.waiting_bins, self.waiting, self.kept_entries = [], 0, 0, 0
        self._grow(width)

    def _grow(self, width):
        if width <= self.width:
            return
        seed, more = self.settings["seed"], width - self.width
        self.maxima, self.floor, self.histogram = _pad(self.maxima, width), _pad(self.floor, width), \
            _pad(self.histogram, width)
        self.counted = np.concatenate((self.counted, np.full(more, NO_GRID)))
        self.band_bars = np.concatenate((self.band_bars, np.full((more, self.band_bars.shape[1]), _ALL)))
        self.random_bars = np.concatenate((self.random_bars, np.full(more, _ALL)))
        ids = self.lo + np.arange(width, dtype=np.int64)
        self.band_keyed, self.random_keyed = _keyed(2 * seed, ids), _keyed(2 * seed + 1, ids)
        self.width = width

    def _flush_bins(self):
        if self.pending_bins:
            exponents = self.histogram_grid.exponents(self.maxima)
            self.histogram = _coarsen(self.histogram, self.counted, exponents)
            self.counted = exponents
            features = np.concatenate([f for f, _ in self.pending_bins])
            keys = cells(np.concatenate([v for _, v in self.pending_bins]), scales(exponents)[features])
            keys += features * self.histogram.shape[1]
            self.histogram += np.bincount(keys, minlength=self.histogram.size).reshape(self.histogram.shape)
            self.pending_bins.clear()
        self.waiting_bins = 0

    def add(self, features, positions, values):
        """Firing entries (features - lo, corpus positions, float32 values > 0, finite), in position order."""
        if not len(features):
            return
        if int(features.max()) >= self.width:
            self._grow(int(features.max()) + 1)
        settings = self.settings
        before = self.band_grid.exponents(self.maxima)
        _running_max(self.maxima, features, values)
        band_exponents = self.band_grid.exponents(self.maxima)
        _coarsen_bars(self.band_bars, before, band_exponents)
        self.pending_bins.append((features, values))
        self.waiting_bins += len(features)
        if self.waiting_bins >= FLUSH_ENTRIES:
            self._flush_bins()

        if settings["top_k"]:
            at = np.flatnonzero(values > self.floor[features])
            self.kept["top"].append({"feature": features[at], "position": positions[at], "value": values[at]})
            self.waiting += len(at)
        if settings["per_band"]:
            band_cells = cells(values, scales(band_exponents)[features])
            priority = _priorities(self.band_keyed[features], positions)
            at = np.flatnonzero(priority < self.band_bars[features, band_cells])
            self.kept["bands"].append({"feature": features[at], "position": positions[at], "value": values[at],
                                       "priority": priority[at]})
            self.waiting += len(at)
        if settings["random"]:
            priority = _priorities(self.random_keyed[features], positions)
            at = np.flatnonzero(priority < self.random_bars[features])
            self.kept["random"].append({"feature": features[at], "position": positions[at],
                                        "priority": priority[at]})
            self.waiting += len(at)
        if self.waiting >= max(SETTLE_ENTRIES, self.kept_entries):
            self.settle()

    def settle(self):
        """Cuts what was kept to the selections, and raises the bars to them."""
        settings, kept = self.settings, self.kept
        self.kept_entries = 0
        if settings["top_k"]:
            top = _select_top(_joined(kept["top"], "top"), settings["top_k"], in_position_order=True)
            features = top["feature"]
            if len(features):
                last = np.flatnonzero(np.append(features[1:] != features[:-1], True))
                full = np.diff(np.append(-1, last)) >= settings["top_k"]
                self.floor[features[last[full]]] = top["value"][last[full]]
            kept["top"].append(top)
            self.kept_entries += len(features)
        if settings["per_band"]:
            chosen, present, bars = _band_samples(_joined(kept["bands"], "bands"), self.maxima, self.band_grid,
                                                  settings["per_band"])
            self.band_bars[present] = bars
            kept["bands"].append(chosen)
            self.kept_entries += len(chosen["feature"])
        if settings["random"]:
            table = _joined(kept["random"], "random")
            table["group"] = table["feature"]
            chosen, groups, bars = _sampled(table, settings["random"])
            self.random_bars[groups] = bars
            kept["random"].append(chosen)
            self.kept_entries += len(chosen["feature"])
        self.waiting = 0

    def result(self):
        self._flush_bins()
        self.settle()
        return {"max": self.maxima, "histogram": self.histogram,
                "top": _joined(self.kept["top"], "top"), "bands": _joined(self.kept["bands"], "bands"),
                "random": _joined(self.kept["random"], "random")}


@_guard
def _summarise(shard, start, stop, lo, hi, shared):
    """The partition's summary (_Summary) and facts, block by block: memory is a block and the
    summary, whatever the partition's size."""
    facts = _shard_facts(shard, stop - start)
    if shard.ids is not None and stop > start:
        source = shard.ids.open() if isinstance(shard.ids, _Array) else np.asarray(shard.ids)
        ids = np.asarray(source[start:stop])
        facts["min_id"], facts["max_id"] = int(ids.min()), int(ids.max())
    elif shard.strings is not None:
        facts["strings"] = np.unique(shard.token_strings(start, stop))
    summary = _Summary((hi - lo) if hi is not None else 0, shared["settings"], lo)
    with _Blocks(shard, start, stop, lo, hi) as blocks:
        for a, features, rows, values in blocks:
            positions = rows + (shard.offset + a)
            infinite = np.isinf(values)
            if infinite.any():  # the build stops on it; the first one is named
                at = np.flatnonzero(infinite)
                first = at[np.lexsort((features[at], rows[at]))[0]]
                found = (a + int(rows[first]), lo + int(features[first]))  # the token within its shard
                if facts["infinite"] is None or found < facts["infinite"]:
                    facts["infinite"] = found
                keep = ~infinite
                features, positions, values = features[keep], positions[keep], values[keep]
            summary.add(features, positions, values)
        facts["max_index"] = blocks.max_index
    part = summary.result()
    part["shards"] = {shard.index: facts}
    return part


def _merge_facts(shards, more):
    for index, facts in more.items():
        if index not in shards:
            shards[index] = dict(facts)
            continue
        merged = shards[index]
        merged["tokens"] += facts["tokens"]
        for key, pick in (("min_id", min), ("max_id", max)):
            if facts[key] is not None:
                merged[key] = facts[key] if merged[key] is None else pick(merged[key], facts[key])
        if facts["strings"] is not None:
            merged["strings"] = facts["strings"] if merged["strings"] is None else \
                np.union1d(merged["strings"], facts["strings"])
        merged["max_index"] = max(merged["max_index"], facts["max_index"])
        if facts["infinite"] is not None and (merged["infinite"] is None or facts["infinite"] < merged["infinite"]):
            merged["infinite"] = facts["infinite"]


def _merge(settings, parts):
    """Summaries in corpus order (the merge tree keeps the partitions' order: equal values of a
    feature's top stay in position order through a stable sort), as one: the max of the maxima,
    each histogram coarsened to the merged max's cells and added, the samples cut again by the
    merged cells."""
    width = max(len(part["max"]) for part in parts)
    maxima = functools.reduce(np.maximum, (_pad(part["max"], width) for part in parts))
    bins = histogram_grid(settings["histogram_bins"])
    exponents = bins.exponents(maxima)
    histogram = np.zeros((width, bins.cells), np.int64)
    for part in parts:
        histogram += _coarsen(_pad(part.pop("histogram"), width), bins.exponents(_pad(part["max"], width)), exponents)
    shards = {}
    for part in parts:
        _merge_facts(shards, part["shards"])
    bands = _joined([part["bands"] for part in parts], "bands")
    if settings["per_band"]:
        bands = _band_samples(bands, maxima, band_grid(settings["bands"]), settings["per_band"])[0]
    random = _joined([part["random"] for part in parts], "random")
    random["group"] = random["feature"]
    return {"max": maxima, "histogram": histogram, "shards": shards,
            "top": _select_top(_joined([part["top"] for part in parts], "top"), settings["top_k"],
                               in_position_order=True),
            "bands": bands, "random": _select_sample(random, settings["random"])}


def _finish(summary, settings, count):
    """The merged summary's histogram by its bins and samples by their bands, for the features
    [0, count): histogram int64 [count, bins], bands (grouped feature x bands + band) and random
    (grouped by feature) in selection order, top."""
    bins, bands = histogram_grid(settings["histogram_bins"]), band_grid(settings["bands"])
    maxima = _pad(summary["max"], count)[:count]
    cell_counts = _pad(summary["histogram"], count)[:count]
    exponents = bins.exponents(maxima)
    fired = np.flatnonzero(maxima > 0)
    # A cell's values are at most the max <= bins x unit: its bin is within the feature's, and the
    # cells past it are empty.
    part = bins.parts(maxima[fired, None], exponents[fired, None], np.arange(bins.cells)[None, :])
    histogram = np.bincount((part + (fired * bins.count)[:, None]).reshape(-1), weights=cell_counts[fired].reshape(-1),
                            minlength=(count + 1) * bins.count).astype(np.int64)[:count * bins.count]
    table = summary["bands"]
    features = table["feature"]
    exponents = bands.exponents(maxima)
    table["group"] = features * bands.count + bands.parts(maxima[features], exponents[features],
                                                          cells(table["value"], scales(exponents)[features]))
    table = _select_sample(table, settings["per_band"])
    return {"max": maxima, "histogram": histogram.reshape(count, bins.count), "top": summary["top"], "bands": table,
            "random": summary["random"]}


# [SECTION] Windows: the chosen contexts' tokens and values

@_guard
def _windows(shard, local_positions, columns, shared):
    """tokens int32 [n, W], values float32 [n, W], peak int32 [n] for contexts at the shard's
    local_positions, of the features `columns` (dictionary indices)."""
    context, width = shared["context"], shared["width"]
    starts = np.maximum(local_positions - context, 0)
    rows = starts[:, None] + np.arange(width, dtype=np.int64)
    inside = rows < shard.tokens
    clipped = np.where(inside, rows, shard.tokens - 1)
    tokens = np.where(inside, shard.token_ids(clipped, shared["lookup"]), -1).astype(np.int32)
    if shard.dense is not None:
        values = _float32(shard.dense.open()[clipped, columns[:, None]], shard.dense.bfloat16)
    else:
        indices, raw_values = shard.sparse
        listed = indices.open()[clipped]                                        # [n, W, k]
        k = max(listed.shape[-1], 1)
        hits = np.flatnonzero(listed == columns[:, None, None])                 # in (context, offset, k) order
        del listed
        cells, entry_at = np.divmod(hits, k)
        entries = _float32(raw_values.open()[clipped.reshape(-1)[cells], entry_at], raw_values.bfloat16)
        nonzero = entries != 0
        cells, entries = cells[nonzero], entries[nonzero]
        values = np.zeros(len(local_positions) * width, np.float32)
        if len(cells):
            # A token listing the feature more than once: summed in k order (np.add.reduceat), as pass 2 sums.
            firsts = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1])))
            values[cells[firsts]] = np.add.reduceat(entries, firsts)
        values = values.reshape(len(local_positions), width)
    values = np.where(inside, values, np.float32(np.nan)).astype(np.float32)
    return tokens, values, (local_positions - starts).astype(np.int32)


def _lookup(lookup, strings, name):
    """Ids of text tokens through (sorted vocabulary, ids in that order); ShardError for one absent."""
    ordered, ids = lookup
    strings = np.asarray(strings)
    if strings.size == 0:
        return np.zeros(strings.shape, np.int64)
    at = np.minimum(np.searchsorted(ordered, strings), max(len(ordered) - 1, 0))
    found = ordered[at] == strings if len(ordered) else np.zeros(strings.shape, bool)
    if not found.all():
        raise ShardError(name, f"token {str(strings[~found].reshape(-1)[0])!r} is not in the vocabulary")
    return ids[at].astype(np.int64)


def _vocabulary_lookup(vocabulary):
    array = np.array(vocabulary, dtype=str) if len(vocabulary) else np.zeros(0, "<U1")
    order = np.argsort(array, kind="stable")  # a string listed twice: its first id
    return array[order], order.astype(np.int64)


# [SECTION] Running tasks: Dask's local threaded scheduler, or a dask.distributed cluster

def _tree(items, merge):
    while len(items) > 1:
        items = [merge(items[i:i + FAN_IN]) for i in range(0, len(items), FAN_IN)]
    return items[0]


class _LocalRunner:
    """dask.delayed tasks on Dask's threaded scheduler; progress through a scheduler callback."""

    def run(self, label, function, tasks, shared, merge, on_done):
        import dask
        from dask.callbacks import Callback

        prefix = f"tokenheat-{label}-{uuid.uuid4().hex[:12]}"
        shared_node = dask.delayed(shared, traverse=False)
        parts = [dask.delayed(function, pure=False)(*arguments, shared_node, dask_key_name=f"{prefix}-{i}")
                 for i, arguments in enumerate(tasks)]
        keys = {f"{prefix}-{i}": i for i in range(len(tasks))}
        if merge is not None:
            counter = iter(range(1 << 62))
            merged = dask.delayed(merge, pure=False)
            root = _tree(parts, lambda group: merged(group, dask_key_name=f"{prefix}-merge-{next(counter)}"))
        else:
            root = parts

        class Watch(Callback):
            def _posttask(self, key, result, dsk, state, worker_id):
                if key in keys:
                    on_done(keys[key])

        with Watch():
            result, = dask.compute(root, scheduler="threads")
        return result


def _probe(address):
    """A scheduler's address checked, and a TCP one knocked at, before a Client is made: a Client
    that fails to connect waits for its timeout, twice (the second time when it is collected)."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        host, port = parse_host_port(location, 8786) if scheme in ("tcp", "tls", "ws", "wss") else (None, None)
    except (ValueError, TypeError) as error:
        raise BuildError(f"--scheduler {address}: {error}") from None
    if host is not None:
        try:
            socket.create_connection((host, port), timeout=10).close()
        except OSError as error:
            raise BuildError(f"--scheduler {address}: cannot connect: {error.strerror or error}") from None


class _DistributedRunner:
    """Futures on a dask.distributed cluster; the merge tree is submitted on the partitions' futures,
    so the summaries merge on the workers."""

    def __init__(self, address):
        try:
            from distributed import Client
        except ImportError:
            raise BuildError("--scheduler needs dask.distributed (Debian: python3-distributed)") from None
        _probe(address)
        try:
            self.client = Client(address, set_as_default=False, timeout="20s")
        except Exception as error:  # noqa: BLE001: OSError, TimeoutError, ValueError for a bad address
            raise BuildError(f"--scheduler {address}: cannot connect: {error}") from None

    def close(self):
        self.client.close()

    def run(self, label, function, tasks, shared, merge, on_done):
        from distributed import as_completed

        client = self.client
        prefix = f"tokenheat-{label}-{uuid.uuid4().hex[:12]}"
        shared_future = client.scatter([shared], broadcast=True, hash=False)[0] if shared is not None else None
        futures = [client.submit(function, *arguments, shared_future, key=f"{prefix}-{i}", pure=False)
                   for i, arguments in enumerate(tasks)]
        index = {future.key: i for i, future in enumerate(futures)}
        root = None
        if merge is not None:  # submitted at once: partitions merge as they finish, and are let go
            counter = iter(range(1 << 62))
            root = _tree(futures, lambda group: client.submit(merge, group, pure=False,
                                                              key=f"{prefix}-merge-{next(counter)}"))
        results = [None] * len(tasks)
        completed = as_completed(futures, loop=client.loop)
        del futures
        for future in completed:
            if future.status == "error":
                future.result()  # raises the task's error
            if merge is None:
                results[index[future.key]] = future.result()
            on_done(index[future.key])
            del future
        return results if merge is None else root.result()


# [SECTION] Progress on stderr

def _duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _rate(value):
    for bound, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= bound:
            return f"{value / bound:.1f}{suffix}"
    return f"{value:.0f}"


class _Progress:
    """One line per stage: shards done, tokens/s, time left; rewritten with \\r on a terminal,
    otherwise a plain line when a shard is done, at most one a second, and one when the stage is."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = bool(stream) and hasattr(stream, "isatty") and stream.isatty()

    def start(self, label, task_shards, task_weights, unit):
        self.label, self.unit = label, unit
        self.task_shards, self.task_weights = task_shards, task_weights
        self.left_in_shard = {}
        for shard in task_shards:
            self.left_in_shard[shard] = self.left_in_shard.get(shard, 0) + 1
        self.shards, self.shards_done = len(self.left_in_shard), 0
        self.total, self.done_weight = sum(task_weights), 0
        self.began = self.shown = time.monotonic()
        if self.stream and self.tty:
            self._show(time.monotonic())

    def done(self, task):
        if not self.stream:
            return
        self.done_weight += self.task_weights[task]
        shard = self.task_shards[task]
        self.left_in_shard[shard] -= 1
        finished = self.left_in_shard[shard] == 0
        self.shards_done += finished
        now = time.monotonic()
        if self.tty and (finished or now - self.shown > 0.1):
            self._show(now)
        elif finished and now - self.shown >= 1.0 and self.shards_done < self.shards:  # the last: finish()
            self._show(now)

    def _show(self, now):
        self.shown = now
        elapsed = max(now - self.began, 1e-9)
        rate = self.done_weight / elapsed
        line = f"tokenheat.index: {self.label}: {self.shards_done}/{self.shards} shards"
        if self.done_weight:
            left = (self.total - self.done_weight) / rate if rate else 0
            line += f", {_rate(rate)} {self.unit}/s, {_duration(left)} left"
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self):
        if not self.stream:
            return
        elapsed = time.monotonic() - self.began
        line = (f"tokenheat.index: {self.label}: done, {self.shards} shards, {self.total:,} {self.unit} "
                f"in {elapsed:.1f} s ({_rate(self.total / max(elapsed, 1e-9))} {self.unit}/s)")
        self.stream.write(("\r" + line + "\x1b[K\n") if self.tty else line + "\n")
        self.stream.flush()


# [SECTION] The build

def parse_features(text):
    """'A:B' (either side may be left out) as (A, B or None)."""
    if not isinstance(text, str):
        lo, hi = text
        return int(lo or 0), None if hi is None else int(hi)
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        lo = int(parts[0]) if parts[0].strip() else 0
        hi = int(parts[1]) if parts[1].strip() else None
    except ValueError:
        raise ValueError(f"--features {text}: expected A:B (features A to B - 1)") from None
    if lo < 0 or (hi is not None and hi <= lo):
        raise ValueError(f"--features {text}: expected 0 <= A < B")
    return lo, hi


def _expand(patterns):
    shards = []
    for pattern in patterns:
        pattern = os.fspath(pattern)
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern))
            if not matches:
                raise ShardError(pattern, "no file matches")
            shards += matches
        else:
            shards.append(pattern)
    return shards


def _partitions(shard, lo, hi, partition_tokens, most):
    if shard.tokens == 0:
        return [(0, 0)]
    if not shard.mappable:
        return [(0, shard.tokens)]
    if partition_tokens is None:  # as large as allowed, the shard cut evenly
        largest = max(1, min(PARTITION_TOKENS, most, PARTITION_BYTES // max(1, shard.row_bytes())))
        partition_tokens = -(-shard.tokens // -(-shard.tokens // largest))
    return [(start, min(start + partition_tokens, shard.tokens)) for start in range(0, shard.tokens, partition_tokens)]


def _check_writable(output):
    folder = os.path.dirname(os.path.abspath(output)) or "."
    if not os.path.isdir(folder):
        raise BuildError(f"-o {output}: no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise BuildError(f"-o {output}: the folder {folder} is not writable")
    if os.path.isdir(output):
        raise BuildError(f"-o {output}: a folder")


def _write(output, arrays):
    """np.savez (stored) to a temporary file beside output, renamed onto it."""
    output = os.fspath(output)
    folder = os.path.dirname(os.path.abspath(output))
    descriptor, temporary = tempfile.mkstemp(prefix="." + os.path.basename(output) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            np.savez(handle, **arrays)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, output)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def build(shards, output, *, top_k=20, bands=10, per_band=5, random=10, context=32, features=None,
          histogram_bins=32, seed=0, vocabulary=None, scheduler=None, partition_tokens=None, progress=None):
    """Builds the feature index of the shards (paths or glob patterns, in order) into output.

    features: (A, B) or "A:B", the dictionary's features A to B - 1 (default all); vocabulary: a
    file (one token a line, or tokenizer.json) or a list of strings; scheduler: None for Dask's
    local threaded scheduler, or a dask.distributed scheduler's address; partition_tokens: tokens a
    partition (default: up to 16M, fewer when wide or to give each core two); progress: a stream for progress lines (default
    sys.stderr), or False. Returns output. Raises ShardError naming a shard that cannot be read,
    BuildError for other failures, ValueError for bad options; INDEX is then left as it was."""
    for name, value, least in (("top_k", top_k, 0), ("bands", bands, 1), ("per_band", per_band, 0),
                               ("random", random, 0), ("context", context, 0), ("histogram_bins", histogram_bins, 1),
                               ("seed", seed, 0)):
        if not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{name} must be an integer >= {least}, not {value!r}")
    if bands > 126:
        raise ValueError("bands must be at most 126 (context_group is int8)")
    if histogram_bins > 256:
        raise ValueError("histogram_bins must be at most 256 (a summary counts 16 cells a bin for every feature)")
    if seed >= 1 << 62:
        raise ValueError("seed must be below 2**62")
    lo, hi = parse_features(features) if features is not None else (0, None)
    settings = {"top_k": int(top_k), "bands": int(bands), "per_band": int(per_band), "random": int(random),
                "context": int(context), "histogram_bins": int(histogram_bins), "seed": int(seed)}
    report = _Progress(sys.stderr if progress is None else progress)
    _check_writable(output)

    names = _expand(shards if isinstance(shards, (list, tuple)) else [shards])
    if not names:
        raise ValueError("no shards")
    opened = [open_shard(i, name) for i, name in enumerate(names)]
    offset = 0
    for shard in opened:
        shard.offset, offset = offset, offset + shard.tokens
    tokens_total = offset

    # The dictionary's size, and its names.
    feature_count, feature_names = None, None
    for shard in opened:
        if shard.dense is not None:
            if feature_count is None:
                feature_count = shard.dense.shape[-1]
            elif shard.dense.shape[-1] != feature_count:
                raise ShardError(shard.name, f"{shard.dense.shape[-1]} features, where the shards before have "
                                             f"{feature_count}")
    for shard in opened:
        if shard.feature_names is not None:
            if feature_names is None:
                feature_names = shard.feature_names
                if feature_count is not None and len(feature_names) != feature_count:
                    raise ShardError(shard.name, f"{len(feature_names)} feature_names for {feature_count} features")
                feature_count = len(feature_names)
            elif shard.feature_names != feature_names:
                raise ShardError(shard.name, "its feature_names differ from the shards' before")
    if feature_count is not None:
        if hi is None:
            hi = feature_count
        if hi > feature_count or lo >= feature_count:
            raise ValueError(f"--features {lo}:{hi}: the shards have {feature_count} features")

    # The vocabulary, where it is known before the tokens are read.
    vocabulary_list = None
    if vocabulary is not None:
        if isinstance(vocabulary, (str, os.PathLike)):
            try:
                vocabulary_list = read_vocabulary(vocabulary)
            except (OSError, ValueError, KeyError) as error:
                raise BuildError(f"--vocabulary {vocabulary}: {getattr(error, 'strerror', None) or error}") from None
        else:
            vocabulary_list = [str(s) for s in vocabulary]
    else:
        for shard in opened:
            if shard.vocabulary is not None:
                if vocabulary_list is None:
                    vocabulary_list = shard.vocabulary
                elif shard.vocabulary != vocabulary_list:
                    raise ShardError(shard.name, "its vocabulary differs from the shards' before")
        if vocabulary_list is None and any(shard.ids is not None for shard in opened):
            for shard in opened:
                beside = os.path.join(os.path.dirname(shard.path), "tokenizer.json")
                if shard.ids is not None and os.path.exists(beside):
                    try:
                        with open(beside, encoding="utf-8") as handle:
                            vocabulary_list = _tokenizer_vocabulary(json.load(handle))
                    except (OSError, ValueError, KeyError) as error:
                        raise ShardError(shard.name, f"tokenizer.json beside it: {error}") from None
                    break
        if vocabulary_list is None:
            for shard in opened:
                if shard.ids is not None:
                    raise ShardError(shard.name, "token ids but no vocabulary: give --vocabulary FILE, a "
                                                 "'vocabulary' array, or a tokenizer.json beside the shard")

    runner = _DistributedRunner(scheduler) if scheduler else _LocalRunner()
    try:
        # The pass. Partitions are large (each begins with its bars down, so it passes more of its
        # first entries than of its last), but at least two a core where the corpus allows.
        tasks, task_shards, task_tokens = [], [], []
        most = max(PARTITION_LEAST, -(-tokens_total // (2 * (os.cpu_count() or 1))))
        for shard in opened:
            for start, stop in _partitions(shard, lo, hi, partition_tokens, most):
                tasks.append((shard, start, stop, lo, hi))
                task_shards.append(shard.index)
                task_tokens.append(stop - start)
        report.start("pass", task_shards, task_tokens, "tokens")
        first = runner.run("pass", _summarise, tasks, {"settings": settings}, functools.partial(_merge, settings),
                           report.done)
        report.finish()
        _release_memory()

        for shard in opened:
            facts = first["shards"][shard.index]
            if facts["infinite"] is not None:
                position, feature = facts["infinite"]
                raise ShardError(shard.name, f"feature {feature} is infinite at token {position}")
            if facts["min_id"] is not None and facts["min_id"] < 0:
                raise ShardError(shard.name, f"a negative token id ({facts['min_id']})")
            if vocabulary_list is not None and facts["max_id"] is not None and facts["max_id"] >= len(vocabulary_list):
                raise ShardError(shard.name, f"token id {facts['max_id']} is past the vocabulary's "
                                             f"{len(vocabulary_list)} entries")
            if feature_count is not None and facts["max_index"] >= feature_count:
                raise ShardError(shard.name, f"feature index {facts['max_index']} is past the "
                                             f"{feature_count} features")
        if vocabulary_list is None:  # text tokens only: the sorted distinct tokens
            vocabulary_list = functools.reduce(np.union1d, [first["shards"][s.index]["strings"] for s in opened
                                                            if first["shards"][s.index]["strings"] is not None],
                                               np.zeros(0, "<U1")).tolist()
        else:
            known = np.array(vocabulary_list, dtype=str) if vocabulary_list else np.zeros(0, "<U1")
            for shard in opened:
                strings = first["shards"][shard.index]["strings"]
                if strings is not None and len(strings):
                    absent = strings[~np.isin(strings, known)]
                    if len(absent):
                        raise ShardError(shard.name, f"token {str(absent[0])!r} is not in the vocabulary")
        if len(vocabulary_list) > 1 << 31:
            raise BuildError("a vocabulary past 2**31 entries")
        if hi is None:  # sparse without names: the largest index + 1
            total = max(s["max_index"] for s in first["shards"].values()) + 1
            if lo >= total:
                raise ValueError(f"--features {lo}:: the shards have {total} features")
            hi = total
        count = hi - lo
        second = _finish(first, settings, count)
        del first
        maxima = second["max"]
        fires = second["histogram"].sum(axis=1)

        # The contexts' slots: top, then each band's, then random; each group's from its start.
        width = context + 1 + context // 4
        slots = top_k + bands * per_band + random
        slot_feature, slot_index, slot_group, slot_rank, slot_position = [], [], [], [], []
        for table, group_of, first_slot in (
                (second["top"], lambda t: np.zeros(len(t["feature"]), np.int64), lambda t: 0),
                (second["bands"], lambda t: 1 + t["group"] % bands, lambda t: top_k + (t["group"] % bands) * per_band),
                (second["random"], lambda t: np.full(len(t["feature"]), bands + 1, np.int64),
                 lambda t: top_k + bands * per_band)):
            groups = table["group"] if "group" in table else table["feature"]
            ranks = np.arange(len(groups)) - np.searchsorted(groups, groups, side="left")
            slot_feature.append(table["feature"])
            slot_index.append(first_slot(table) + ranks)
            slot_group.append(group_of(table))
            slot_rank.append(ranks)
            slot_position.append(table["position"])
        slot_feature, slot_index, slot_group, slot_rank, slot_position = (
            np.concatenate(a).astype(np.int64)
            for a in (slot_feature, slot_index, slot_group, slot_rank, slot_position))

        context_group = np.full((count, slots), -1, np.int8)
        context_rank = np.full((count, slots), -1, np.int32)
        context_position = np.full((count, slots), -1, np.int64)
        context_shard = np.full((count, slots), -1, np.int32)
        context_peak = np.full((count, slots), -1, np.int32)
        context_tokens = np.full((count, slots, width), -1, np.int32)
        context_values = np.full((count, slots, width), np.nan, np.float32)
        context_group[slot_feature, slot_index] = slot_group
        context_rank[slot_feature, slot_index] = slot_rank
        context_position[slot_feature, slot_index] = slot_position
        offsets = np.array([shard.offset for shard in opened], np.int64)
        sizes = np.array([shard.tokens for shard in opened], np.int64)
        # the shard holding a position: the last one starting at or before it that has tokens
        nonempty = np.flatnonzero(sizes > 0)
        slot_shard = nonempty[np.searchsorted(offsets[nonempty], slot_position, side="right") - 1] \
            if len(slot_position) else np.zeros(0, np.int64)
        context_shard[slot_feature, slot_index] = slot_shard

        # Windows, each (feature, position) cut once.
        stride = max(tokens_total, 1)
        if len(slot_feature) and count * stride < 1 << 62:  # (feature, position) as one int64, in the same order
            keys, where = np.unique(slot_feature * stride + slot_position, return_inverse=True)
            pairs = np.stack([keys // stride, keys % stride], axis=1)
        elif len(slot_feature):
            pairs, where = np.unique(np.stack([slot_feature, slot_position], axis=1), axis=0, return_inverse=True)
        else:
            pairs, where = np.zeros((0, 2), np.int64), np.zeros(0, np.int64)
        where = where.reshape(-1)
        pair_shard = nonempty[np.searchsorted(offsets[nonempty], pairs[:, 1], side="right") - 1] \
            if len(pairs) else np.zeros(0, np.int64)
        tasks, task_shards, task_weights, task_pairs = [], [], [], []
        for index in np.unique(pair_shard):
            shard = opened[index]
            members = np.flatnonzero(pair_shard == index)
            members = members[np.argsort(pairs[members, 1], kind="stable")]  # in position order: nearby reads
            step = WINDOW_TASK_CONTEXTS if shard.mappable else len(members)
            for begin in range(0, len(members), step):
                chosen = members[begin:begin + step]
                tasks.append((shard, pairs[chosen, 1] - shard.offset, lo + pairs[chosen, 0]))
                task_shards.append(int(index))
                task_weights.append(len(chosen))
                task_pairs.append(chosen)
        lookup = _vocabulary_lookup(vocabulary_list) if any(s.strings is not None for s in opened) else None
        # Each pair's window into its first slot (then copied into its others: a context chosen by
        # more than one group), the tasks run in batches so that their results are let go as placed.
        slot_flat = slot_feature * slots + slot_index
        by_pair = np.argsort(where, kind="stable")
        leads = np.ones(len(by_pair), bool)
        leads[1:] = where[by_pair[1:]] != where[by_pair[:-1]]
        first_slot = np.zeros(len(pairs), np.int64)
        first_slot[where[by_pair[leads]]] = slot_flat[by_pair[leads]]
        flat_tokens = context_tokens.reshape(count * slots, width)
        flat_values = context_values.reshape(count * slots, width)
        flat_peak = context_peak.reshape(count * slots)
        report.start("windows", task_shards, task_weights, "contexts")
        shared = {"context": context, "width": width, "lookup": lookup}
        for begin in range(0, len(tasks), WINDOW_BATCH):
            batch = range(begin, min(begin + WINDOW_BATCH, len(tasks)))
            cut = runner.run("windows", _windows, tasks[batch.start:batch.stop], shared, None,
                             lambda i, begin=begin: report.done(begin + i))
            for i, (tokens, values, peak) in zip(batch, cut):
                at = first_slot[task_pairs[i]]
                flat_tokens[at], flat_values[at], flat_peak[at] = tokens, values, peak
            del cut
        report.finish()
        others = by_pair[~leads]
        if len(others):
            source, target = first_slot[where[others]], slot_flat[others]
            flat_tokens[target], flat_values[target], flat_peak[target] = \
                flat_tokens[source], flat_values[source], flat_peak[source]
    finally:
        if isinstance(runner, _DistributedRunner):
            runner.close()

    labels = feature_names[lo:hi] if feature_names is not None else [""] * count
    labels = labels + [""] * (count - len(labels))
    arrays = {
        "format": np.array(FORMAT),
        "vocabulary": np.array(vocabulary_list, dtype=str) if vocabulary_list else np.zeros(0, "<U1"),
        "feature_ids": np.arange(lo, hi, dtype=np.int64),
        "feature_labels": np.array(labels, dtype=str) if labels else np.zeros(0, "<U1"),
        "max": maxima.astype(np.float32),
        "density": fires / tokens_total if tokens_total else np.zeros(count, np.float64),
        "fires": fires.astype(np.int64),
        "histogram_edges": histogram_grid(histogram_bins).edges(maxima),
        "histogram_counts": second["histogram"].astype(np.int64),
        "band_edges": band_grid(bands).edges(maxima),
        "context_group": context_group,
        "context_rank": context_rank,
        "context_position": context_position,
        "context_shard": context_shard,
        "context_tokens": context_tokens,
        "context_values": context_values,
        "context_peak": context_peak,
        "shards": np.array(names, dtype=str),
        "tokens_total": np.array(tokens_total, np.int64),
        "settings": np.array(json.dumps(settings)),
    }
    _write(output, arrays)
    return output


# [SECTION] Command line

class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"tokenheat.index: error: {message}\n")


def _count(least):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{value} is below {least}")
        return value
    return parse


def _features_option(text):
    try:
        return parse_features(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).split(": ", 1)[-1]) from None


def main(argv=None):
    parser = _Parser(prog="python3 -m tokenheat.index",
                     description="Feature dashboards' index (docs/feature-index.md).")
    commands = parser.add_subparsers(dest="command", metavar="build", required=True)
    command = commands.add_parser("build", help="build an index from activation shards",
                                  description="Builds a feature index from activation shards (.npz, .npy, "
                                              ".safetensors; globs expanded, in order).")
    command.add_argument("shards", nargs="+", metavar="SHARD")
    command.add_argument("-o", "--output", required=True, metavar="INDEX", help="the index to write (.npz)")
    command.add_argument("--top-k", type=_count(0), default=20, metavar="K", help="top activations a feature (20)")
    command.add_argument("--quantile-bands", type=_count(1), default=10, metavar="B",
                         help="equal bands from 0 to the max sampled (10)")
    command.add_argument("--per-band", type=_count(0), default=5, metavar="N", help="samples a band (5)")
    command.add_argument("--random", type=_count(0), default=10, metavar="R",
                         help="random firing samples a feature (10)")
    command.add_argument("--context", type=_count(0), default=32, metavar="N",
                         help="tokens before the sampled one (32; context // 4 after)")
    command.add_argument("--features", type=_features_option, metavar="A:B", help="features A to B - 1 (all)")
    command.add_argument("--histogram-bins", type=_count(1), default=32, metavar="H",
                         help="histogram bins from 0 to the max (32)")
    command.add_argument("--seed", type=_count(0), default=0, metavar="S", help="the samples' hash seed (0)")
    command.add_argument("--scheduler", metavar="ADDRESS",
                         help="a dask.distributed scheduler (tcp://HOST:8786); default: local threads")
    command.add_argument("--vocabulary", metavar="FILE", help="token strings by id: one a line, or tokenizer.json")
    args = parser.parse_args(argv)
    if args.quantile_bands > 126:
        parser.error("argument --quantile-bands: at most 126")
    if args.histogram_bins > 256:
        parser.error("argument --histogram-bins: at most 256")
    if args.seed >= 1 << 62:
        parser.error("argument --seed: below 2**62")
    try:
        build(args.shards, args.output, top_k=args.top_k, bands=args.quantile_bands, per_band=args.per_band,
              random=args.random, context=args.context, features=args.features, histogram_bins=args.histogram_bins,
              seed=args.seed, vocabulary=args.vocabulary, scheduler=args.scheduler)
    except (ShardError, BuildError, ValueError) as error:
        print(f"tokenheat.index: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tokenheat.index: interrupted", file=sys.stderr)
        return 130
    print(f"tokenheat.index: wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    # Run through the package's module, so that tasks sent to distributed workers name functions
    # they can import (tokenheat.index, not __main__).
    from tokenheat.index import main as _main
    sys.exit(_main())
