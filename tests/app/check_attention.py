#!/usr/bin/python3
"""Attention and features through the command line, checked against NumPy slices of the same files:
`render --layout` writes each token's value, which must be exactly attention[L, H, I, j] (--direction
from) or attention[L, H, j, I] (to), masked entries of a causal model no value, and a feature's
column of the dictionary. On the tiny transformer's real attention (tests/data/tiny_transformer) and
on a file `generate --attention` writes (float16), whose `bench` reports source_switch_ms. Bad
choices are usage errors naming the option.

Usage: check_attention.py TOKENHEAT FIXTURE_DIR WORK_DIR"""
import json
import math
import os
import subprocess
import sys

import numpy as np

binary, fixtures, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def run(*args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def layout_values(path, *options):
    """The value of every token of sequence 0 as render --layout writes it (None: no value)."""
    out = os.path.join(work, "layout.json")
    result = run("render", path, "-o", os.path.join(work, "picture.png"), "--layout", out, *options)
    if result.returncode != 0:
        failures.append(f"render {' '.join(options)}: exit {result.returncode}: {result.stderr.strip()}")
        return None
    values = {}
    for token in json.load(open(out))["tokens"]:
        values.setdefault(token["index"], token["value"])
    return [values[i] for i in range(len(values))]


def same(values, expected, what, exact=True):
    if values is None:
        return
    check(len(values) == len(expected), f"{what}: {len(values)} tokens, expected {len(expected)}")
    for j, (got, want) in enumerate(zip(values, expected)):
        if want is None or (isinstance(want, float) and math.isnan(want)):
            check(got is None, f"{what}: token {j} is {got}, expected no value (masked)")
        elif got is None:
            check(False, f"{what}: token {j} has no value, expected {want}")
        elif exact:
            check(np.float32(got) == np.float32(want), f"{what}: token {j} is {got!r}, expected {float(want)!r}")
        else:
            check(abs(got - want) <= 1e-6 * max(1.0, abs(want)), f"{what}: token {j} is {got!r}, expected {want!r}")


def masked_row(row, source, direction):
    """A causal model's row (from) or column (to) with its masked entries as None."""
    if direction == "from":
        return [float(v) if j <= source else None for j, v in enumerate(row)]
    return [float(v) if j >= source else None for j, v in enumerate(row)]


# The tiny transformer: float32 [2, 4, 49, 49], causal.
induction = os.path.join(fixtures, "tiny_transformer", "induction.npz")
data = np.load(induction)
attention = data["attention"]
layers, heads, length, _ = attention.shape
for layer, head, source in [(0, 0, 0), (1, 3, 30), (1, 1, length - 1), (0, 2, 17)]:
    same(layout_values(induction, "--source", str(source), "--layer", str(layer), "--head", str(head)),
         masked_row(attention[layer, head, source, :], source, "from"), f"L{layer} H{head} from {source}")
    same(layout_values(induction, "--source", str(source), "--layer", str(layer), "--head", str(head),
                       "--direction", "to"),
         masked_row(attention[layer, head, :, source], source, "to"), f"L{layer} H{head} to {source}")
# Reductions over heads and layers (float32 sums: a few ulps apart from NumPy's pairwise sums).
same(layout_values(induction, "--source", "40", "--layer", "1", "--head", "mean"),
     masked_row(attention[1, :, 40, :].mean(axis=0), 40, "from"), "L1 mean of heads", exact=False)
same(layout_values(induction, "--source", "40", "--layer", "max", "--head", "2"),
     masked_row(attention[:, 2, 40, :].max(axis=0), 40, "from"), "max of layers, H2")
# Default: layer 0, head 0, from the last token.
same(layout_values(induction, "--layer", "0"), masked_row(attention[0, 0, length - 1, :], length - 1, "from"),
     "default source token")

# Features: the MLP neurons as a dictionary, by name or index.
features, names = data["features"], list(data["feature_names"])
for wanted in ["L1.n5", "3", "L0.n127"]:
    column = names.index(wanted) if not wanted.isdigit() else int(wanted)
    same(layout_values(induction, "--feature", wanted), [float(v) for v in features[:, column]], f"feature {wanted}")

# A generated float16 file, read from the mapping.
generated = os.path.join(work, "generated.npz")
made = run("generate", "300", "--attention", "--layers", "2", "--heads", "3", "-o", generated)
check(made.returncode == 0, f"generate --attention: exit {made.returncode}: {made.stderr.strip()}")
if made.returncode == 0:
    patterns = np.load(generated)["attention"]
    check(patterns.dtype == np.float16 and patterns.shape == (2, 3, 300, 300), f"generated {patterns.dtype} {patterns.shape}")
    same(layout_values(generated, "--source", "150", "--layer", "1", "--head", "2"),
         masked_row(patterns[1, 2, 150, :].astype(np.float32), 150, "from"), "generated L1 H2 from 150")
    bench = run("bench", generated, "--frames", "10")
    check(bench.returncode == 0, f"bench: exit {bench.returncode}: {bench.stderr.strip()}")
    if bench.returncode == 0:
        result = json.loads(bench.stdout.strip().splitlines()[-1])
        check(result.get("source_switch_ms", -1) > 0, f"bench reports no source_switch_ms: {result}")

# Bad choices: exit 2 and one line naming the option.
for args, option in [(["--source", "49"], "--source"), (["--layer", "2"], "--layer"), (["--head", "4"], "--head"),
                     (["--feature", "no such feature"], "--feature"), (["--feature", "3", "--source", "1"], "--feature")]:
    result = run("render", induction, "-o", os.path.join(work, "bad.png"), *args)
    lines = result.stderr.strip().splitlines()
    check(result.returncode == 2 and lines and option in lines[-1],
          f"{' '.join(args)}: exit {result.returncode}, stderr {result.stderr.strip()!r}")

for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
