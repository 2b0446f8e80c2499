#!/usr/bin/python3
"""An empty picture is never presented as data. `render` of a sequence without tokens, or of a
channel (or the attention or feature drawn instead) without a finite value, warns naming file, sequence and channel, writes nothing and exits
3, unless --allow-empty (then it draws, warns all the same and exits 0); another channel of the
same file renders quietly; `info` and `info --json` say which parts are empty and exit 0; and the
viewer puts a banner over such a heatmap (found in a screenshot by its fill colour), also when a
--script step picks the empty channel.

    check_empty_data.py cli TOKENHEAT WORKDIR
    check_empty_data.py window TOKENHEAT WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_viewer import check, png_pixels, viewer  # noqa: E402

EMPTY_PICTURE = 3  # kExitEmptyPicture, src/app/commands.hpp
BANNER_FILL = (255, 243, 205)  # kEmptyBannerFill, src/ui/panels.hpp
SIDEBAR = 320  # the sidebar's width at 16 px panel text (panels.cpp): the heatmap lies right of it


def write_json(path, document):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out)
    return path


def two_channels(workdir):
    """Sequence 0: "act" has values, "dead" none; sequence 1: neither has a value."""
    return write_json(os.path.join(workdir, "two_channels.json"), {"sequences": [
        {"name": "first", "tokens": ["a", " b", " c"], "channels": {"act": [1, 2, 3], "dead": [None, "NaN", None]}},
        {"name": "second", "tokens": ["d", " e"], "channels": {"act": [None, None], "dead": ["Infinity", None]}}]})


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)


def check_whole_lines(result):
    """Every stderr line is one message."""
    for line in result.stderr.splitlines():
        check(line.startswith("tokenheat: "), "stray stderr line %r" % line)


def is_png(path):
    with open(path, "rb") as png:
        return png.read(8) == b"\x89PNG\r\n\x1a\n"


def check_render(binary, workdir):
    document = two_channels(workdir)
    dead = 'two_channels.json: sequence 0 "first": channel "dead" has no finite value (its 3 values are all NaN or Inf)'

    # Another channel of the same file is a picture with values: no warning.
    result = run(binary, "render", document, "-o", os.path.join(workdir, "act.png"))
    check(result.returncode == 0 and "warning" not in result.stderr, "render act: %r" % (result,))

    output = os.path.join(workdir, "dead.png")
    result = run(binary, "render", document, "--channel", "dead", "-o", output)
    check(result.returncode == EMPTY_PICTURE, "render dead: exit %d, %r" % (result.returncode, result.stderr))
    check(dead in result.stderr, "render dead names file, sequence and channel: %r" % result.stderr)
    check(re.search(r"tokenheat: error: .*dead\.png not written: no value to show .*--allow-empty", result.stderr),
          "render dead's error: %r" % result.stderr)
    check(not os.path.exists(output), "an empty picture was written")
    check_whole_lines(result)

    result = run(binary, "render", document, "--channel", "dead", "--allow-empty", "-o", output)
    check(result.returncode == 0, "--allow-empty: exit %d, %r" % (result.returncode, result.stderr))
    check(dead in result.stderr and "error" not in result.stderr, "--allow-empty still warns: %r" % result.stderr)
    check(is_png(output), "--allow-empty wrote no PNG")
    check(result.stdout.startswith("wrote "), "--allow-empty: %r" % result.stdout)

    # Every format, and the sequence that has no value in any channel.
    result = run(binary, "render", document, "--seq", "1", "-o", os.path.join(workdir, "second.svg"))
    check(result.returncode == EMPTY_PICTURE and 'sequence 1 "second": channel "act"' in result.stderr,
          "render --seq 1: %r" % (result,))

    # --all-sequences writes the sequences with values and says which it did not write.
    out_dir = os.path.join(workdir, "all")
    result = run(binary, "render", document, "--all-sequences", "--out-dir", out_dir)
    check(result.returncode == EMPTY_PICTURE, "--all-sequences: exit %d" % result.returncode)
    check(sorted(os.listdir(out_dir)) == ["seq-0.png"], "--all-sequences wrote %r" % os.listdir(out_dir))
    check("1 of 2 sequences not written" in result.stderr, "--all-sequences: %r" % result.stderr)
    result = run(binary, "render", document, "--all-sequences", "--out-dir", out_dir, "--allow-empty")
    check(result.returncode == 0 and sorted(os.listdir(out_dir)) == ["seq-0.png", "seq-1.png"],
          "--all-sequences --allow-empty: %r" % (result,))

    # Stacked, one empty block among others is enough.
    result = run(binary, "render", document, "--stacked", "-o", os.path.join(workdir, "stacked.png"))
    check(result.returncode == EMPTY_PICTURE and 'sequence 1 "second"' in result.stderr and
          'sequence 0 "first"' not in result.stderr, "render --stacked: %r" % (result,))

    # A sequence without tokens.
    blank = write_json(os.path.join(workdir, "blank.json"), {"tokens": [], "values": []})
    result = run(binary, "render", blank, "-o", os.path.join(workdir, "blank.png"))
    check(result.returncode == EMPTY_PICTURE and 'blank.json: sequence 0 "' in result.stderr and
          "has no tokens" in result.stderr, "render of no tokens: %r" % (result,))
    check_render_sources(binary, workdir)
    print("render ok")


def check_render_sources(binary, workdir):
    """Attention or a feature drawn instead of a channel: their own values decide whether the
    picture is empty, not the channels beside them."""
    import numpy as np  # Debian's python3-numpy, as the fixtures use

    # CircuitsVis attention (no channel): token 2's row has no value, token 1's has.
    row = [0.25] * 4
    pattern = write_json(os.path.join(workdir, "pattern.json"),
                         {"tokens": ["a", " b", " c", " d"], "attention": [row, row, [None] * 4, row]})
    result = run(binary, "render", pattern, "--source", "2", "-o", os.path.join(workdir, "row2.png"))
    check(result.returncode == EMPTY_PICTURE and
          'pattern.json: sequence 0 "attention": no finite value of attention L0 H0 from token 2' in result.stderr,
          "render of an attention row without value: %r" % (result,))
    check(not os.path.exists(os.path.join(workdir, "row2.png")), "an empty attention row was written")
    result = run(binary, "render", pattern, "--source", "1", "-o", os.path.join(workdir, "row1.png"))
    check(result.returncode == 0 and "warning" not in result.stderr, "render of token 1's row: %r" % (result,))

    # A channel without value beside attention with values: the attention is drawn.
    tokens = np.array(["a", " b", " c", " d"])
    patterns = np.tril(np.ones((1, 1, 4, 4), dtype=np.float32)) / np.arange(1, 5, dtype=np.float32)[:, None]
    dead_channel = os.path.join(workdir, "dead_channel.npz")
    np.savez(dead_channel, tokens=tokens, logprob=np.full(4, np.nan, dtype=np.float32), attention=patterns)
    result = run(binary, "render", dead_channel, "--source", "3", "-o", os.path.join(workdir, "beside.png"))
    check(result.returncode == 0 and "error" not in result.stderr, "attention beside a dead channel: %r" % (result,))

    # Features alone: no channel to draw until a feature is chosen.
    features = os.path.join(workdir, "features.npz")
    np.savez(features, tokens=tokens, features=np.arange(12, dtype=np.float32).reshape(4, 3))
    result = run(binary, "render", features, "-o", os.path.join(workdir, "no_feature.png"))
    check(result.returncode == EMPTY_PICTURE and 'features.npz: sequence 0 "sequence 0": has no channel' in result.stderr,
          "render of features without --feature: %r" % (result,))
    result = run(binary, "render", features, "--feature", "2", "-o", os.path.join(workdir, "feature.png"))
    check(result.returncode == 0 and "warning" not in result.stderr, "render --feature 2: %r" % (result,))


def check_info(binary, workdir):
    document = two_channels(workdir)
    result = run(binary, "info", document)
    check(result.returncode == 0, "info: exit %d" % result.returncode)
    warnings = result.stderr.splitlines()
    check(len(warnings) == 3 and all(line.startswith("tokenheat: warning: ") for line in warnings),
          "info warnings: %r" % warnings)
    check('sequence 0 "first": channel "dead"' in warnings[0] and 'sequence 1 "second": channel "act"' in warnings[1],
          "info warnings: %r" % warnings)

    result = run(binary, "info", document, "--json")
    check(result.returncode == 0 and result.stderr == "", "info --json: %r" % (result,))
    info = json.loads(result.stdout)
    check(info["empty"] == [{"channel": "dead", "sequence": 0}, {"channel": "act", "sequence": 1},
                            {"channel": "dead", "sequence": 1}], "info --json empty: %r" % info["empty"])
    blank = write_json(os.path.join(workdir, "blank.json"), {"tokens": [], "values": []})
    check(json.loads(run(binary, "info", blank, "--json").stdout)["empty"] == [{"channel": None, "sequence": 0}],
          "info --json of no tokens")
    full = json.loads(run(binary, "info", "--demo", "--json").stdout)
    check(full["empty"] == [], "the demo has empty parts: %r" % full["empty"])

    # Many empty sequences: 20 lines, then how many more.
    many = write_json(os.path.join(workdir, "many.json"), {"sequences": [
        {"name": "s%d" % i, "tokens": ["x"], "values": [None]} for i in range(50)]})
    result = run(binary, "info", many)
    warnings = result.stderr.splitlines()
    check(result.returncode == 0 and len(warnings) == 21, "info of 50 empty sequences: %d lines" % len(warnings))
    check(warnings[-1].endswith("many.json: and 30 more sequences or channels without a finite value"), warnings[-1])
    print("info ok")


def banner_box(path):
    """The bounding box of the banner's fill in a screenshot, and its pixel count (0: no banner)."""
    width, height, rows = png_pixels(path)
    at = [(x, y) for y in range(height) for x in range(width) if rows[y][x] == BANNER_FILL]
    if not at:
        return None, 0
    return (min(x for x, _ in at), min(y for _, y in at), max(x for x, _ in at), max(y for _, y in at)), len(at)


def check_window(binary, workdir):
    config = os.path.join(workdir, "config")
    document = two_channels(workdir)

    shot = os.path.join(workdir, "with_values.png")
    viewer(binary, config, document, "--reset-settings", "--frames", "3", "--screenshot", shot)
    check(banner_box(shot)[1] == 0, "a banner over a channel with values")

    shot = os.path.join(workdir, "banner.png")
    state = viewer(binary, config, document, "--channel", "dead", "--frames", "3", "--screenshot", shot)
    check(state["channel"] == "dead", "channel %r" % state["channel"])
    box, pixels = banner_box(shot)
    check(box is not None, "no banner over the empty channel")
    left, top, right, bottom = box
    # In the middle of the heatmap, right of the sidebar: wide, a few lines tall, and mostly fill
    # (the words on it take the rest).
    check(left > SIDEBAR and 200 < top < bottom < 700 and 400 <= right - left <= 660 and 50 <= bottom - top <= 200,
          "banner box %r" % (box,))
    check(pixels > 0.6 * (right - left) * (bottom - top), "banner fill %d pixels in %r" % (pixels, box))

    # A script that steps onto the empty channel plays to its end with the banner in its screenshot.
    script = os.path.join(workdir, "empty.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("open two_channels.json\nchannel dead\nscreenshot scripted.png\nchannel act\n")
    state = viewer(binary, config, "--script", script, "--frames", "2")
    check(state["channel"] == "act", "the script did not play to its end: %r" % state)
    check(banner_box(os.path.join(workdir, "scripted.png"))[1] > 0, "no banner in the script's screenshot")
    print("window ok:", box, pixels, "pixels")


def main():
    mode, binary, workdir = sys.argv[1:4]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    if mode == "cli":
        check_render(binary, workdir)
        check_info(binary, workdir)
    else:
        check_window(binary, workdir)


if __name__ == "__main__":
    main()
