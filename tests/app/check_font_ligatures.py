#!/usr/bin/python3
"""A font's own glyph for a grapheme cluster: an emoji ZWJ family and a flag, in a font that has a
ligature for each (as colour emoji fonts do), are drawn as that one glyph across the cluster's two
cells; the same font without the ligatures draws the parts, fitted into the same two cells.

The fonts are made here with fontTools, the way any OpenType font is built: glyph outlines, a
character map and a GSUB 'ccmp' feature compiled from feature-file syntax. Their glyphs are plain
bars, so where ink lands says which glyph was drawn. fontconfig finds them through a
configuration that adds this test's folder to the system's (FONTCONFIG_FILE).

    check_font_ligatures.py TOKENHEAT WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables.O_S_2f_2 import Panose

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_viewer import check, png_pixels  # noqa: E402

MAN, WOMAN, GIRL, BOY, ZWJ = 0x1F468, 0x1F469, 0x1F467, 0x1F466, 0x200D
RI_F, RI_R = 0x1F1EB, 0x1F1F7
FAMILY = "".join(map(chr, (MAN, ZWJ, WOMAN, ZWJ, GIRL, ZWJ, BOY)))
FLAG = chr(RI_F) + chr(RI_R)
CELL = 600  # every character's advance in font units: the primary font's 'M' sets the cell
LIGATURE_FEATURES = """
languagesystem DFLT dflt;
feature ccmp {
  sub man zwj woman zwj girl zwj boy by family;
  sub ri_f ri_r by flag_fr;
} ccmp;
"""


def rectangle(x0, y0, x1, y1):
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    return pen.glyph()


def make_font(path, family, ligatures):
    """A monospace TrueType font: 'M' and 'x' (small squares), four people and two regional
    indicators (each a square in its own cell), and the ligature glyphs: the family a bar across
    two cells at x-height, the flag a taller bar across two cells."""
    people = {"man": MAN, "woman": WOMAN, "girl": GIRL, "boy": BOY, "ri_f": RI_F, "ri_r": RI_R}
    order = [".notdef", "space", "M", "x", "zwj", *people, "family", "flag_fr"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({0x20: "space", ord("M"): "M", ord("x"): "x", ZWJ: "zwj",
                               **{code: name for name, code in people.items()}})
    empty = TTGlyphPen(None).glyph()
    square = rectangle(150, 0, 450, 300)
    outlines = {".notdef": rectangle(100, 0, 500, 700), "space": empty, "zwj": empty, "M": square, "x": square,
                **{name: square for name in people},
                "family": rectangle(60, 0, 2 * CELL - 60, 500), "flag_fr": rectangle(60, 0, 2 * CELL - 60, 700)}
    builder.setupGlyf(outlines)
    advances = {name: CELL for name in order}
    advances.update(zwj=0, family=2 * CELL, flag_fr=2 * CELL)
    glyf = builder.font["glyf"]
    builder.setupHorizontalMetrics({name: (advances[name], getattr(glyf[name], "xMin", 0)) for name in order})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    panose = Panose()
    for field in ("bSerifStyle", "bWeight", "bContrast", "bStrokeVariation", "bArmStyle", "bLetterForm", "bMidline",
                  "bXHeight"):
        setattr(panose, field, 0)  # any
    panose.bFamilyType, panose.bProportion = 2, 9  # Latin text, monospaced
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200, panose=panose)
    builder.setupPost(isFixedPitch=1)
    if ligatures:
        builder.addOpenTypeFeatures(LIGATURE_FEATURES)
    builder.save(path)


def render(binary, workdir, env, font, name):
    """Renders x FAMILY x FLAG x with `font`; returns the tokens' layout boxes and the pixels."""
    document = os.path.join(workdir, name + ".json")
    with open(document, "w", encoding="utf-8") as out:
        json.dump({"tokens": ["x", FAMILY, "x", FLAG, "x"], "values": [0.5] * 5}, out, ensure_ascii=False)
    image, layout = os.path.join(workdir, name + ".png"), os.path.join(workdir, name + ".layout.json")
    result = subprocess.run([binary, "render", document, "--font", font, "--font-size", "40", "--width", "600",
                             "--range", "0:1", "-o", image, "--layout", layout], env=env, capture_output=True, text=True)
    check(result.returncode == 0, "%s: render exit %d: %s" % (name, result.returncode, result.stderr))
    with open(layout, encoding="utf-8") as boxes:
        tokens = json.load(boxes)["tokens"]
    _, _, rows = png_pixels(image)
    return tokens, rows


def ink_columns(rows, box):
    """For each pixel column of a token's box, how many of its pixels are ink (far from the box's
    colour, read at its top-left corner, a padding row no glyph reaches)."""
    x0, y0, w, h = box["x"], box["y"], box["w"], box["h"]
    background = rows[y0][x0]
    return [sum(sum(abs(a - b) for a, b in zip(rows[y][x], background)) > 150 for y in range(y0, y0 + h))
            for x in range(x0, x0 + w)]


def main():
    binary, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    fonts = os.path.join(workdir, "fonts")
    os.makedirs(fonts)
    make_font(os.path.join(fonts, "ligatures.ttf"), "Tokenheat Ligature Test", True)
    make_font(os.path.join(fonts, "no-ligatures.ttf"), "Tokenheat No Ligature Test", False)
    config = os.path.join(workdir, "fonts.conf")
    with open(config, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
                  '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                  '  <dir>%s</dir>\n  <cachedir>%s</cachedir>\n</fontconfig>\n' % (fonts, os.path.join(workdir, "cache")))
    env = dict(os.environ, FONTCONFIG_FILE=config)
    for family, file in (("Tokenheat Ligature Test", "ligatures.ttf"), ("Tokenheat No Ligature Test", "no-ligatures.ttf")):
        matched = subprocess.run(["fc-match", "-f", "%{file}", family], env=env, capture_output=True, text=True).stdout
        check(matched == os.path.join(fonts, file), "fontconfig matches %s for %r, not the test's font" % (matched, family))

    with_ligatures = render(binary, workdir, env, "Tokenheat Ligature Test", "ligatures")
    without = render(binary, workdir, env, "Tokenheat No Ligature Test", "no-ligatures")
    for name, (tokens, _) in (("ligatures", with_ligatures), ("no ligatures", without)):
        check(len(tokens) == 5, "%s: %d boxes, not 5" % (name, len(tokens)))
        x_width = tokens[0]["w"]
        for index in (1, 3):
            # Two cells: a box twice as wide as a one-cell token's, less the one gap between boxes.
            check(abs(tokens[index]["w"] - (2 * x_width + 1)) <= 2,
                  "%s: token %d is %d px wide, not two cells of %d" % (name, index, tokens[index]["w"], x_width))

    for index, what, height in ((1, "family", 500), (3, "flag", 700)):
        tokens, rows = with_ligatures
        columns = ink_columns(rows, tokens[index])
        cell = len(columns) // 2
        # The ligature is one bar across both cells: inked without a break from near the left edge
        # to near the right, and as tall as the bar's outline (40 px a 1000-unit em).
        inked = [count > 0 for count in columns]
        first, last = inked.index(True), len(inked) - 1 - inked[::-1].index(True)
        check(all(inked[first:last + 1]), "%s ligature: a gap in its ink, columns %r" % (what, columns))
        check(first < cell // 3 and last > len(columns) - 1 - cell // 3,
              "%s ligature: ink only from column %d to %d of %d" % (what, first, last, len(columns)))
        tallest = max(columns)
        check(abs(tallest - height * 40 // 1000) <= 2, "%s ligature: %d px tall, not %d" % (what, tallest, height * 40 // 1000))
        # Without the ligature the parts are drawn, each a square with space around it: the ink
        # breaks between them.
        tokens, rows = without
        parts = [count > 0 for count in ink_columns(rows, tokens[index])]
        runs = sum(1 for i, on in enumerate(parts) if on and (i == 0 or not parts[i - 1]))
        check(runs >= 2, "%s without a ligature: %d run(s) of ink, not its parts side by side" % (what, runs))
        print("%s: the ligature's one bar spans columns %d..%d of %d, %d px tall; without it, %d parts"
              % (what, first, last, len(columns), tallest, runs))


if __name__ == "__main__":
    main()
