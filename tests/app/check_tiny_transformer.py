#!/usr/bin/python3
"""The committed fixture of scripts/train_tiny_transformer.py is what it says: a transformer that
learned induction. Its attention rows are causal distributions, a layer-0 head attends to the
previous token and a layer-1 head to the token after the current word's earlier occurrence, and the
repeated words are predicted (log-probability near 0) where the others are at chance. Then
tokenheat reads it all: the log-probability channel, the attention (causal) and the MLP neurons as
named dense features, with no warning.

Usage: check_tiny_transformer.py TOKENHEAT FIXTURE_DIR"""
import json
import math
import subprocess
import sys

import numpy as np

binary, directory = sys.argv[1], sys.argv[2]
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


data = np.load(directory + "/induction.npz")
model = json.load(open(directory + "/model.json"))
tokens, logprob, attention = data["tokens"], data["logprob"], data["attention"]
half = model["half"]
length = 1 + 2 * half
check(tokens.shape == (length,) and tokens[0] == "<bos>", f"tokens {tokens.shape} {tokens[:1]}")
check(attention.shape == (model["layers"], model["heads"], length, length), f"attention shape {attention.shape}")
check(np.allclose(attention.sum(axis=-1), 1, atol=1e-4), "attention rows do not sum to 1")
check(np.all(np.triu(attention, k=1) == 0), "attention looks at later tokens")
features = model["layers"] * model["d_mlp"]
check(data["features"].shape == (length, features), f"features shape {data['features'].shape}")
check(list(data["feature_names"][:2]) == ["L0.n0", "L0.n1"], f"feature names {data['feature_names'][:2]}")


def score(layer, head, key_of_query, queries):
    return float(np.mean([attention[layer, head, q, key_of_query(q)] for q in queries]))


# Previous token: query q looks at q - 1. Induction: in the repeat, query 1 + half + i (word i
# again) looks at 2 + i, the word that followed word i's first occurrence.
previous = max(score(0, h, lambda q: q - 1, range(2, length)) for h in range(model["heads"]))
induction = max(score(1, h, lambda q: q - half + 1, range(1 + half, length - 1)) for h in range(model["heads"]))
# Uniform attention would give each of ~25 keys 0.04.
check(previous > 0.4, f"no previous-token head in layer 0 (best {previous:.2f})")
check(induction > 0.5, f"no induction head in layer 1 (best {induction:.2f})")
repeat, first = logprob[2 + half:], logprob[2:1 + half]
# Chance is log(1/63) = -4.14.
check(np.mean(repeat) > -1.5, f"the repeat is not predicted (mean log-probability {np.mean(repeat):.2f})")
check(np.mean(first) < -3.5, f"the first run is predicted better than chance ({np.mean(first):.2f})")
check(math.isnan(logprob[0]), "the first token has a log-probability")

info = subprocess.run([binary, "info", "--json", directory + "/induction.npz"], capture_output=True, text=True)
check(info.returncode == 0, f"info exit {info.returncode}: {info.stderr}")
if info.returncode == 0:
    sequence = json.loads(info.stdout)["sequences"][0]
    channels = [c["name"] for c in sequence["channels"]]
    check(channels == ["logprob"], f"channels {channels}")
    want = {"layers": model["layers"], "heads": model["heads"], "queries": length, "keys": length, "dtype": "float32",
            "causal": True}
    check(sequence.get("attention") == want, f"attention {sequence.get('attention')}")
    check(sequence.get("features") == {"count": features, "form": "dense"}, f"features {sequence.get('features')}")
    check("warning" not in info.stderr, f"warnings for arrays it reads: {info.stderr}")

print(f"previous-token head {previous:.2f}, induction head {induction:.2f}, "
      f"repeat log-probability {np.mean(repeat):.3f}, first run {np.mean(first):.3f}")
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
