#!/usr/bin/python3
"""What `tokenheat render` and `generate` write, against hostile surroundings:

- a PNG too tall to make (a few MB of short words at --width 16384) is refused before anything
  is drawn, with a one-line error that says how to get the picture, and no file is left;
- a symlink planted at the old fixed temporary name (OUT.tmp) is never written through, the
  output gets the umask's mode, and no temporary is left after success or failure;
- `render IN.tmp -o IN` leaves its input alone;
- no output (-o, --layout, --out-dir's files) replaces a file the command reads (the input, the
  vocabulary, --palette-file, INPUT.tokens.json, tokenizer.json beside the input, the settings),
  by its name, a symlink or a hard link; nor does the viewer's --screenshot.

    check_hostile_outputs.py TOKENHEAT WORKDIR
"""
import os
import re
import shutil
import subprocess
import sys

BINARY, WORKDIR = sys.argv[1], sys.argv[2]
CONFIG = os.path.join(WORKDIR, "config")


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def tokenheat(*args, umask=0o022):
    env = dict(os.environ, XDG_CONFIG_HOME=CONFIG)
    return subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(umask))


def succeeds(*args, umask=0o022):
    result = tokenheat(*args, umask=umask)
    check(result.returncode == 0, "%s: exit %d: %s" % (args, result.returncode, result.stderr))
    return result


def fails(pattern, *args, code=2):
    """The command exits with code and one line on stderr that matches pattern."""
    result = tokenheat(*args)
    check(result.returncode == code, "%s: exit %d, expected %d: %s" % (args, result.returncode, code, result.stderr))
    check(result.stderr.count("\n") == 1 and re.search(pattern, result.stderr),
          "%s: stderr %r does not match %r" % (args, result.stderr, pattern))
    return result.stderr


def write(path, text):
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def read(path):
    with open(path, encoding="utf-8") as source:
        return source.read()


def folder(name):
    path = os.path.join(WORKDIR, name)
    os.makedirs(path)
    return path


def check_tall_png():
    """~4.6 MB of short words at the widest --width: 16384 x 70000-odd pixels, over 4 GiB of RGBA
    (stb_image_write overflowed its int sizes on it). Refused after wrapping, before drawing."""
    place = folder("tall")
    words = os.path.join(place, "words.txt")
    write(words, "ab cd ef gh " * 400_000)
    out = os.path.join(place, "tall.png")
    fails(r"tall\.png: the image would be 16384x\d{5,} pixels, more than the 268435456 a PNG may have: "
          r"draw part of the sequence \(--tokens A:B\), smaller text \(--font-size\), or an SVG", "render", words,
          "--width", "16384", "-o", out, code=1)
    check(sorted(os.listdir(place)) == ["words.txt"], "left behind: %r" % os.listdir(place))
    # What the error suggests works.
    result = succeeds("render", words, "--width", "16384", "--tokens", "0:2000", "-o", out)
    check(re.search(r"wrote .*tall\.png \(16384x\d+, 2000 tokens", result.stdout), result.stdout)
    print("tall PNG refused:", result.stdout.strip())


def check_planted_temporaries():
    """Symlinks at every output's old temporary name (OUT.tmp) point at a file that must survive."""
    place = folder("planted")
    victim = os.path.join(place, "victim")
    write(victim, "precious")
    outputs = ["out.html", "out.png", "out.svg", "boxes.json", "synthetic.npz"]
    for name in outputs:
        os.symlink(victim, os.path.join(place, name + ".tmp"))
    at = lambda name: os.path.join(place, name)
    succeeds("render", "--demo", "-o", at("out.html"), umask=0o027)
    succeeds("render", "--demo", "-o", at("out.png"), "--layout", at("boxes.json"), umask=0o027)
    succeeds("render", "--demo", "-o", at("out.svg"), umask=0o027)
    succeeds("generate", "1000", "-o", at("synthetic.npz"), umask=0o027)
    check(read(victim) == "precious", "the symlink's target was overwritten: %r" % read(victim)[:40])
    for name in outputs:
        check(os.path.islink(at(name + ".tmp")), name + ".tmp was replaced")
        check(not os.path.islink(at(name)) and os.path.getsize(at(name)) > 0, name + " is not a new file")
        check(os.stat(at(name)).st_mode & 0o777 == 0o640, "%s: mode %o under umask 027" % (name, os.stat(at(name)).st_mode))
    expected = sorted(["victim", "tokenizer.json"] + outputs + [name + ".tmp" for name in outputs])
    check(sorted(os.listdir(place)) == expected, "temporaries left: %r" % sorted(set(os.listdir(place)) - set(expected)))
    # A failed write (the output is a folder) leaves no temporary either.
    os.makedirs(at("folder.html"))
    fails(r"folder\.html: cannot write file \(Is a directory\)", "render", "--demo", "-o", at("folder.html"), code=1)
    check(sorted(os.listdir(place)) == sorted(expected + ["folder.html"]), "temporary left after a failure")
    print("planted temporaries untouched")


def check_input_named_like_a_temporary():
    """`render IN.tmp -o IN`: the old writer's temporary was the input itself."""
    place = folder("same_name")
    source = os.path.join(place, "page.html.tmp")
    write(source, "some words to draw\n")
    succeeds("render", source, "-o", os.path.join(place, "page.html"))
    check(read(source) == "some words to draw\n", "the input was overwritten or removed")
    check("some" in read(os.path.join(place, "page.html")), "no page written")
    print("render IN.tmp -o IN keeps its input")


def check_read_files_protected():
    place = folder("read")
    at = lambda name: os.path.join(place, name)
    write(at("in.txt"), "the words of the input\n")
    write(at("vocab.txt"), "a\nb\n")
    write(at("my.palette"), "#ffffff\n#ff0000\n")
    write(at("in.txt.tokens.json"), '["a"]')
    write(at("tokenizer.json"), '{"model": {"vocab": {"a": 0}}}')
    os.makedirs(os.path.join(CONFIG, "tokenheat"), exist_ok=True)
    settings = os.path.join(CONFIG, "tokenheat", "settings.json")
    write(settings, '{"palette": "viridis"}')
    os.link(at("in.txt"), at("hard.html"))
    os.symlink(at("in.txt"), at("soft.svg"))
    os.symlink(at("vocab.txt"), at("vocab.svg"))
    render = ["render", at("in.txt")]
    cases = [
        (r"the input file .*in\.txt \(.*hard\.html is the same file\)", render + ["-o", at("hard.html")]),
        (r"the input file .*in\.txt \(.*soft\.svg is the same file\)", render + ["-o", at("soft.svg")]),
        (r"the vocabulary .*vocab\.txt \(.*vocab\.svg is the same file\)",
         render + ["--vocab", at("vocab.txt"), "-o", at("vocab.svg")]),
        (r"the vocabulary .*vocab\.txt$", render + ["--vocab", at("vocab.txt"), "-o", at("x.png"), "--layout", at("vocab.txt")]),
        (r"the palette file .*my\.palette$",
         render + ["--palette-file", at("my.palette"), "-o", at("x.png"), "--layout", at("my.palette")]),
        (r"the tokens file .*in\.txt\.tokens\.json$", render + ["-o", at("x.svg"), "--layout", at("in.txt.tokens.json")]),
        (r"the vocabulary .*tokenizer\.json$", render + ["-o", at("x.svg"), "--layout", at("tokenizer.json")]),
        (r"the settings file .*settings\.json$", render + ["-o", at("x.png"), "--layout", settings]),
    ]
    before = {path: read(path) for path in (at("in.txt"), at("vocab.txt"), at("my.palette"), at("in.txt.tokens.json"),
                                            at("tokenizer.json"), settings)}
    for pattern, args in cases:
        fails("tokenheat: error: refusing to overwrite " + pattern, *args)
    # --all-sequences: the folder's seq-0.html is the input under another name.
    out_dir = folder("read_out")
    os.link(at("in.txt"), os.path.join(out_dir, "seq-0.html"))
    fails(r"refusing to overwrite the input file .*in\.txt \(.*seq-0\.html is the same file\)",
          *render, "--all-sequences", "--out-dir", out_dir, "--format", "html")
    for path, text in before.items():
        check(read(path) == text, path + " was overwritten")
    check(not os.path.exists(at("x.png")) and not os.path.exists(at("x.svg")), "an image was written before the refusal")
    print("read files protected:", len(cases) + 1, "cases")


def check_screenshot_protected():
    """The viewer's --screenshot goes through the same check, before any window opens: no display
    is needed to be refused."""
    place = folder("screenshot")
    source = os.path.join(place, "words.txt")
    write(source, "a few words\n")
    link = os.path.join(place, "shot.png")
    os.symlink(source, link)
    env = dict(os.environ, XDG_CONFIG_HOME=CONFIG)
    env.pop("DISPLAY", None)
    result = subprocess.run([BINARY, source, "--frames", "1", "--screenshot", link], env=env, capture_output=True,
                            text=True, timeout=120)
    check(result.returncode == 2 and re.search(r"refusing to overwrite the input file .*words\.txt \(.*shot\.png is",
                                               result.stderr), "screenshot: exit %d: %s" % (result.returncode, result.stderr))
    check(read(source) == "a few words\n", "the screenshot replaced the input")
    print("screenshot refused")


def main():
    shutil.rmtree(WORKDIR, ignore_errors=True)
    os.makedirs(WORKDIR)
    check_tall_png()
    check_planted_temporaries()
    check_input_named_like_a_temporary()
    check_read_files_protected()
    check_screenshot_protected()


if __name__ == "__main__":
    main()
