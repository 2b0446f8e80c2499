#!/usr/bin/python3
"""Checks `tokenheat render`'s SVG and HTML exports with real parsers.

    check_export.py svg  TOKENHEAT WORKDIR   the SVG parses as XML, one rect per token, right fills
    check_export.py html TOKENHEAT WORKDIR   headless Chromium loads the page: one span per token,
                                             right tooltips and colours, no markup from token text
    check_export.py bidi TOKENHEAT WORKDIR   right-to-left, Devanagari and bidi control tokens: the
                                             PNG's --layout boxes against the HTML's spans and the
                                             SVG's rects and texts measured in headless Chromium

svg and html also check that the legend names the manual range it used (not the data's default), that
--shuffle writes SHUFFLED above the tokens and in the legend, that --scale scales the legend, and
that a range that clips notches the clipped tokens and counts them in the legend's clip key.

Tokens carry markup ("<script>", "&amp;", quotes) that must show as themselves. The palette
goes from blue to red in two stops over the manual range 0..1, so each expected colour is what the
CPU reference (Palette::At) computes from them: a 256-entry table of rounded linear mixes, blended
between the entries whose centres t falls between. Chromium is required: without it the check
fails (scripts/dev.sh installs it).
"""
import html
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


def chromium(page, *action):
    """Runs headless Chromium on a local file with one action (--dump-dom, --screenshot=...)."""
    binary = shutil.which("chromium")
    check(binary is not None, "no chromium on PATH (scripts/dev.sh installs it)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                               "--disable-component-update", "--no-first-run", "--hide-scrollbars",
                               "--user-data-dir=" + profile, *action, "file://" + os.path.abspath(page)],
                              check=True, capture_output=True, text=True, timeout=120).stdout


def check_html(binary, workdir):
    check_html_shuffled_and_scaled(binary, workdir)
    check_html_clipped(binary, workdir)
    output = os.path.join(workdir, "markup.html")
    render(binary, workdir, output, "--legend", "--caption")
    dom = chromium(output, "--dump-dom")
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


# [SECTION] Bidi: tokens stay in the PNG's order and places, whatever their text.

# "100 USD", a right-to-left override, " to alice": the PNG reads "100 USD to alice" with the
# override drawn as a marker; a page that let it act would read "ecila ot DSU 001". Then Hebrew,
# Arabic and Devanagari tokens, an isolate pair, a zero-width space, a tab, a token of spaces and a
# newline, each a marker on the grid.
OVERRIDE_LINE = ["100", " USD", "\u202e", " to", " alice"]
BIDI_TOKENS = OVERRIDE_LINE + ["\n", "שלום", " עולם", " 42", "\n", "مرحبا", " بالعالم", "\n",
                               "नमस्ते", " दुनिया", " क्षत्रिय", "\n", "\u2066", "x", "\u2069", "\u200b", "\t", "   "]
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HEBREW = range(0x0590, 0x0600)
WIDTH = "400"

# Appended to the page: every token element's box, relative to the picture's origin, and each of
# its characters' left and right edges, as JSON in <pre id="measured">.
MEASURE_HTML = """<script>
const origin = document.querySelector(".heatmap").getBoundingClientRect();
const measured = [...document.querySelectorAll(".token")].map(element => {
  const box = element.getBoundingClientRect(), chars = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getBoundingClientRect();
      chars.push([node.data[i], r.left - origin.left, r.right - origin.left]);
    }
  }
  return {index: +element.dataset.index, text: element.textContent, x: box.left - origin.left,
          y: box.top - origin.top, w: box.width, h: box.height, chars};
});
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify(measured);
document.body.append(out);
</script>"""

# The same for an SVG put inline in a page: each rect.token's box, its text's characters (in the
# SVG's own units, which are the picture's pixels), the textLength asked for and the text's own
# length without it.
MEASURE_SVG = """<script>
const svg = document.querySelector("svg"), origin = svg.getBoundingClientRect();
const texts = [...svg.querySelectorAll("text.token")];
const measured = [...svg.querySelectorAll("rect.token")].map((rect, i) => {
  const box = rect.getBoundingClientRect(), text = texts[i], chars = [];
  for (let c = 0; c < text.getNumberOfChars(); c++) {
    const extent = text.getExtentOfChar(c);
    chars.push([text.textContent[c], extent.x, extent.x + extent.width]);
  }
  const own = text.cloneNode(true);
  own.removeAttribute("textLength");
  own.removeAttribute("lengthAdjust");
  text.parentNode.append(own);
  const natural = own.getComputedTextLength();
  own.remove();
  return {index: +rect.dataset.index, text: text.textContent, x: box.left - origin.left, y: box.top - origin.top,
          w: box.width, h: box.height, text_length: +text.getAttribute("textLength"),
          length_adjust: text.getAttribute("lengthAdjust"), natural, chars};
});
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify(measured);
document.body.append(out);
</script>"""


def measure(page_path, markup):
    """The markup (a page with a measuring script) loaded in Chromium: its measurements."""
    measuring = page_path + ".measure.html"
    with open(measuring, "w", encoding="utf-8") as page:
        page.write(markup)
    dom = chromium(measuring, "--dump-dom")
    begin = dom.index('<pre id="measured">') + len('<pre id="measured">')
    return json.loads(html.unescape(dom[begin:dom.index("</pre>", begin)]))


def render_bidi(binary, workdir, extension):
    source = os.path.join(workdir, "bidi.json")
    with open(source, "w", encoding="utf-8") as out:
        json.dump({"tokens": BIDI_TOKENS, "values": [float(i % 5) for i in range(len(BIDI_TOKENS))]}, out)
    output = os.path.join(workdir, "bidi." + extension)
    extra = ["--layout", output + ".layout.json"] if extension == "png" else []
    subprocess.run([binary, "render", source, "--width", WIDTH, "--palette", "Blues", "-o", output, *extra], check=True)
    return output


def check_same_boxes(elements, boxes, what):
    """One element per PNG box, in the PNG's order, at the PNG's pixel position and size."""
    check([e["index"] for e in elements] == [b["index"] for b in boxes],
          "%s: token order %r, the PNG's %r" % (what, [e["index"] for e in elements], [b["index"] for b in boxes]))
    for element, box in zip(elements, boxes):
        for key in "xywh":
            check(abs(element[key] - box[key]) < 0.01,
                  "%s: token %d %s = %g, the PNG's %g" % (what, box["index"], key, element[key], box[key]))


def check_reading_order(elements, boxes, gap, what):
    """Each token's characters stay in its own cells, read in their own direction; the override's
    line reads as the PNG does."""
    for element, box in zip(elements, boxes):
        check(not BIDI_CONTROLS & set(element["text"]), "%s: token %d keeps a bidi control" % (what, box["index"]))
        for char, left, right in element["chars"]:
            check(box["x"] - 0.5 <= left and right <= box["x"] + box["w"] + gap + 0.5,
                  "%s: %r of token %d at %g..%g, outside its cells %d..%d"
                  % (what, char, box["index"], left, right, box["x"], box["x"] + box["w"] + gap))
        lefts = [left for char, left, _ in element["chars"] if not char.isspace()]
        if all(ord(c) in HEBREW or c.isspace() for c in element["text"]):
            check(lefts == sorted(lefts, reverse=True), "%s: Hebrew token %d not right to left" % (what, box["index"]))
        elif element["text"].isascii():
            check(lefts == sorted(lefts), "%s: token %d not left to right" % (what, box["index"]))
    override = OVERRIDE_LINE.index("\u202e")
    words = elements[:override] + elements[override + 1:len(OVERRIDE_LINE)]
    reading = "".join(c[0] for c in sorted((c for e in words for c in e["chars"]), key=lambda c: c[1]))
    check(reading == "".join(OVERRIDE_LINE).replace("\u202e", ""), "%s: the first line reads %r" % (what, reading))
    marker = elements[override]["text"]
    check(marker and not marker.isspace(), "%s: the override is drawn as %r" % (what, marker))


def check_bidi(binary, workdir):
    with open(render_bidi(binary, workdir, "png") + ".layout.json", encoding="utf-8") as layout:
        boxes = json.load(layout)["tokens"]
    gap = min(b2["x"] - b1["x"] - b1["w"] for b1, b2 in zip(boxes, boxes[1:]) if b1["y"] == b2["y"])

    page = render_bidi(binary, workdir, "html")
    with open(page, encoding="utf-8") as text:
        markup = text.read()
    spans = measure(page, markup.replace("</body>", MEASURE_HTML + "</body>"))
    check_same_boxes(spans, boxes, "html")
    check_reading_order(spans, boxes, gap, "html")
    print("html ok: %d tokens in the PNG's order and places, each read in its own direction" % len(spans))

    drawing = render_bidi(binary, workdir, "svg")
    with open(drawing, encoding="utf-8") as text:
        markup = text.read()
    inline = '<!DOCTYPE html>\n<html><body style="margin:0">' + markup[markup.index("<svg"):] + "</body></html>"
    rects = measure(drawing, inline.replace("</body>", MEASURE_SVG + "</body>"))
    check_same_boxes(rects, boxes, "svg")
    check_reading_order(rects, boxes, gap, "svg")
    for rect, box in zip(rects, boxes):
        # The text keeps its own shaped advance (nothing spread between the characters of a
        # cluster) unless it is wider than its cells, and stays in them.
        check(rect["length_adjust"] != "spacing", "svg: token %d spaced out" % box["index"])
        check(rect["text_length"] <= box["w"] + gap + 0.01, "svg: token %d wider than its cells" % box["index"])
        if rect["natural"] <= box["w"] + gap:
            check(abs(rect["natural"] - rect["text_length"]) < 0.5,
                  "svg: token %d %r is %g wide in Chromium, measured %g"
                  % (box["index"], rect["text"], rect["natural"], rect["text_length"]))
    print("svg ok: %d tokens in the PNG's order and places, text at its shaped width" % len(rects))


def main():
    kind, binary, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    if kind == "bidi":
        check_bidi(binary, workdir)
    elif kind == "svg":
        check_svg(binary, workdir, 0, len(TOKENS))
        check_svg(binary, workdir, 1, 4)
        check_svg_shuffled_and_scaled(binary, workdir)
        check_svg_clipped(binary, workdir)
    else:
        check_html(binary, workdir)


if __name__ == "__main__":
    main()
