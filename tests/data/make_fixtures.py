#!/usr/bin/python3
"""Writes the binary test fixtures (.npy, .npz, safetensors) with Debian's real NumPy, so the
loaders are tested against what np.save / np.savez / np.savez_compressed actually write.
Usage: make_fixtures.py OUT_DIR"""
import json
import os
import struct
import sys
import zipfile

import numpy as np

out = sys.argv[1]
os.makedirs(os.path.join(out, "ids"), exist_ok=True)
p = lambda name: os.path.join(out, name)
nan = np.nan

# A lone .npy of float32 values, its tokens in the sidecar FILE.tokens.json.
np.save(p("values.npy"), np.array([0.5, 1.5, -2.0], dtype="<f4"))
json.dump(["Hello", " wor", "ld"], open(p("values.npy.tokens.json"), "w"))

# Every dtype and byte order, C and Fortran order, [sequences, tokens].
grid = np.array([[1, 2, 3], [4, 5, 6]])
for dtype in ["<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<i1", "<i2", ">i4", "<i8", "<u1", ">u2", "<u4", "<u8"]:
    name = dtype.replace("<", "le_").replace(">", "be_")
    np.save(p(name + ".npy"), grid.astype(dtype))
    np.save(p(name + "_fortran.npy"), np.asfortranarray(grid.astype(dtype)))

# A batch with padding: tokens <U, NaN values at the end of the shorter sequence, names, an extra
# channel named after its key, and an array of another shape that is ignored.
tokens = np.array([["The", " cat", " sat", "."], ["A", " dog", "", ""]])
values = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 2.0, nan, nan]], dtype="<f4")
np.savez(p("batch.npz"), tokens=tokens, values=values, logprob=-values,
         names=np.array(["first", "second"]), embedding=np.zeros((7, 3), dtype="<f4"))
np.savez_compressed(p("batch_compressed.npz"), tokens=tokens, values=values, logprob=-values,
                    names=np.array(["first", "second"]))
# A mask marks padding anywhere (here at the start of the second sequence); big-endian text.
np.savez(p("masked.npz"), tokens=tokens.astype(">U4"), values=values.astype(">f8"),
         mask=np.array([[1, 1, 1, 1], [0, 1, 1, 0]], dtype=bool))
# [sequences, tokens, channels] with channel names.
np.savez(p("channels.npz"), tokens=np.array(["a", "b", "c"]),
         values=np.arange(6, dtype="<f4").reshape(1, 3, 2), channel_names=np.array(["act", "attr"]))
# Token ids with a vocabulary beside the file (ids/vocab.txt).
np.savez(p("ids/ids.npz"), token_ids=np.array([[0, 1, 2, 3]], dtype="<i4"), values=np.ones((1, 4), "<f4"))
open(p("ids/vocab.txt"), "w").write("<|endoftext|>\nHello\n\u0120world\n\u010a\n")
np.savez(p("bad_id.npz"), token_ids=np.array([7], dtype="<i4"), values=np.ones(1, "<f4"))
open(p("vocab_small.txt"), "w").write("a\nb\n")

# Errors.
np.save(p("object.npy"), np.array(["a", None], dtype=object), allow_pickle=True)
np.savez(p("wrong_shape.npz"), tokens=np.array(["a", "b", "c"]), values=np.ones(4, "<f4"))
np.save(p("complex.npy"), np.ones(3, dtype=np.complex64))
raw = open(p("le_f4.npy"), "rb").read()
open(p("truncated.npy"), "wb").write(raw[:-5])
open(p("lying_header.npy"), "wb").write(raw.replace(b"(2, 3)", b"(9, 3)"))
open(p("short_header.npy"), "wb").write(raw[:20])
with zipfile.ZipFile(p("not_npz.zip"), "w") as archive:
    archive.writestr("readme.txt", "just text")
zipped = open(p("batch_compressed.npz"), "rb").read()
open(p("truncated.npz"), "wb").write(zipped[: len(zipped) // 2])
damaged = bytearray(zipped)
damaged[60:80] = b"\xff" * 20  # inside the first member's deflate stream
open(p("damaged.npz"), "wb").write(bytes(damaged))


def safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, b"", 0
    for name, (dtype, array) in tensors.items():
        data = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs, offset = blobs + data, offset + len(data)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    open(path, "wb").write(struct.pack("<Q", len(text)) + text + blobs)


safetensors(p("model.safetensors"),
            {"act": ("F32", np.array([[1, 2, 3]], "<f4")), "attr": ("F16", np.array([[0.5, 0.25, 1]], "<f2"))},
            {"tokens": json.dumps(["x", "y", "z"])})
safetensors(p("sidecar.safetensors"), {"act": ("I64", np.array([4, 5], "<i8"))})
json.dump(["p", "q"], open(p("sidecar.safetensors.tokens.json"), "w"))
safetensors(p("lying.safetensors"), {"act": ("F32", np.array([1, 2], "<f4"))})
lying = bytearray(open(p("lying.safetensors"), "rb").read())
open(p("lying.safetensors"), "wb").write(bytes(lying[:-4]))

# CSV as pandas writes it (Debian's python3-pandas): DataFrame.to_csv() puts the index first under
# an empty name; read back by read_csv, that column is "Unnamed: 0", and saving that frame again
# writes two leading index columns; reset_index() names the column "index".
import pandas as pd

frame = pd.DataFrame({"token": ["The", " cat", " sat"], "act": [0.5, 2.0, nan]})
frame.to_csv(p("pandas_index.csv"))
frame.to_csv(p("pandas_index.tsv"), sep="\t")
pd.read_csv(p("pandas_index.csv")).to_csv(p("pandas_read_back.csv"))
frame.reset_index().to_csv(p("pandas_reset_index.csv"), index=False)
# With a sequence column: the index counts the file's rows, or (frames of one sequence each,
# concatenated without ignore_index) each sequence's.
first = pd.DataFrame({"sequence": "a", "token": ["x", "y", "z"], "act": [1.0, 2.0, 3.0]})
second = pd.DataFrame({"sequence": "b", "token": ["u", "v"], "act": [4.0, 5.0]})
pd.concat([first, second], ignore_index=True).to_csv(p("pandas_sequences.csv"))
pd.concat([first, second]).to_csv(p("pandas_concat.csv"))
# An index that does not count the rows is data: a channel.
frame.set_axis([10, 20, 30]).to_csv(p("pandas_labelled.csv"))
# No token column: an error that lists the columns.
pd.DataFrame({"word": ["a", "b"], "score": [1.0, 2.0]}).to_csv(p("pandas_no_token.csv"))
