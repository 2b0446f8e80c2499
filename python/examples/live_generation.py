"""Live generation: a small transformer writes text token by token, and the viewer shows each token
as it comes, coloured by the neurons it fired or by how likely the model found it.

The model is scripts/train_tiny_transformer.py's (two layers, a vocabulary of 63 words and <bos>),
imported from there: trained here for --steps steps (200: 20 to 40 s on a CPU core),
or loaded from --model PATH, where it is saved after training when that file does not exist yet.
It learns text in which a run of random words repeats: given a prompt of <bos> and a run of words,
a model trained long enough (--steps 3000, a few minutes) writes the run again, copying each next
word (an induction head), with log-probabilities near 0, and then random words at chance. Each
token reaches the viewer (tokenheat.connect, tokenheat.torch.watch) with the channels

  L0.nA, L1.nB      neuron A of layer 0 and B of layer 1: of each layer, the neuron whose mean
                    activation differs most inside a repeat, on held-out text, from outside it
  L0 mean, L1 mean  the mean activation of each layer's 128 MLP neurons
  logprob           the log-probability the model gave the token (none for the prompt)

as the sequence "generation".

Run: python3 live_generation.py [--socket PATH] [--tokens N] [--steps N] [--model PATH] [--delay S]
(needs torch, and a viewer: one listening, `tokenheat --listen`, or a display to start one on).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

import tokenheat
import tokenheat.torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import train_tiny_transformer as tiny  # noqa: E402

RUN = 12                       # words in the prompt's run
LENGTH = 1 + 2 * tiny.HALF     # the positions the model has


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", help="the viewer's socket (default: the viewer listening, or a new one)")
    parser.add_argument("--tokens", type=int, default=LENGTH - 1 - RUN,
                        help=f"tokens to generate after the prompt, 1..{LENGTH - 1 - RUN} (default: all that fit)")
    parser.add_argument("--steps", type=int, default=200, help="training steps (default 200)")
    parser.add_argument("--model", type=Path, help="load the model from here, or save it here after training")
    parser.add_argument("--delay", type=float, default=0.15,
                        help="seconds between tokens, as a large model would take (default 0.15)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the training, the prompt and the sampling")
    options = parser.parse_args(argv)
    if not 1 <= options.tokens <= LENGTH - 1 - RUN:
        parser.error(f"--tokens: 1 to {LENGTH - 1 - RUN} fit after the prompt of {1 + RUN}")
    return options


def model_for(options):
    """The trained model: loaded from --model, or trained (and saved to --model)."""
    if options.model and options.model.exists():
        model = tiny.TinyTransformer(LENGTH)
        model.load_state_dict(torch.load(options.model))
        print(f"loaded the tiny transformer from {options.model}")
        return model.eval()
    start = time.monotonic()
    model, _ = tiny.train(options.steps, seed=options.seed)
    print(f"trained the tiny transformer (scripts/train_tiny_transformer.py) for {options.steps} steps "
          f"in {time.monotonic() - start:.1f} s")
    if options.model:
        torch.save(model.state_dict(), options.model)
        print(f"saved it to {options.model}")
    return model


def repeat_neurons(model, rng):
    """The neuron of each layer whose mean activation inside a repeat differs most from outside it,
    on held-out text."""
    with torch.no_grad():
        ids, repeated = tiny.batch(64, rng)
        _, _, neurons = model(ids)
    return [int((layer[repeated].mean(0) - layer[~repeated].mean(0)).abs().argmax()) for layer in neurons]


def generate(model, stream, channels, ids, options):
    """Samples options.tokens tokens after the prompt ids [1, positions], each streamed with its
    channels as it comes; returns all the ids and the generated tokens' log-probabilities."""
    sampler = torch.Generator().manual_seed(options.seed)
    logprobs = []
    with tokenheat.torch.watch(model, channels, stream, sequence="generation", logits="unembed",
                               vocabulary=tiny.VOCAB, encoding="decoded") as watcher:
        watcher.step(ids[0])  # the prompt, before the model reads it
        with torch.no_grad():
            for _ in range(options.tokens):
                logits, _, _ = model(ids)
                next_id = logits[0, -1].softmax(-1).multinomial(1, generator=sampler)
                watcher.step(next_id)  # with its log-probability; the tokens read get their activations
                logprobs.append(logits[0, -1].log_softmax(-1)[next_id].item())
                ids = torch.cat([ids, next_id[None]], 1)
                time.sleep(options.delay)
            model(ids)  # the last token's activations, which leaving the `with` sends
    return ids[0].tolist(), logprobs


def main(argv=None):
    options = arguments(argv)
    # Connected first: with no viewer to stream to, it fails before any training.
    with tokenheat.connect(options.socket) as stream:
        model = model_for(options)
        rng = np.random.default_rng(options.seed + 1)
        neurons = repeat_neurons(model, rng)
        print("neurons: " + ", ".join(f"layer {layer} neuron {n}" for layer, n in enumerate(neurons))
              + " (the most different inside a repeat)")
        channels = {f"L{layer}.n{n}": (f"blocks.{layer}.act", n) for layer, n in enumerate(neurons)}
        channels.update({f"L{layer} mean": (f"blocks.{layer}.act", "mean") for layer in range(tiny.LAYERS)})
        prompt = torch.tensor([[0, *rng.integers(1, len(tiny.VOCAB), size=RUN)]])
        ids, logprobs = generate(model, stream, channels, prompt, options)
        received = stream.sync()

    words = [tiny.VOCAB[i] for i in ids]
    print("prompt:   " + "".join(words[:1 + RUN]))
    print("generated:" + "".join(words[1 + RUN:]))
    print(f"streamed {len(words)} tokens with the channels {', '.join(channels)}, logprob to {stream.viewer} "
          f"as \"generation\"; it has {received}")
    repeat, rest = logprobs[:RUN], logprobs[RUN:]
    summary = f"mean log-probability: {np.mean(repeat):.2f} over the {len(repeat)} tokens that may repeat the prompt"
    if rest:
        summary += f", {np.mean(rest):.2f} over the {len(rest)} after them"
    print(summary + f" (chance {-np.log(len(tiny.VOCAB) - 1):.2f})")


if __name__ == "__main__":
    try:
        main()
    except tokenheat.TokenheatError as error:  # no viewer, or one that refused what was sent
        sys.exit(f"live_generation.py: {error}")
