"""The bridge with real torch tensors and a tokenizer's output, against the real binary.

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. /usr/bin/python3 -m
unittest -v test_torch (ctest: python.torch). Needs Debian's python3-torch: without it this fails (an
ImportError), it does not skip. Hugging Face's tokenizers are not in Debian, so their output is the
torch example's ToyTokenizer, shaped as a BatchEncoding.
"""

import importlib.util
import unittest
from pathlib import Path

import numpy as np
import torch

import tokenheat
from support import TemporaryFolderTest, bits, info

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "torch_workflow.py"
_spec = importlib.util.spec_from_file_location("torch_workflow", EXAMPLE)
torch_workflow = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(torch_workflow)
ToyBatchEncoding, ToyTokenizer = torch_workflow.ToyBatchEncoding, torch_workflow.ToyTokenizer


def random_float32(count, seed):
    """count finite float32 values of every exponent: random bit patterns."""
    random_bits = np.random.default_rng(seed).integers(0, 2**32, size=4 * count, dtype=np.uint64)
    values = random_bits.astype(np.uint32).view(np.float32)
    return values[np.isfinite(values)][:count]


class TorchTest(TemporaryFolderTest):
    def saved_values(self, values, extension=".npz"):
        """values (one per token, in sequences of one token) saved and read back: each sequence's min."""
        path = self.tmp / f"values{extension}"
        tokenheat.save(path, [["x"]] * len(values), values.reshape(-1, 1))
        return [sequence["channels"][0]["min"] for sequence in info(path)["sequences"]]

    # [SECTION] Tensors

    def test_float32_tensor_bit_for_bit(self):
        values = torch.from_numpy(random_float32(3000, seed=11)).requires_grad_()
        for extension in (".json", ".npz"):
            with self.subTest(extension=extension):
                self.assertEqual(bits(self.saved_values(values, extension)), bits(values.detach().numpy()))

    def test_half_precision_tensors_are_exact(self):
        for dtype in (torch.float16, torch.bfloat16):
            with self.subTest(dtype=dtype):
                values = torch.from_numpy(random_float32(2000, seed=5)).to(dtype)
                values = values[torch.isfinite(values)]
                self.assertEqual(bits(self.saved_values(values)), bits(values.float().numpy()))

    def test_computed_and_float64_tensors(self):
        weights = torch.linspace(-3, 3, 50, requires_grad=True)
        activations = torch.tanh(weights * 1.7)  # has a grad_fn: save() detaches it
        self.assertTrue(activations.requires_grad)
        self.assertEqual(bits(self.saved_values(activations)), bits(activations.detach().numpy()))
        wide = torch.linspace(-1, 1, 301, dtype=torch.float64) * 1e3 + 1 / 3
        self.assertEqual(bits(self.saved_values(wide)), bits(wide.float().numpy()))  # rounded to nearest

    def test_render_takes_tensors_and_keeps_their_values(self):
        values = torch.tensor([[0.1, -2.5, 7.0, float("nan")]], dtype=torch.float32)  # [1, tokens]
        image = tokenheat.render(["a", " b", " c", " d"], values, width=400)
        got = [box["value"] for box in image.layout["tokens"]]
        self.assertEqual(got[3], None)
        self.assertEqual(bits(got[:3]), bits(values[0, :3].numpy()))

    # [SECTION] A tokenizer's output (BatchEncoding)

    def test_padded_batch_leaves_the_padding_out(self):
        tokenizer = ToyTokenizer()
        texts = ["The cat sat.", "A much longer text, with a comma and more words."]
        batch = tokenizer(texts, return_tensors="pt", padding=True)
        self.assertIsInstance(batch["input_ids"], torch.Tensor)
        self.assertEqual(batch["input_ids"].shape, batch["attention_mask"].shape)
        lengths = batch["attention_mask"].sum(dim=1).tolist()
        self.assertLess(lengths[0], batch["input_ids"].shape[1])  # the first row is padded

        values = torch.randn(batch["input_ids"].shape, requires_grad=True)  # [batch, tokens], padding included
        padded, unpadded = self.tmp / "padded.npz", self.tmp / "unpadded.npz"
        tokenheat.save(padded, batch, values)
        tokenheat.save(unpadded, [batch.tokens(i)[:n] for i, n in enumerate(lengths)],
                       [values[i, :n] for i, n in enumerate(lengths)])  # ragged rows, without the padding
        self.assertEqual(padded.read_bytes(), unpadded.read_bytes())
        self.assertEqual([s["tokens"] for s in info(padded)["sequences"]], lengths)
        with np.load(padded) as arrays:
            kept = arrays["mask"].astype(bool)
            self.assertNotIn(tokenizer.pad_token, arrays["tokens"][kept].tolist())
            self.assertEqual(bits(arrays["values"][..., 0][kept]),
                             bits(values.detach()[batch["attention_mask"].bool()].numpy()))

        image = tokenheat.render(batch, values, seq=1)
        self.assertEqual("".join(box["text"] for box in image.layout["tokens"]), texts[1])  # Ġ decoded

    def test_left_padding_and_rows_already_unpadded(self):
        batch = ToyBatchEncoding({"input_ids": torch.tensor([[0, 5, 6], [7, 8, 9]]),
                                  "attention_mask": torch.tensor([[0, 1, 1], [1, 1, 1]])},
                                 [["<|endoftext|>", "a", "Ġb"], ["c", "Ġd", "Ġe"]])
        path = self.tmp / "left.json"
        tokenheat.save(path, batch, [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])])
        sequences = info(path)["sequences"]
        self.assertEqual([s["tokens"] for s in sequences], [2, 3])
        self.assertEqual([(s["channels"][0]["min"], s["channels"][0]["max"]) for s in sequences], [(1, 2), (3, 5)])
        with self.assertRaisesRegex(ValueError, "attention_mask row 0 has 3 positions but tokens\\(0\\) has 2"):
            tokenheat.save(path, ToyBatchEncoding({"input_ids": [[1, 2]], "attention_mask": [[1, 1, 0]]},
                                                  [["a", "b"]]), [[1.0, 2.0]])

    def test_one_text_with_and_without_tensors(self):
        text = "One text, no batch."
        with_tensors = ToyTokenizer()(text, return_tensors="pt")
        self.assertEqual(with_tensors["input_ids"].dim(), 2)  # [1, tokens]
        without = ToyTokenizer()(text)
        self.assertIsInstance(without["input_ids"][0], int)  # [tokens]
        count = len(without.tokens())
        values = torch.arange(count, dtype=torch.float32)
        saved = []
        for tokens, row in ((with_tensors, values[None, :]), (with_tensors, values), (without, values.tolist())):
            path = self.tmp / f"one{len(saved)}.json"
            tokenheat.save(path, tokens, row)
            saved.append(info(path)["sequences"])
        self.assertEqual(saved[0][0]["tokens"], count)
        self.assertEqual(saved[0][0]["channels"][0]["max"], count - 1)
        self.assertEqual(saved[1:], [saved[0], saved[0]])


if __name__ == "__main__":
    unittest.main()
