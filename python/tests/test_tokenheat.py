"""tokenheat's Python bridge against the real binary (found as tokenheat.find_binary() does).

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. /usr/bin/python3 -m
unittest -v test_tokenheat (ctest: python.bridge). NumPy is required here (Debian's python3-numpy): the point is
that NumPy's float32 values come back from the binary bit for bit. show() runs a stand-in for the
viewer here; test_viewer.py opens the real one.
"""

import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path
from unittest import mock

import numpy as np

import tokenheat
from support import TemporaryFolderTest, bits, info, png_size, wait_until_gone
from tokenheat._cli import RENDER_OPTIONS, VIEW_OPTIONS, VIEWER_OPTIONS, option_name

FORMATS = (".json", ".jsonl", ".npz")


class BridgeTest(TemporaryFolderTest):
    def fake_binary(self, script):
        """An executable shell script standing in for the viewer (its arguments as $1...)."""
        fake = self.tmp / "fake-tokenheat"
        fake.write_text("#!/bin/sh\n" + textwrap.dedent(script))
        fake.chmod(0o755)
        return fake

    # [SECTION] save: the format of the extension, read back by the binary

    def test_save_ragged_batch_in_every_format_agrees_with_info(self):
        tokens = [["The", " cat", " sat", "."], ["A", " dog"], ["Hi"]]
        act = [np.array([0.5, 2.0, -1.0, 7.25], dtype=np.float32), [1.0, -3.0], np.array([4.5])]
        logprob = [[-3.1, -0.2, None, float("nan")], np.array([-2.0, float("inf")]), [-0.7]]
        for extension in FORMATS:
            with self.subTest(extension=extension):
                path = self.tmp / f"ragged{extension}"
                self.assertEqual(tokenheat.save(path, tokens, channels={"act": act, "logprob": logprob},
                                                names=["first", "second", "third"]), path)
                loaded = info(path)["sequences"]
                self.assertEqual([s["name"] for s in loaded], ["first", "second", "third"])
                self.assertEqual([s["tokens"] for s in loaded], [4, 2, 1])
                for i, sequence in enumerate(loaded):
                    channels = {c["name"]: c for c in sequence["channels"]}
                    self.assertEqual(list(channels), ["act", "logprob"])
                    self.assertEqual(bits([channels["act"]["min"], channels["act"]["max"]]),
                                     bits([np.min(act[i]), np.max(act[i])]))
                    finite = [v for v in logprob[i] if v is not None and np.isfinite(v)]
                    self.assertEqual(bits([channels["logprob"]["min"], channels["logprob"]["max"]]),
                                     bits([min(finite), max(finite)]))
                    self.assertEqual(channels["logprob"]["non_finite"], len(logprob[i]) - len(finite))

    def test_npz_is_what_numpy_reads(self):
        path = self.tmp / "batch.npz"
        tokenheat.save(path, [["ab", "ç"], ["日本語"]], channels={"x": [[1.5, None], [2.0]], "y": [[3, 4], [5]]},
                       names=["one", "two"])
        with np.load(path) as arrays:
            self.assertEqual(sorted(arrays.files), ["channel_names", "mask", "names", "tokens", "values"])
            self.assertEqual(arrays["tokens"].tolist(), [["ab", "ç"], ["日本語", ""]])
            self.assertEqual(arrays["mask"].tolist(), [[1, 1], [1, 0]])
            self.assertEqual(arrays["channel_names"].tolist(), ["x", "y"])
            self.assertEqual(arrays["names"].tolist(), ["one", "two"])
            values = arrays["values"]
            self.assertEqual((values.dtype, values.shape), (np.dtype("<f4"), (2, 2, 2)))
            np.testing.assert_array_equal(values, [[[1.5, 3], [np.nan, 4]], [[2.0, 5], [np.nan, np.nan]]])

    def test_save_plain_lists_one_sequence(self):
        path = self.tmp / "one.json"
        tokenheat.save(path, ["Hello", " world", "\n", ""], [1, 0.25, None, -2])
        [sequence] = info(path)["sequences"]
        self.assertEqual(sequence["name"], "sequence 0")
        self.assertEqual(sequence["tokens"], 4)
        [channel] = sequence["channels"]
        self.assertEqual((channel["name"], channel["min"], channel["max"]), ("value", -2, 1))
        self.assertEqual((channel["finite"], channel["non_finite"]), (3, 1))

    def test_one_sequence_takes_a_batch_of_one(self):
        path = self.tmp / "batch_of_one.json"
        tokenheat.save(path, ["a", "b"], np.array([[1.0, 3.0]], dtype=np.float32))
        [sequence] = info(path)["sequences"]
        self.assertEqual((sequence["channels"][0]["min"], sequence["channels"][0]["max"]), (1, 3))

    def test_save_extension_picks_the_format(self):
        path = tokenheat.save(self.tmp / "upper.NPZ", ["a"], [1.0])
        self.assertTrue(path.read_bytes().startswith(b"PK"))
        tokenheat.save(self.tmp / "lines.jsonl", [["a"], ["b"]], [[1.0], [2.0]])
        lines = (self.tmp / "lines.jsonl").read_text(encoding="utf-8").splitlines()
        self.assertEqual([json.loads(line)["tokens"] for line in lines], [["a"], ["b"]])
        for name, message in (("acts.csv", r"extension '\.csv'"), ("acts", "no extension")):
            with self.subTest(name=name), self.assertRaisesRegex(ValueError, message):
                tokenheat.save(self.tmp / name, ["a"], [1.0])
            self.assertFalse((self.tmp / name).exists())

    def test_npz_refuses_a_token_ending_in_nul(self):
        with self.assertRaisesRegex(ValueError, "ends in a NUL character"):
            tokenheat.save(self.tmp / "nul.npz", ["a\0"], [1.0])
        tokenheat.save(self.tmp / "nul.json", ["a\0"], [1.0])  # JSON keeps it

    # [SECTION] Bit for bit

    def test_float32_values_come_back_bit_for_bit(self):
        f32 = np.finfo(np.float32)
        tricky = np.array([0.1, 1 / 3, 1e-38, 1e-45, -0.0, 0.0, f32.max, -f32.max, f32.tiny,
                           f32.tiny / 3, 65504.0, 16777217.0, -2.5e-7], dtype=np.float32)
        random_bits = np.random.default_rng(7).integers(0, 2**32, size=4000, dtype=np.uint64)
        random = random_bits.astype(np.uint32).view(np.float32)
        values = np.concatenate([tricky, random[np.isfinite(random)]])
        # One token per sequence, so each value is its sequence's min, which info writes exactly.
        for extension in FORMATS:
            with self.subTest(extension=extension):
                path = self.tmp / f"bits{extension}"
                tokenheat.save(path, [["x"]] * len(values), values[:, None])
                minima = [s["channels"][0]["min"] for s in info(path)["sequences"]]
                self.assertEqual(bits(minima), bits(values))

    def test_render_layout_values_bit_for_bit_and_non_finite_is_no_value(self):
        values = np.array([0.1, 1e-38, 1e-45, -0.0, np.finfo(np.float32).max, np.nan, np.inf, -np.inf, 3.0],
                          dtype=np.float32)
        tokens = [f" t{i}" for i in range(len(values))]
        image = tokenheat.render(tokens, values, range=(0, 1))
        got = [box["value"] for box in image.layout["tokens"]]
        self.assertEqual(got[5:8], [None, None, None])
        finite = [v for v in got if v is not None]
        self.assertEqual(bits(finite), bits(values[np.isfinite(values)]))
        self.assertEqual(struct.pack(">f", finite[3])[0], 0x80)  # -0.0 keeps its sign

    def test_float64_values_are_rounded_like_numpy(self):
        values = np.random.default_rng(3).normal(scale=1e3, size=500)
        values[:2] = [1e39, -1e39]  # beyond float32: infinite, so no value
        for extension in FORMATS:
            with self.subTest(extension=extension):
                path = self.tmp / f"f64{extension}"
                tokenheat.save(path, [["x"]] * len(values), values.reshape(-1, 1).tolist())
                sequences = info(path)["sequences"]
                self.assertEqual([s["channels"][0]["non_finite"] for s in sequences[:2]], [1, 1])
                minima = [s["channels"][0]["min"] for s in sequences[2:]]
                self.assertEqual(bits(minima), bits(values[2:].astype(np.float32)))

    # [SECTION] render

    def test_render_returns_png_with_layout(self):
        tokens = ["The", " quick", " brown", " fox"]
        image = tokenheat.render(tokens, [1.0, 2.0, 3.0, 4.0], width=640, palette="viridis", font_size=20)
        png = image._repr_png_()
        self.assertEqual(png_size(png), (640, image.layout["height"]))
        self.assertEqual((image.width, image.height), png_size(png))
        self.assertEqual("".join(box["text"] for box in image.layout["tokens"]), "".join(tokens))
        image.save(self.tmp / "out.png")
        self.assertEqual((self.tmp / "out.png").read_bytes(), png)
        self.assertIn("640x", repr(image))

    def test_render_options_reach_the_binary(self):
        tokens, values = ["a", " b", " c", " d"], [1.0, 2.0, 3.0, 4.0]
        plain = tokenheat.render(tokens, values, width=300)
        self.assertEqual([box["index"] for box in plain.layout["tokens"]], [0, 1, 2, 3])

        part = tokenheat.render(tokens, values, width=300, tokens=(1, 3), range=(0, 4))
        self.assertEqual([(box["index"], box["norm"]) for box in part.layout["tokens"]], [(1, 0.5), (2, 0.75)])
        zero_max = tokenheat.render(tokens, values, width=300, norm="zero-max", palette="Blues_r")
        self.assertEqual([box["norm"] for box in zero_max.layout["tokens"]], [0.25, 0.5, 0.75, 1.0])

        scaled = tokenheat.render(tokens, values, width=300, scale=2)
        width, height = png_size(scaled.png)
        self.assertEqual(width, 600)
        self.assertAlmostEqual(height, 2 * plain.height, delta=4)  # every length doubled, each rounded
        for figure in ({"legend": True}, {"caption": True}):
            with self.subTest(**figure):
                self.assertGreater(tokenheat.render(tokens, values, width=300, **figure).height, plain.height)
        self.assertEqual(tokenheat.render(tokens, values, width=300, legend=False).png, plain.png)

    def test_render_ragged_batch_picks_sequence_and_channel(self):
        tokens = [["a", "b"], ["c", "d", "e"]]
        channels = {"act": [[1, 2], np.array([3, 4, 5])], "logprob": [[-1, -2], [-3, -4, -5]]}
        image = tokenheat.render(tokens, channels=channels, seq=1, channel="logprob")
        self.assertEqual([box["seq"] for box in image.layout["tokens"]], [1, 1, 1])
        self.assertEqual([box["value"] for box in image.layout["tokens"]], [-3, -4, -5])

    def test_render_layout_texts_keep_bytes_that_are_not_utf8(self):
        # GPT-2 byte-level tokens: "Ã" alone is the byte 0xC3, which starts no complete character.
        image = tokenheat.render(["The", "Ġcaf", "Ã", "Ċ"], [1.0, 2.0, 3.0, 4.0])
        text = "".join(box["text"] for box in image.layout["tokens"])
        self.assertEqual(text.encode("utf-8", "surrogateescape"), b"The caf\xc3\n")

    def test_keyword_errors_are_type_errors_naming_the_keyword(self):
        cases = [
            ({"colour": "red"}, "unexpected keyword argument 'colour'"),
            ({"output": "x.png"}, "unexpected keyword argument 'output'"),
            ({"legend": "yes"}, "legend is a flag"),
            ({"width": 2.5}, r"width=2\.5 does not fit --width"),
            ({"width": True}, "width=True does not fit --width"),
            ({"tokens": (0.5, 2)}, r"tokens=\(0\.5, 2\) does not fit --tokens"),
            ({"range": 3}, "range=3 does not fit --range"),
        ]
        missing = self.tmp / "never-run"  # the errors come before the binary would run
        for options, message in cases:
            with self.subTest(options=options), self.assertRaisesRegex(TypeError, message):
                tokenheat.render(["a"], [1.0], binary=missing, **options)
        with self.assertRaisesRegex(TypeError, r"show\(\) got an unexpected keyword argument 'legend'"):
            tokenheat.show(["a"], [1.0], binary=missing, legend=True)

    def test_options_are_the_binary_options(self):
        """Every keyword is an option of the binary's --help, in its section, and every option of the
        view, render and viewer sections is a keyword but those the bridge writes itself."""
        help_text = subprocess.run([tokenheat.find_binary(), "--help"], capture_output=True, text=True,
                                   check=True).stdout
        sections = {}
        for block in re.split(r"\n(?=\S)", help_text):
            title = block.split(" options", 1)[0] if " options" in block.splitlines()[0] else None
            sections[title] = set(re.findall(r"^\s+(?:-o, )?(--[a-z][a-z-]*)", block, re.M))
        written_by_render = {"--output", "--layout", "--all-sequences", "--out-dir", "--format"}
        only = lambda table: {option_name(k) for k in table if k not in VIEW_OPTIONS}  # noqa: E731
        self.assertEqual(sections["View"], {option_name(k) for k in VIEW_OPTIONS})
        self.assertEqual(sections["Render"] - written_by_render, only(RENDER_OPTIONS))
        # --listen is the viewer's end of tokenheat.connect(), which starts it itself.
        self.assertEqual(sections["Viewer"] - {"--listen"}, only(VIEWER_OPTIONS))

    # [SECTION] show

    def test_show_passes_options_and_removes_its_data_when_the_viewer_exits(self):
        fake = self.fake_binary("""\
            cp "$1" "$0.data"
            shift
            printf '%s\\n' "$@" > "$0.args"
            """)
        with mock.patch.dict(os.environ, DISPLAY=":99"):
            process = tokenheat.show([["a", "b"], ["c"]], [[1, 2], [3]], palette="RdBu_r", range=(-1, 1.5),
                                     stacked=True, goto_top=1, side_by_side=False, binary=fake)
        self.assertEqual(process.wait(timeout=30), 0)
        self.assertEqual(Path(f"{fake}.args").read_text().splitlines(),
                         ["--palette", "RdBu_r", "--range", "-1.0:1.5", "--stacked", "--goto-top", "1"])
        data = Path(process.args[1])
        self.assertTrue(wait_until_gone(data.parent), f"{data.parent} is still there")
        copy = self.tmp / "copy.json"
        Path(f"{fake}.data").rename(copy)
        self.assertEqual([s["tokens"] for s in info(copy)["sequences"]], [2, 1])

    def test_show_leaves_no_file_when_it_fails(self):
        not_executable = self.tmp / "not-executable"
        not_executable.write_text("")
        temporary = self.tmp / "temporary"
        temporary.mkdir()
        no_display = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
        with mock.patch.object(tempfile, "tempdir", str(temporary)):
            with mock.patch.dict(os.environ, no_display, clear=True):
                with self.assertRaisesRegex(RuntimeError, "needs a display.*DISPLAY.*WAYLAND_DISPLAY"):
                    tokenheat.show(["a"], [1.0])
            with mock.patch.dict(os.environ, DISPLAY=":99"):
                with self.assertRaises(PermissionError):
                    tokenheat.show(["a"], [1.0], binary=not_executable)
                with self.assertRaisesRegex(ValueError, "has 1 values but the sequence has 2 tokens"):
                    tokenheat.show(["a", "b"], [1.0], binary=not_executable)
        self.assertEqual(list(temporary.iterdir()), [])

    def test_python_waits_at_exit_for_its_viewer_then_removes_the_data(self):
        fake = self.fake_binary("""\
            sleep 1
            cp "$1" "$0.data"
            """)
        temporary = self.tmp / "temporary"
        temporary.mkdir()
        script = f"import tokenheat; tokenheat.show(['a', 'b'], [1, 2], binary={str(fake)!r})"
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60,
                       env=dict(os.environ, TMPDIR=str(temporary), DISPLAY=":99"))
        self.assertEqual(list(temporary.iterdir()), [])
        copy = self.tmp / "copy.json"
        Path(f"{fake}.data").rename(copy)  # the viewer could still read its data after the script's end
        self.assertEqual(info(copy)["sequences"][0]["tokens"], 2)

    # [SECTION] python3 -m tokenheat

    def run_module(self, *arguments, **environment):
        return subprocess.run([sys.executable, "-m", "tokenheat", *arguments], capture_output=True, text=True,
                              env=dict(os.environ, **environment))

    def test_python_m_tokenheat_is_the_binary(self):
        path = tokenheat.save(self.tmp / "acts.json", ["a", "b"], [1.0, 2.0])
        for arguments in (["--version"], ["info", "--json", str(path)], ["info", str(self.tmp / "missing.json")],
                          ["render", "--no-such-option"]):
            with self.subTest(arguments=arguments):
                direct = subprocess.run([tokenheat.find_binary(), *arguments], capture_output=True, text=True)
                through_module = self.run_module(*arguments)
                self.assertEqual((through_module.returncode, through_module.stdout, through_module.stderr),
                                 (direct.returncode, direct.stdout, direct.stderr))
        self.assertNotEqual(self.run_module("info", str(self.tmp / "missing.json")).returncode, 0)

    def test_python_m_tokenheat_without_the_binary(self):
        result = self.run_module("--version", TOKENHEAT=str(self.tmp / "nowhere"))
        self.assertEqual(result.returncode, 127)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, f"python3 -m tokenheat: error: cannot run {self.tmp / 'nowhere'}: "
                                        "No such file or directory\n")

    # [SECTION] Errors

    def test_bad_data_raises_value_error(self):
        cases = [
            ((["a", "b"], [1.0]), "has 1 values but the sequence has 2 tokens"),
            (([["a"], ["b", "c"]], [[1], [2]]), "sequence 1 has 1 values but the sequence has 2 tokens"),
            (([["a"], ["b"]], [[1]]), "has 1 rows but there are 2 sequences"),
            ((["a", "b"], np.zeros((2, 2))), "has 2 rows but there is 1 sequence"),
            ((["a", "b"], [1, "x"]), r"channel 'value'\[1\] is 'x', not a number"),
            ((["a", 3], [1, 2]), "not a mix"),
            (("ab", [1, 2]), "not str"),
            ((["a"],), "no values"),
        ]
        for args, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(ValueError, message):
                tokenheat.save(self.tmp / "bad.json", *args)
        with self.assertRaisesRegex(ValueError, "not both"):
            tokenheat.save(self.tmp / "bad.json", ["a"], [1], channels={"c": [1]})
        with self.assertRaisesRegex(ValueError, "names must be 2 str"):
            tokenheat.save(self.tmp / "bad.json", [["a"], ["b"]], [[1], [2]], names=["only one"])

    def test_binary_errors_raise_with_its_message(self):
        with self.assertRaisesRegex(tokenheat.TokenheatError, r"^tokenheat: error: .*unknown palette"):
            tokenheat.render(["a"], [1], palette="Nope")
        with self.assertRaisesRegex(tokenheat.TokenheatError, "no such channel"):
            tokenheat.render(["a"], [1], channel="nope")


if __name__ == "__main__":
    unittest.main()
