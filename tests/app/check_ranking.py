#!/usr/bin/python3
"""Ranked views: `--stacked --sort max` opens at the top of the ranked list (--print-state's
stacked_top_sequence), `render --stacked --layout` names each box's sequence, and the jumps by
value (--goto-top, --goto-bottom, --goto-above; the script steps top, bottom and next-above) bring
the token they name to the top of the view.

    check_ranking.py TOKENHEAT WORKDIR
"""
import itertools
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_viewer import check, viewer  # noqa: E402

TOKENS = ["word%d " % i for i in range(3000)]  # far taller than the window
# A line of the 1600-pixel window holds fewer tokens than this.
MAX_TOKENS_A_LINE = 40


def write_json(path, document):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out)
    return path


def check_on_top_line(state, token, what):
    """The token's line is the view's top line: the top token starts it."""
    top = state["top_token"]
    check(top <= token < top + MAX_TOKENS_A_LINE, "%s: top token %d, expected the line of token %d" % (what, top, token))


def check_stacked(binary, workdir, config):
    # Sequence 0 ranks last by max; each block is taller than the window.
    maxima = [1, 9, 5]
    document = write_json(os.path.join(workdir, "ranked.json"), {"sequences": [
        {"name": "max %d" % top, "tokens": TOKENS, "channels": {"a": [top * (i % 2) for i in range(3000)]}}
        for top in maxima]})
    state = viewer(binary, config, document, "--stacked", "--sort", "max", "--frames", "3")
    check(state["stacked"] and state["stacked_top_sequence"] == 1, "--sort max opens at the top: %r" % state)
    state = viewer(binary, config, document, "--stacked", "--frames", "3")
    check(state["stacked_top_sequence"] == 0, "file order opens at sequence 0: %r" % state)
    state = viewer(binary, config, document, "--frames", "3")
    check(not state["stacked"] and state["stacked_top_sequence"] is None, "running text: %r" % state)

    # Every box of the stacked PNG names its block's sequence, blocks in ranked order.
    layout = os.path.join(workdir, "stacked.json")
    subprocess.run([binary, "render", document, "--stacked", "--sort", "max", "--width", "600", "--font-size", "4",
                    "-o", os.path.join(workdir, "stacked.png"), "--layout", layout], check=True, capture_output=True)
    with open(layout, encoding="utf-8") as boxes:
        tokens = json.load(boxes)["tokens"]
    check([seq for seq, _ in itertools.groupby(box["seq"] for box in tokens)] == [1, 2, 0],
          "the boxes' sequences in order: %r" % [seq for seq, _ in itertools.groupby(box["seq"] for box in tokens)])
    for seq in range(3):
        mine = [box for box in tokens if box["seq"] == seq]
        check("".join(box["text"] for box in mine) == "".join(TOKENS), "sequence %d's boxes lack text" % seq)
        check(all(box["value"] == maxima[seq] * (box["index"] % 2) for box in mine), "sequence %d's values" % seq)
    print("stacked ok: opens at the top of the ranked list, --layout names each box's sequence")


def check_jumps(binary, workdir, config):
    values = [(i * 7919) % 3000 for i in range(3000)]  # every value once, scattered
    document = write_json(os.path.join(workdir, "scattered.json"), {"tokens": TOKENS, "values": values})
    state = viewer(binary, config, document, "--goto-top", "1", "--frames", "3")
    check_on_top_line(state, values.index(2999), "--goto-top 1")
    state = viewer(binary, config, document, "--goto-bottom", "2", "--frames", "3")
    check_on_top_line(state, values.index(1), "--goto-bottom 2")
    above = next(i for i in range(1, 3000) if values[i] > 2990)
    state = viewer(binary, config, document, "--goto-above", "2990", "--frames", "3")
    check_on_top_line(state, above, "--goto-above 2990")

    script = os.path.join(workdir, "ranks.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("top 3\nwait 0.1\nbottom 3\n")
    state = viewer(binary, config, document, "--script", script, "--frames", "2")
    check_on_top_line(state, values.index(2), "the step bottom 3")

    # Three values above 5 side by side, inside one line or across two, then one far below: each
    # next-above goes on from the token it went to, never back to one on its line.
    clustered = [0] * 3000
    for token in (1501, 1502, 1503, 2500):
        clustered[token] = 10
    document = write_json(os.path.join(workdir, "clustered.json"), {"tokens": TOKENS, "values": clustered})
    with open(script, "w", encoding="utf-8") as out:
        out.write("goto 1000\n" + "next-above 5\n" * 4)
    state = viewer(binary, config, document, "--script", script, "--frames", "2")
    check_on_top_line(state, 2500, "four next-above steps")
    print("jumps ok")


def main():
    binary, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    config = os.path.join(workdir, "config")
    check_stacked(binary, workdir, config)
    check_jumps(binary, workdir, config)


if __name__ == "__main__":
    main()
