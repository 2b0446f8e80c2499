#!/usr/bin/python3
"""Checks `tokenheat render`'s SVG and HTML exports with real parsers.

    check_export.py svg  TOKENHEAT WORKDIR   the SVG parses as XML, one rect per token, right fills
    check_export.py html TOKENHEAT WORKDIR   headless Chromium loads the page: one span per token,
                                             right tooltips and colours, no markup from token text

Both also check that the legend names the manual range it used (not the data's default), that
--shuffle writes SHUFFLED above the tokens and in the legend, that --scale scales the legend, and
that a range that clips notches the clipped tokens and counts them in the legend's clip key.

Tokens carry markup ("<script>", "&amp;", quotes) that must show as themselves. The palette
goes from blue to red in two stops over the manual range 0..1, so each expected colour is what the
CPU reference (Palette::At) computes from them: a 256-entry table of rounded linear mixes, blended
between the entries whose centres t falls between. Exit 77 means skipped (no Chromium).
"""
import html.parser
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TOKENS = ["<script>alert(1)</script>", " &amp;", ' "quoted"', " it's", " plain", " none", " <b>x</b>"]
VALUES = [0.0, 0.25, 0.5, 1.0, 0.75, None, 0.125]
SVG_NS = "{http://www.w3.org/2000/svg}"


def expected_fill(value):
    if value is None:
        return None
    mix = lambda a, b, f: [math.floor(x + (y - x) * f + 0.5) for x, y in zip(a, b)]
    entry = lambda i: mix((0, 0, 255), (255, 0, 0), i / 255)
    position = min(max(value * 256 - 0.5, 0.0), 255.0)  # entry i is exact at t = (i + 0.5) / 256
    below = min(int(position), 254)
    return "#%02x%02x%02x" % tuple(mix(entry(below), entry(below + 1), position - below))


def expected_tooltip(index, value):
    return "#%d value: %s" % (index, "no value" if value is None else ("%g" % value))


def render(binary, workdir, output, *extra, value_range="0:1"):
    source = os.path.join(workdir, "markup.json")
    with open(source, "w", encoding="utf-8") as out:
        json.dump({"tokens": TOKENS, "values": VALUES}, out)
    palette = os.path.join(workdir, "blue-red.palette")
    with open(palette, "w", encoding="utf-8") as out:
        out.write("#0000ff\n#ff0000\n")
    command = [binary, "render", source, "--palette-file", palette, "--range", value_range, "-o", output, *extra]
    subprocess.run(command, check=True)
    return source


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def check_svg(binary, workdir, first, end):
    output = os.path.join(workdir, "markup.svg")
    render(binary, workdir, output, "--legend", "--caption", "--tokens", "%d:%d" % (first, end))
    root = ET.parse(output).getroot()  # raises on anything that is not well-formed XML
    check(root.tag == SVG_NS + "svg", "root is not <svg>")
    check(not any(e.tag.endswith("script") or e.tag.endswith("b") for e in root.iter()), "token text became markup")
    rects = [e for e in root.iter(SVG_NS + "rect") if e.get("class") == "token"]
    texts = [e for e in root.iter(SVG_NS + "text") if e.get("class") == "token"]
    indices = list(range(first, min(end, len(TOKENS))))
    check([int(r.get("data-index")) for r in rects] == indices, "one rect per token: %r" % [r.get("data-index") for r in rects])
    for rect, text, index in zip(rects, texts, indices):
        fill = expected_fill(VALUES[index])
        check(rect.get("fill") == (fill or "url(#no-value)"), "token %d fill %s, expected %s" % (index, rect.get("fill"), fill))
        check(text.text == TOKENS[index], "token %d text %r" % (index, text.text))
        check(rect.find(SVG_NS + "title").text == expected_tooltip(index, VALUES[index]), "token %d title" % index)
    legends = [e for e in root.iter() if e.get("class") == "legend"]
    check(len(legends) == 1, "no legend")
    check(any(e.get("class") == "caption" for e in root.iter()), "no caption")
    # The manual range is what the legend says was used, not the data's default.
    words = [t.text for t in legends[0].iter(SVG_NS + "text")]
    check("manual range  0 .. 1" in words, "the legend does not say manual range 0..1: %r" % words)
    check(not any("default" in w for w in words), "a manual range called a default: %r" % words)
    check(not any(e.get("class") == "shuffled" for e in root.iter()), "unshuffled values marked shuffled")
    print("svg ok: %d tokens" % len(rects))


def legend_bar(root):
    legend = next(e for e in root.iter() if e.get("class") == "legend")
    return legend, next(r for r in legend.iter(SVG_NS + "rect") if r.get("fill") == "url(#palette)")


def check_svg_shuffled_and_scaled(binary, workdir):
    """--shuffle says SHUFFLED above the picture and in the legend; --scale scales the legend."""
    plain = os.path.join(workdir, "plain.svg")
    render(binary, workdir, plain, "--legend")
    output = os.path.join(workdir, "shuffled.svg")
    render(binary, workdir, output, "--legend", "--shuffle", "3", "--scale", "2")
    root, plain_root = ET.parse(output).getroot(), ET.parse(plain).getroot()
    marks = [e for e in root.iter(SVG_NS + "text") if e.get("class") == "shuffled"]
    check([m.text for m in marks] == ["SHUFFLED values (seed 3)"] * 2, "shuffled marks: %r" % [m.text for m in marks])
    legend, bar = legend_bar(root)
    check(legend in [e for e in root.iter() if marks[1] in list(e)], "the second mark is not the legend's")
    plain_legend, plain_bar = legend_bar(plain_root)
    tokens = next(e for e in root.iter(SVG_NS + "g") if e.get("class") == "tokens")
    tokens_top = float(tokens.get("transform").split()[-1].rstrip(")"))
    check(float(marks[0].get("y")) < tokens_top, "the shuffled mark is not above the tokens")
    for attribute in ("width", "height"):
        check(float(bar.get(attribute)) == 2 * float(plain_bar.get(attribute)),
              "legend bar %s %s at --scale 2, %s at 1" % (attribute, bar.get(attribute), plain_bar.get(attribute)))
    check(float(legend.get("font-size")) == 2 * float(plain_legend.get("font-size")), "legend text not scaled")
    # Everything inside the picture: the last legend line's baseline above the bottom edge.
    baselines = [float(t.get("y")) for t in legend.iter(SVG_NS + "text")]
    check(max(baselines) < float(root.get("height")), "the legend runs off the bottom")
    print("svg ok: shuffled marks and a 2x legend")


# --range 0.2:0.8 clips 0 and 0.125 below and 1 above.
CLIP_WORDS = "2 below the range, 1 above it"


def check_svg_clipped(binary, workdir):
    """Clipped tokens carry the notch, and so do the clip key's two swatches, beside the counts."""
    output = os.path.join(workdir, "clipped.svg")
    render(binary, workdir, output, "--legend", value_range="0.2:0.8")
    root = ET.parse(output).getroot()
    notches = [e for e in root.iter(SVG_NS + "polygon") if e.get("class") == "notch"]
    check(len(notches) == 3 + 2, "%d notches, expected 3 clipped tokens and 2 in the key" % len(notches))
    legend, _ = legend_bar(root)
    words = [t.text for t in legend.iter(SVG_NS + "text") if t.get("class") == "clipping"]
    check(words == [CLIP_WORDS], "the clip key says %r" % words)
    print("svg ok: clipped tokens notched and counted")


class Spans(html.parser.HTMLParser):
    """Collects the token spans of a DOM dump with their attributes and text."""

    def __init__(self):
        super().__init__()
        self.spans, self.tags, self.depth = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "span" and "token" in attributes.get("class", "").split():
            self.spans.append({"attrs": attributes, "text": ""})
            self.depth = 1
        elif self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.spans[-1]["text"] += data


def check_html_shuffled_and_scaled(binary, workdir):
    """--shuffle says SHUFFLED above the tokens and in the legend; --scale scales the legend."""
    output = os.path.join(workdir, "shuffled.html")
    render(binary, workdir, output, "--legend", "--shuffle", "3", "--scale", "2")
    with open(output, encoding="utf-8") as page:
        text = page.read()
    mark = '<p class="shuffled">SHUFFLED values (seed 3)</p>'
    check(text.count(mark) == 2, "%d shuffled marks" % text.count(mark))
    check(text.index(mark) < text.index('class="heatmap"') < text.rindex(mark), "marks not above and below the tokens")
    check(".legend .bar { width: 720px; height: 28px; }" in text, "legend bar not scaled 2x")
    check(".legend { font-size: 26px;" in text, "legend text not scaled 2x")
    legend = text[text.index('<div class="legend">'):]
    check("manual range  0 .. 1" in legend and "default" not in legend, "legend words: %r" % legend)
    print("html ok: shuffled marks and a 2x legend")


def check_html_clipped(binary, workdir):
    """Clipped tokens carry the notch's class, and the legend's clip key counts them."""
    output = os.path.join(workdir, "clipped.html")
    render(binary, workdir, output, "--legend", value_range="0.2:0.8")
    with open(output, encoding="utf-8") as page:
        text = page.read()
    check(text.count('class="token below"') == 2 and text.count('class="token above"') == 1,
          "notched tokens: %d below, %d above" % (text.count('class="token below"'), text.count('class="token above"')))
    check(CLIP_WORDS + "</p>" in text[text.index('<div class="legend">'):], "the legend does not say %r" % CLIP_WORDS)
    print("html ok: clipped tokens notched and counted")


def check_html(binary, workdir):
    check_html_shuffled_and_scaled(binary, workdir)
    check_html_clipped(binary, workdir)
    chromium = shutil.which("chromium")
    if not chromium:
        print("SKIP: no chromium (scripts/dev.sh installs it)")
        sys.exit(77)
    output = os.path.join(workdir, "markup.html")
    render(binary, workdir, output, "--legend", "--caption")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                              "--disable-component-update", "--no-first-run", "--user-data-dir=" + profile,
                              "--dump-dom", "file://" + os.path.abspath(output)],
                             check=True, capture_output=True, text=True, timeout=120).stdout
    parser = Spans()
    parser.feed(dom)
    check("script" not in parser.tags and "b" not in parser.tags, "token text became markup: %r" % parser.tags)
    check(len(parser.spans) == len(TOKENS), "%d token spans, expected %d" % (len(parser.spans), len(TOKENS)))
    for index, span in enumerate(parser.spans):
        attrs = span["attrs"]
        check(span["text"] == TOKENS[index], "token %d text %r" % (index, span["text"]))
        check(attrs.get("title") == expected_tooltip(index, VALUES[index]), "token %d title %r" % (index, attrs.get("title")))
        fill = expected_fill(VALUES[index])
        if fill:
            check(("background:" + fill) in attrs.get("style", ""), "token %d style %r" % (index, attrs.get("style")))
        else:
            check("no-value" in attrs.get("class"), "token %d is not hatched" % index)
    print("html ok: %d tokens" % len(parser.spans))


def main():
    kind, binary, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    if kind == "svg":
        check_svg(binary, workdir, 0, len(TOKENS))
        check_svg(binary, workdir, 1, 4)
        check_svg_shuffled_and_scaled(binary, workdir)
        check_svg_clipped(binary, workdir)
    else:
        check_html(binary, workdir)


if __name__ == "__main__":
    main()
