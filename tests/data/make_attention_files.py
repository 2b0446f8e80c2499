#!/usr/bin/python3
"""Writes attention patterns and feature dictionaries the ways tools save them, for the loader
tests (tests/core/attention_test.cpp), and what each must load as (expected.json), computed here
by NumPy: the float32 bits of chosen rows, columns and features, and each token's top features.

Usage: make_attention_files.py OUT_DIR

expected.json: {FILE: {"warnings": [substring...], "sequences": [{"index", "tokens",
  "attention": null | {"layers", "heads", "queries", "keys", "dtype", "causal", "head_labels",
                       "rows": [[layer, head, query, [bits]]], "columns": [[layer, head, key, [bits]]]},
  "features": null | {"count", "dense", "names", "read": [[feature, [bits]]],
                      "top": [[token, k, [[feature, bits]...]]]}}]}}
Rows and columns hold the sequence's own token count of values (the patterns may hold more: a
batch's trailing padding). Files named in "errors" fail to load with the given message."""
import json
import math
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(15)
expected = {}
errors = {}


def path(name):
    full = os.path.join(out, name)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def bits(values):
    """float32 bit patterns as unsigned ints (NaN included: the loaders keep values as they are)."""
    return [int(b) for b in np.asarray(values, dtype=np.float32).ravel().view(np.uint32)]


def softmax_patterns(shape, causal):
    """Attention [..., Q, K]: rows that sum to 1, exactly 0 above the diagonal when causal."""
    scores = rng.normal(size=shape).astype(np.float32)
    if causal:
        scores = np.where(np.tril(np.ones(shape[-2:], dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (weights / weights.sum(axis=-1, keepdims=True)).astype(np.float32)


def tokens_of(count, offset=0):
    return np.array([f"t{offset + i}" for i in range(count)])


def attention_expectation(patterns, tokens, causal, dtype="float32", head_labels=(), first=0):
    """patterns: [L, H, Q, K] as float32 (what the stored type reads as), of which the sequence's
    tokens are queries and keys [first, first + tokens); their rows and columns at a few places.
    Queries and keys count from the first."""
    layers, heads, queries, keys = patterns.shape
    places = sorted({(0, 0, 0), (layers - 1, heads - 1, tokens - 1), (layers // 2, heads // 2, tokens // 2)})
    mine = patterns[:, :, first:first + tokens, first:first + tokens]
    return {"layers": layers, "heads": heads, "queries": queries - first, "keys": keys - first, "dtype": dtype,
            "causal": causal,
            "head_labels": list(head_labels), "first": first,
            "rows": [[l, h, q, bits(mine[l, h, q])] for l, h, q in places],
            "columns": [[l, h, k, bits(mine[l, h, :, k])] for l, h, k in places]}


def top_features(row, k):
    """A token's k strongest features as FeatureDictionary::TopFeatures gives them: largest value
    first, ties by index, zeros and NaN left out."""
    active = [(float(v), f) for f, v in enumerate(row) if v != 0 and not math.isnan(v)]
    active.sort(key=lambda vf: (-vf[0], vf[1]))
    return [[f, bits([v])[0]] for v, f in active[:k]]


def features_expectation(dense, is_dense, names=()):
    """dense: [T, F] float32, the activations as read (0 where a sparse form has no entry)."""
    tokens, count = dense.shape
    chosen = sorted({0, count // 2, count - 1})
    return {"count": count, "dense": is_dense, "names": list(names),
            "read": [[f, bits(dense[:, f])] for f in chosen],
            "top": [[t, 3, top_features(dense[t], 3)] for t in range(tokens)]}


def sequence(index, tokens, attention=None, features=None):
    return {"index": index, "tokens": int(tokens), "attention": attention, "features": features}


def expect(name, sequences, warnings=()):
    expected[name] = {"sequences": sequences, "warnings": list(warnings)}


# [SECTION] Attention in one array: np.savez (stored, members unaligned) and np.savez_compressed

# [Q, K] float32, causal: one layer, one head.
qk = softmax_patterns((5, 5), causal=True)
np.savez(path("qk.npz"), tokens=tokens_of(5), values=np.arange(5, dtype=np.float32), attention=qk)
expect("qk.npz", [sequence(0, 5, attention_expectation(qk[None, None], 5, True))])

# [H, Q, K] float16, bidirectional, under the name attn.
hqk = softmax_patterns((3, 6, 6), causal=False).astype(np.float16)
np.savez(path("hqk_f16.npz"), tokens=tokens_of(6), values=np.ones(6, dtype=np.float32), attn=hqk)
expect("hqk_f16.npz", [sequence(0, 6, attention_expectation(hqk.astype(np.float32)[None], 6, False, "float16"))])

# [L, H, Q, K] float32, compressed (inflated into memory: it is small), big-endian float16 too.
lhqk = softmax_patterns((2, 3, 7, 7), causal=True)
np.savez_compressed(path("lhqk_compressed.npz"), tokens=tokens_of(7), values=np.ones(7, dtype=np.float32),
                    attention=lhqk)
expect("lhqk_compressed.npz", [sequence(0, 7, attention_expectation(lhqk, 7, True))])
big = lhqk.astype(">f2")
np.savez(path("lhqk_big_endian.npz"), tokens=tokens_of(7), values=np.ones(7, dtype=np.float32), attention=big)
expect("lhqk_big_endian.npz", [sequence(0, 7, attention_expectation(big.astype(np.float32), 7, True, "float16"))])
np.savez(path("lhqk_big_endian_f4.npz"), tokens=tokens_of(7), values=np.ones(7, dtype=np.float32),
         attention=lhqk.astype(">f4"))
expect("lhqk_big_endian_f4.npz", [sequence(0, 7, attention_expectation(lhqk, 7, True))])

# Values outside [0, 1] and NaN are kept as they are (scores, not probabilities); no causal mask.
scores = rng.normal(size=(1, 2, 4, 4)).astype(np.float32) * 3
scores[0, 1, 2, 1] = np.nan
np.savez(path("scores.npz"), tokens=tokens_of(4), values=np.ones(4, dtype=np.float32), attention=scores)
expect("scores.npz", [sequence(0, 4, attention_expectation(scores, 4, False))])

# Fortran order is refused, naming the array.
np.savez(path("fortran.npz"), tokens=tokens_of(4), values=np.ones(4, dtype=np.float32),
         attention=np.asfortranarray(softmax_patterns((2, 4, 4), causal=False)))
errors["fortran.npz"] = "fortran.npz: array 'attention': is in Fortran order"

# Shapes that fit no sequence, and a dtype attention is not read as: warnings, the rest loads.
np.savez(path("no_match.npz"), tokens=tokens_of(5), values=np.ones(5, dtype=np.float32),
         attention=softmax_patterns((2, 7, 7), causal=True))
expect("no_match.npz", [sequence(0, 5)],
       ["array 'attention' has shape (2, 7, 7), which matches no sequence of 7 tokens: not read"])
np.savez(path("float64.npz"), tokens=tokens_of(3), values=np.ones(3, dtype=np.float32),
         attention=softmax_patterns((3, 3), causal=True).astype(np.float64))
expect("float64.npz", [sequence(0, 3)], ["array 'attention' is float64, and attention is read in place as float32"])
# The tokens and the attention, no values: a document all the same.
only = softmax_patterns((1, 2, 4, 4), causal=True)
np.savez(path("no_values.npz"), tokens=tokens_of(4), attention=only)
expect("no_values.npz", [sequence(0, 4, attention_expectation(only, 4, True))])

# [SECTION] safetensors with BF16, written by hand as safetensors' serialize does: an 8-byte
# little-endian header length, the JSON header (padded with spaces to 8 bytes), then the data.


def bfloat16(array):
    """Rounds float32 to bfloat16 (nearest, ties to even, as torch's .to(torch.bfloat16)): the bits."""
    b = np.asarray(array, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype("<u2")


def safetensors_file(name, tensors, metadata):
    header, data = {"__metadata__": metadata}, b""
    for key, (dtype, shape, raw) in tensors.items():
        header[key] = {"dtype": dtype, "shape": list(shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path(name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


bf_source = softmax_patterns((2, 2, 6, 6), causal=True)
bf = bfloat16(bf_source)
bf_read = (bf.astype(np.uint32) << 16).view(np.float32)
safetensors_file("bf16.safetensors", {
    "values": ("F32", (6,), np.arange(6, dtype="<f4").tobytes()),
    "attention": ("BF16", bf.shape, bf.tobytes())}, {"tokens": json.dumps([f"t{i}" for i in range(6)])})
expect("bf16.safetensors", [sequence(0, 6, attention_expectation(bf_read, 6, True, "bfloat16"))])

# [SECTION] One file a layer beside the input: NAME.0.npy, NAME.1.npy... ([H, Q, K] each)

layers = softmax_patterns((3, 2, 5, 5), causal=True).astype(np.float16)
np.savez(path("layers/run.npz"), tokens=tokens_of(5), values=np.ones(5, dtype=np.float32))
for layer in range(3):
    np.save(path(f"layers/attention.{layer}.npy"), layers[layer])
expect("layers/run.npz", [sequence(0, 5, attention_expectation(layers.astype(np.float32), 5, True, "float16"))])
# Under another name (LoadOptions::attention_array "pattern"; the test passes it).
np.savez(path("named_layers/run.npz"), tokens=tokens_of(5), values=np.ones(5, dtype=np.float32))
for layer in range(2):
    np.save(path(f"named_layers/pattern.{layer}.npy"), layers[layer].astype(np.float32))
expect("named_layers/run.npz", [sequence(0, 5, attention_expectation(layers[:2].astype(np.float32), 5, True))])
# Files of two shapes: the first that differs is named.
np.savez(path("mismatched_layers/run.npz"), tokens=tokens_of(4), values=np.ones(4, dtype=np.float32))
np.save(path("mismatched_layers/attention.0.npy"), softmax_patterns((2, 4, 4), causal=True))
np.save(path("mismatched_layers/attention.1.npy"), softmax_patterns((2, 5, 5), causal=True))
errors["mismatched_layers/run.npz"] = ("attention.1.npy: header: has shape (2, 5, 5) and dtype float32 but "
                                       "attention.0.npy has (2, 4, 4) and float32")

# [SECTION] Batches: padding, and which sequence an attention belongs to

# Sequence 0 has 6 tokens, sequence 1 four and two of trailing padding (mask).
mask = np.array([[1] * 6, [1] * 4 + [0] * 2])
batch_tokens = np.array([tokens_of(6), tokens_of(6, 10)])
batch_values = np.ones((2, 6), dtype=np.float32)
first = softmax_patterns((1, 2, 6, 6), causal=True)
np.savez(path("batch_first.npz"), tokens=batch_tokens, mask=mask, values=batch_values, attention=first)
expect("batch_first.npz", [sequence(0, 6, attention_expectation(first, 6, True)), sequence(1, 4)])
second = softmax_patterns((2, 1, 4, 4), causal=True)
np.savez(path("batch_second.npz"), tokens=batch_tokens, mask=mask, values=batch_values, attention=second)
expect("batch_second.npz", [sequence(0, 6), sequence(1, 4, attention_expectation(second, 4, True))])
# [S, L, H, T, T]: each sequence its own; the padded one's patterns keep their 6 rows.
each = softmax_patterns((2, 2, 2, 6, 6), causal=True)
np.savez(path("batch_each.npz"), tokens=batch_tokens, mask=mask, values=batch_values, attention=each)
expect("batch_each.npz", [sequence(0, 6, attention_expectation(each[0], 6, True)),
                          sequence(1, 4, attention_expectation(each[1], 4, True))])
# Left padding: the sequence's tokens are the patterns' from query and key 2 on.
left = softmax_patterns((1, 2, 6, 6), causal=True)
np.savez(path("left_padded.npz"), tokens=tokens_of(6), mask=np.array([0, 0, 1, 1, 1, 1]),
         values=np.ones(6, dtype=np.float32), attention=left)
expect("left_padded.npz", [sequence(0, 4, attention_expectation(left, 4, True, first=2))])
# As Hugging Face leaves left padding's rows (every key masked): spread over all keys, the upper
# triangle included. The sequence's own rows are causal all the same.
left_uniform = left.copy()
left_uniform[:, :, :2, :] = 1 / 6
np.savez(path("left_padded_uniform.npz"), tokens=tokens_of(6), mask=np.array([0, 0, 1, 1, 1, 1]),
         values=np.ones(6, dtype=np.float32), attention=left_uniform)
expect("left_padded_uniform.npz", [sequence(0, 4, attention_expectation(left_uniform, 4, True, first=2))])
# Padding removed from inside the tokens: the rows no longer line up, said and not read.
np.savez(path("holes.npz"), tokens=tokens_of(6), mask=np.array([1, 0, 1, 1, 1, 1]),
         values=np.ones(6, dtype=np.float32), attention=left, features=np.ones((6, 3), dtype=np.float32))
expect("holes.npz", [sequence(0, 5)], ["array 'attention': sequence 0 lost padding from inside its tokens",
                                       "array 'features': sequence 0 lost padding from inside its tokens"])

# [SECTION] Features: dense (read in place), top-k and COO (sparse), with names

dense = np.maximum(rng.normal(size=(6, 10)), 0).astype(np.float32)
names = np.array([f"feature {f}" for f in range(10)])
np.savez(path("dense.npz"), tokens=tokens_of(6), values=np.ones(6, dtype=np.float32), features=dense,
         feature_names=names)
expect("dense.npz", [sequence(0, 6, features=features_expectation(dense, True, names))])

# [S, T, F] float16 under feature_activations, a batch with trailing padding: the kept rows.
dense_batch = np.maximum(rng.normal(size=(2, 5, 8)), 0).astype(np.float16)
np.savez(path("dense_batch.npz"), tokens=np.array([tokens_of(5), tokens_of(5, 10)]),
         mask=np.array([[1] * 5, [1, 1, 1, 0, 0]]), values=np.ones((2, 5), dtype=np.float32),
         feature_activations=dense_batch)
expect("dense_batch.npz", [sequence(0, 5, features=features_expectation(dense_batch[0].astype(np.float32), True)),
                           sequence(1, 3, features=features_expectation(dense_batch[1, :3].astype(np.float32), True))])


def from_top_k(indices, values, count):
    """The dense activations that top-k entries stand for (negative index: no entry)."""
    tokens, k = indices.shape
    dense = np.zeros((tokens, count), dtype=np.float32)
    for t in range(tokens):
        for j in range(k):
            if indices[t, j] >= 0:
                dense[t, indices[t, j]] += values[t, j]
    return dense


top_indices = np.array([[3, 17, -1], [0, 5, 9], [-1, -1, -1], [19, 3, 2], [4, 4, 11], [7, -1, 1]], dtype=np.int64)
top_values = rng.uniform(0.1, 2.0, size=top_indices.shape).astype(np.float32)
top_values[4, 0] = top_values[4, 1] = 0.5  # a feature listed twice: the values add up
top_names = np.array([f"n{f}" for f in range(20)])
np.savez(path("top_k.npz"), tokens=tokens_of(6), values=np.ones(6, dtype=np.float32), feature_indices=top_indices,
         feature_values=top_values, feature_names=top_names)
expect("top_k.npz", [sequence(0, 6, features=features_expectation(from_top_k(top_indices, top_values, 20), False,
                                                                  top_names))])
# [S, T, k] int32, float16 values, no names: the count is the largest index + 1.
batch_indices = rng.integers(-1, 12, size=(2, 4, 2)).astype(np.int32)
batch_indices[1, 3, 1] = 12
batch_indices[0, 1, 1] = -1  # int32: no entry, not feature 2^32 - 1
batch_feature_values = rng.uniform(0.1, 1.0, size=(2, 4, 2)).astype(np.float16)
np.savez(path("top_k_batch.npz"), tokens=np.array([tokens_of(4), tokens_of(4, 10)]),
         values=np.ones((2, 4), dtype=np.float32), feature_indices=batch_indices, feature_values=batch_feature_values)
expect("top_k_batch.npz", [sequence(s, 4, features=features_expectation(
    from_top_k(batch_indices[s], batch_feature_values[s].astype(np.float32), 13), False)) for s in range(2)])
# COO triples in any order, one (token, feature) twice.
coo_tokens = np.array([4, 0, 2, 0, 4, 1, 4])
coo_indices = np.array([6, 1, 0, 5, 2, 6, 6])
coo_values = rng.uniform(0.1, 3.0, size=7).astype(np.float32)
np.savez(path("coo.npz"), tokens=tokens_of(5), values=np.ones(5, dtype=np.float32), feature_tokens=coo_tokens,
         feature_indices=coo_indices, feature_values=coo_values)
coo_dense = np.zeros((5, 7), dtype=np.float32)
for t, f, v in zip(coo_tokens, coo_indices, coo_values):
    coo_dense[t, f] += v
expect("coo.npz", [sequence(0, 5, features=features_expectation(coo_dense, False))])
# An index beyond the names: the array and the position.
bad_indices = top_indices.copy()
bad_indices[3, 1] = 20
np.savez(path("top_k_beyond_names.npz"), tokens=tokens_of(6), values=np.ones(6, dtype=np.float32),
         feature_indices=bad_indices, feature_values=top_values, feature_names=top_names)
errors["top_k_beyond_names.npz"] = ("top_k_beyond_names.npz: array 'feature_indices'[3, 1]: feature 20 is not below "
                                    "the 20 names of 'feature_names'")
# uint64 indices from 2^63 up are beyond the count too, not "no entry" as a negative index is.
huge_indices = np.abs(top_indices).astype(np.uint64)
huge_indices[2, 0] = 2**63 + 5
np.savez(path("top_k_uint64_beyond.npz"), tokens=tokens_of(6), values=np.ones(6, dtype=np.float32),
         feature_indices=huge_indices, feature_values=top_values)
errors["top_k_uint64_beyond.npz"] = ("top_k_uint64_beyond.npz: array 'feature_indices'[2, 0]: feature "
                                     "9223372036854775813 is beyond 2^32 - 3")

# [SECTION] CircuitsVis: props JSON (json.dumps of tolist()) and a page (RenderedHTML.cdn_src)


def circuitsvis_props(**props):
    return json.dumps({k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in props.items() if v is not None})


cv_tokens = ["The", " cat", " sat", " down"]
cv_patterns = softmax_patterns((3, 4, 4), causal=True)
with open(path("circuitsvis_attention_patterns.json"), "w") as f:  # attention_patterns(tokens, attention)
    f.write(circuitsvis_props(tokens=cv_tokens, attention=cv_patterns))
expect("circuitsvis_attention_patterns.json", [sequence(0, 4, attention_expectation(cv_patterns[None], 4, True))])
cv_pattern = softmax_patterns((4, 4), causal=False)
with open(path("circuitsvis_attention_pattern.json"), "w") as f:  # attention_pattern(..., mask_upper_tri=True)
    f.write(circuitsvis_props(tokens=cv_tokens, attention=cv_pattern, maxValue=1.0, maskUpperTri=True))
expect("circuitsvis_attention_pattern.json", [sequence(0, 4, attention_expectation(cv_pattern[None, None], 4, True))])
heads = ["L0H0", "L0H1", "L0H2"]
with open(path("circuitsvis_attention_heads.html"), "w") as f:  # str(attention_heads(...))
    f.write(f"""<div id="circuits-vis-9f8e7d6c-5b4a" style="margin: 15px 0;"/>
    <script crossorigin type="module">
    import {{ render, AttentionHeads }} from "https://unpkg.com/circuitsvis@1.43.2/dist/cdn/esm.js";
    render(
      "circuits-vis-9f8e7d6c-5b4a",
      AttentionHeads,
      {circuitsvis_props(attention=cv_patterns, tokens=cv_tokens, attentionHeadNames=heads, maskUpperTri=False)}
    )
    </script>""")
expect("circuitsvis_attention_heads.html", [sequence(0, 4, attention_expectation(cv_patterns[None], 4, False,
                                                                                    head_labels=heads))])

# [SECTION] The committed tiny transformer (scripts/train_tiny_transformer.py): attention [2, 4, 49, 49],
# its MLP neurons as dense features [49, 256] with their names (the test reads it from tests/data)

with np.load(os.path.join(here, "tiny_transformer", "induction.npz")) as tiny:
    tiny_attention, tiny_features, tiny_names = tiny["attention"], tiny["features"], tiny["feature_names"]
expect("tiny_transformer/induction.npz", [sequence(0, 49, attention_expectation(tiny_attention, 49, True),
                                                   features_expectation(tiny_features, True, tiny_names))])

with open(path("expected.json"), "w") as f:
    json.dump({"files": expected, "errors": errors}, f, indent=1)
