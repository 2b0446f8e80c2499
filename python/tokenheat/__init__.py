"""tokenheat from Python: save token heatmaps, open them in the viewer, or render them to PNG.

    import tokenheat
    tokens = ["The", " cat", " sat"]
    tokenheat.save("acts.npz", tokens, [0.1, 2.5, -1.0])     # .npz, .json or .jsonl, by extension
    tokenheat.show(tokens, [0.1, 2.5, -1.0])                 # opens the viewer, returns at once
    tokenheat.render(tokens, [0.1, 2.5, -1.0], legend=True)  # a PNG, shown inline in Jupyter

Values may be lists, NumPy arrays or torch tensors (recognised without importing torch); one
sequence takes 1-D values (or a batch of one, 2-D with one row), several sequences (a list of
token lists, of any lengths) take a 2-D array or a list of rows. Tokens may also be what a
Hugging Face tokenizer returns (its ``tokens()``, without the padding its attention_mask marks).
Standard library only; NumPy is optional.

A running viewer takes tokens as they are made (a generation loop, say), and shows them at once:

    with tokenheat.connect() as stream:                      # `tokenheat --listen`, or a new one
        stream.append([" cat"], {"act": 2.5, "logprob": -0.3})
        stream.sync()                                        # all of it is in the viewer

``tokenheat.torch.watch(model, module_names)`` streams a torch model's activations that way,
read by forward hooks, token by token (tokenheat/torch.py).

The binary is found through, in order: the ``binary`` argument, the TOKENHEAT environment
variable, PATH, and ``build/tokenheat`` in the repository this package lies in.
``python3 -m tokenheat ARGS`` runs it with ARGS.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path

from ._cli import RENDER_OPTIONS, VIEWER_OPTIONS, command_line
from ._io import build_document, write_json, writer_for

__all__ = ["save", "show", "render", "RenderedImage", "TokenheatError", "find_binary", "connect", "Stream"]
__version__ = "0.1.0"


class TokenheatError(RuntimeError):
    """The tokenheat binary failed; the message is its one-line error (``tokenheat: error: ...``)."""


def save(path, tokens, values=None, *, channels=None, names=None):
    """Writes tokens and their values to ``path`` and returns the path.

    The extension picks the format: ``.npz`` (NumPy arrays, as np.savez writes them: tokens,
    mask, values [sequences, tokens, channels] float32, channel_names, names), ``.json`` or
    ``.jsonl`` (one sequence a line); any other is a ValueError.

    tokens: one sequence (a list of str), several (a list of lists of str, of any lengths), or a
        Hugging Face tokenizer's output (a BatchEncoding: each row's ``tokens(i)``; the positions
        its attention_mask zeroes, padding, are left out of tokens and of values rows as long as
        input_ids).
    values: one channel, called "value": a list, NumPy array or tensor of numbers, 1-D for one
        sequence or 2-D / a list of rows (one row per sequence) for several.
    channels: instead of values, several channels: ``{"act": ..., "logprob": ...}``, each
        shaped like values.
    names: the sequences' names, one str per sequence (a str for one sequence).

    NaN, +Inf, -Inf and None mean "no value". float32 values come back bit for bit; wider ones are
    rounded to float32 (to nearest). Raises ValueError when lengths or types do not fit.
    """
    write = writer_for(path)
    write(path, build_document(tokens, values, channels, names))
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
    raise FileNotFoundError("tokenheat binary not found: set TOKENHEAT to its path, put it on PATH, "
                            "or pass binary=...")


# [SECTION] show

# The temporary folders of viewers still open: each is removed when its viewer exits.
_open_viewers = {}


def _remove_when_closed(process, directory):
    def wait_and_remove():
        process.wait()
        shutil.rmtree(directory, ignore_errors=True)
        _open_viewers.pop(directory, None)

    _open_viewers[directory] = process
    threading.Thread(target=wait_and_remove, name="tokenheat viewer", daemon=True).start()


@atexit.register
def _wait_for_open_viewers():
    """At exit, Python waits for the viewers it opened, as matplotlib's show() does: removing
    their data sooner could pull a file from under a viewer that has not read it yet."""
    for directory, process in list(_open_viewers.items()):
        process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def show(tokens, /, values=None, *, channels=None, names=None, binary=None, **options):
    """Opens the viewer on the data and returns its subprocess.Popen without waiting for it.

    Data arguments as in save(). Every other keyword is one of the viewer's command-line options,
    underscores for dashes: ``palette="RdBu_r"``, ``range=(-1, 1)``, ``norm="symmetric"``,
    ``channel="logprob"``, ``seq=2``, ``font_size=20``, ``stacked=True``, ``goto_top=1``...
    (README.md lists them); an unknown one is a TypeError.

    The data goes to a temporary .json file, removed when the viewer exits; a Python process that
    ends first waits for its viewers then. Raises RuntimeError when there is no display (neither
    DISPLAY nor WAYLAND_DISPLAY is set): render() draws the same picture without one, and Jupyter
    shows its image inline.
    """
    executable = find_binary(binary)
    arguments = command_line("show", VIEWER_OPTIONS, options)
    document = build_document(tokens, values, channels, names)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise RuntimeError("tokenheat.show() needs a display and neither DISPLAY nor WAYLAND_DISPLAY is set; "
                           "tokenheat.render(...) draws the same picture as a PNG without one")
    directory = tempfile.mkdtemp(prefix="tokenheat-")
    try:
        path = os.path.join(directory, "data.json")
        write_json(path, document)
        process = subprocess.Popen([executable, path, *arguments])
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    _remove_when_closed(process, directory)
    return process


# [SECTION] render

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


def render(tokens, /, values=None, *, channels=None, names=None, binary=None, **options):
    """Renders one sequence headlessly (no display needed) and returns a RenderedImage.

    Data arguments as in save(). Every other keyword is one of `tokenheat render`'s options,
    underscores for dashes: the view options as in show() and ``width`` (pixels; the height
    follows the text), ``scale`` (1..8), ``tokens=(A, B)`` (only tokens A to B-1), ``legend=True``,
    ``caption=True``, ``allow_empty=True``; an unknown one is a TypeError. Raises ValueError for bad
    data and TokenheatError, carrying the binary's one-line message, when `tokenheat render` fails
    (an unknown palette, say). Warnings the binary prints become Python warnings.
    """
    command = [find_binary(binary), "render"]
    arguments = command_line("render", RENDER_OPTIONS, options)
    document = build_document(tokens, values, channels, names)
    with tempfile.TemporaryDirectory(prefix="tokenheat-") as directory:
        data, png, layout = (Path(directory) / name for name in ("data.json", "image.png", "layout.json"))
        write_json(data, document)
        command += [str(data), "-o", str(png), "--layout", str(layout), *arguments]
        result = subprocess.run(command, capture_output=True, encoding="utf-8", errors="replace")
        messages = [line for line in result.stderr.splitlines() if line.strip()]
        if result.returncode != 0:
            raise TokenheatError(messages[-1] if messages else f"tokenheat render exited with {result.returncode}")
        for message in messages:
            warnings.warn(message, stacklevel=2)
        return RenderedImage(png.read_bytes(), json.loads(layout.read_text(encoding="utf-8")))


# [SECTION] connect: the live stream, in stream.py, which uses TokenheatError and find_binary above
from .stream import Stream, connect  # noqa: E402
