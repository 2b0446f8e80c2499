#!/usr/bin/python3
"""Writes feature indexes as docs/feature-index.md lays them out (np.savez, as tokenheat.index
writes them), for the loader tests (tests/core/feature_index_test.cpp), and what each feature's
contexts must load as (expected.json), computed here by NumPy from the arrays: every context in
the order the browser shows them (top, the bands from the highest down, random; by rank), its
name, its tokens' text, the float32 bits of its values and which token is the peak.

Usage: make_feature_index.py OUT_DIR

expected.json: {"features": [{"id", "label", "max", "channel", "contexts": [{"name", "tokens",
  "bits", "peak"}]}], "errors": {FILE: message}}"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(17)

# GPT-2 style byte-level strings: "Ġ" is a space, decoded as files' tokens are.
words = "the cat sat on mat dog ran far away and then home golden gate bridge fog".split()
vocabulary = ["<|endoftext|>"] + ["\u0120" + w for w in words] + ["\u010a"]
decoded = ["<|endoftext|>"] + [" " + w for w in words] + ["\n"]
F, H, B, PER_BAND, TOP, RANDOM, CONTEXT = 3, 8, 4, 2, 2, 2, 8
W = CONTEXT + 1 + CONTEXT // 4
C = TOP + B * PER_BAND + RANDOM
feature_ids = np.array([3, 7, 12], np.int64)
labels = np.array(["", "golden gate", "cats"])
group = np.full((F, C), -1, np.int8)
rank = np.zeros((F, C), np.int32)
slots = [(0, r) for r in range(TOP)] + [(b, r) for b in range(1, B + 1) for r in range(PER_BAND)] + \
        [(B + 1, r) for r in range(RANDOM)]
order = rng.permutation(C)  # slots stored in any order: the browser sorts them
for f in range(F):
    for slot, (g, r) in zip(order, slots):
        group[f, slot], rank[f, slot] = g, r
group[2, order[-1]] = -1  # an empty slot (fewer random contexts than asked for)
tokens = rng.integers(0, len(vocabulary), (F, C, W)).astype(np.int32)
values = (rng.random((F, C, W)) * 3).astype(np.float32)
values[0, 0, 5] = np.nan
peak = np.full((F, C), CONTEXT, np.int32)
tokens[1, order[0], :3] = -1  # a window at a shard's start: three tokens before it do not exist
values[1, order[0], :3] = np.nan
peak[1, order[0]] = CONTEXT
position = rng.integers(0, 10**9, (F, C)).astype(np.int64)
shard = rng.integers(0, 2, (F, C)).astype(np.int32)
shards = np.array(["shard-a.npz", "shard-b.npz"])
mx = np.nanmax(values.reshape(F, -1), axis=1).astype(np.float32)
arrays = dict(
    format=np.array("tokenheat-feature-index-1"), vocabulary=np.array(vocabulary), feature_ids=feature_ids,
    feature_labels=labels, max=mx, density=np.array([0.01, 0.2, 0.003]), fires=np.array([10, 200, 3], np.int64),
    histogram_edges=np.stack([np.linspace(0, m, H + 1) for m in mx]).astype(np.float32),
    histogram_counts=rng.integers(0, 100, (F, H)).astype(np.int64),
    band_edges=np.stack([np.linspace(0, m, B + 1) for m in mx]).astype(np.float32),
    context_group=group, context_rank=rank, context_position=position, context_shard=shard,
    context_tokens=tokens, context_values=values, context_peak=peak, shards=shards,
    tokens_total=np.array(10**9, np.int64), settings=np.array(json.dumps({"top_k": TOP, "bands": B})))
np.savez(os.path.join(out, "index.npz"), **arrays)


def name(f, slot):
    g, r = int(group[f, slot]), int(rank[f, slot])
    edges = arrays["band_edges"][f]
    label = "top" if g == 0 else "random" if g == B + 1 else \
        f"band {g} ({float(edges[g - 1]):.3g}..{float(edges[g]):.3g})"
    return f"{label} #{r + 1} · corpus token {int(position[f, slot]):,} ({shards[shard[f, slot]]})"


def sort_key(f, slot):
    g = int(group[f, slot])
    return (0 if g == 0 else 2 * B + 2 if g == B + 1 else 2 * B - g, int(rank[f, slot]))


features = []
for f in range(F):
    contexts = []
    for slot in sorted((s for s in range(C) if group[f, s] >= 0), key=lambda s: sort_key(f, s)):
        kept = [w for w in range(W) if tokens[f, slot, w] >= 0]
        contexts.append({"name": name(f, slot), "tokens": [decoded[tokens[f, slot, w]] for w in kept],
                         "bits": [int(b) for b in values[f, slot, kept].view(np.uint32)],
                         "peak": kept.index(int(peak[f, slot]))})
    label = str(labels[f])
    features.append({"id": int(feature_ids[f]), "label": label, "max": float(mx[f]),
                     "channel": f"feature {feature_ids[f]}" + (f": {label}" if label else ""), "contexts": contexts})

# Broken indexes: each fails to load with a message naming the array.
errors = {}
broken = dict(arrays)
del broken["context_values"]
np.savez(os.path.join(out, "missing_values.npz"), **broken)
errors["missing_values.npz"] = "missing_values.npz: array 'context_values': missing: a tokenheat feature index has it"
broken = dict(arrays, context_tokens=np.where(tokens == 4, len(vocabulary) + 5, tokens).astype(np.int32))
np.savez(os.path.join(out, "id_beyond_vocabulary.npz"), **broken)
errors["id_beyond_vocabulary.npz"] = (f"id_beyond_vocabulary.npz: array 'context_tokens': id {len(vocabulary) + 5} "
                                      f"is not in the vocabulary's {len(vocabulary)} entries")
broken = dict(arrays, context_values=values[:, :, :-1])
np.savez(os.path.join(out, "short_values.npz"), **broken)
errors["short_values.npz"] = (f"short_values.npz: array 'context_values': has shape ({F}, {C}, {W - 1}), "
                              f"not ({F}, {C}, {W})")
broken = dict(arrays, context_group=np.where(group == 0, B + 5, group).astype(np.int8))
np.savez(os.path.join(out, "bad_group.npz"), **broken)
errors["bad_group.npz"] = f"bad_group.npz: array 'context_group': group {B + 5} is not -1, 0 (top), 1..{B} (bands)"

with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
    json.dump({"features": features, "errors": errors}, f, ensure_ascii=False, indent=1)
