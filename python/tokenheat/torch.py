"""tokenheat.torch.watch(): a torch model's activations, read by forward hooks, streamed to the
viewer token by token as a generation loop makes the tokens.

    import tokenheat.torch
    channels = {"L0 n17": ("blocks.0.act", 17), "L0 mean": ("blocks.0.act", "mean")}
    with tokenheat.torch.watch(model, channels, logits="unembed", vocabulary=VOCAB) as watcher:
        watcher.step(ids[0])                      # the prompt, before the model reads it
        for _ in range(40):
            logits = model(ids)                   # the hooks keep what each channel reads
            next_id = logits[0, -1].softmax(-1).multinomial(1)
            watcher.step(next_id)                 # the token, with its log-probability; the tokens
            ids = torch.cat([ids, next_id[None]], 1)  # the model read get their activations

A channel reads one module's output, [batch, positions, ...] (the first of a tuple), at each
position of the batch's first row: one neuron (an index into the features, flattened) or a
reduction over all of them ("mean", "max" or "norm", the L2 norm). A forward pass gives the
activations of the tokens it reads, so each token's activations reach the viewer (an ``update``)
at the step after the one that appended it; the last token's come with close() after one more
forward pass. With or without a key-value cache: the hooks read the positions not measured yet,
at the end of the output.

Token ids go to the viewer as ids into ``vocabulary``, the tokenizer's own strings (Ġ, ▁, ##
spellings decoded by the viewer, as in files); texts (str) need no vocabulary. The watcher is also
a Hugging Face streamer: ``model.generate(**inputs, streamer=watcher)`` calls put() with the prompt
and then each new token, and end().

Tensors are read through their own methods: this module never imports torch itself, so its name
does not hide the real one.
"""

from __future__ import annotations

import operator

from ._io import _is_sequence, _plain
from .stream import connect

REDUCTIONS = {
    "mean": lambda rows: rows.mean(-1),
    "max": lambda rows: rows.amax(-1),
    "norm": lambda rows: rows.norm(dim=-1),
}


def _readings(modules, neuron, reduce):
    """{channel name: (module name, neuron index or reduction name)} from watch()'s arguments."""
    default = reduce if neuron is None else neuron
    if isinstance(modules, str):
        modules = [modules]
    if hasattr(modules, "items"):
        readings = {channel: (spec, default) if isinstance(spec, str) else tuple(spec)
                    for channel, spec in modules.items()}
    else:
        suffix = f"[{neuron}]" if neuron is not None else f" {reduce}"
        readings = {f"{module}{suffix}": (module, default) for module in modules}
    for channel, (module, what) in readings.items():
        if isinstance(what, str) and what not in REDUCTIONS:
            raise ValueError(f"channel {channel!r}: reduction {what!r} is not one of {', '.join(REDUCTIONS)}")
        if not isinstance(what, str) and operator.index(what) < 0:
            raise ValueError(f"channel {channel!r}: neuron {what} is negative")
    if not readings:
        raise ValueError("watch() needs at least one module to read")
    return readings


def _read(rows, what):
    """One channel's value at each position of rows [positions, features]."""
    return REDUCTIONS[what](rows) if isinstance(what, str) else rows[:, what]


def _flatten_tokens(tokens):
    """One token or several (a prompt; a [1, positions] batch of one too) as a list of str or of int."""
    tokens = _plain(tokens)
    if not _is_sequence(tokens):
        tokens = [tokens]
    if len(tokens) == 1 and _is_sequence(_plain(tokens[0])):
        tokens = _plain(tokens[0])
    if all(isinstance(token, str) for token in tokens):
        return list(tokens)
    try:
        return [operator.index(token) for token in tokens]
    except TypeError:
        raise ValueError(f"tokens must be str or int ids, got {tokens!r}") from None


class Watcher:
    """The handle watch() returns: step() (or put()) with each token, then close(). A context
    manager: leaving the ``with`` closes it. ``.stream`` and ``.sequence`` say where it sends."""

    def __init__(self, model, readings, stream, sequence, logits, vocabulary, encoding, owns_stream):
        self.stream = stream
        self.sequence = stream.sequence if sequence is None else sequence
        self._readings = readings
        self._owns_stream = owns_stream
        self._latest = {}        # channel: its values at the positions the last forward pass read
        self._logprobs = None    # log-softmax of the logits at the last position of the last forward pass
        self._appended = 0       # tokens sent
        self._measured = 0       # tokens sent with their activations
        self._closed = False
        modules = {name: model.get_submodule(name) for name, _ in readings.values()}
        if logits is not None:
            logits_module = model.get_submodule(logits)
        if vocabulary is not None:
            stream.vocabulary(vocabulary, encoding)
        self._vocabulary = vocabulary is not None
        stream.open(self.sequence, [*readings, *(["logprob"] if logits is not None else [])])
        self._hooks = [module.register_forward_hook(self._hook(name)) for name, module in modules.items()]
        if logits is not None:
            self._hooks.append(logits_module.register_forward_hook(self._keep_logprobs))

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def _hook(self, module_name):
        channels = [(channel, what) for channel, (module, what) in self._readings.items() if module == module_name]

        def read(module, inputs, output):
            pending = self._appended - self._measured
            if pending == 0:
                return
            if isinstance(output, tuple):
                output = output[0]
            if output.dim() < 3:
                raise ValueError(f"tokenheat.torch.watch: {module_name} returned a tensor of shape "
                                 f"{tuple(output.shape)}; channels read [batch, positions, ...] outputs")
            last = output[0, -pending:].detach()
            rows = last.reshape(last.shape[0], -1).float()
            for channel, what in channels:
                self._latest[channel] = _read(rows, what).cpu()
        return read

    def _keep_logprobs(self, module, inputs, output):
        if isinstance(output, tuple):
            output = output[0]
        self._logprobs = output[0].detach().reshape(-1, output.shape[-1])[-1].float().log_softmax(-1)

    def _send_activations(self):
        """The activations the last forward pass read, for the tokens sent without them."""
        if not self._latest:
            return
        measured = len(next(iter(self._latest.values())))
        self.stream.update(self._appended - measured, self._latest, sequence=self.sequence)
        self._latest = {}
        self._measured = self._appended

    def step(self, tokens, logprob=None):
        """Appends tokens to the sequence, and sends the activations the forward pass since the
        last step read for the tokens before them.

        tokens: a token's id (an int, or a tensor of one) or text (str), or several (a prompt:
            a list, a 1-D tensor, or a [1, positions] batch of one). Ids need watch()'s vocabulary.
        logprob: the token's log-probability (a number or a tensor of one; a list for several).
            Left out, with watch(logits=...), a single id gets its own from the last forward
            pass's logits at the last position; else no value.
        """
        tokens = _flatten_tokens(tokens)
        ids = bool(tokens) and isinstance(tokens[0], int)
        if ids and not self._vocabulary:
            raise ValueError("token ids need watch(vocabulary=...), the tokenizer's strings id by id; or send str")
        self._send_activations()
        if logprob is None and self._logprobs is not None and ids and len(tokens) == 1:
            logprob = self._logprobs[tokens[0]]
        self._logprobs = None
        values = None if logprob is None else {"logprob": logprob}
        if ids:
            self.stream.append(values=values, sequence=self.sequence, ids=tokens)
        else:
            self.stream.append(tokens, values, sequence=self.sequence)
        self._appended += len(tokens)

    def put(self, value):
        """step(value): Hugging Face's generate() calls it with the prompt's input_ids, then each token."""
        self.step(value)

    def end(self):
        """close(): Hugging Face's generate() calls it when it is done."""
        self.close()

    def remove(self):
        """Removes the forward hooks: the model runs as before watch()."""
        for hook in self._hooks:
            hook.remove()
        self._hooks = []

    def close(self):
        """Sends the activations read since the last step (a forward pass over the last token
        gives its own), closes the sequence, removes the hooks, and closes the stream when watch()
        opened it."""
        if self._closed:
            return
        self._closed = True
        self.remove()
        try:
            self._send_activations()
            self.stream.close_sequence(self.sequence)
        finally:
            if self._owns_stream:
                self.stream.close()


def watch(model, modules, stream=None, *, sequence=None, neuron=None, reduce="mean", logits=None,
          vocabulary=None, encoding="auto"):
    """Hooks model's modules and returns a Watcher whose step(token) streams each generated token
    with the activations the model read: one channel a module's neuron or reduction, and
    "logprob".

    modules: a module name (as model.get_submodule() takes it: "blocks.0.act",
        "transformer.h.3.mlp.act"), a list of them, one channel each ("NAME[neuron]" or "NAME
        mean"), or a dict {channel name: module name, or (module name, neuron index or reduction)}.
    neuron: the neuron (index into the output's features) the listed modules' channels read;
        left out, they read reduce: "mean" (default), "max" or "norm" over the features.
    stream: a tokenheat Stream (default: tokenheat.connect(), closed with the watcher).
    sequence: the name of the sequence it opens (default: the stream's).
    logits: the module whose output is the logits ("lm_head", "unembed"): each id stepped gets
        its log-probability, channel "logprob".
    vocabulary, encoding: the tokenizer's strings id by id, sent once (Stream.vocabulary()), for
        steps with ids.
    """
    readings = _readings(modules, neuron, reduce)
    owns_stream = stream is None
    if owns_stream:
        stream = connect()
    try:
        return Watcher(model, readings, stream, sequence, logits, vocabulary, encoding, owns_stream)
    except BaseException:
        if owns_stream:
            stream.close()
        raise
