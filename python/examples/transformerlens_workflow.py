"""The TransformerLens / Hugging Face workflow, with synthetic numbers: no network, no torch.

With a real model the first two steps would be:

    model = transformer_lens.HookedTransformer.from_pretrained("gpt2")
    logits, cache = model.run_with_cache(prompt)
    str_tokens = model.to_str_tokens(prompt)             # ["<|endoftext|>", "The", " E", ...]
    acts = cache["blocks.5.mlp.hook_post"][0]             # [tokens, neurons], a torch tensor

or, with Hugging Face transformers:

    ids = tokenizer(prompt, return_tensors="pt").input_ids
    str_tokens = [tokenizer.decode([i]) for i in ids[0]]  # decoded text, not "Ġ"-marked tokens
    out = model(ids, output_hidden_states=True)
    acts = out.hidden_states[6][0]                        # [tokens, hidden]

tokenheat.save/render take the tensors as they are (``.detach().cpu()`` is done for you).

Run: python3 transformerlens_workflow.py [OUTPUT_DIR]  (needs NumPy and the tokenheat binary)
"""

import sys
from pathlib import Path

import numpy as np

import tokenheat

prompt = "The Eiffel Tower is in Paris. The Colosseum is in Rome, and the Louvre is in Paris too."
str_tokens = ["<|endoftext|>", "The", " E", "iff", "el", " Tower", " is", " in", " Paris", ".", " The",
              " Col", "os", "seum", " is", " in", " Rome", ",", " and", " the", " Lou", "vre", " is",
              " in", " Paris", " too", "."]

# Synthetic MLP activations [tokens, neurons]: GELU-like noise, plus two neurons that fire on
# city names and on " is in" (made up, like every number here).
rng = np.random.default_rng(0)
acts = np.maximum(rng.normal(-0.2, 0.3, size=(len(str_tokens), 3072)), -0.17).astype(np.float32)
city_neuron, relation_neuron = 1337, 42
for position, token in enumerate(str_tokens):
    if token in (" Paris", " Rome"):
        acts[position, city_neuron] = 3.0 + rng.random()
    if token == " in":
        acts[position, relation_neuron] = 2.0 + rng.random()

output = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
output.mkdir(parents=True, exist_ok=True)

# One file, a channel per neuron: open it with `tokenheat neurons.json` and pick the channel.
channels = {f"L5N{n}": acts[:, n] for n in (city_neuron, relation_neuron)}
tokenheat.save(output / "neurons.json", str_tokens, channels=channels, names=[prompt[:40]])

# The same, headless: a PNG (inline in a notebook), coloured by the city neuron.
image = tokenheat.render(str_tokens, channels=channels, channel=f"L5N{city_neuron}", palette="viridis",
                         width=800)
image.save(output / "neurons.png")
hottest = max(image.layout["tokens"], key=lambda box: box["value"])
print(f"wrote {output / 'neurons.json'} and {output / 'neurons.png'} ({image.width}x{image.height}); "
      f"L5N{city_neuron} peaks on {hottest['text']!r} at {hottest['value']:.2f}")
