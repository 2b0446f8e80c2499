"""A NumPy workflow: per-token surprisal of a few sentences of different lengths, saved and rendered.

A unigram model is estimated with NumPy from the sentences themselves (add-one smoothing); each
token's surprisal is -log2 of its probability, in bits. The sentences have different lengths,
so the values are a list of 1-D float32 arrays, one per sentence (a ragged batch).

Run: python3 numpy_workflow.py [OUTPUT_DIR]  (needs NumPy and the tokenheat binary). It writes
batch.npz and batch.jsonl (the same data), surprisal.png (sentence 2, the longest, with its legend,
at 2x) and opening.png (the first 6 tokens of sentence 0 on a fixed 0..8 bit range).
"""

import re
import sys
from pathlib import Path

import numpy as np

import tokenheat

SENTENCES = [
    "The cat sat on the mat, and the cat slept.",
    "A quasar outshone the galaxy.",
    "The dog sat on the mat too, next to the cat, and the dog slept on the mat.",
]


def tokenize(text):
    """Words with their leading space, and punctuation: the text again when joined."""
    return re.findall(r" ?\w+| ?[^\w\s]", text)


def main(output):
    output.mkdir(parents=True, exist_ok=True)
    tokens = [tokenize(sentence) for sentence in SENTENCES]

    # Unigram counts over every sentence, then each token's surprisal in bits.
    vocabulary, counts = np.unique(np.concatenate([np.array(row) for row in tokens]), return_counts=True)
    probability = (counts + 1) / (counts.sum() + len(vocabulary))
    surprisal_of = dict(zip(vocabulary, -np.log2(probability)))
    surprisal = [np.array([surprisal_of[token] for token in row], dtype=np.float32) for row in tokens]
    length = [np.array([len(token.strip()) for token in row]) for row in tokens]

    channels = {"surprisal": surprisal, "length": length}
    names = [sentence[:24] for sentence in SENTENCES]
    tokenheat.save(output / "batch.npz", tokens, channels=channels, names=names)    # `tokenheat batch.npz`
    tokenheat.save(output / "batch.jsonl", tokens, channels=channels, names=names)

    # Headless PNGs (inline in a notebook): the longest sentence with its legend at twice the size,
    # then a few tokens on a fixed range so that colours compare across figures.
    image = tokenheat.render(tokens, channels=channels, seq=2, channel="surprisal", palette="viridis",
                             norm="zero-max", legend=True, width=500, scale=2)
    image.save(output / "surprisal.png")
    opening = tokenheat.render(tokens, channels=channels, tokens=(0, 6), range=(0, 8), palette="Reds")
    opening.save(output / "opening.png")

    rarest = max(image.layout["tokens"], key=lambda box: box["value"])
    print(f"wrote {output / 'batch.npz'}, {output / 'batch.jsonl'}, {output / 'surprisal.png'} "
          f"({image.width}x{image.height}) and {output / 'opening.png'}; "
          f"the rarest token of sentence 2 is {rarest['text']!r} at {rarest['value']:.2f} bits")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
