#!/usr/bin/python3
"""The viewer's window and panels on real screens, under Xvfb with real X input (XTest):

- it opens inside the work area of a 1280x720 screen (a projector), at 1440x900 on a larger one,
  and at the size the user last gave it (an XResizeWindow while it runs), clamped to the screen;
- at Xft.dpi 192 (GLFW's content scale 2) the panels' font and widths double, not only the text;
- Ctrl+wheel and Ctrl+minus over a side panel change the heatmap's text size;
- the dark theme's histogram is not a white slab, and the gamma slider's value is written beside
  the slider, not under its grab;
- a Korean token's tooltip draws its Hangul from a fallback font, and an emoji token's its emoji
  (beyond U+FFFF): their pixels differ from the same tooltip over U+FFFD replacement characters,
  and the panel font reports the merged faces.

    check_window_ui.py TOKENHEAT WORKDIR
"""
import ctypes
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_viewer import check, png_pixels  # noqa: E402

X11 = ctypes.CDLL("libX11.so.6")
XTST = ctypes.CDLL("libXtst.so.6")
X11.XOpenDisplay.restype = ctypes.c_void_p
X11.XOpenDisplay.argtypes = [ctypes.c_char_p]
X11.XDefaultRootWindow.restype = ctypes.c_ulong
X11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
X11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                           ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                           ctypes.POINTER(ctypes.c_uint)]
X11.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
X11.XResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_uint]
X11.XKeysymToKeycode.restype = ctypes.c_ubyte
X11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
X11.XFlush.argtypes = [ctypes.c_void_p]
X11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
X11.XCloseDisplay.argtypes = [ctypes.c_void_p]
XTST.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]
XTST.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
XTST.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
XK_CONTROL_L = 0xFFE3
XK_MINUS = 0x2D
WHEEL_UP = 4


class Screen:
    """An Xvfb server of a given size and dpi (Xft.dpi set as xrdb would: GLFW reads it as the
    content scale), with a client connection for input and window look-ups."""

    def __init__(self, width, height, dpi=96):
        read, write = os.pipe()
        self.server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "%dx%dx24" % (width, height),
                                        "-dpi", str(dpi), "-nolisten", "tcp"], pass_fds=(write,),
                                       stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as numbers:
            self.name = ":" + numbers.readline().strip()
        self.display = X11.XOpenDisplay(self.name.encode())
        check(self.display, "cannot connect to Xvfb " + self.name)
        if dpi != 96:
            subprocess.run(["xprop", "-display", self.name, "-root", "-f", "RESOURCE_MANAGER", "8s", "-set",
                            "RESOURCE_MANAGER", "Xft.dpi:\t%d\n" % dpi], check=True)

    def close(self):
        X11.XCloseDisplay(self.display)
        self.server.terminate()
        self.server.wait()

    def viewer_window(self, timeout=60):
        """The viewer's top-level window, once it is mapped."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            root, parent = ctypes.c_ulong(), ctypes.c_ulong()
            children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
            X11.XQueryTree(self.display, X11.XDefaultRootWindow(self.display), ctypes.byref(root),
                           ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count))
            for i in range(count.value):
                name = ctypes.c_char_p()
                if X11.XFetchName(self.display, children[i], ctypes.byref(name)) and name.value and \
                        name.value.startswith(b"tokenheat"):
                    return children[i]
            time.sleep(0.1)
        check(False, "the viewer's window never appeared")

    def move_pointer(self, x, y):
        XTST.XTestFakeMotionEvent(self.display, 0, x, y, 0)
        X11.XSync(self.display, 0)

    def with_ctrl(self, action):
        control = X11.XKeysymToKeycode(self.display, XK_CONTROL_L)
        XTST.XTestFakeKeyEvent(self.display, control, 1, 0)
        X11.XSync(self.display, 0)
        action()
        XTST.XTestFakeKeyEvent(self.display, control, 0, 0)
        X11.XSync(self.display, 0)

    def wheel_up(self, clicks):
        for _ in range(clicks):
            XTST.XTestFakeButtonEvent(self.display, WHEEL_UP, 1, 0)
            XTST.XTestFakeButtonEvent(self.display, WHEEL_UP, 0, 0)
            X11.XSync(self.display, 0)
            time.sleep(0.1)  # one wheel event per frame, as a hand turns it

    def press(self, keysym):
        key = X11.XKeysymToKeycode(self.display, keysym)
        XTST.XTestFakeKeyEvent(self.display, key, 1, 0)
        X11.XSync(self.display, 0)
        time.sleep(0.1)
        XTST.XTestFakeKeyEvent(self.display, key, 0, 0)
        X11.XSync(self.display, 0)
        time.sleep(0.1)

    def resize(self, window, width, height):
        X11.XResizeWindow(self.display, window, width, height)
        X11.XSync(self.display, 0)


def run_viewer(binary, workdir, config, screen, args, act=None, seconds=2.0):
    """Runs the viewer on `screen` with a script that waits `seconds` and takes shot.png; `act(window)`
    runs meanwhile (X input). Returns --print-state."""
    script = os.path.join(workdir, "wait.script")
    with open(script, "w", encoding="utf-8") as out:
        out.write("wait %g\nscreenshot shot.png\n" % seconds)
    env = dict(os.environ, XDG_CONFIG_HOME=config, DISPLAY=screen.name)
    viewer = subprocess.Popen([binary, *args, "--script", script, "--frames", "3", "--print-state"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if act:
            window = screen.viewer_window()
            time.sleep(0.5)  # the first frames are drawn
            act(window)
        out, err = viewer.communicate(timeout=120)
    finally:
        if viewer.poll() is None:
            viewer.kill()
    check(viewer.returncode == 0, "viewer exit %d: %s" % (viewer.returncode, err))
    return json.loads(out.strip().splitlines()[-1])


def saved_settings(config):
    with open(os.path.join(config, "tokenheat", "settings.json"), encoding="utf-8") as settings:
        return json.load(settings)


def check_window_size(binary, workdir):
    config = os.path.join(workdir, "size-config")
    projector = Screen(1280, 720)
    try:
        state = run_viewer(binary, workdir, config, projector, ["--demo"])
        window = state["window"]
        check((window["width"], window["height"]) == (1280, 720), "on a 1280x720 screen: %r" % window)
        check("window_size" not in saved_settings(config), "a size the screen imposed was saved")
        shutil.copy(os.path.join(workdir, "shot.png"), os.path.join(workdir, "projector.png"))
    finally:
        projector.close()

    monitor = Screen(1920, 1080)
    try:
        state = run_viewer(binary, workdir, config, monitor, ["--demo"])
        check((state["window"]["width"], state["window"]["height"]) == (1440, 900), "default %r" % state["window"])
        # The user makes it smaller; the next run opens at that size.
        run_viewer(binary, workdir, config, monitor, ["--demo"], act=lambda window: monitor.resize(window, 1000, 640))
        check(saved_settings(config).get("window_size") == [1000, 640], "saved %r" % saved_settings(config))
        state = run_viewer(binary, workdir, config, monitor, ["--demo"])
        check((state["window"]["width"], state["window"]["height"]) == (1000, 640), "remembered %r" % state["window"])
        run_viewer(binary, workdir, config, monitor, ["--demo"], act=lambda window: monitor.resize(window, 1700, 1000))
    finally:
        monitor.close()

    projector = Screen(1280, 720)
    try:
        state = run_viewer(binary, workdir, config, projector, ["--demo"])
        check((state["window"]["width"], state["window"]["height"]) == (1280, 720),
              "remembered 1700x1000 on a 1280x720 screen: %r" % state["window"])
        check(saved_settings(config).get("window_size") == [1700, 1000], "the remembered size was lost")
    finally:
        projector.close()
    print("window size ok")


def sidebar_width(path):
    """Where the panels end: the first canvas-white pixel of the top row (the sidebar's title bar
    is grey, the heatmap's canvas white)."""
    width, _, rows = png_pixels(path)
    return next(x for x in range(width) if rows[2][x] == (255, 255, 255))


def check_hidpi(binary, workdir):
    widths = {}
    for dpi in (96, 192):
        config = os.path.join(workdir, "dpi-config-%d" % dpi)
        screen = Screen(1920, 1080, dpi)
        try:
            state = run_viewer(binary, workdir, config, screen, ["--demo"])
        finally:
            screen.close()
        scale = dpi / 96
        check(abs(state["window"]["text_scale"] - scale) < 0.01, "dpi %d: %r" % (dpi, state["window"]))
        check(state["window"]["panel_font_pixels"] == 16 * scale, "dpi %d: panel font %r" % (dpi, state["window"]))
        widths[dpi] = sidebar_width(os.path.join(workdir, "shot.png"))
        shutil.copy(os.path.join(workdir, "shot.png"), os.path.join(workdir, "dpi-%d.png" % dpi))
    check(abs(widths[192] - 2 * widths[96]) <= 4, "panel widths at 96 and 192 dpi: %r" % widths)
    print("hidpi ok: sidebar", widths)


def check_zoom_over_panel(binary, workdir):
    config = os.path.join(workdir, "zoom-config")
    screen = Screen(1280, 720)
    try:
        def zoom(_):
            screen.move_pointer(150, 450)  # over the side panel, not the heatmap
            time.sleep(0.2)
            screen.with_ctrl(lambda: screen.wheel_up(3))
        state = run_viewer(binary, workdir, config, screen, ["--demo", "--font-size", "16"], act=zoom)
        check(state["font_size"] == 19, "Ctrl+wheel x3 over a panel: font size %r" % state["font_size"])

        def shrink(_):
            screen.move_pointer(150, 450)
            time.sleep(0.2)
            screen.with_ctrl(lambda: screen.press(XK_MINUS))
        state = run_viewer(binary, workdir, config, screen, ["--demo", "--font-size", "16"], act=shrink)
        check(state["font_size"] == 15, "Ctrl+minus over a panel: font size %r" % state["font_size"])
    finally:
        screen.close()
    print("zoom over a panel ok")


def white_runs(rows, left, right, length):
    """The rows with a run of at least `length` pure white pixels between x = left and right."""
    found = []
    for y, row in enumerate(rows):
        run = 0
        for x in range(left, right):
            run = run + 1 if row[x] == (255, 255, 255) else 0
            if run >= length:
                found.append(y)
                break
    return found


def check_dark_histogram(binary, workdir):
    """In the dark theme no white area is left in the side panel (the histogram was one)."""
    config = os.path.join(workdir, "dark-config")
    os.makedirs(os.path.join(config, "tokenheat"))
    with open(os.path.join(config, "tokenheat", "settings.json"), "w", encoding="utf-8") as settings:
        json.dump({"dark_theme": True}, settings)
    screen = Screen(1280, 720)
    try:
        state = run_viewer(binary, workdir, config, screen, ["--demo"])
    finally:
        screen.close()
    check(state["dark_theme"], "not in the dark theme")
    shutil.copy(os.path.join(workdir, "shot.png"), os.path.join(workdir, "dark.png"))
    _, _, rows = png_pixels(os.path.join(workdir, "dark.png"))
    light_rows = white_runs(rows, 0, 320, 60)
    check(not light_rows, "white areas in the dark side panel, rows %r" % light_rows[:10])
    print("dark histogram ok")


def check_gamma_value_readable(workdir):
    """The light theme's gamma slider (the side panel's only slider in the demo's view): no text
    inside its frame, where the grab would cover it, and its value written right of it."""
    _, _, rows = png_pixels(os.path.join(workdir, "projector.png"))
    grab_blue = (108, 173, 251)  # ImGui's SliderGrab, 78% opaque over the white frame
    grab = []
    for y, row in enumerate(rows):
        blue = [(x, y) for x in range(320) if all(abs(a - b) <= 8 for a, b in zip(row[x], grab_blue))]
        if len(blue) >= 6:  # the grab's rows, not a radio button's anti-aliased rim
            grab += blue
    check(len(grab) > 50, "no slider grab found: %d pixels" % len(grab))
    left, right = min(x for x, _ in grab), max(x for x, _ in grab)
    top, bottom = min(y for _, y in grab), max(y for _, y in grab)
    middle = (top + bottom) // 2
    frame_left, frame_right = left, right
    while rows[middle][frame_left - 1] == (255, 255, 255):
        frame_left -= 1
    while rows[middle][frame_right + 1] == (255, 255, 255):
        frame_right += 1
    inside = ink(rows, (frame_left, top, frame_right + 1, bottom + 1))
    beside = ink(rows, (frame_right + 1, top, 320, bottom + 1))
    check(not inside, "text inside the gamma slider, where its grab moves: %d pixels" % len(inside))
    check(len(beside) > 40, "no value beside the gamma slider: %d pixels" % len(beside))
    print("gamma value ok: slider x %d..%d, %d ink pixels beside it" % (frame_left, frame_right, len(beside)))


def ink(rows, box):
    """The pixels in box (left, top, right, bottom) darker than mid grey: glyph strokes."""
    left, top, right, bottom = box
    return [(x, y) for y in range(top, bottom) for x in range(left, right) if sum(rows[y][x]) < 3 * 110]


def grey(p):
    return max(p) - min(p) <= 4 and 120 <= p[0] <= 200


def grey_run_rows(rows, x0, y0, length=100):
    """The rows below y0 holding `length` grey pixels in a row from about x0 on: a tooltip's top
    border and its separators (ImGui's light theme draws both grey on the near-white popup)."""
    found = []
    for y in range(y0, min(y0 + 120, len(rows))):
        run = 0
        for x in range(x0, min(x0 + 200, len(rows[y]))):
            run = run + 1 if grey(rows[y][x]) else 0
            if run >= length:
                found.append((y, x - run + 1))
                break
    return found


def tooltip_first_line(rows, pointer_x, pointer_y):
    """The box (left, top, right, bottom) of the first line of the tooltip ImGui shows below right of
    the pointer: inside its border, above its first separator."""
    lines = grey_run_rows(rows, pointer_x, pointer_y)
    check(len(lines) >= 2, "no tooltip with a separator below right of the pointer: %r" % lines)
    (top, _), (separator, separator_start) = lines[0], lines[1]
    # The left border: the first column grey from the top border down to the separator.
    left = next((x for x in range(pointer_x, pointer_x + 100) if all(grey(rows[y][x]) for y in range(top, separator))),
                None)
    check(left is not None, "no left border of the tooltip")
    right = separator_start  # the separator's end: the tooltip's inner width
    while right < len(rows[separator]) and grey(rows[separator][right]):
        right += 1
    return (left + 1, top + 1, right, separator)


def check_fallback_tooltips(binary, workdir):
    """The tooltip of a Korean token, and of a token of emoji and a mathematical letter (beyond
    U+FFFF, which ImGui 1.86's 16-bit characters cannot hold), over the heatmap: the first line is
    the token in quotes, in glyphs from fallback fonts, not the U+FFFD boxes of a token of
    replacement characters."""
    texts = {"korean": "\ud55c\uad6d\uc5b4 ", "wide": "\U0001F600\U0001F680\U0001D465 ",
             "replacement": "\ufffd\ufffd\ufffd "}
    shots, states = {}, {}
    for name, text in texts.items():
        document = os.path.join(workdir, name + ".json")
        with open(document, "w", encoding="utf-8") as out:
            json.dump({"tokens": [text] * 600, "values": [float(i % 7) for i in range(600)]}, out, ensure_ascii=False)
        config = os.path.join(workdir, name + "-config")
        screen = Screen(1280, 720)
        try:
            states[name] = run_viewer(binary, workdir, config, screen, [document],
                                      act=lambda _: screen.move_pointer(700, 300))
        finally:
            screen.close()
        shots[name] = os.path.join(workdir, name + ".png")
        shutil.copy(os.path.join(workdir, "shot.png"), shots[name])
    for name in ("korean", "wide"):
        font = states[name]["panel_font"]
        check(font["fallback_glyphs"] >= 3 and font["fallback_faces"] >= 1, "%s: no fallback face merged: %r" % (name, font))
        print("panel font for the %s token:" % name, font)
    check(states["replacement"]["panel_font"]["fallback_glyphs"] == 0, "U+FFFD needs no fallback")
    _, _, replacement = png_pixels(shots["replacement"])
    box = tooltip_first_line(replacement, 700, 300)
    print("the tooltip's first line:", box)
    replacement_ink = set(ink(replacement, box))
    rows_of = {}
    for name in ("korean", "wide"):
        _, _, shot = png_pixels(shots[name])
        check(tooltip_first_line(shot, 700, 300) == box, "%s: the tooltip is elsewhere" % name)
        shot_ink = set(ink(shot, box))
        check(len(shot_ink) > 50, "no glyph strokes in the %s tooltip: %d pixels" % (name, len(shot_ink)))
        differing = len(shot_ink ^ replacement_ink)
        check(differing > len(shot_ink) // 2,
              "the %s tooltip looks like the U+FFFD one: %d of %d ink pixels differ" % (name, differing, len(shot_ink)))
        rows_of[name] = sorted(y for _, y in shot_ink)
        print("%s tooltip ok: %d ink pixels, %d differ from U+FFFD's, rows %d..%d"
              % (name, len(shot_ink), differing, rows_of[name][0], rows_of[name][-1]))
    # The emoji, put in the atlas by hand, sit on the line as the Hangul ImGui placed itself: their
    # ink's middle row within a few pixels of the Hangul's, about as tall.
    middle = {name: (rows[0] + rows[-1]) / 2 for name, rows in rows_of.items()}
    height = {name: rows[-1] - rows[0] + 1 for name, rows in rows_of.items()}
    check(abs(middle["wide"] - middle["korean"]) <= 4, "the emoji are off the line: middle rows %r" % middle)
    check(0.6 * height["korean"] <= height["wide"] <= 1.6 * height["korean"], "the emoji's height is off: %r" % height)


def main():
    binary, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    check_window_size(binary, workdir)
    check_gamma_value_readable(workdir)
    check_dark_histogram(binary, workdir)
    check_hidpi(binary, workdir)
    check_zoom_over_panel(binary, workdir)
    check_fallback_tooltips(binary, workdir)


if __name__ == "__main__":
    main()
