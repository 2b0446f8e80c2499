"""Tokens and values as the JSON document that the tokenheat binary reads.

The binary keeps every value as a float32. Finite values are written with Python's shortest
``repr`` of the value as a double: a float32 value (from a NumPy float32 array, say) is exactly
representable as a double, so the loader parses that very double and narrows it back to the same
float32, bit for bit. Wider values are rounded to float32 once, by the loader. NaN and +-Inf,
which JSON lacks, are written as the strings "NaN", "Infinity" and "-Infinity", and None as
null: all of them mean "no value".
"""

from __future__ import annotations

import json
import math


def _plain(data):
    """A NumPy array or a torch-like tensor as (nested) Python lists; anything else unchanged.

    Tensors are recognised by ``.detach()`` so torch is never imported; they are converted to
    float32 first when they can be (``.float()``), since NumPy has no bfloat16.
    """
    if hasattr(data, "detach"):
        data = data.detach().cpu()
        if hasattr(data, "float"):
            data = data.float()
        data = data.numpy()
    if hasattr(data, "tolist"):
        return data.tolist()
    return data


def _is_sequence(data):
    return not isinstance(data, (str, bytes)) and hasattr(data, "__len__") and hasattr(data, "__iter__")


def _token_lists(tokens):
    """tokens as a list of token lists, and whether it was one sequence (a flat list of str)."""
    tokens = _plain(tokens)
    if not _is_sequence(tokens):
        raise ValueError(f"tokens must be a list of str or a list of lists of str, not {type(tokens).__name__}")
    tokens = list(tokens)
    if all(isinstance(token, str) for token in tokens):
        return [tokens], True
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
        sequences.append(sequence)
    return sequences, False


def _number(value, where):
    """A JSON-ready number: a Python float, None (no value), or the loader's string for NaN and +-Inf."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{where} is {value!r}, not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where} is {value!r}, not a number") from None
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def _channel_rows(name, data, sequences, single):
    """One channel's values as one list of numbers per sequence, with their lengths checked."""
    data = _plain(data)
    where = f"channel {name!r}"
    if not _is_sequence(data):
        raise ValueError(f"{where}: expected a list or array of numbers, got {type(data).__name__}")
    if single:
        if len(data) > 0 and _is_sequence(_plain(data[0])):
            raise ValueError(f"{where} is 2-D but tokens is one sequence (a list of str); pass a 1-D array "
                             "(for a batch of one, values[0]) or a list of token lists")
        rows = [data]
    else:
        rows = list(data)
        if len(rows) != len(sequences):
            raise ValueError(f"{where} has {len(rows)} rows but there are {len(sequences)} sequences")
    result = []
    for i, (row, tokens) in enumerate(zip(rows, sequences)):
        row = _plain(row)
        row_where = where if single else f"{where}, sequence {i}"
        if not _is_sequence(row):
            raise ValueError(f"{row_where}: expected a list of numbers, got {type(row).__name__}")
        if len(row) != len(tokens):
            raise ValueError(f"{row_where} has {len(row)} values but the sequence has {len(tokens)} tokens")
        result.append([_number(value, f"{row_where}[{j}]") for j, value in enumerate(row)])
    return result


def build_document(tokens, values=None, channels=None, names=None):
    """The ``{"sequences": [...]}`` document for save(); raises ValueError on bad input."""
    sequences, single = _token_lists(tokens)
    if values is not None and channels is not None:
        raise ValueError("give values or channels, not both")
    if values is not None:
        channels = {"value": values}
    if not channels:
        raise ValueError("no values: give values (one channel) or channels={name: values}")
    if not hasattr(channels, "items"):
        raise ValueError(f"channels must be a dict of name to values, not {type(channels).__name__}")
    if isinstance(names, str) and single:
        names = [names]
    if names is not None:
        names = list(names)
        if len(names) != len(sequences) or not all(isinstance(name, str) for name in names):
            raise ValueError(f"names must be {len(sequences)} str, one per sequence, got {names!r}")

    columns = {}
    for name, data in channels.items():
        if not isinstance(name, str):
            raise ValueError(f"channel names must be str, got {name!r}")
        columns[name] = _channel_rows(name, data, sequences, single)
    document = []
    for i, sequence_tokens in enumerate(sequences):
        sequence = {} if names is None else {"name": names[i]}
        sequence["tokens"] = sequence_tokens
        sequence["channels"] = {name: rows[i] for name, rows in columns.items()}
        document.append(sequence)
    return {"sequences": document}


def write_json(path, document):
    """Writes the document as compact UTF-8 JSON, one sequence per line."""
    lines = [json.dumps(sequence, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
             for sequence in document["sequences"]]
    with open(path, "w", encoding="utf-8") as file:
        file.write('{"sequences": [\n' + ",\n".join(lines) + "\n]}\n")
