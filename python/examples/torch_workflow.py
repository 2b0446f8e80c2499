"""A PyTorch workflow: a tokenizer's padded batch, a model's per-token numbers, saved and rendered.

With Hugging Face transformers the first steps would be:

    tokenizer = AutoTokenizer.from_pretrained("gpt2")
    tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    logits = model(**batch).logits                        # [batch, tokens, vocabulary]

This example runs offline, without transformers: ToyTokenizer stands in for the tokenizer (its
output is shaped as a BatchEncoding: input_ids and attention_mask [batch, tokens] tensors, and
tokens(i) in GPT-2's spelling), and a randomly initialised bigram model (an embedding and a
linear layer) for the model. Its numbers mean nothing; the shapes and dtypes are the real ones.

tokenheat takes the batch as the tokens (each row's tokens(i), the padding that attention_mask
marks left out) and the tensors as they are: [batch, tokens] rows with the padding, requires_grad
or not, float32, float16 or bfloat16, on any device.

Run: python3 torch_workflow.py [OUTPUT_DIR]  (needs torch and the tokenheat binary). It writes
batch.npz (surprisal and saliency of two texts), surprisal.png (the second text, with its legend)
and first.json (the first text alone, as tokenizer(text, return_tensors="pt") gives it).
"""

import math
import re
import sys
from collections import UserDict
from pathlib import Path

import torch

import tokenheat

TEXTS = [
    "The Eiffel Tower is in Paris.",
    "The Colosseum is in Rome, and the Louvre is in Paris too.",
]


class ToyBatchEncoding(UserDict):
    """Shaped as transformers' BatchEncoding, a UserDict: input_ids and attention_mask ([batch,
    tokens] tensors with return_tensors="pt", else lists), and tokens(i), row i's token strings."""

    def __init__(self, data, tokens):
        super().__init__(data)
        self._tokens = tokens

    def tokens(self, batch_index=0):
        return self._tokens[batch_index]


class ToyTokenizer:
    """A word-level stand-in for GPT-2's tokenizer with pad_token = eos_token: tokens spelled as
    GPT-2's are ("Ġ" for a leading space), padding on the right, ids given in order of first use."""

    pad_token = "<|endoftext|>"

    def __init__(self):
        self.vocabulary = {self.pad_token: 0}

    def __call__(self, text, return_tensors=None, padding=False):
        texts = [text] if isinstance(text, str) else list(text)
        rows = [[word.replace(" ", "Ġ") for word in re.findall(r" ?\w+| ?[^\w\s]", each)] for each in texts]
        length = max(map(len, rows))
        masks = [[1] * len(row) + [0] * (length - len(row)) if padding else [1] * len(row) for row in rows]
        if padding:
            rows = [row + [self.pad_token] * (length - len(row)) for row in rows]
        data = {"input_ids": [[self.vocabulary.setdefault(token, len(self.vocabulary)) for token in row] for row in rows],
                "attention_mask": masks}
        if return_tensors == "pt":
            data = {key: torch.tensor(value) for key, value in data.items()}  # [batch, tokens], even for one text
        elif isinstance(text, str):
            data = {key: value[0] for key, value in data.items()}  # one text without tensors: no batch axis
        return ToyBatchEncoding(data, rows)


class BigramModel(torch.nn.Module):
    """Next-token logits from the current token alone. forward() takes the embeddings, not the ids,
    so that the caller can keep their gradient (the saliency)."""

    def __init__(self, vocabulary_size=256, width=32):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary_size, width)
        self.head = torch.nn.Linear(width, vocabulary_size)

    def forward(self, embedded):
        return self.head(embedded)


def surprisal_bits(model, input_ids):
    """Each token's surprisal under the model, -log2 p(token | the token before), [batch, tokens];
    the first token has none (NaN). Returns it with the embeddings, which keep their gradient."""
    embedded = model.embedding(input_ids)
    embedded.retain_grad()
    log_probs = model(embedded).log_softmax(-1)
    next_token = log_probs[:, :-1].gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    first = torch.full((input_ids.shape[0], 1), math.nan)
    return torch.cat([first, -next_token / math.log(2)], dim=1), embedded


def main(output):
    output.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    tokenizer, model = ToyTokenizer(), BigramModel()

    batch = tokenizer(TEXTS, return_tensors="pt", padding=True)
    surprisal, embedded = surprisal_bits(model, batch["input_ids"])  # requires_grad, with padding
    # Saliency: how much each token's embedding moves the total surprisal of the real tokens.
    real = batch["attention_mask"][:, 1:].bool()
    surprisal[:, 1:][real].sum().backward()
    saliency = embedded.grad.norm(dim=-1)

    channels = {"surprisal": surprisal, "saliency": saliency}
    tokenheat.save(output / "batch.npz", batch, channels=channels, names=["Paris", "Rome"])
    image = tokenheat.render(batch, channels=channels, seq=1, channel="surprisal", legend=True, width=700)
    image.save(output / "surprisal.png")

    # One text: input_ids [1, tokens], so the model's values are [1, tokens] too (a batch of one).
    one = tokenizer(TEXTS[0], return_tensors="pt")
    tokenheat.save(output / "first.json", one, surprisal_bits(model, one["input_ids"])[0])

    peak = max((box for box in image.layout["tokens"] if box["value"] is not None), key=lambda box: box["value"])
    print(f"wrote {output / 'batch.npz'}, {output / 'surprisal.png'} ({image.width}x{image.height}) and "
          f"{output / 'first.json'}; the most surprising token of text 1 is {peak['text']!r} at {peak['value']:.2f} bits")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
