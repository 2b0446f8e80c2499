#!/usr/bin/python3
"""Writes other tools' files the way those tools write them, for the loader tests, and what each
must load as (expected.json). Each writer follows the tool's own serialiser, cited beside it; the
tools themselves are not in Debian, so their serialising code paths are reproduced here with the
same standard-library and NumPy calls.

Usage: make_peer_files.py OUT_DIR

expected.json: [{"file", "range": [lo, hi] | null, "sequences": [{"name", "tokens": [decoded...],
"channels": [[name, [float32 bits as unsigned ints, null for NaN]]]}]}]"""
import base64
import dataclasses
import gzip
import io
import json
import math
import os
import struct
import sys
from collections import OrderedDict
from json import JSONEncoder

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
expected = []
rng = np.random.default_rng(7)


def bits(values):
    """float32 bit patterns (NaN as None): the loader must hold exactly these."""
    result = []
    for x in np.asarray(values, dtype=np.float32).ravel():
        result.append(None if math.isnan(x) else struct.unpack("<I", struct.pack("<f", x))[0])
    return result


def expect(name, sequences, value_range=None):
    expected.append({"file": name, "range": value_range, "sequences": sequences})


def write_text(name, text):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text)


# [SECTION] safetensors, as safetensors.torch.save(dict) writes it: an 8-byte little-endian header
# length, serde_json's compact header padded with spaces to a multiple of 8 (huggingface/safetensors
# safetensors/src/tensor.rs prepare/serialize), then the data. No __metadata__ when none is given.
def safetensors_bytes(name, data, dtype, shape):
    header = json.dumps({name: {"dtype": dtype, "shape": list(shape), "data_offsets": [0, len(data)]}},
                        separators=(",", ":")).encode()
    header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + data


def float8_e4m3fn(array):
    """Rounds to PyTorch's float8_e4m3fn (nearest, ties to even; saturating is not what torch does:
    beyond 448 it gives NaN) and returns the bytes and the float32 values they stand for."""
    codes, values = bytearray(), []
    table = []
    for code in range(256):
        sign = -1.0 if code & 0x80 else 1.0
        e, m = (code >> 3) & 0xF, code & 7
        if e == 0xF and m == 7:
            table.append(math.nan)
        elif e == 0:
            table.append(sign * m / 8 * 2.0 ** -6)
        else:
            table.append(sign * (1 + m / 8) * 2.0 ** (e - 7))
    finite = [(v, c) for c, v in enumerate(table) if not math.isnan(v)]
    for x in np.asarray(array, dtype=np.float32).ravel():
        if math.isnan(x):
            codes.append(0x7F)
            values.append(math.nan)
            continue
        best = min(finite, key=lambda vc: (abs(vc[0] - float(x)), vc[1] & 1, vc[1] & 0x80 != (0x80 if x < 0 else 0)))
        codes.append(best[1])
        values.append(best[0])
    return bytes(codes), np.array(values, dtype=np.float32).reshape(np.shape(array))


# [SECTION] inseq: json_advanced_dump in inseq/utils/serialization.py (after json_tricks), called by
# FeatureAttributionOutput.save in inseq/data/attribution.py with allow_nan=True, indent=4,
# sort_keys=True. The classes below stand in for inseq's dataclasses with the same fields;
# TensorWrapper.__json_encode__ (inseq/data/data_utils.py) returns to_dict(): the fields not
# starting with "_".
def hashodict(items):
    return OrderedDict(items)


def class_instance_encode(obj, use_primitives=True, **kwargs):
    if isinstance(obj, (list, dict)):
        return obj
    if isinstance(obj, bytes):
        return base64.b64encode(obj).decode("UTF8")
    if hasattr(obj, "__class__") and hasattr(obj, "__dict__"):
        mod, name = obj.__class__.__module__, obj.__class__.__name__
        if name in ("FeatureAttributionOutput", "FeatureAttributionSequenceOutput"):
            mod = "inseq.data.attribution"
        elif name == "TokenWithId":
            mod = "inseq.utils.typing"
        if hasattr(obj, "__json_encode__"):
            attrs = obj.__json_encode__()
            if use_primitives or not isinstance(attrs, dict):
                return attrs
            return hashodict((("__instance_type__", (mod, name)), ("attributes", attrs)))
        dct = hashodict([("__instance_type__", (mod, name))])
        dct["attributes"] = hashodict(obj.__dict__)
        if use_primitives:
            return dct["attributes"]
        return dct
    return obj


def ndarray_to_bin_str(array, do_compress):  # inseq/utils/misc.py
    original_size = array.size * array.itemsize
    header = "b64:"
    data = array.data
    if do_compress:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as fh:
            fh.write(data)
        small = buf.getvalue()
        if len(small) < 0.9 * original_size and len(small) < original_size - 8:
            header = "b64.gz:"
            data = small
    return header + base64.standard_b64encode(data).decode("ascii")


def ndarray_encode(obj, use_primitives=True, ndarray_compact=None, compression=False, **kwargs):
    if isinstance(obj, np.ndarray):
        if use_primitives:
            return obj.tolist()
        data_json = ndarray_to_bin_str(obj, do_compress=not compression) if ndarray_compact else obj.tolist()
        dct = hashodict((("__ndarray__", data_json), ("dtype", str(obj.dtype)), ("shape", obj.shape)))
        if obj.ndim > 1:
            dct["Corder"] = obj.flags["C_CONTIGUOUS"]
        return dct
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


class AttributionSerializer(JSONEncoder):
    def __init__(self, use_primitives, ndarray_compact, compression, **json_kwargs):
        self.use_primitives, self.ndarray_compact, self.compression = use_primitives, ndarray_compact, compression
        super().__init__(**json_kwargs)

    def default(self, obj):
        for encoder in (class_instance_encode, ndarray_encode):
            obj = encoder(obj, use_primitives=self.use_primitives, ndarray_compact=self.ndarray_compact,
                          compression=self.compression)
        return obj


def inseq_save(path, output, compress=False, ndarray_compact=True, use_primitives=False):
    text = AttributionSerializer(use_primitives=use_primitives, ndarray_compact=ndarray_compact, compression=compress,
                                 sort_keys=True, allow_nan=True, indent=4).encode(output)
    if compress:  # save_to_file: gzip_compress(txt, compresslevel=5 for compression=True), mtime 0
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=5, mtime=0) as fh:
            fh.write(text.encode("UTF-8"))
        with open(os.path.join(out, path), "wb") as f:
            f.write(buf.getvalue())
    else:
        write_text(path, text)


@dataclasses.dataclass
class TokenWithId:
    token: str
    id: int


class TensorWrapper:
    def __json_encode__(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


class FeatureAttributionSequenceOutput(TensorWrapper):
    def __init__(self, source, target, source_attributions, target_attributions, step_scores, attr_pos_start,
                 attr_pos_end):
        self.source, self.target = source, target
        self.source_attributions, self.target_attributions = source_attributions, target_attributions
        self.step_scores, self.sequence_scores = step_scores, None
        self.attr_pos_start, self.attr_pos_end = attr_pos_start, attr_pos_end
        self._aggregator, self._dict_aggregate_fn, self._attribution_dim_names, self._num_dimensions = None, None, None, None


class FeatureAttributionOutput:
    def __init__(self, sequence_attributions, method):
        self.sequence_attributions = sequence_attributions
        self.step_attributions = None
        self.info = {"attribution_method": method, "model_name": "gpt2", "input_texts": ["Hello world"],
                     "generated_texts": ["Hello world is round"], "step_scores": ["probability"]}


def decoder_only_example():
    """A decoder-only model (GPT-2 byte-level tokens): no source, the prompt is target[:attr_pos_start];
    attributions [target tokens, generation steps], NaN where a token comes after the step."""
    target = [TokenWithId("Hello", 15496), TokenWithId("Ġworld", 995), TokenWithId("Ġis", 318),
              TokenWithId("Ġround", 2835), TokenWithId("Ċ", 198)]
    start, end = 2, 5
    steps = end - start
    attributions = rng.normal(size=(len(target), steps)).astype(np.float32)
    for j in range(steps):
        attributions[start + j + 1:, j] = np.nan
    probability = rng.uniform(size=steps).astype(np.float32)
    return target, start, end, attributions, probability


def expect_decoder_only(name, target, start, attributions, probability, method, count=1):
    tokens = ["Hello", " world", " is", " round", "\n"]
    names = ["Hello", "world", "is", "round", "Ċ"]  # decoded, trimmed; only whitespace: the raw string
    sequence = {"tokens": tokens, "channels": []}
    for j in range(attributions.shape[1]):
        sequence["channels"].append([f"to {start + j}: {names[start + j]}", bits(attributions[:, j])])
    padded = np.full(len(target), np.nan, dtype=np.float32)
    padded[start:start + len(probability)] = probability
    sequence["channels"].append(["probability", bits(padded)])
    expect(name, [dict(sequence, name=f"{method} {n}") for n in range(count)])


def inseq_v07(name, precision="float32", **save_options):
    """inseq >= 0.7: tensors go through _convert_to_safetensors (torch_utils.convert_to_safetensor:
    safetensors.torch.save({"attribution": tensor}) in scores_precision) into bytes, which
    class_instance_encode writes as base64."""
    target, start, end, attributions, probability = decoder_only_example()
    dtype = {"float32": "F32", "float16": "F16", "float8": "F8_E4M3"}[precision]

    def to_safetensor(array):
        if precision == "float16":
            array16 = array.astype(np.float16)
            return safetensors_bytes("attribution", array16.tobytes(), dtype, array.shape), array16.astype(np.float32)
        if precision == "float8":
            codes, held = float8_e4m3fn(array)
            return safetensors_bytes("attribution", codes, dtype, array.shape), held
        return safetensors_bytes("attribution", array.tobytes(), dtype, array.shape), array

    attribution_bytes, held_attributions = to_safetensor(attributions)
    probability_bytes, held_probability = to_safetensor(probability)
    sequence = FeatureAttributionSequenceOutput(None, target, None, attribution_bytes,
                                                {"probability": probability_bytes}, start, end)
    inseq_save(name, FeatureAttributionOutput([sequence, sequence], "saliency"), **save_options)
    expect_decoder_only(name, target, start, held_attributions, held_probability, "saliency", count=2)


inseq_v07("inseq_v07.json")
inseq_v07("inseq_v07_primitives.json", use_primitives=True)
inseq_v07("inseq_v07_not_compact.json", ndarray_compact=False)
inseq_v07("inseq_v07_float16.json", precision="float16")
inseq_v07("inseq_v07_float8.json", precision="float8")
inseq_v07("inseq_v07_compressed.json.gz", compress=True)


def inseq_v06(name, **save_options):
    """inseq 0.4-0.6: TensorWrapper.__json_encode__ turns tensors into NumPy arrays, which
    ndarray_encode writes as json_tricks ndarrays (compact "b64:"/"b64.gz:", or nested lists), or
    as plain nested lists with use_primitives. An encoder-decoder model: source and target tokens
    (SentencePiece), source_attributions [source, steps] and target_attributions [target, steps]."""
    source = [TokenWithId("▁Hello", 10), TokenWithId("▁world", 11), TokenWithId("</s>", 0)]
    target = [TokenWithId("▁Hallo", 20), TokenWithId("▁Welt", 21), TokenWithId("</s>", 0)]
    steps = len(target)
    # Granular (a trailing axis of 8, averaged), and mostly zeros, so that gzip shrinks it enough
    # for json_tricks to write "b64.gz:".
    source_attributions = np.zeros((len(source), steps, 8), dtype=np.float32)
    source_attributions[0, 1, :] = [1.5, -0.25, 3.0, 0, 0, 0, 0, 0.125]
    source_mean = np.mean(source_attributions.astype(np.float64), axis=2).astype(np.float32)
    target_attributions = rng.normal(size=(len(target), steps)).astype(np.float32)
    for j in range(steps):
        target_attributions[j + 1:, j] = np.nan
    probability = rng.uniform(size=steps).astype(np.float32)
    sequence = FeatureAttributionSequenceOutput(source, target, source_attributions, target_attributions,
                                                {"probability": probability}, 0, steps)
    inseq_save(name, FeatureAttributionOutput([sequence], "integrated_gradients"), **save_options)
    tokens = [" Hello", " world", "</s>", " Hallo", " Welt", "</s>"]  # ▁ is a space, also at the start
    channels = []
    for j in range(steps):
        channels.append([f"to {j}: {['Hallo', 'Welt', '</s>'][j]}",
                         bits(np.concatenate([source_mean[:, j], target_attributions[:, j]]))])
    channels.append(["probability", bits(np.concatenate([np.full(3, np.nan), probability]))])
    expect(name, [{"name": "integrated_gradients 0", "tokens": tokens, "channels": channels}])


inseq_v06("inseq_v06.json")
inseq_v06("inseq_v06_not_compact.json", ndarray_compact=False)
inseq_v06("inseq_v06_primitives.json", use_primitives=True)


def inseq_granular(name):
    """Granular attributions (a trailing embedding axis, e.g. saliency before aggregation) are
    averaged over it."""
    target = [TokenWithId("A", 1), TokenWithId("Ġb", 2), TokenWithId("Ġc", 3)]
    attributions = rng.normal(size=(3, 2, 4)).astype(np.float32)
    sequence = FeatureAttributionSequenceOutput(None, target, None,
                                                safetensors_bytes("attribution", attributions.tobytes(), "F32", attributions.shape), None, 1, 3)
    inseq_save(name, FeatureAttributionOutput([sequence], "saliency"))
    mean = np.mean(attributions.astype(np.float64), axis=2).astype(np.float32)
    expect(name, [{"name": "saliency 0", "tokens": ["A", " b", " c"],
                   "channels": [["to 1: b", bits(mean[:, 0])], ["to 2: c", bits(mean[:, 1])]]}])


inseq_granular("inseq_granular.json")


# [SECTION] CircuitsVis: render() json.dumps the props, None dropped, tensors tolist()
# (python/circuitsvis/utils/convert_props.py); json.dumps writes NaN bare.
def circuitsvis_props(**props):
    return json.dumps({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in props.items() if v is not None})


values = np.array([0.5, -1.25, np.nan, 3.0], dtype=np.float32)
write_text("circuitsvis_colored_tokens.json",  # tokens.py colored_tokens
           circuitsvis_props(tokens=["The", " cat", " sat", "."], values=values, minValue=-2.0, maxValue=4.0,
                             negativeColor=None, positiveColor=None))
expect("circuitsvis_colored_tokens.json",
       [{"name": "colored tokens", "tokens": ["The", " cat", " sat", "."], "channels": [["value", bits(values)]]}],
       [-2.0, 4.0])

multi = rng.normal(size=(4, 3)).astype(np.float32)
write_text("circuitsvis_multi.json",  # tokens.py colored_tokens_multi
           circuitsvis_props(tokens=["a", "b", "c", "d"], values=multi, labels=["logits", "log_probs", "probs"]))
expect("circuitsvis_multi.json", [{"name": "colored tokens", "tokens": ["a", "b", "c", "d"],
                                   "channels": [[label, bits(multi[:, k])]
                                                for k, label in enumerate(["logits", "log_probs", "probs"])]}])
write_text("circuitsvis_multi_unlabelled.json", circuitsvis_props(tokens=["a", "b", "c", "d"], values=multi, labels=None))
expect("circuitsvis_multi_unlabelled.json", [{"name": "colored tokens", "tokens": ["a", "b", "c", "d"],
                                              "channels": [[str(k), bits(multi[:, k])] for k in range(3)]}])

activations = rng.normal(size=(3, 2, 2)).astype(np.float32)
write_text("circuitsvis_neurons.json",  # activations.py text_neuron_activations, one prompt
           circuitsvis_props(tokens=["x", "y", "z"], activations=activations, firstDimensionName="Layer",
                             secondDimensionName="Neuron", firstDimensionLabels=None, secondDimensionLabels=None))
expect("circuitsvis_neurons.json", [{"name": "prompt 0", "tokens": ["x", "y", "z"],
                                     "channels": [[f"Layer {l} Neuron {n}", bits(activations[:, l, n])]
                                                  for l in range(2) for n in range(2)]}])
prompts = [rng.normal(size=(2, 1, 3)).astype(np.float32), rng.normal(size=(3, 1, 3)).astype(np.float32)]
write_text("circuitsvis_neurons_prompts.json",  # a list of prompts, dimension names and labels given
           circuitsvis_props(tokens=[["p", "q"], ["r", "s", "t"]], activations=[a.tolist() for a in prompts],
                             firstDimensionName="Block", secondDimensionName="Feature",
                             firstDimensionLabels=["mlp"], secondDimensionLabels=["f0", "f1", "f2"]))
expect("circuitsvis_neurons_prompts.json",
       [{"name": f"prompt {p}", "tokens": tokens,
         "channels": [[f"Block mlp Feature f{n}", bits(prompts[p][:, 0, n])] for n in range(3)]}
        for p, tokens in enumerate([["p", "q"], ["r", "s", "t"]])])

# CircuitsVis pages: str(html) is RenderedHTML.cdn_src, and local_src inlines the bundle (render_cdn
# and render_local in python/circuitsvis/utils/render.py; the bundle is not in Debian, so a stand-in
# script with render( calls of its own takes its place).
def circuitsvis_cdn(uuid, name, **props):
    return f"""<div id="{uuid}" style="margin: 15px 0;"/>
    <script crossorigin type="module">
    import {"{ render, " + name + " }"} from "https://unpkg.com/circuitsvis@1.43.2/dist/cdn/esm.js";
    render(
      "{uuid}",
      {name},
      {circuitsvis_props(**props)}
    )
    </script>"""


def circuitsvis_local(uuid, name, **props):
    inline_js = 'var CircuitsVis=(function(){function render(e,t,n){return e}return{render:render}})();'
    return f"""<div id="{uuid}" style="margin: 15px 0;"/>
    <script crossorigin type="module">
    {inline_js}
    
    CircuitsVis.render(
      "{uuid}",
      CircuitsVis.{name},
      {circuitsvis_props(**props)}
    )
    </script>"""


write_text("circuitsvis_cdn.html", circuitsvis_cdn("circuits-vis-0a1b2c3d-4e5f", "ColoredTokens",
                                                   tokens=["The", " cat", " sat", "."], values=values, minValue=-2.0))
expect("circuitsvis_cdn.html",
       [{"name": "colored tokens", "tokens": ["The", " cat", " sat", "."], "channels": [["value", bits(values)]]}],
       [-2.0, None])
write_text("circuitsvis_local.html",
           circuitsvis_local("circuits-vis-11112222-3333", "ColoredTokensMulti", tokens=["a", "b", "c", "d"], values=multi,
                             labels=["logits", "log_probs", "probs"]) +
           circuitsvis_local("circuits-vis-44445555-6666", "AttentionPattern", tokens=["a", "b"],
                             attention=[[1.0, 0.0], [0.5, 0.5]]))
expect("circuitsvis_local.html", [{"name": "visualisation 0: colored tokens", "tokens": ["a", "b", "c", "d"],
                                   "channels": [[label, bits(multi[:, k])]
                                                for k, label in enumerate(["logits", "log_probs", "probs"])]},
                                  # its attention, no channel (tests/core/attention_test.cpp reads patterns)
                                  {"name": "visualisation 1: attention pattern", "tokens": ["a", "b"], "channels": []}])

# [SECTION] GLTR: backend/api.py check_probabilities' payload, wrapped by server.py analyze as
# {"request": {"project", "text"}, "result": payload}; the demo files (client/dist/demo/*.json)
# are that response, indented by 2. real_topk probabilities are rounded to 5 places.
bpe = ["<|endoftext|>", "How", "Ġmuch", "Ġwood", "Ċ"]
real_topk = [[60, 0.0021], [2, 0.04396], [170, 0.00034], [1, 0.5]]
pred_topk = [[["Ċ", 0.0623], ["The", 0.0377]], [["Ġmany", 0.4]], [["Ġtime", 0.2], ["Ġwood", 0.1]], [["Ċ", 0.9]]]
write_text("gltr_response.json", json.dumps({"request": {"project": "new", "text": "How much wood\n"},
                                              "result": {"bpe_strings": bpe, "pred_topk": pred_topk,
                                                         "real_topk": real_topk}}, indent=2))
expect("gltr_response.json", [{"name": "GLTR", "tokens": ["<|endoftext|>", "How", " much", " wood", "\n"],
                               "channels": [["rank", bits([np.nan] + [r for r, _ in real_topk])],
                                            ["probability", bits([np.nan] + [p for _, p in real_topk])]],
                               "top_k": [[], [["\n", 0.0623], ["The", 0.0377]], [[" many", 0.4]],
                                         [[" time", 0.2], [" wood", 0.1]], [["\n", 0.9]]]}])

# [SECTION] NeuronRecord: neuron-explainer's fast_dataclasses.dumps is orjson.dumps (compact, NaN
# as null), each dataclass with its "dataclass_name"; NeuronRecord's defaults leave
# random_sample_by_quantile and quantile_boundaries None and mean...kurtosis NaN
# (neuron_explainer/activations/activations.py).
record = lambda tokens, acts: {"dataclass_name": "ActivationRecord", "tokens": tokens, "activations": acts}
write_text("neuron_record.json", json.dumps({
    "dataclass_name": "NeuronRecord",
    "neuron_id": {"dataclass_name": "NeuronId", "layer_index": 5, "neuron_index": 131},
    "random_sample": [record(["a", "b"], [0.0, 1.5])],
    "random_sample_by_quantile": None, "quantile_boundaries": None,
    "mean": None, "stddev": None, "skewness": None, "kurtosis": None,
    "most_positive_activation_records": [record(["c", "d", "e"], [3.0, None, -1.0])]}, separators=(",", ":")))
expect("neuron_record.json", [  # the most positive records first
    {"name": "most_positive_activation_records[0]", "tokens": ["c", "d", "e"],
     "channels": [["activation", bits([3.0, np.nan, -1.0])]]},
    {"name": "random_sample[0]", "tokens": ["a", "b"], "channels": [["activation", bits([0.0, 1.5])]]}])

# [SECTION] Python's json.dump defaults: bare NaN, Infinity, -Infinity, in JSON and JSONL; a
# sequence with both "values" and "channels"; sequences from two tokenizers in one file.
write_text("python_nan.json", json.dumps({"tokens": ["a", "b", "c", "d"], "values": [1.0, math.nan, math.inf, -math.inf],
                                          "channels": {"other": [0.5, 0.25, math.nan, 2.0]}}))
expect("python_nan.json", [{"name": "sequence 0", "tokens": ["a", "b", "c", "d"],
                            "channels": [["value", bits([1.0, np.nan, np.inf, -np.inf])],
                                         ["other", bits([0.5, 0.25, np.nan, 2.0])]]}])
write_text("python_nan.jsonl", "\n".join(json.dumps({"tokens": ["x", "y"], "values": [v, 1.0]})
                                         for v in [math.nan, -math.inf]) + "\n")
expect("python_nan.jsonl", [{"name": f"line {n + 1}", "tokens": ["x", "y"], "channels": [["value", bits([v, 1.0])]]}
                            for n, v in enumerate([np.nan, -np.inf])])
write_text("two_tokenizers.json", json.dumps({"sequences": [
    {"name": "gpt2", "tokens": ["Hello", "Ġworld", "Ċ"], "values": [1, 2, 3]},
    {"name": "decoded", "tokens": ["Hello", " world", "\n"], "values": [1, 2, 3]},
    {"name": "sentencepiece", "tokens": ["▁Hello", "▁world", "<0x0A>"], "values": [1, 2, 3]}]}))
expect("two_tokenizers.json", [{"name": name, "tokens": tokens, "channels": [["value", bits([1, 2, 3])]]}
                               for name, tokens in [("gpt2", ["Hello", " world", "\n"]), ("decoded", ["Hello", " world", "\n"]),
                                                    ("sentencepiece", [" Hello", " world", "\n"])]])

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
