"""tokenheat from Python: save token heatmaps, open them in the viewer, or render them to PNG.

    import tokenheat
    tokens = ["The", " cat", " sat"]
    tokenheat.save("acts.json", tokens, [0.1, 2.5, -1.0])    # a file for `tokenheat acts.json`
    tokenheat.show(tokens, [0.1, 2.5, -1.0])                 # opens the viewer, returns at once
    tokenheat.render(tokens, [0.1, 2.5, -1.0])               # a PNG, shown inline in Jupyter

Values may be lists, NumPy arrays or torch tensors (recognised without importing torch); one
sequence takes 1-D values, several sequences (a list of token lists) take a 2-D array or a list
of lists. Standard library only; NumPy is optional.

The binary is found through, in order: the ``binary`` argument, the TOKENHEAT environment
variable, PATH, and ``build/tokenheat`` in the repository this package lies in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

from ._io import build_document, write_json

__all__ = ["save", "show", "render", "RenderedImage", "TokenheatError", "find_binary"]
__version__ = "0.1.0"


class TokenheatError(RuntimeError):
    """The tokenheat binary failed; the message is its one-line error (``tokenheat: error: ...``)."""


def save(path, tokens, values=None, *, channels=None, names=None):
    """Writes tokens and their values to ``path`` as tokenheat JSON and returns the path.

    tokens: one sequence (a list of str) or several (a list of lists of str).
    values: one channel, called "value": a list, NumPy array or tensor of numbers, 1-D for one
        sequence or 2-D / a list of lists (one row per sequence) for several.
    channels: instead of values, several channels: ``{"act": ..., "logprob": ...}``, each
        shaped like values.
    names: the sequences' names, one str per sequence (a str for one sequence).

    NaN, +Inf, -Inf and None mean "no value". float32 values come back bit for bit; wider ones are
    rounded to float32 by the binary. Raises ValueError when lengths or types do not fit.
    """
    write_json(path, build_document(tokens, values, channels, names))
    return path


def find_binary(binary=None):
    """The tokenheat executable: binary, $TOKENHEAT, PATH, then the repository's build/tokenheat."""
    if binary:
        return os.fspath(binary)
    if os.environ.get("TOKENHEAT"):
        return os.environ["TOKENHEAT"]
    on_path = shutil.which("tokenheat")
    if on_path:
        return on_path
    in_repository = Path(__file__).resolve().parents[2] / "build" / "tokenheat"
    if in_repository.is_file():
        return str(in_repository)
    raise FileNotFoundError("tokenheat binary not found: pass binary=..., set TOKENHEAT, put it on "
                            "PATH, or build it with scripts/dev.sh")


def _view_options(palette, range, channel, seq, font_size):
    """The command-line view options shared by the viewer and `tokenheat render`."""
    options = []
    if palette is not None:
        options += ["--palette", palette]
    if range is not None:
        low, high = range
        options += ["--range", f"{float(low)!r}:{float(high)!r}"]
    if channel is not None:
        options += ["--channel", channel]
    if seq is not None:
        options += ["--seq", str(int(seq))]
    if font_size is not None:
        options += ["--font-size", str(int(font_size))]
    return options


def show(tokens, values=None, *, channels=None, names=None, palette=None, range=None, channel=None,
         seq=None, font_size=None, binary=None):
    """Opens the viewer on the data and returns its subprocess.Popen without waiting for it.

    The data (arguments as in save()) goes to a temporary .json file that is left in place for
    the viewer, which may reopen it. palette (e.g. "viridis", "RdBu_r"), range ((low, high)),
    channel (a name), seq (an index from 0) and font_size set the start-up view. Needs a display;
    on a server use render().
    """
    executable = find_binary(binary)
    descriptor, path = tempfile.mkstemp(prefix="tokenheat-", suffix=".json")
    os.close(descriptor)
    save(path, tokens, values, channels=channels, names=names)
    return subprocess.Popen([executable, path] + _view_options(palette, range, channel, seq, font_size))


class RenderedImage:
    """A PNG from `tokenheat render`: ``.png`` (bytes), ``.layout`` (the token boxes), ``.save()``.

    Jupyter shows it inline through ``_repr_png_``. ``.layout`` is the parsed ``--layout`` JSON:
    ``{"width", "height", "missing_glyphs", "tokens": [{"seq", "index", "text", "x", "y", "w",
    "h", "value", "norm"}]}`` in the PNG's pixel coordinates.
    """

    def __init__(self, png, layout):
        self.png = png
        self.layout = layout

    @property
    def width(self):
        return self.layout["width"]

    @property
    def height(self):
        return self.layout["height"]

    def _repr_png_(self):
        return self.png

    def save(self, path):
        """Writes the PNG to path."""
        Path(path).write_bytes(self.png)

    def __repr__(self):
        return f"<tokenheat.RenderedImage {self.width}x{self.height}, {len(self.layout['tokens'])} token boxes>"


def render(tokens, values=None, *, channels=None, names=None, palette=None, range=None, width=None,
           font_size=None, channel=None, seq=None, binary=None):
    """Renders one sequence headlessly (no display needed) and returns a RenderedImage.

    Data arguments as in save(); view options as in show(); width is the image width in pixels
    (the height follows the text). Raises ValueError for bad data and TokenheatError, carrying
    the binary's one-line message, when `tokenheat render` fails (an unknown palette, say).
    Warnings the binary prints (a character with no glyph) become Python warnings.
    """
    command = [find_binary(binary), "render"]
    with tempfile.TemporaryDirectory(prefix="tokenheat-") as directory:
        data, png, layout = (Path(directory) / name for name in ("data.json", "image.png", "layout.json"))
        save(data, tokens, values, channels=channels, names=names)
        command += [str(data), "-o", str(png), "--layout", str(layout)]
        command += _view_options(palette, range, channel, seq, font_size)
        if width is not None:
            command += ["--width", str(int(width))]
        result = subprocess.run(command, capture_output=True, encoding="utf-8", errors="replace")
        messages = [line for line in result.stderr.splitlines() if line.strip()]
        if result.returncode != 0:
            raise TokenheatError(messages[-1] if messages else f"tokenheat render exited with {result.returncode}")
        for message in messages:
            warnings.warn(message, stacklevel=2)
        return RenderedImage(png.read_bytes(), json.loads(layout.read_text(encoding="utf-8")))
