#!/usr/bin/python3
"""A feature index through the command line and the viewer, checked against what
tests/data/make_feature_index.py computed with NumPy: `render INDEX --feature F --layout` draws the
feature's contexts stacked, every box with its `seq` and exactly the index's value, the peak token of
each context framed in the PNG; a feature that is not there is a usage error; the viewer opens the
browser on the feature --feature names (--print-state).

Usage: check_feature_index.py TOKENHEAT FIXTURE_DIR WORK_DIR"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

binary, fixtures, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
index = os.path.join(fixtures, "index.npz")
expected = json.load(open(os.path.join(fixtures, "expected.json"), encoding="utf-8"))
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def run(*args, env=None):
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env)


# [SECTION] render: values and frames
for row, wanted in ((1, "golden"), (2, "12")):
    feature = expected["features"][row]
    png, layout = os.path.join(work, f"feature{row}.png"), os.path.join(work, f"feature{row}.json")
    result = run("render", index, "--feature", wanted, "-o", png, "--layout", layout)
    check(result.returncode == 0 and "stacked" in result.stdout, f"render --feature {wanted}: {result}")
    if result.returncode != 0:
        continue
    boxes = json.load(open(layout, encoding="utf-8"))["tokens"]
    contexts = feature["contexts"]
    seen = set()
    for box in boxes:
        context = contexts[box["seq"]]
        want = context["bits"][box["index"]]
        got = None if box["value"] is None else int(np.array([box["value"]], np.float32).view(np.uint32)[0])
        nan = (want & 0x7F800000) == 0x7F800000 and want & 0x7FFFFF
        check((got is None) if nan else got == want, f"feature {wanted}: seq {box['seq']} token {box['index']}: {got} != {want}")
        check(box["text"] == context["tokens"][box["index"]], f"feature {wanted}: text {box['text']!r}")
        seen.add((box["seq"], box["index"]))
    check(len(seen) == sum(len(c["tokens"]) for c in contexts), f"feature {wanted}: {len(seen)} boxes drawn")
    # The peak's box is framed in its text colour (2 px): its top row differs from the fill just
    # inside it, while every other box's top row is its fill.
    image = np.asarray(Image.open(png).convert("L"), dtype=np.int32)

    def framed(box):
        x, y, w = box["x"], box["y"], box["w"]
        return abs(int(image[y, x + w // 2]) - int(image[y + 3, x + w // 2])) > 60

    for s, context in enumerate(contexts):
        # Special tokens have a dotted outline of their own, tokens without a value are hatched.
        plain = (b for b in boxes if b["seq"] == s and b["value"] is not None and b["text"] != "<|endoftext|>")
        for box in plain:
            check(framed(box) == (box["index"] == context["peak"]),
                  f"feature {wanted}, context {s}, token {box['index']}: framed {framed(box)}, peak {context['peak']}")

result = run("render", index, "--feature", "99", "-o", os.path.join(work, "none.png"))
check(result.returncode == 2 and "--feature 99: no feature of that number or label among the index's 3 features" in result.stderr,
      f"--feature 99: {result}")

# [SECTION] The viewer: the browser on the feature asked for
env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"))
command = [binary, index, "--feature", "cats", "--frames", "3", "--print-state", "--reset-settings"]
if not os.environ.get("DISPLAY"):
    command = [shutil.which("xvfb-run"), "-a", "-s", "-screen 0 1440x900x24"] + command
result = subprocess.run(command, capture_output=True, text=True, env=env)
state = json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else {}
check(state.get("values") == "feature 12: cats" and state.get("stacked") is True and state.get("norm") == "min-max" and
      state.get("high") == expected["features"][2]["max"], f"viewer --feature cats: {result.stdout[-400:]} {result.stderr}")

for failure in failures:
    print("FAIL:", failure)
print("feature index:", "ok" if not failures else f"{len(failures)} failures")
sys.exit(1 if failures else 0)
