#!/usr/bin/python3
"""Builds the shipped example feature index, tests/data/feature_index/example.npz: the tiny
transformer's MLP neurons over Debian's own text, indexed by tokenheat.index.

    /usr/bin/python3 scripts/build_example_index.py [--steps 1000] [--model PATH] [--out FILE]
        [--features 0:64] [--shards DIR]

1. The model: scripts/train_tiny_transformer.py's (imported), which saves no weights, so it is
   trained here for --steps steps (1000 by default: a few minutes on one CPU core; its own fixture
   trains 3000), one thread and seed 0, so the same torch gives the same model; or loaded from
   --model PATH, where it is saved after training when that file does not exist yet.
2. The text: every regular file of /usr/share/common-licenses, then /usr/share/doc/PKG/copyright of
   the PACKAGES below that are installed (about 3.3 MB of text on the development container; the
   files read are the index's `shards`). Tokenised into the model's vocabulary as that script
   defines it: lowercased, cut into words ([a-z]+), each word that is one of its 63 words becomes
   that word's id (" the"...), and every other word is skipped (the model has no unknown token), so
   the model reads the text's common words in their order (about 12% of the words; 59,000 tokens).
   Each file is cut into sequences of the model's length: <bos> and 48 words (the last shorter).
3. The shards, one a file: `token_ids` int32 [T], `features` float32 [T, 256] (the `blocks.0.act`
   and `blocks.1.act` GELU outputs, neuron n of layer l is feature l * 128 + n), `feature_names`
   ("L0.n0"...) and `vocabulary`; written to a temporary folder (or --shards DIR) and named there
   by their source ("GPL-3.npz", "copyright.perl.npz").
4. The index: tokenheat.index.build over the shards with its defaults (top 20, 10 bands of 5,
   10 random, 32 tokens of context) and --features 0:64, layer 0's first 64 neurons, to keep it
   under 2 MB: about 1.8 MB.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "python"))
import train_tiny_transformer as tiny  # noqa: E402
from tokenheat import index as feature_index  # noqa: E402

PACKAGES = ("perl gcc-12 libc6 git python3 bash apt dpkg coreutils tar nodejs openjdk-17-jre-headless xvfb "
            "libboost1.74-dev chromium libqt5core5a").split()
LENGTH = 1 + 2 * tiny.HALF  # the positions the model has


def sources():
    """(shard name, path) of the text files read, in order."""
    licenses = Path("/usr/share/common-licenses")
    found = [(f"{path.name}.npz", path) for path in sorted(licenses.iterdir())
             if path.is_file() and not path.is_symlink()] if licenses.is_dir() else []
    for package in PACKAGES:
        path = Path("/usr/share/doc") / package / "copyright"
        if path.is_file():
            found.append((f"copyright.{package}.npz", path))
        else:
            print(f"skipped {path}: not installed", file=sys.stderr)
    return found


def tokenise(text):
    """The model's ids of the text's words that are in its vocabulary (the others skipped)."""
    ids = {word: i for i, word in enumerate(tiny.VOCAB)}
    return [ids[" " + word] for word in re.findall(r"[a-z]+", text.lower()) if " " + word in ids]


def model_for(options):
    if options.model and options.model.exists():
        model = tiny.TinyTransformer(LENGTH)
        model.load_state_dict(torch.load(options.model))
        print(f"loaded the tiny transformer from {options.model}", file=sys.stderr)
        return model.eval()
    start = time.monotonic()
    model, _ = tiny.train(options.steps, seed=0)
    print(f"trained for {options.steps} steps in {time.monotonic() - start:.0f} s", file=sys.stderr)
    if options.model:
        torch.save(model.state_dict(), options.model)
    return model


def record(model, words):
    """token_ids [T] and the neurons [T, layers * d_mlp] of a file's words, in sequences of <bos> and
    up to LENGTH - 1 words."""
    ids, features = [], []
    with torch.no_grad():
        for start in range(0, len(words), LENGTH - 1):
            sequence = torch.tensor([[0] + words[start:start + LENGTH - 1]])
            _, _, neurons = model(sequence)  # each block's self.act output: the GELU, [1, tokens, d_mlp]
            ids.append(sequence[0].numpy())
            features.append(torch.cat([layer[0] for layer in neurons], dim=-1).numpy())
    return np.concatenate(ids).astype(np.int32), np.concatenate(features).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000, help="training steps (default 1000)")
    parser.add_argument("--model", type=Path, help="load the model from here, or save it here after training")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "feature_index" / "example.npz")
    parser.add_argument("--features", default="0:64", help="the features indexed (default 0:64)")
    parser.add_argument("--shards", type=Path, help="keep the shards in this folder (default: a temporary one)")
    options = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = model_for(options)

    names = [f"L{layer}.n{n}" for layer in range(tiny.LAYERS) for n in range(tiny.D_MLP)]
    options.out.parent.mkdir(parents=True, exist_ok=True)
    out = options.out.resolve()
    with tempfile.TemporaryDirectory(prefix="tokenheat-example-shards-") as temporary:
        folder = options.shards.resolve() if options.shards else Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        shards, tokens, size = [], 0, 0
        for name, path in sources():
            text = path.read_text(encoding="utf-8", errors="replace")
            words = tokenise(text)
            if not words:
                continue
            ids, features = record(model, words)
            np.savez(folder / name, token_ids=ids, features=features, feature_names=np.array(names),
                     vocabulary=np.array(tiny.VOCAB))
            shards.append(name)
            tokens += len(ids)
            size += len(text.encode("utf-8"))
        print(f"{len(shards)} shards: {size / 1e6:.1f} MB of text, {tokens} tokens", file=sys.stderr)
        here = os.getcwd()
        os.chdir(folder)  # the shards named as given, without the temporary folder
        try:
            feature_index.build(shards, out, features=options.features)
        finally:
            os.chdir(here)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
