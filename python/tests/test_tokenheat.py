"""tokenheat's Python bridge against the real binary (found as tokenheat.find_binary() does).

Run: TOKENHEAT=build/tokenheat PYTHONPATH=python /usr/bin/python3 -m unittest discover -s python/tests -v
NumPy is required here (Debian's python3-numpy): the point is that NumPy's float32 values
come back from the binary bit for bit.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

import tokenheat

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "transformerlens_workflow.py"


def bits(values):
    return np.asarray(values, dtype=np.float32).view(np.uint32).tolist()


class BridgeTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory(prefix="tokenheat-test-")
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)

    def info(self, path):
        result = subprocess.run([tokenheat.find_binary(), "info", str(path), "--json"],
                                capture_output=True, text=True, check=True)
        return json.loads(result.stdout)

    # [SECTION] save

    def test_save_numpy_two_channels_agrees_with_info(self):
        tokens = [["The", " cat", " sat"], ["A", " dog", " ran"]]
        act = np.array([[0.5, 2.0, -1.0], [1.0, -3.0, 4.5]], dtype=np.float32)
        logprob = np.array([[-3.1, -0.2, -1.5], [-2.0, -0.7, float("nan")]], dtype=np.float64)
        path = self.tmp / "two.json"
        self.assertEqual(tokenheat.save(path, tokens, channels={"act": act, "logprob": logprob},
                                        names=["prompt 1", "prompt 2"]), path)
        info = self.info(path)
        self.assertEqual([s["name"] for s in info["sequences"]], ["prompt 1", "prompt 2"])
        self.assertEqual([s["tokens"] for s in info["sequences"]], [3, 3])
        for i, sequence in enumerate(info["sequences"]):
            channels = {c["name"]: c for c in sequence["channels"]}
            self.assertEqual(list(channels), ["act", "logprob"])
            self.assertEqual(bits([channels["act"]["min"], channels["act"]["max"]]),
                             bits([act[i].min(), act[i].max()]))
            finite = logprob[i][np.isfinite(logprob[i])].astype(np.float32)
            self.assertEqual(bits([channels["logprob"]["min"], channels["logprob"]["max"]]),
                             bits([finite.min(), finite.max()]))
        self.assertEqual(info["sequences"][1]["channels"][1]["non_finite"], 1)

    def test_save_plain_lists_one_sequence(self):
        path = self.tmp / "one.json"
        tokenheat.save(path, ["Hello", " world", "\n", ""], [1, 0.25, None, -2])
        [sequence] = self.info(path)["sequences"]
        self.assertEqual(sequence["name"], "sequence 0")
        self.assertEqual(sequence["tokens"], 4)
        [channel] = sequence["channels"]
        self.assertEqual((channel["name"], channel["min"], channel["max"]), ("value", -2, 1))
        self.assertEqual((channel["finite"], channel["non_finite"]), (3, 1))

    def test_torch_like_tensor(self):
        class FakeTensor:  # the chain save() calls on a torch.Tensor: detach().cpu().float().numpy()
            def __init__(self, array):
                self.array = array
            def detach(self):
                return self
            def cpu(self):
                return self
            def float(self):
                return FakeTensor(self.array.astype(np.float32))
            def numpy(self):
                return self.array

        values = np.array([[0.1, 0.2], [0.3, 0.4]])
        path = self.tmp / "tensor.json"
        tokenheat.save(path, [["a", "b"], ["c", "d"]], FakeTensor(values))
        maxima = [s["channels"][0]["max"] for s in self.info(path)["sequences"]]
        self.assertEqual(bits(maxima), bits(values.max(axis=1)))

    # [SECTION] Bit for bit

    def test_float32_values_come_back_bit_for_bit(self):
        f32 = np.finfo(np.float32)
        tricky = np.array([0.1, 1 / 3, 1e-38, 1e-45, -0.0, 0.0, f32.max, -f32.max, f32.tiny,
                           f32.tiny / 3, 65504.0, 16777217.0, -2.5e-7], dtype=np.float32)
        random_bits = np.random.default_rng(7).integers(0, 2**32, size=4000, dtype=np.uint64)
        random = random_bits.astype(np.uint32).view(np.float32)
        values = np.concatenate([tricky, random[np.isfinite(random)]])
        # One token per sequence, so each value is its sequence's min, which info writes exactly.
        path = self.tmp / "bits.json"
        tokenheat.save(path, [["x"]] * len(values), values[:, None])
        minima = [s["channels"][0]["min"] for s in self.info(path)["sequences"]]
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
        path = self.tmp / "f64.json"
        tokenheat.save(path, [["x"]] * len(values), values.reshape(-1, 1).tolist())
        minima = [s["channels"][0]["min"] for s in self.info(path)["sequences"]]
        self.assertEqual(bits(minima), bits(values.astype(np.float32)))

    # [SECTION] render

    def test_render_returns_png_with_layout(self):
        tokens = ["The", " quick", " brown", " fox"]
        image = tokenheat.render(tokens, [1.0, 2.0, 3.0, 4.0], width=640, palette="viridis", font_size=20)
        png = image._repr_png_()
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        self.assertEqual((width, height), (640, image.layout["height"]))
        self.assertEqual((image.width, image.height), (width, height))
        self.assertEqual("".join(box["text"] for box in image.layout["tokens"]), "".join(tokens))
        image.save(self.tmp / "out.png")
        self.assertEqual((self.tmp / "out.png").read_bytes(), png)
        self.assertIn("640x", repr(image))

    def test_render_layout_texts_keep_bytes_that_are_not_utf8(self):
        # GPT-2 byte-level tokens: "Ã" alone is the byte 0xC3, which starts no complete character.
        image = tokenheat.render(["The", "Ġcaf", "Ã", "Ċ"], [1.0, 2.0, 3.0, 4.0])
        text = "".join(box["text"] for box in image.layout["tokens"])
        self.assertEqual(text.encode("utf-8", "surrogateescape"), b"The caf\xc3\n")

    def test_render_picks_sequence_and_channel(self):
        tokens = [["a", "b"], ["c", "d", "e"]]
        channels = {"act": [[1, 2], [3, 4, 5]], "logprob": [[-1, -2], [-3, -4, -5]]}
        image = tokenheat.render(tokens, channels=channels, seq=1, channel="logprob")
        self.assertEqual([box["seq"] for box in image.layout["tokens"]], [1, 1, 1])
        self.assertEqual([box["value"] for box in image.layout["tokens"]], [-3, -4, -5])

    # [SECTION] show

    def test_show_launches_the_binary_on_a_saved_file(self):
        fake = self.tmp / "fake-tokenheat"
        fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$0.args"\n')
        fake.chmod(0o755)
        process = tokenheat.show(["a", "b"], [1, 2], palette="RdBu_r", range=(-1, 1.5), binary=fake)
        self.assertEqual(process.wait(timeout=30), 0)
        path, *options = Path(str(fake) + ".args").read_text().splitlines()
        self.addCleanup(os.remove, path)
        self.assertEqual(options, ["--palette", "RdBu_r", "--range", "-1.0:1.5"])
        self.assertEqual(self.info(path)["sequences"][0]["tokens"], 2)

    # [SECTION] Errors

    def test_bad_data_raises_value_error(self):
        cases = [
            ((["a", "b"], [1.0]), "has 1 values but the sequence has 2 tokens"),
            (([["a"], ["b", "c"]], [[1], [2]]), "sequence 1 has 1 values but the sequence has 2 tokens"),
            (([["a"], ["b"]], [[1]]), "has 1 rows but there are 2 sequences"),
            ((["a", "b"], np.zeros((1, 2))), "is 2-D but tokens is one sequence"),
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

    # [SECTION] The example

    def test_transformerlens_example_runs(self):
        env = dict(os.environ, PYTHONPATH=str(Path(tokenheat.__file__).parents[1]))
        subprocess.run([sys.executable, str(EXAMPLE), str(self.tmp)], check=True, env=env,
                       capture_output=True)
        [sequence] = self.info(self.tmp / "neurons.json")["sequences"]
        self.assertEqual([c["name"] for c in sequence["channels"]], ["L5N1337", "L5N42"])
        self.assertEqual((self.tmp / "neurons.png").read_bytes()[:4], b"\x89PNG")


if __name__ == "__main__":
    unittest.main()
