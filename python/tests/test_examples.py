"""Each of python/examples/ runs as a user runs it, and what it wrote is read back by the binary.

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. /usr/bin/python3 -m
unittest -v test_examples (ctest: python.example.NAME, one each). The torch example needs python3-torch.
"""

import importlib.util
import os
import subprocess
import sys
import unittest
from pathlib import Path

import numpy as np

import tokenheat
from support import TemporaryFolderTest, bits, info, png_size

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(name):
    """The example as a module (its main() not run), for the data it starts from."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def channel(sequence, name):
    return next(c for c in sequence["channels"] if c["name"] == name)


class ExampleTest(TemporaryFolderTest):
    def run_example(self, name):
        """Runs python/examples/NAME.py into self.tmp and returns what it printed."""
        environment = dict(os.environ, PYTHONPATH=str(Path(tokenheat.__file__).parents[1]))
        result = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), str(self.tmp)], env=environment,
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_numpy_workflow(self):
        printed = self.run_example("numpy_workflow")
        example = load_example("numpy_workflow")
        tokens = [example.tokenize(sentence) for sentence in example.SENTENCES]
        self.assertEqual(["".join(row) for row in tokens], example.SENTENCES)

        with np.load(self.tmp / "batch.npz") as arrays:
            kept = arrays["mask"].astype(bool)
            self.assertEqual([row[keep].tolist() for row, keep in zip(arrays["tokens"], kept)], tokens)
            self.assertEqual(arrays["channel_names"].tolist(), ["surprisal", "length"])
            lengths = [row[keep].tolist() for row, keep in zip(arrays["values"][..., 1], kept)]
            self.assertEqual(lengths, [[len(token.strip()) for token in row] for row in tokens])
        npz, jsonl = info(self.tmp / "batch.npz"), info(self.tmp / "batch.jsonl")
        self.assertEqual([s["tokens"] for s in npz["sequences"]], [len(row) for row in tokens])
        for from_npz, from_jsonl in zip(npz["sequences"], jsonl["sequences"]):
            self.assertEqual(from_npz["name"], from_jsonl["name"])
            for name in ("surprisal", "length"):
                a, b = channel(from_npz, name), channel(from_jsonl, name)
                self.assertEqual(bits([a["min"], a["max"]]), bits([b["min"], b["max"]]))

        self.assertEqual(png_size((self.tmp / "surprisal.png").read_bytes())[0], 1000)  # width 500, scale 2
        self.assertEqual(png_size((self.tmp / "opening.png").read_bytes())[0], 1000)  # the default width
        self.assertIn("the rarest token of sentence 2 is ' too'", printed)

    def test_torch_workflow(self):
        self.run_example("torch_workflow")
        example = load_example("torch_workflow")
        batch = example.ToyTokenizer()(example.TEXTS, padding=True)
        lengths = [sum(mask) for mask in batch["attention_mask"]]

        saved = info(self.tmp / "batch.npz")["sequences"]
        self.assertEqual([s["name"] for s in saved], ["Paris", "Rome"])
        self.assertEqual([s["tokens"] for s in saved], lengths)
        for sequence in saved:
            self.assertEqual([c["name"] for c in sequence["channels"]], ["surprisal", "saliency"])
            self.assertEqual(channel(sequence, "surprisal")["non_finite"], 1)  # the first token has none
            self.assertEqual(channel(sequence, "saliency")["non_finite"], 0)
        # The first text alone ([1, tokens] tensors) comes out as the batch's first, padded, row.
        [alone] = info(self.tmp / "first.json")["sequences"]
        self.assertEqual(alone["tokens"], lengths[0])
        self.assertEqual(bits([alone["channels"][0]["min"], alone["channels"][0]["max"]]),
                         bits([channel(saved[0], "surprisal")["min"], channel(saved[0], "surprisal")["max"]]))
        self.assertEqual(png_size((self.tmp / "surprisal.png").read_bytes())[0], 700)

    def test_transformerlens_workflow(self):
        self.run_example("transformerlens_workflow")
        [sequence] = info(self.tmp / "neurons.json")["sequences"]
        self.assertEqual([c["name"] for c in sequence["channels"]], ["L5N1337", "L5N42"])
        self.assertEqual(png_size((self.tmp / "neurons.png").read_bytes())[0], 800)


if __name__ == "__main__":
    unittest.main()
