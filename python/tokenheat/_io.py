"""Tokens and values as the files that the tokenheat binary reads: JSON, JSONL and .npz.

The binary keeps every value as a float32. In JSON and JSONL, finite values are written with
Python's shortest ``repr`` of the value as a double: a float32 value (from a NumPy float32 array
or a torch tensor, say) is exactly representable as a double, so the loader parses that very
double and narrows it back to the same float32, bit for bit. Wider values are rounded to float32
once, by the loader. NaN and +-Inf, which JSON lacks, are written as the strings "NaN",
"Infinity" and "-Infinity", and None as null: all of them mean "no value". In .npz the values are
float32 already, rounded to nearest as the loader rounds, None written as NaN.
"""

from __future__ import annotations

import json
import math
import struct
import sys
import zipfile
from array import array
from pathlib import Path


# [SECTION] From lists, arrays, tensors and tokenizer outputs to a document

def _plain(data):
    """A NumPy array or a torch-like tensor as (nested) Python lists; anything else unchanged.

    Tensors are recognised by ``.detach()``, so torch is never imported; their ``tolist()`` gives
    every dtype's exact values as Python numbers (bfloat16 and float16 included), and needs no
    NumPy.
    """
    if hasattr(data, "detach"):
        data = data.detach().cpu()
    if hasattr(data, "tolist"):
        return data.tolist()
    return data


def _is_sequence(data):
    return not isinstance(data, (str, bytes)) and hasattr(data, "__len__") and hasattr(data, "__iter__")


def _is_batch_encoding(data):
    """Whether data is what a Hugging Face tokenizer returns (transformers' BatchEncoding, a
    UserDict): a mapping with input_ids and a tokens() method (fast tokenizers)."""
    return hasattr(data, "keys") and "input_ids" in data and callable(getattr(data, "tokens", None))


class _Sequence:
    """One sequence's tokens, and which positions of its values rows are its tokens' (keep: one
    bool per position, from a tokenizer's attention_mask; None when every position is a token)."""

    def __init__(self, tokens, keep=None):
        self.tokens = tokens
        self.keep = keep

    def kept(self, row):
        """A row of values for this sequence: rows as long as the mask lose the masked positions."""
        if self.keep is not None and len(row) == len(self.keep):
            return [value for value, keep in zip(row, self.keep) if keep]
        return row


def _batch_encoding_sequences(encoding):
    """A BatchEncoding's rows: tokens(i) of each, without the positions its attention_mask zeroes."""
    ids = _plain(encoding["input_ids"])
    one_text = len(ids) == 0 or not _is_sequence(ids[0])  # tokenizer("text") without return_tensors
    masks = _plain(encoding["attention_mask"]) if "attention_mask" in encoding else None
    if masks is not None and one_text:
        masks = [masks]
    sequences = []
    for row in range(1 if one_text else len(ids)):
        tokens = list(encoding.tokens(row))
        if masks is None:
            sequences.append(_Sequence(tokens))
            continue
        keep = [bool(flag) for flag in masks[row]]
        if len(keep) != len(tokens):
            raise ValueError(f"attention_mask row {row} has {len(keep)} positions but tokens({row}) has {len(tokens)}")
        sequences.append(_Sequence([token for token, flag in zip(tokens, keep) if flag], keep))
    return sequences


def _sequences(tokens):
    """tokens (a list of str, a list of lists of str, or a BatchEncoding) as a list of _Sequence."""
    if _is_batch_encoding(tokens):
        return _batch_encoding_sequences(tokens)
    tokens = _plain(tokens)
    if not _is_sequence(tokens):
        raise ValueError(f"tokens must be a list of str, a list of lists of str or a tokenizer's output, "
                         f"not {type(tokens).__name__}")
    tokens = list(tokens)
    if all(isinstance(token, str) for token in tokens):
        return [_Sequence(tokens)]
    sequences = []
    for i, sequence in enumerate(tokens):
        sequence = _plain(sequence)
        if not _is_sequence(sequence):
            raise ValueError(f"tokens[{i}] is {sequence!r}: tokens must be a list of str (one sequence) "
                             "or a list of lists of str (several), not a mix")
        sequence = list(sequence)
        for j, token in enumerate(sequence):
            if not isinstance(token, str):
                raise ValueError(f"tokens[{i}][{j}] is {token!r} ({type(token).__name__}), not a str")
        sequences.append(_Sequence(sequence))
    return sequences


def _number(value, where):
    """A value as a Python float (NaN and +-Inf kept), or None for no value."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{where} is {value!r}, not a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where} is {value!r}, not a number") from None


def _channel_rows(name, data, sequences):
    """One channel's values as one list of numbers per sequence, with their lengths checked.

    One sequence takes 1-D values or 2-D ones with one row (a batch of one, as a model returns);
    several take one row per sequence, each as long as its sequence (ragged rows are fine).
    """
    data = _plain(data)
    where = f"channel {name!r}"
    if not _is_sequence(data):
        raise ValueError(f"{where}: expected a list or array of numbers, got {type(data).__name__}")
    one_row = len(sequences) == 1 and not (len(data) > 0 and _is_sequence(_plain(data[0])))
    rows = [data] if one_row else list(data)
    if len(rows) != len(sequences):
        there_are = "there is 1 sequence" if len(sequences) == 1 else f"there are {len(sequences)} sequences"
        raise ValueError(f"{where} has {len(rows)} rows but {there_are}")
    result = []
    for i, (row, sequence) in enumerate(zip(rows, sequences)):
        row = _plain(row)
        row_where = where if len(sequences) == 1 else f"{where}, sequence {i}"
        if not _is_sequence(row):
            raise ValueError(f"{row_where}: expected a list of numbers, got {type(row).__name__}")
        row = sequence.kept(list(row))
        if len(row) != len(sequence.tokens):
            raise ValueError(f"{row_where} has {len(row)} values but the sequence has {len(sequence.tokens)} tokens")
        result.append([_number(value, f"{row_where}[{j}]") for j, value in enumerate(row)])
    return result


def build_document(tokens, values=None, channels=None, names=None):
    """The ``{"sequences": [{"name"?, "tokens", "channels": {name: [float | None]}}]}`` document for
    the writers below; raises ValueError on bad input."""
    sequences = _sequences(tokens)
    if values is not None and channels is not None:
        raise ValueError("give values or channels, not both")
    if values is not None:
        channels = {"value": values}
    if not channels:
        raise ValueError("no values: give values (one channel) or channels={name: values}")
    if not hasattr(channels, "items"):
        raise ValueError(f"channels must be a dict of name to values, not {type(channels).__name__}")
    if isinstance(names, str) and len(sequences) == 1:
        names = [names]
    if names is not None:
        names = list(names)
        if len(names) != len(sequences) or not all(isinstance(name, str) for name in names):
            raise ValueError(f"names must be {len(sequences)} str, one per sequence, got {names!r}")

    columns = {}
    for name, data in channels.items():
        if not isinstance(name, str):
            raise ValueError(f"channel names must be str, got {name!r}")
        columns[name] = _channel_rows(name, data, sequences)
    document = []
    for i, sequence in enumerate(sequences):
        entry = {} if names is None else {"name": names[i]}
        entry["tokens"] = sequence.tokens
        entry["channels"] = {name: rows[i] for name, rows in columns.items()}
        document.append(entry)
    return {"sequences": document}


# [SECTION] JSON and JSONL

def _json_number(value):
    """A value as the loader reads it: a number, or null / "NaN" / "Infinity" / "-Infinity" for no value."""
    if value is None or math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _json_sequence(sequence):
    """One sequence as one line of compact UTF-8 JSON."""
    channels = {name: [_json_number(value) for value in row] for name, row in sequence["channels"].items()}
    return json.dumps(dict(sequence, channels=channels), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def write_json(path, document):
    """``{"sequences": [...]}``, one sequence per line."""
    lines = [_json_sequence(sequence) for sequence in document["sequences"]]
    with open(path, "w", encoding="utf-8") as file:
        file.write('{"sequences": [\n' + ",\n".join(lines) + "\n]}\n")


def write_jsonl(path, document):
    """One sequence object per line."""
    with open(path, "w", encoding="utf-8") as file:
        file.writelines(_json_sequence(sequence) + "\n" for sequence in document["sequences"])


# [SECTION] .npz, as np.savez writes it (an uncompressed zip of .npy arrays), without NumPy

def _npy(descr, shape, data):
    """A .npy file (format 1.0): magic, header dict padded to a multiple of 64 bytes, the data."""
    header = repr({"descr": descr, "fortran_order": False, "shape": tuple(shape)}).encode("latin-1")
    padding = -(10 + len(header) + 1) % 64
    header += b" " * padding + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + data


def _npy_text(texts, shape):
    """Strings as a NumPy unicode array (<U, UTF-32 code units padded with NULs to the longest)."""
    for text in texts:
        if text.endswith("\0"):
            raise ValueError(f"{text!r} ends in a NUL character, which .npz cannot keep (NumPy strips "
                             "trailing NULs); save as .json or .jsonl")
    width = max([len(text) for text in texts] + [1])  # <U0 is not a dtype
    data = b"".join(text.encode("utf-32-le").ljust(4 * width, b"\0") for text in texts)
    return _npy(f"<U{width}", shape, data)


def _npy_float32(values, shape):
    """Numbers (None for no value) as a little-endian float32 array; array('f') rounds doubles to
    nearest, overflowing to +-Inf, as the loader's narrowing does."""
    floats = array("f", (math.nan if value is None else value for value in values))
    if sys.byteorder == "big":
        floats.byteswap()
    return _npy("<f4", shape, floats.tobytes())


def write_npz(path, document):
    """tokens [S, T] (sequences padded with "" to the longest, T tokens), mask [S, T] (1 for a
    token, 0 for padding), values [S, T, C] float32 with channel_names [C], and names [S] when
    given: the arrays README.md lists, which np.load reads too."""
    sequences = document["sequences"]
    length = max(len(sequence["tokens"]) for sequence in sequences)
    channel_names = list(sequences[0]["channels"])
    tokens, mask, values = [], bytearray(), []
    for sequence in sequences:
        padding = length - len(sequence["tokens"])
        tokens += sequence["tokens"] + [""] * padding
        mask += b"\1" * len(sequence["tokens"]) + b"\0" * padding
        rows = [sequence["channels"][name] + [None] * padding for name in channel_names]
        values += [value for position in zip(*rows) for value in position]  # [T, C], C varying fastest
    arrays = {
        "tokens": _npy_text(tokens, (len(sequences), length)),
        "mask": _npy("|u1", (len(sequences), length), bytes(mask)),
        "values": _npy_float32(values, (len(sequences), length, len(channel_names))),
        "channel_names": _npy_text(channel_names, (len(channel_names),)),
    }
    if "name" in sequences[0]:
        arrays["names"] = _npy_text([sequence["name"] for sequence in sequences], (len(sequences),))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in arrays.items():
            archive.writestr(name + ".npy", data)


WRITERS = {".json": write_json, ".jsonl": write_jsonl, ".npz": write_npz}


def writer_for(path):
    """The writer of the format path's extension names; ValueError for any other extension."""
    extension = Path(path).suffix.lower()
    if extension not in WRITERS:
        named = f"extension {extension!r}" if extension else "no extension"
        raise ValueError(f"{path}: {named}; save writes {', '.join(WRITERS)}")
    return WRITERS[extension]
