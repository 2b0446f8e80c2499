#!/usr/bin/python3
"""The head grid in the real window, under Xvfb with real X input (XTest), on the tiny
transformer's attention (2 layers x 4 heads, causal, 49 tokens):

- opened on an attention source (--source 30 --layer 1 --head 0), the window shows the grid
  between the heatmap and the colour bar: 2 rows of 4 thumbnails, each a strip of coloured
  pixels, the masked part (the tokens after the source) hatched grey, and the head shown (L1H0)
  framed in black, no other one;
- hovering a thumbnail and then a token (their tooltips: the head's peak, the token's weight per
  layer and head) and pressing Left/Right do not crash the viewer;
- clicking another thumbnail (L0H1) shows that head: the black frame moves to it.

The screenshots stay in WORKDIR (grid.png, clicked.png).

    check_head_grid.py TOKENHEAT TINY_TRANSFORMER_DIR WORKDIR
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_viewer import check, png_pixels  # noqa: E402
from check_window_ui import Screen, X11, XTST  # noqa: E402

WIDTH, HEIGHT = 1440, 900  # the screen, which the window fills (its default size)
LAYERS, HEADS = 2, 4
WINDOW_BG = (240, 240, 240)  # ImGui's light theme, behind the grid
MIN_THUMB = 100              # pixels: a thumbnail at this window width is far wider
XK_LEFT, XK_RIGHT = 0xFF51, 0xFF53


def runs(row, left, right, length):
    """(start, end) of the runs of at least `length` pixels other than the window background."""
    found, start = [], None
    for x in range(left, right + 1):
        inside = x < right and row[x] != WINDOW_BG
        if inside and start is None:
            start = x
        elif not inside and start is not None:
            if x - start >= length:
                found.append((start, x))
            start = None
    return found


def find_grid(path):
    """The thumbnails of the screenshot as [layer][head] = (left, top, right, bottom): the rows
    below the heatmap with one long run per head, grouped into bands of consecutive rows. The
    colour bar's gradient is one run, the heatmap's tokens are short ones."""
    width, height, rows = png_pixels(path)
    sidebar = next(x for x in range(width) if rows[2][x] == (255, 255, 255))
    bands = []
    for y in range(height // 2, height):
        found = runs(rows[y], sidebar, width, MIN_THUMB)
        if len(found) != HEADS:
            continue
        if bands and bands[-1]["bottom"] == y:
            band = bands[-1]
            band["bottom"] = y + 1
            band["runs"] = [(min(a[0], b[0]), max(a[1], b[1])) for a, b in zip(band["runs"], found)]
        else:
            bands.append({"top": y, "bottom": y + 1, "runs": found})
    bands = [band for band in bands if band["bottom"] - band["top"] >= 8]  # strips, not a stray line
    check(bands, "%s: no head grid (did the viewer open on the attention source of --source, --layer, --head?)" % path)
    check(len(bands) == LAYERS, "%s: %d bands of %d thumbnails, not %d layers: %r" %
          (path, len(bands), HEADS, LAYERS, [(b["top"], b["bottom"]) for b in bands]))
    return rows, [[(left, band["top"], right, band["bottom"]) for left, right in band["runs"]] for band in bands]


def is_black(pixel):
    return max(pixel) < 60


def framed(rows, box):
    """Whether a thumbnail has the black frame of the head shown: black pixels at both of its ends
    down most of its rows (Blues' darkest blue is not black)."""
    left, top, right, bottom = box
    edged = sum(1 for y in range(top, bottom)
                if any(is_black(rows[y][x]) for x in range(left, left + 3)) and
                any(is_black(rows[y][x]) for x in range(right - 3, right)))
    return edged >= (bottom - top) * 0.6


def check_thumbnails(rows, grid):
    for layer, thumbnails in enumerate(grid):
        for head, (left, top, right, bottom) in enumerate(thumbnails):
            pixels = [rows[y][x] for y in range(top, bottom) for x in range(left, right)]
            blue = sum(1 for r, g, b in pixels if b >= r + 8 and b >= 200 or b >= r + 40)
            hatched = sum(1 for r, g, b in pixels if r == g == b and r in (204, 158))
            # From token 30 of 49, tokens 31..48 are masked: over a third of the strip is hatched.
            check(blue > (right - left) * 4, "L%dH%d: %d blue pixels" % (layer, head, blue))
            check(hatched > (right - left) * 2, "L%dH%d: %d hatched pixels" % (layer, head, hatched))


def shown_heads(rows, grid):
    return [(layer, head) for layer in range(LAYERS) for head in range(HEADS) if framed(rows, grid[layer][head])]


def click(screen, x, y):
    screen.move_pointer(x, y)
    time.sleep(0.3)
    XTST.XTestFakeButtonEvent(screen.display, 1, 1, 0)
    X11.XSync(screen.display, 0)
    time.sleep(0.1)
    XTST.XTestFakeButtonEvent(screen.display, 1, 0, 0)
    X11.XSync(screen.display, 0)
    time.sleep(0.3)


def wait_for(path, viewer, timeout=60):
    deadline = time.time() + timeout
    while not os.path.exists(path):
        check(viewer.poll() is None, "the viewer exited before writing %s" % path)
        check(time.time() < deadline, "no %s after %d s" % (path, timeout))
        time.sleep(0.1)
    time.sleep(0.5)  # written whole


def main():
    binary, data, workdir = sys.argv[1:4]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    script = os.path.join(workdir, "grid.script")
    with open(script, "w", encoding="utf-8") as out:
        # The first shot, then time to read it (a few seconds of Python) and for the pointer and the
        # keys, then the second.
        out.write("wait 1.5\nscreenshot grid.png\nwait 15\nscreenshot clicked.png\n")
    screen = Screen(WIDTH, HEIGHT)
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(workdir, "config"), DISPLAY=screen.name)
    command = [binary, os.path.join(data, "induction.npz"), "--source", "30", "--layer", "1", "--head", "0",
               "--script", script, "--frames", "3"]
    viewer = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = os.path.join(workdir, "grid.png")
        wait_for(first, viewer)
        rows, grid = find_grid(first)
        check_thumbnails(rows, grid)
        check(shown_heads(rows, grid) == [(1, 0)], "framed heads %r, not L1H0 alone" % shown_heads(rows, grid))
        print("grid ok: thumbnails", grid)

        centre = lambda box: ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)  # noqa: E731
        screen.move_pointer(*centre(grid[0][2]))  # a thumbnail's tooltip
        time.sleep(0.5)
        screen.move_pointer(grid[0][0][0] + 60, 26)  # a token's, with its weight per head
        time.sleep(0.5)
        screen.press(XK_RIGHT)
        screen.press(XK_LEFT)
        click(screen, *centre(grid[0][1]))  # shows L0H1
        screen.move_pointer(WIDTH // 2, HEIGHT // 3)
        out, err = viewer.communicate(timeout=120)
    finally:
        if viewer.poll() is None:
            viewer.kill()
        screen.close()
    check(viewer.returncode == 0, "viewer exit %d: %s" % (viewer.returncode, err))
    rows, grid = find_grid(os.path.join(workdir, "clicked.png"))
    check(shown_heads(rows, grid) == [(0, 1)], "after clicking L0H1: framed heads %r" % shown_heads(rows, grid))
    print("click ok: L0H1 shown")


if __name__ == "__main__":
    main()
