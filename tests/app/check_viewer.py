#!/usr/bin/python3
"""The viewer under Xvfb: a --script plays to its end and leaves the expected view, a step that
fails stops it with its FILE:LINE and a non-zero exit, search matches are outlined in the
screenshot, a file changed on disk reloads in place, and the settings (palette, mapping with its
numbers, font size, recent files) survive a restart until --reset-settings, while options on the
command line and script steps apply to their run only.

    check_viewer.py TOKENHEAT WORKDIR
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zlib


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def in_display(config):
    """The xvfb-run command line for a viewer whose settings are in `config`. Its X authority file
    is kept there: xvfb-run's own temporary one sometimes fails to be removed after a quick exit,
    which turns the viewer's exit status into xvfb-run's 5."""
    os.makedirs(config, exist_ok=True)
    return ["xvfb-run", "-a", "-f", os.path.join(config, "Xauthority"), "-s", "-screen 0 1600x1000x24"]


def viewer(binary, config, *args):
    """Runs the viewer in a virtual display with its settings in `config`; returns --print-state."""
    env = dict(os.environ, XDG_CONFIG_HOME=config)
    command = [*in_display(config), binary, *args, "--print-state"]
    result = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=300)
    return json.loads(result.stdout.strip().splitlines()[-1])


def png_size(path):
    """A PNG's width and height, from its IHDR chunk."""
    with open(path, "rb") as png:
        header = png.read(24)
    check(header[:8] == b"\x89PNG\r\n\x1a\n", path + " is not a PNG")
    return struct.unpack(">II", header[16:24])


def png_pixels(path):
    """A PNG's (width, height, rows of (r, g, b) tuples): 8-bit RGB or RGBA, not interlaced."""
    with open(path, "rb") as png:
        data = png.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", path + " is not a PNG")
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            check(depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG format")
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def check_search(binary, workdir, config):
    """Search steps mark every match: --print-state counts them, and the screenshot shows the
    current match's outline in its colour around one token box (hollow, so the box's own colour
    stays readable), the other matches' outlines, and ticks in the overview strip."""
    script = os.path.join(workdir, "search.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("search dolor\nnext-match\nscreenshot search.png\n")
    state = viewer(binary, config, "--reset-settings", "--script", script, "--frames", "3")
    search = state["search"]
    check(search["text"] == "dolor" and search["matches"] == 12 and search["current"] == 2, "search %r" % search)
    colour = lambda text: tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))
    current, other = colour(search["current_colour"]), colour(search["other_colour"])
    width, height, rows = png_pixels(os.path.join(workdir, "search.png"))
    at = lambda wanted: [(x, y) for y in range(height) for x in range(width) if rows[y][x] == wanted]
    marked = at(current)
    check(marked, "no pixel of the current match's colour %r" % (current,))
    # The demo's second "dolor" is the token "dolore" (a box of 6 or 7 cells on one line), and the
    # overview's tick of its row lies far right of the text: leave the strip out.
    in_text = [(x, y) for x, y in marked if x < width - 40]
    left, right = min(x for x, _ in in_text), max(x for x, _ in in_text)
    top, bottom = min(y for _, y in in_text), max(y for _, y in in_text)
    check(30 <= right - left <= 120 and 16 <= bottom - top <= 30, "current outline box %r" % ((left, top, right, bottom),))
    # A frame 3 px thick all round, hollow inside.
    for x, y in ((left + 1, (top + bottom) // 2), (right - 1, (top + bottom) // 2), ((left + right) // 2, top + 1),
                 ((left + right) // 2, bottom - 1)):
        check(rows[y][x] == current, "outline broken at %r" % ((x, y),))
    inside = rows[(top + bottom) // 2][left + 5]
    check(inside not in (current, other), "the current match is filled, not outlined: %r" % (inside,))
    others = at(other)
    check(len(others) > 5 * len(in_text), "11 other matches' outlines: %d pixels" % len(others))
    check(any(x >= width - 40 for x, _ in others), "no overview tick in the other matches' colour")
    check(any(x >= width - 40 for x, _ in marked), "no overview tick of the current match")
    print("search ok:", search, "current outline", (left, top, right, bottom))


def check_script(binary, workdir, config):
    document = os.path.join(workdir, "talk.json")
    tokens = ["word%d " % i for i in range(3000)]  # far taller than the window, so goto scrolls
    with open(document, "w", encoding="utf-8") as out:
        json.dump({"sequences": [{"name": "first", "tokens": tokens, "channels": {"a": list(range(3000))}},
                                 {"name": "second", "tokens": tokens,
                                  "channels": {"a": [1] * 3000, "b": list(range(3000))}}]},
                  out)
    script = os.path.join(workdir, "talk.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("# a talk in a few views\nopen talk.json\nseq 1\nchannel b\npalette viridis\nwait 0.2\n"
                  "goto 2500\nrange 0 100\nscreenshot talk.png\nexport talk.svg\n")
    state = viewer(binary, config, "--script", script, "--frames", "3")
    check(state["source"].endswith("talk.json"), "source %r" % state["source"])
    check(state["sequence"] == 1 and state["channel"] == "b", "sequence/channel %r" % state)
    check(state["palette"] == "viridis", "palette %r" % state["palette"])
    check(state["low"] == 0 and state["high"] == 100, "range %r..%r" % (state["low"], state["high"]))
    check(2480 <= state["top_token"] <= 2500, "top token %r, expected the line of token 2500" % state["top_token"])
    check(os.path.getsize(os.path.join(workdir, "talk.png")) > 1000, "no screenshot")
    # The export step writes what the Files panel's Export writes: every token of the sequence.
    svg = ET.parse(os.path.join(workdir, "talk.svg")).getroot()
    rects = [e for e in svg.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "token"]
    check(len({r.get("data-index") for r in rects}) == 3000, "the exported SVG has %d tokens" % len(rects))

    with open(os.path.join(workdir, "bad.script"), "w", encoding="utf-8") as out:
        out.write("seq 0\njump 3\n")
    result = subprocess.run([binary, "--script", os.path.join(workdir, "bad.script")], capture_output=True, text=True)
    check(result.returncode == 2 and "bad.script:2: unknown step" in result.stderr, "bad script: %r" % result.stderr)
    print("script ok:", state)


def check_failing_steps(binary, workdir, config):
    """Every step that fails stops the script: one line on stderr naming the script's line, and a
    non-zero exit (2 for a bad line, found before the window opens; 1 for a step that fails as it
    plays)."""
    cases = [("export slide.txt", 2, "fail.script:2: export slide.txt: unknown output format"),
             ("export nowhere/slide.svg", 1, "fail.script:2: .*nowhere/slide.svg: cannot write file"),
             ("screenshot nowhere/slide.png", 1, "fail.script:2: .*nowhere/slide.png: cannot write file"),
             ("search-regex (cat", 1, r"fail.script:2: search-regex: bad expression: missing \)"),
             ("next-above 100", 1, "fail.script:2: next-above 100: no value above the threshold after token 0"),
             ("top 1000", 1, "fail.script:2: top 1000: only 243 tokens have a value")]
    script = os.path.join(workdir, "fail.script")
    env = dict(os.environ, XDG_CONFIG_HOME=config)
    for step, code, message in cases:
        with open(script, "w", encoding="utf-8") as out:
            out.write("seq 0\n%s\nwait 0.1\n" % step)
        result = subprocess.run([*in_display(config), binary, "--script", script, "--frames", "2"], env=env,
                                capture_output=True, text=True, timeout=120)
        errors = [line for line in result.stderr.splitlines() if line.startswith("tokenheat:")]
        check(result.returncode == code and len(errors) == 1 and re.search("tokenheat: error: .*" + message, errors[0]),
              "%s: exit %d, stderr %r" % (step, result.returncode, result.stderr))
    print("failing steps ok")


def check_preset_and_png_export(binary, workdir, config):
    """Ctrl+3's preset as a script step, then Export to PNG as the Files panel writes it."""
    document = os.path.join(workdir, "talk.json")  # check_script's
    script = os.path.join(workdir, "preset.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("open talk.json\nseq 1\nchannel b\npalette viridis\nrange 0 100\npreset 3\nexport figure.png\n")
    state = viewer(binary, config, "--script", script, "--frames", "3")
    # Lecture-hall text in the heatmap and in the panels.
    check(state["font_size"] == 44 and state["panel_text_size"] == 30, "preset 3: %r" % state)
    # The PNG has the legend (the Files panel's default) and is what `render --legend` writes of
    # the same view at the same width.
    figure = os.path.join(workdir, "figure.png")
    width, height = png_size(figure)
    # (--norm: render names a default mapping's reason even under a manual range; the script's did not.)
    common = [binary, "render", document, "--seq", "1", "--channel", "b", "--palette", "viridis", "--norm", "minmax",
              "--range", "0:100", "--font-size", "44", "--width", str(width)]
    subprocess.run(common + ["--legend", "-o", os.path.join(workdir, "legend.png")], check=True, capture_output=True)
    subprocess.run(common + ["-o", os.path.join(workdir, "plain.png")], check=True, capture_output=True)
    with open(figure, "rb") as exported, open(os.path.join(workdir, "legend.png"), "rb") as rendered:
        check(exported.read() == rendered.read(), "the viewer's PNG export differs from render --legend")
    check(png_size(os.path.join(workdir, "plain.png"))[1] < height, "the viewer's PNG export has no legend")
    print("preset and PNG export ok")


def check_reload(binary, workdir, config):
    """A file rewritten on disk while the viewer shows it reloads, keeping the view."""
    document = os.path.join(workdir, "live.json")

    def write(count):
        with open(document, "w", encoding="utf-8") as out:
            json.dump({"tokens": ["t%d " % i for i in range(count)], "values": list(range(count))}, out)

    write(3000)
    script = os.path.join(workdir, "live.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("goto 2000\nwait 8\n")  # room for a slow start and the reload on a loaded machine
    env = dict(os.environ, XDG_CONFIG_HOME=config)
    viewer_process = subprocess.Popen([*in_display(config), binary, document, "--script",
                                       script, "--frames", "3", "--print-state"],
                                      env=env, stdout=subprocess.PIPE, text=True)
    time.sleep(2.5)
    write(3100)  # a script that rewrites its output while it is being watched
    output, _ = viewer_process.communicate(timeout=300)
    check(viewer_process.returncode == 0, "viewer failed")
    state = json.loads(output.strip().splitlines()[-1])
    check(state["tokens"] == 3100, "not reloaded: %r tokens" % state["tokens"])
    check(1950 <= state["top_token"] <= 2000, "the view moved on reload: top token %r" % state["top_token"])
    print("reload ok")


def check_settings(binary, config):
    settings_path = os.path.join(config, "tokenheat", "settings.json")

    def saved():
        with open(settings_path, encoding="utf-8") as settings:
            return json.load(settings)

    # Options on the command line apply to their run and are not written back; neither is a
    # script's preset (check_preset_and_png_export's, above).
    state = viewer(binary, config, "--demo", "--palette", "magma", "--font-size", "28", "--norm", "symmetric:98",
                   "--frames", "2")
    check(state["palette"] == "magma" and state["font_size"] == 28, "the options' run %r" % state)
    check(state["mapping"] == {"norm": "symmetric:98", "scope": "sequence", "gamma": 1}, "mapping %r" % state["mapping"])
    check(not {"palette", "font_size", "norm", "panel_text_size"} & saved().keys(), "options written back: %r" % saved())
    check(any(path.endswith("talk.json") for path in saved()["recent_files"]), "recent files %r" % saved()["recent_files"])

    # What the window saved (KeepUserChanges) comes back with its numbers, and is kept as it was.
    chosen = {"palette": "viridis", "norm": "symmetric:98", "scope": "global", "gamma": 0.5, "font_size": 20}
    chosen_and_recent = dict(saved(), **chosen)
    with open(settings_path, "w", encoding="utf-8") as settings:
        json.dump(chosen_and_recent, settings)
    state = viewer(binary, config, "--demo", "--frames", "2")
    check(state["palette"] == "viridis" and state["font_size"] == 20 and state["panel_text_size"] == 16,
          "after a restart %r" % state)
    check(state["mapping"] == {"norm": "symmetric:98", "scope": "global", "gamma": 0.5}, "saved mapping %r" % state)
    check(all(saved()[key] == value for key, value in chosen.items()), "the saved choices changed: %r" % saved())
    state = viewer(binary, config, "--demo", "--palette", "magma", "--norm", "percentile:2:98", "--frames", "2")
    check(state["palette"] == "magma" and state["mapping"]["norm"] == "percentile:2:98" and state["font_size"] == 20,
          "options win over the saved values %r" % state)
    check(all(saved()[key] == value for key, value in chosen.items()), "options written back: %r" % saved())

    with open(settings_path, "w", encoding="utf-8") as settings:
        json.dump({"range": [2, 9]}, settings)
    state = viewer(binary, config, "--demo", "--frames", "2")
    check(state["mapping"]["scope"] == "manual" and (state["low"], state["high"]) == (2, 9), "saved range %r" % state)

    state = viewer(binary, config, "--demo", "--reset-settings", "--frames", "2")
    check(state["palette"] == "Reds" and state["font_size"] == 16 and state["panel_text_size"] == 16 and
          state["mapping"] == {"norm": "minmax", "scope": "sequence", "gamma": 1}, "after --reset-settings %r" % state)
    print("settings ok")


def main():
    binary, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    config = os.path.join(workdir, "config")
    check_search(binary, workdir, config)
    check_script(binary, workdir, config)
    check_failing_steps(binary, workdir, config)
    check_preset_and_png_export(binary, workdir, config)
    check_reload(binary, workdir, config)
    check_settings(binary, config)


if __name__ == "__main__":
    main()
