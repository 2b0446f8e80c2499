"""Keyword arguments as the binary's command-line options: ``font_size=20`` is ``--font-size 20``.

Each table maps a keyword to the kind of value its option takes. ``True`` gives a flag option,
``False`` or ``None`` leaves any option out (the binary's default). README.md lists the options;
test_tokenheat.py checks that every one named here is in the binary's ``--help``.
"""

from __future__ import annotations

import operator
import os

FLAG = "flag"


def _integer(value):
    return str(operator.index(value))  # an int or NumPy integer; 2.0 is refused, not truncated


def _number(value):
    return repr(float(value))  # float32 values as their exact double, read back bit for bit


def _text(value):
    return os.fspath(value)  # a str or a path


def _pair(convert):
    """LO:HI from a (low, high) pair, each converted; a str such as "-8:0" is passed as it is."""
    def pair(value):
        if isinstance(value, str):
            return value
        low, high = value
        return f"{convert(low)}:{convert(high)}"
    return pair


# The view options, shared by the viewer and `tokenheat render`. Left out: --demo and --vocab (the
# data is the tokens and values given).
VIEW_OPTIONS = {
    "seq": _integer, "channel": _text, "range": _pair(_number), "norm": _text, "scope": _text,
    "gamma": _number, "shuffle": _integer, "side_by_side": FLAG, "underline": _text,
    "underline_palette": _text, "granularity": _text, "merge": _text, "palette": _text,
    "palette_file": _text, "font_size": _integer, "font": _text, "stacked": FLAG, "filter": _text,
    "sort": _text, "overview": _text,
}

# `tokenheat render`'s options. Left out: -o, --layout (render() writes both to read them back),
# --all-sequences, --out-dir and --format (one PNG a call).
RENDER_OPTIONS = {
    **VIEW_OPTIONS,
    "width": _integer, "scale": _integer, "tokens": _pair(_integer), "legend": FLAG, "caption": FLAG,
    "allow_empty": FLAG,
}

# The viewer's own options.
VIEWER_OPTIONS = {
    **VIEW_OPTIONS,
    "frames": _integer, "screenshot": _text, "script": _text, "print_state": FLAG, "reset_settings": FLAG,
    "goto_top": _integer, "goto_bottom": _integer, "goto_above": _number,
}


def option_name(keyword):
    return "--" + keyword.replace("_", "-")


def command_line(function, table, options):
    """The arguments for options (keyword: value) of function, which takes those in table.

    Raises TypeError, naming the keyword, for a keyword not in table and for a value its option
    cannot take, before anything runs.
    """
    arguments = []
    for keyword, value in options.items():
        if keyword not in table:
            raise TypeError(f"{function}() got an unexpected keyword argument {keyword!r}")
        if value is None:
            continue
        kind = table[keyword]
        if kind is FLAG:
            if not isinstance(value, bool):
                raise TypeError(f"{function}(): {keyword} is a flag, True or False, not {value!r}")
            arguments += [option_name(keyword)] if value else []
            continue
        try:
            if isinstance(value, bool):
                raise TypeError(f"{option_name(keyword)} is not a flag")
            arguments += [option_name(keyword), kind(value)]
        except (TypeError, ValueError) as error:
            raise TypeError(f"{function}(): {keyword}={value!r} does not fit {option_name(keyword)}: {error}") from None
    return arguments
