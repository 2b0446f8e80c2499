"""`tokenheat generate` against Debian's NumPy: np.load reads the .npz it writes, with the synthetic
generator's ids and values (recomputed here from its definition), every member stored, its CRC
right and its array data 64-byte aligned, and `tokenheat info` finds the arrays memory-mapped.

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. /usr/bin/python3 -m
unittest -v test_generate (ctest: python.bridge).
"""

import json
import struct
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

import numpy as np

import tokenheat

SPIKE_EVERY = 1_000_003


def mix(x):
    """SplitMix64, as src/core/synthetic_document.cpp hashes a token's index (uint64 wraps)."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def synthetic(count):
    index = np.arange(count, dtype=np.uint64)
    hashed = mix(index)
    ids = (hashed % np.uint64(48)).astype(np.int32)
    noise = (hashed >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24)
    step = np.float32(6.2831853) / np.float32(20000)
    wave = np.sin((index % np.uint64(20000)).astype(np.float32) * step)
    values = np.float32(0.5) * wave + noise - np.float32(0.5)
    values[index % np.uint64(SPIKE_EVERY) == SPIKE_EVERY - 1] = 40.0
    return ids, values


class GenerateTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory(prefix="tokenheat-generate-")
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)

    def run_binary(self, *args):
        return subprocess.run([tokenheat.find_binary(), *map(str, args)], capture_output=True, text=True)

    def test_numpy_loads_the_generators_arrays_and_tokenheat_maps_them(self):
        sequences, tokens = 8, 125_001  # 1,000,008 tokens: one spike, in the last row
        path = self.tmp / "synthetic.npz"
        result = self.run_binary("generate", sequences * tokens, "--sequences", sequences, "-o", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("wrote " + str(path), result.stdout)

        with np.load(path) as npz:
            self.assertEqual(sorted(npz.files), ["token_ids", "values"])
            ids, values = npz["token_ids"], npz["values"]
        self.assertEqual((ids.dtype, ids.shape), (np.dtype("<i4"), (sequences, tokens)))
        self.assertEqual((values.dtype, values.shape), (np.dtype("<f4"), (sequences, tokens)))
        expected_ids, expected_values = synthetic(sequences * tokens)
        np.testing.assert_array_equal(ids.ravel(), expected_ids)
        # NumPy's float32 sin may differ from the C library's in the last bit; the C++ tests
        # compare tokenheat's loaded values with the generator's exactly.
        np.testing.assert_allclose(values.ravel(), expected_values, rtol=0, atol=1e-6)
        self.assertEqual(values.ravel()[SPIKE_EVERY - 1], 40.0)

        with zipfile.ZipFile(path) as archive:
            self.assertIsNone(archive.testzip())  # every CRC-32 right
            raw = path.read_bytes()
            for member in archive.infolist():
                self.assertEqual(member.compress_type, zipfile.ZIP_STORED)
                name_length, extra_length = struct.unpack_from("<HH", raw, member.header_offset + 26)
                npy = member.header_offset + 30 + name_length + extra_length
                header_length, = struct.unpack_from("<H", raw, npy + 8)
                self.assertEqual((npy + 10 + header_length) % 64, 0, member.filename)

        vocabulary = json.loads((self.tmp / "tokenizer.json").read_text())["model"]["vocab"]
        self.assertEqual(len(vocabulary), 48)
        self.assertEqual(vocabulary["\n"], 0)

        info = json.loads(self.run_binary("info", path, "--json").stdout)
        self.assertEqual([s["tokens"] for s in info["sequences"]], [tokens] * sequences)
        for sequence in info["sequences"]:
            self.assertTrue(sequence["token_ids_mapped"])
            self.assertTrue(sequence["channels"][0]["mapped"])
        self.assertEqual(info["sequences"][-1]["channels"][0]["max"], 40.0)

    def test_attention_is_causal_float16_rows_of_one_that_tokenheat_reads(self):
        sequences, tokens = 2, 48
        path = self.tmp / "attention.npz"
        result = self.run_binary("generate", sequences * tokens, "--sequences", sequences, "--attention",
                                 "--layers", 2, "--heads", 4, "-o", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("attention 2x4 float16", result.stdout)
        with np.load(path) as npz:
            attention, ids = npz["attention"], npz["token_ids"]
        self.assertEqual((attention.dtype, attention.shape), (np.dtype("<f2"), (sequences, 2, 4, tokens, tokens)))
        np.testing.assert_allclose(attention.astype(np.float32).sum(axis=-1), 1, rtol=0, atol=1e-3)
        self.assertTrue(np.all(np.triu(attention, k=1) == 0))
        # Head kinds by (layer + head) % 4: previous token, first token, a window, induction.
        queries = np.arange(tokens)
        np.testing.assert_array_equal(attention[0, 0, 0].argmax(axis=-1), np.maximum(queries - 1, 0))
        np.testing.assert_array_equal(attention[0, 0, 1][:, 0], 1)
        np.testing.assert_array_equal((attention[0, 1, 1] > 0).sum(axis=-1), np.minimum(queries + 1, 4))
        for q in range(tokens):
            earlier = [p for p in range(q) if ids[1, p] == ids[1, q]]
            self.assertEqual(attention[1, 0, 3, q].argmax(), earlier[-1] + 1 if earlier else 0, q)

        info = json.loads(self.run_binary("info", path, "--json").stdout)
        self.assertEqual([s["attention"] for s in info["sequences"]],
                         [{"layers": 2, "heads": 4, "queries": tokens, "keys": tokens, "dtype": "float16",
                           "causal": True}] * sequences)

    def test_errors_are_one_line(self):
        cases = [
            (("generate", 10, "-o", self.tmp / "x.json"), 2, "the output must end in .npz"),
            (("generate", 10, "--sequences", 3, "-o", self.tmp / "x.npz"), 2, "must divide the 10 tokens"),
            (("generate", 10, "-o", self.tmp / "x.npz", "--palette", "Reds"), 2, "--palette is not an option of generate"),
            (("generate", "-o", self.tmp / "x.npz"), 2, "missing N"),
            (("generate", 10, "-o", self.tmp / "x.npz", "--heads", 2), 2, "--layers and --heads shape the patterns"),
            (("generate", 10, "-o", self.tmp / "no" / "x.npz"), 1, "cannot write file (No such file or directory)"),
        ]
        for args, code, message in cases:
            result = self.run_binary(*args)
            self.assertEqual(result.returncode, code, args)
            self.assertIn(message, result.stderr)
            self.assertEqual(result.stderr.count("\n"), 1, result.stderr)

    def test_another_vocabulary_beside_the_output_is_left_alone(self):
        (self.tmp / "tokenizer.json").write_text('{"model": {"vocab": {"a": 0}}}')
        result = self.run_binary("generate", 10, "-o", self.tmp / "x.npz")
        self.assertEqual(result.returncode, 1)
        self.assertIn("another vocabulary is already there", result.stderr)
        self.assertFalse((self.tmp / "x.npz").exists())
        self.assertEqual((self.tmp / "tokenizer.json").read_text(), '{"model": {"vocab": {"a": 0}}}')


if __name__ == "__main__":
    unittest.main()
