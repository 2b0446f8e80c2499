#!/usr/bin/python3
"""The viewer always starts, whatever its settings file is: a folder, a FIFO (never waited on), a
value this version refuses, broken or 60,000-deep JSON each give one warning line on stderr and
the defaults for what was refused; a huge recent_files list is cut to the few the viewer keeps,
when loading and when saving.

    check_hostile_settings.py TOKENHEAT WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

BINARY, WORKDIR = sys.argv[1], sys.argv[2]
CONFIG = os.path.join(WORKDIR, "config")
SETTINGS = os.path.join(CONFIG, "tokenheat", "settings.json")
MAX_RECENT = 10


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def viewer(name):
    """The viewer on the demo for one frame; returns (its --print-state, its warnings)."""
    env = dict(os.environ, XDG_CONFIG_HOME=CONFIG)
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", BINARY, "--frames", "1", "--print-state"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        check(False, name + ": the viewer did not start and stop within 60 s")
    check(result.returncode == 0, "%s: exit %d: %s" % (name, result.returncode, result.stderr))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("tokenheat:")]
    return json.loads(result.stdout.strip().splitlines()[-1]), warnings


def fresh(content=None):
    """A config folder whose settings file holds content (text), if given."""
    shutil.rmtree(CONFIG, ignore_errors=True)
    os.makedirs(os.path.dirname(SETTINGS))
    if content is not None:
        with open(SETTINGS, "w", encoding="utf-8") as out:
            out.write(content)


def expect_one_warning(name, pattern_words, warnings):
    check(len(warnings) == 1 and all(word in warnings[0] for word in pattern_words),
          "%s: expected one warning with %r, got %r" % (name, pattern_words, warnings))


def main():
    shutil.rmtree(WORKDIR, ignore_errors=True)
    os.makedirs(WORKDIR)
    defaults, warnings = viewer("no settings")
    check(not warnings, "warnings without settings: %r" % warnings)

    fresh()
    os.makedirs(SETTINGS)
    state, warnings = viewer("a folder")
    # Read, then saved on exit: each fails with its own line.
    check(len(warnings) == 2 and "not a regular file" in warnings[0] and "using the defaults" in warnings[0] and
          "settings not saved: %s: cannot write file (Is a directory)" % SETTINGS in warnings[1], "a folder: %r" % warnings)
    check(state["palette"] == defaults["palette"], "a folder: %r" % state)

    fresh()
    os.mkfifo(SETTINGS)
    state, warnings = viewer("a FIFO")
    expect_one_warning("a FIFO", [SETTINGS, "not a regular file"], warnings)

    fresh('{"norm": "median-polish", "palette": "viridis", "font_size": "big"}')
    state, warnings = viewer("refused values")
    check(len(warnings) == 2 and '"median-polish" is not a range mode' in warnings[0] and "font_size" in warnings[1],
          "refused values: %r" % warnings)
    check(state["palette"] == "viridis" and state["norm"] == defaults["norm"], "refused values: %r" % state)
    check(state["font_size"] == defaults["font_size"], "refused font size: %r" % state)

    fresh('{"palette": "viridis", "norm": ')
    state, warnings = viewer("broken JSON")
    expect_one_warning("broken JSON", [SETTINGS, "ignored", "using the defaults"], warnings)
    check(state["palette"] == defaults["palette"], "broken JSON: %r" % state)

    # Nesting is bounded when the file is parsed (256 levels), wherever it is: the whole file is
    # refused at the bracket that goes too deep.
    fresh("[" * 60_000 + "]" * 60_000)
    state, warnings = viewer("deep JSON")
    expect_one_warning("deep JSON", [SETTINGS + ":1:257: nested deeper than 256 levels", "using the defaults"], warnings)

    fresh('{"palette": ' + "[" * 60_000 + "]" * 60_000 + ', "dark_theme": true}')
    state, warnings = viewer("deep value")
    expect_one_warning("deep value", [SETTINGS + ":1:268: nested deeper than 256 levels"], warnings)
    check(state["dark_theme"] is False, "deep value: %r" % state)

    recent = ["/data/run-%d.json" % i for i in range(1_000_000)]
    fresh(json.dumps({"recent_files": [7, "", "x" * 5000] + recent, "palette": "magma"}))
    state, warnings = viewer("a million recent files")
    check(not warnings and state["palette"] == "magma", "a million recent files: %r %r" % (warnings, state))
    with open(SETTINGS, encoding="utf-8") as saved:
        kept = json.load(saved)["recent_files"]
    check(kept == recent[:MAX_RECENT], "saved recent_files: %d entries, first %r" % (len(kept), kept[:3]))
    print("the viewer started with every hostile settings file")


if __name__ == "__main__":
    main()
