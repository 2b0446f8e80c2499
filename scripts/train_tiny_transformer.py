#!/usr/bin/python3
"""Trains a small transformer on CPU (Debian's python3-torch, no downloaded weights) and writes
what interpretability tools read from it: tokens, each token's log-probability, every attention
pattern and the MLP neurons' activations (a neuron basis: one feature per neuron), as .npz fixtures for tokenheat's tests and pictures.

The task is the one that grows induction heads: random words in which a run of them repeats, the
run's length varying. A model can only predict the repeat by finding the earlier occurrence of the
current word and copying the word that followed it (an induction head in layer 1, fed by a
previous-token head in layer 0), so the log-probabilities jump from chance (about log 1/63) to
near 0 at the repeat. The sample written has a run of HALF words repeated once.

Usage: train_tiny_transformer.py [OUT_DIR]   (default tests/data/tiny_transformer)
Deterministic: one thread and fixed seeds, so the files change only when this script does.
A few minutes on one core. Imported, it trains nothing: train(steps) gives a model
(python/examples/live_generation.py generates text with one).

Writes OUT_DIR/induction.npz:
  tokens      <U, [T]           the words (with a leading space, as a tokenizer writes them)
  logprob     float32 [T]       log p(token | tokens before it); NaN for the first (nothing predicts it)
  attention   float32 [L, H, T, T]  softmax attention, query row, key column (causal: 0 above the diagonal)
  features    float32 [T, L * N]    MLP activations after the GELU, layer by layer: neuron n of layer l
                                    is feature l * N + n
  feature_names <U, [L * N]     "L{l}.n{n}"
and OUT_DIR/model.json: the shapes, the training steps and the held-out loss inside and outside
the repeats."""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

WORDS = ("the of and to in is was for on are with as his they be at one have this from or had by hot word "
         "but what some we can out other were all there when up use your how said an each she which do "
         "their time if will way about many then them write would like so these her long make thing see "
         "him two has look more day could go come").split()
VOCAB = ["<bos>"] + [" " + w for w in WORDS[:63]]
HALF = 24           # words before the repeat
LAYERS, HEADS, D_MODEL, D_MLP = 2, 4, 64, 128
STEPS, BATCH = 3000, 32


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.attn = nn.MultiheadAttention(D_MODEL, HEADS, batch_first=True)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.mlp_in = nn.Linear(D_MODEL, D_MLP)
        self.act = nn.GELU()  # a module, so that forward hooks can read the neurons (no parameters)
        self.mlp_out = nn.Linear(D_MLP, D_MODEL)

    def forward(self, x, mask):
        h = self.ln1(x)
        attended, pattern = self.attn(h, h, h, attn_mask=mask, need_weights=True, average_attn_weights=False)
        x = x + attended
        neurons = self.act(self.mlp_in(self.ln2(x)))
        return x + self.mlp_out(neurons), pattern, neurons


class TinyTransformer(nn.Module):
    def __init__(self, length):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), D_MODEL)
        self.position = nn.Embedding(length, D_MODEL)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln = nn.LayerNorm(D_MODEL)
        self.unembed = nn.Linear(D_MODEL, len(VOCAB))
        self.register_buffer("mask", torch.triu(torch.full((length, length), float("-inf")), diagonal=1))

    def forward(self, ids):
        x = self.embed(ids) + self.position(torch.arange(ids.shape[1]))
        patterns, neurons = [], []
        for block in self.blocks:
            x, pattern, activation = block(x, self.mask[: ids.shape[1], : ids.shape[1]])
            patterns.append(pattern)
            neurons.append(activation)
        return self.unembed(self.ln(x)), patterns, neurons


def batch(size, rng, repeat=None):
    """<bos>, a run of random words, the same run again, then random words to the full length. The
    run's length varies (unless repeat is given), so that where the repeat starts is not a fixed
    offset the position embeddings could learn: only looking up the earlier occurrence works. rng
    is the NumPy generator that draws the words. Returns the ids and a mask of the positions whose
    token is the repeat's (predictable)."""
    ids = np.zeros((size, 1 + 2 * HALF), dtype=np.int64)
    repeated = np.zeros((size, 1 + 2 * HALF), dtype=bool)
    for row in range(size):
        run = repeat or int(rng.integers(HALF // 3, HALF + 1))
        words = rng.integers(1, len(VOCAB), size=2 * HALF)
        words[run:2 * run] = words[:run]
        ids[row, 1:] = words
        repeated[row, 1 + run:1 + 2 * run] = True
    return torch.from_numpy(ids), torch.from_numpy(repeated)


def losses(logprobs, ids, repeated):
    """Mean negative log-probability of the tokens outside the repeat and of those inside it."""
    taken = logprobs[:, :-1].gather(2, ids[:, 1:, None])[..., 0]
    inside = repeated[:, 1:]
    return -taken[~inside].mean().item(), -taken[inside].mean().item()


def train(steps=STEPS, seed=0):
    """A TinyTransformer trained for `steps` AdamW steps from `seed` (in eval mode), and the NumPy
    generator that drew its batches, to draw more; the loss every 250 steps goes to stderr. On one
    thread the same seed gives the same model."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = TinyTransformer(1 + 2 * HALF)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    for step in range(steps):
        ids, _ = batch(BATCH, rng)
        logits, _, _ = model(ids)
        loss = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, len(VOCAB)), ids[:, 1:].reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 250 == 0 or step == steps - 1:
            print(f"step {step}: loss {loss.item():.3f}", file=sys.stderr)
    model.eval()
    return model, rng


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data",
                                                              "tiny_transformer")
    torch.set_num_threads(1)
    model, rng = train()
    with torch.no_grad():
        held_out, repeated = batch(256, rng)
        logits, _, _ = model(held_out)
        first, repeat = losses(torch.log_softmax(logits, -1), held_out, repeated)
        sample, _ = batch(1, rng, repeat=HALF)
        logits, patterns, neurons = model(sample)
        logprobs = torch.log_softmax(logits, -1)[0]

    ids = sample[0].numpy()
    logprob = np.full(len(ids), np.nan, dtype=np.float32)
    logprob[1:] = logprobs[:-1].gather(1, sample[0, 1:, None])[:, 0].numpy()
    os.makedirs(out, exist_ok=True)
    np.savez_compressed(os.path.join(out, "induction.npz"),
                        tokens=np.array([VOCAB[i] for i in ids]),
                        logprob=logprob,
                        attention=torch.stack(patterns)[:, 0].numpy().astype(np.float32),
                        features=torch.cat([layer[0] for layer in neurons], dim=-1).numpy().astype(np.float32),
                        feature_names=np.array([f"L{l}.n{n}" for l in range(LAYERS) for n in range(D_MLP)]))
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump({"layers": LAYERS, "heads": HEADS, "d_model": D_MODEL, "d_mlp": D_MLP, "vocabulary": len(VOCAB),
                   "half": HALF, "steps": STEPS, "batch": BATCH, "torch": torch.__version__,
                   "loss_not_repeated": round(first, 4), "loss_repeated": round(repeat, 4),
                   "chance_loss": round(math.log(len(VOCAB) - 1), 4)}, f, indent=1)
        f.write("\n")
    print(f"held-out loss: not repeated {first:.3f} (chance {math.log(len(VOCAB) - 1):.3f}), repeated {repeat:.3f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
