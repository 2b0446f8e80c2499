"""tokenheat.index (docs/feature-index.md) against brute force: a small store of shards in every
form it reads (dense and sparse, .npz stored and compressed, .safetensors float16, ties in the
activations), whose every statistic and selected context is recomputed here from the document's
definitions, the priority hash included; Dask's local scheduler against a real dask.distributed
cluster; a corrupt shard; --features; the command line's exit codes.

Run, from python/tests: PYTHONPATH=.. /usr/bin/python3 -m unittest -v test_index (ctest: python.index).
"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

import numpy as np

from tokenheat import index as feature_index

PYTHON_DIR = str(Path(__file__).resolve().parents[1])
SETTINGS = {"top_k": 4, "bands": 3, "per_band": 2, "random": 3, "context": 8, "histogram_bins": 5, "seed": 11}
OPTIONS = ["--top-k", "4", "--quantile-bands", "3", "--per-band", "2", "--random", "3", "--context", "8",
           "--histogram-bins", "5", "--seed", "11"]
F, V = 9, 40
MASK = (1 << 64) - 1


# [SECTION] The document's definitions, written again here (Python integers, loops)

def splitmix(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def doc_hash(key, feature, position):
    return splitmix(splitmix(splitmix(key) ^ feature) ^ position)


def doc_edges(maximum, count, fineness):
    # The cell width 2**s: the power of two in (max / (2 count f), max / (count f)], f the grid's
    # fineness (8 for the histogram, the bands' count within 8..32 for them); the unit m 2**s, m
    # the smallest integer with count m 2**s >= max.
    maximum = float(maximum)
    if maximum <= 0:
        return [np.float32(0)] * (count + 1)
    s = math.frexp(maximum / (count * fineness))[1] - 1
    m = 1
    while count * m * 2.0 ** s < maximum:
        m += 1
    assert fineness <= m <= 2 * fineness, (maximum, count, m)
    return [np.float32(b * m * 2.0 ** s) for b in range(count + 1)]


def doc_bin(value, edges):
    found = [b for b in range(len(edges) - 1) if edges[b] < value <= edges[b + 1]]
    assert len(found) == 1, (value, edges)
    return found[0]


def expected_index(store, settings, lo=0, hi=F):
    """Every array of the index, by brute force over the store's dense equivalent."""
    acts, ids, shards = store["acts"], store["ids"], store["shards"]  # shards: (offset, length)
    total = len(ids)
    top_k, bands, per_band, random_count = (settings[k] for k in ("top_k", "bands", "per_band", "random"))
    context, bins, seed = settings["context"], settings["histogram_bins"], settings["seed"]
    width = context + 1 + context // 4
    slots = top_k + bands * per_band + random_count
    count = hi - lo
    out = {
        "max": np.zeros(count, np.float32), "fires": np.zeros(count, np.int64), "density": np.zeros(count),
        "histogram_edges": np.zeros((count, bins + 1), np.float32),
        "histogram_counts": np.zeros((count, bins), np.int64),
        "band_edges": np.zeros((count, bands + 1), np.float32),
        "context_group": np.full((count, slots), -1, np.int8), "context_rank": np.full((count, slots), -1, np.int32),
        "context_position": np.full((count, slots), -1, np.int64),
        "context_shard": np.full((count, slots), -1, np.int32),
        "context_peak": np.full((count, slots), -1, np.int32),
        "context_tokens": np.full((count, slots, width), -1, np.int32),
        "context_values": np.full((count, slots, width), np.nan, np.float32),
    }

    def place(f, slot, group, rank, position):
        shard = next(s for s, (offset, length) in enumerate(shards) if offset <= position < offset + length)
        offset, length = shards[shard]
        start = max(offset, position - context)
        out["context_group"][f, slot], out["context_rank"][f, slot] = group, rank
        out["context_position"][f, slot], out["context_shard"][f, slot] = position, shard
        out["context_peak"][f, slot] = position - start
        for i in range(width):
            q = start + i
            if q < offset + length:
                out["context_tokens"][f, slot, i] = ids[q]
                out["context_values"][f, slot, i] = acts[q, lo + f]

    for f in range(count):
        feature = lo + f
        firing = [(p, acts[p, feature]) for p in range(total) if acts[p, feature] > 0]
        maximum = max((v for _, v in firing), default=np.float32(0))
        out["max"][f], out["fires"][f], out["density"][f] = maximum, len(firing), len(firing) / total
        out["histogram_edges"][f] = histogram = doc_edges(maximum, bins, 8)
        out["band_edges"][f] = band_edges = doc_edges(maximum, bands, min(max(8, bands), 32))
        if maximum > 0 and bands <= 32:
            assert band_edges[-2] < maximum <= band_edges[-1]  # the top band holds the max
        for _, v in firing:
            out["histogram_counts"][f, doc_bin(v, histogram)] += 1
        for rank, (_, p) in enumerate(sorted((-v, p) for p, v in firing)[:top_k]):
            place(f, rank, 0, rank, p)
        for b in range(bands):
            members = [p for p, v in firing if band_edges[b] < v <= band_edges[b + 1]]
            chosen = sorted((doc_hash(2 * seed, feature, p), p) for p in members)[:per_band]
            for rank, (_, p) in enumerate(chosen):
                place(f, top_k + b * per_band + rank, 1 + b, rank, p)
        chosen = sorted((doc_hash(2 * seed + 1, feature, p), p) for p, _ in firing)[:random_count]
        for rank, (_, p) in enumerate(chosen):
            place(f, top_k + bands * per_band + rank, bands + 1, rank, p)
    return out


# [SECTION] The store

def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, (dtype, array) in tensors.items():
        blob = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = metadata
    encoded = json.dumps(header).encode()
    Path(path).write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def make_store(folder):
    """Six shards; returns their names and the corpus as dense float32 [tokens, F] with its ids."""
    rng = np.random.default_rng(7)
    levels = np.array([-0.5, 0, 0, 0, 0.25, 0.5, 0.5, 1.0, 1.5, 3.0], np.float32)  # ties everywhere

    def dense(length):
        values = rng.choice(levels, size=(length, F)) * (1 + np.arange(F, dtype=np.float32) / 4)
        values[:, 0] = np.minimum(values[:, 0], 0)  # feature 0 never fires
        values[:, 1] = np.where(np.arange(length) == length // 2, 2.0, -1.0)  # fires once a shard
        values[:, 2] = np.abs(values[:, 2]) + 0.125  # fires everywhere
        return values.astype(np.float32)

    def sparse(length, k, spike=False):
        indices = rng.integers(-1, F, size=(length, k))
        values = rng.choice(levels, size=(length, k)).astype(np.float32)
        indices[:, 0] = np.where(indices[:, 0] == 0, 3, indices[:, 0])
        indices[::5, 1] = indices[::5, 0]      # a feature listed twice for a token: the values add up
        indices[indices == 0] = 4              # feature 0 never fires
        values[np.arange(length) % 7 == 3] = 0  # value 0: no entry
        if spike:                              # feature 8's top, in a shard shorter than a window
            indices[1, 2], values[1, 2] = 8, 50.0
        equivalent = np.zeros((length, F), np.float32)
        for t in range(length):
            for j in range(k):
                if indices[t, j] >= 0 and values[t, j] != 0:
                    equivalent[t, indices[t, j]] += values[t, j]
        return indices, values, equivalent

    vocabulary = np.array([f"w{i}" if i % 3 else f"\u0120tok{i}" for i in range(V)])
    names = np.array([f"feature {i}" for i in range(F)])
    parts, shards = [], []

    ids = rng.integers(0, V, 150).astype(np.int32)
    a = dense(150)
    np.savez(folder / "a.npz", token_ids=ids, features=a, vocabulary=vocabulary, feature_names=names)
    parts.append((ids, a))

    ids = rng.integers(0, V, 7)
    indices, values, b = sparse(7, 3, spike=True)  # shorter than a window
    np.savez(folder / "b.npz", input_ids=ids, feature_indices=indices, feature_values=values)
    parts.append((ids, b))

    ids = rng.integers(0, V, 120).astype(np.int64)
    indices, values, c = sparse(120, 4)
    np.savez(folder / "c.npz", ids=ids, feature_indices=indices.astype(np.int32), feature_values=values)
    parts.append((ids, c))

    ids = rng.integers(0, V, 90).astype(np.int32)
    d = dense(90).astype(np.float16)
    write_safetensors(folder / "d.safetensors", {"input_ids": ("I32", ids), "activations": ("F16", d)},
                      {"vocabulary": json.dumps(vocabulary.tolist())})
    parts.append((ids, d.astype(np.float32)))

    ids = rng.integers(0, V, 60).astype(np.int16)
    e = dense(60).astype(np.float64) / 3  # rounded to float32 by the build
    np.savez_compressed(folder / "e.npz", ids=ids, features=e)
    parts.append((ids, e.astype(np.float32)))

    ids = rng.integers(0, V, 40)
    f = dense(40)  # exact in bfloat16 (a few significant bits each)
    bfloat16 = (f.view(np.uint32) >> 16).astype(np.uint16)
    assert ((bfloat16.astype(np.uint32) << 16).view(np.float32) == f).all()
    write_safetensors(folder / "f.safetensors", {"activations": ("BF16", bfloat16)},
                      {"tokens": json.dumps(vocabulary[ids].tolist())})  # text, looked up in the vocabulary
    parts.append((ids, f))

    offset = 0
    for part_ids, _ in parts:
        shards.append((offset, len(part_ids)))
        offset += len(part_ids)
    return {"names": [str(folder / n) for n in ("a.npz", "b.npz", "c.npz", "d.safetensors", "e.npz", "f.safetensors")],
            "ids": np.concatenate([p[0].astype(np.int64) for p in parts]),
            "acts": np.concatenate([p[1] for p in parts]), "shards": shards, "vocabulary": vocabulary,
            "feature_names": names}


def damaged_shard(out):
    """A savez_compressed shard with the second half of its features' deflated bytes scrambled:
    its headers read (the first few KB inflate), its data does not."""
    rng = np.random.default_rng(5)
    np.savez_compressed(out, ids=rng.integers(0, V, 3000), features=rng.random((3000, F)))
    raw = bytearray(Path(out).read_bytes())
    with zipfile.ZipFile(out) as archive:
        member = archive.getinfo("features.npy")
        name_length, extra_length = struct.unpack_from("<HH", raw, member.header_offset + 26)
        data = member.header_offset + 30 + name_length + extra_length
        for i in range(data + member.compress_size // 2, data + member.compress_size - 8):
            raw[i] ^= 0x5A
    Path(out).write_bytes(bytes(raw))
    return out


def load(path):
    with np.load(path) as npz:
        return {key: npz[key] for key in npz.files}


def run_cli(*args, cwd=None):
    environment = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tokenheat.index", *map(str, args)], capture_output=True, text=True,
                          env=environment, cwd=cwd)


class IndexTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="tokenheat-index-")
        cls.tmp = Path(cls.directory.name)
        (cls.tmp / "store").mkdir()
        cls.store = make_store(cls.tmp / "store")
        cls.index_path = cls.tmp / "index.npz"
        feature_index.build(cls.store["names"], cls.index_path, partition_tokens=32, progress=False, **cls.build_args())
        cls.index = load(cls.index_path)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    @staticmethod
    def build_args():
        return dict(SETTINGS)  # build()'s keywords are the settings' keys

    def assertSameIndex(self, first, second, what):
        self.assertEqual(sorted(first), sorted(second), what)
        for key in first:
            a, b = first[key], second[key]
            self.assertEqual((a.dtype, a.shape), (b.dtype, b.shape), f"{what}: {key}")
            if a.dtype.kind == "f":
                a, b = a.view(f"u{a.dtype.itemsize}"), b.view(f"u{b.dtype.itemsize}")  # bits, NaN included
            np.testing.assert_array_equal(a, b, err_msg=f"{what}: {key}")

    def test_every_statistic_and_context_is_the_brute_force_ones(self):
        index, store = self.index, self.store
        width = SETTINGS["context"] + 1 + SETTINGS["context"] // 4
        slots = SETTINGS["top_k"] + SETTINGS["bands"] * SETTINGS["per_band"] + SETTINGS["random"]
        layout = {"format": ("U", ()), "vocabulary": ("U", (V,)), "feature_ids": ("int64", (F,)),
                  "feature_labels": ("U", (F,)), "max": ("float32", (F,)), "density": ("float64", (F,)),
                  "fires": ("int64", (F,)), "histogram_edges": ("float32", (F, 6)),
                  "histogram_counts": ("int64", (F, 5)), "band_edges": ("float32", (F, 4)),
                  "context_group": ("int8", (F, slots)), "context_rank": ("int32", (F, slots)),
                  "context_position": ("int64", (F, slots)), "context_shard": ("int32", (F, slots)),
                  "context_tokens": ("int32", (F, slots, width)), "context_values": ("float32", (F, slots, width)),
                  "context_peak": ("int32", (F, slots)), "shards": ("U", (6,)), "tokens_total": ("int64", ()),
                  "settings": ("U", ())}
        self.assertEqual(sorted(index), sorted(layout))
        for key, (dtype, shape) in layout.items():
            self.assertEqual(index[key].shape, shape, key)
            if dtype == "U":
                self.assertEqual(index[key].dtype.kind, "U", key)
            else:
                self.assertEqual(index[key].dtype, np.dtype(dtype), key)
        self.assertEqual(str(index["format"]), "tokenheat-feature-index-1")
        self.assertEqual(json.loads(str(index["settings"])), SETTINGS)
        self.assertEqual(index["vocabulary"].tolist(), store["vocabulary"].tolist())
        self.assertEqual(index["feature_labels"].tolist(), store["feature_names"].tolist())
        self.assertEqual(index["feature_ids"].tolist(), list(range(F)))
        self.assertEqual(index["shards"].tolist(), store["names"])
        self.assertEqual(int(index["tokens_total"]), len(store["ids"]))

        expected = expected_index(store, SETTINGS)
        for key, value in expected.items():
            actual = index[key]
            if value.dtype.kind == "f":
                actual, value = actual.view(f"u{actual.dtype.itemsize}"), value.view(f"u{value.dtype.itemsize}")
            np.testing.assert_array_equal(actual, value, err_msg=key)

        # What the store was made to hold is there: ties, a feature that never fires, windows
        # shifted at a shard's start and cut at its end, every group used, each peak its value.
        self.assertEqual((index["max"][0], index["fires"][0]), (0, 0))
        self.assertTrue((index["context_group"][0] == -1).all())
        top_values = store["acts"][index["context_position"][5, :4], 5]
        self.assertEqual(len(set(top_values.tolist())), 1, "a tie at the top, broken by position")
        self.assertTrue((np.diff(index["context_position"][5, :4]) > 0).all())
        peaks = index["context_peak"]
        self.assertTrue(((peaks >= 0) & (peaks < SETTINGS["context"])).any(), "a window shifted at a shard's start")
        self.assertTrue((index["context_tokens"][:, :, -1] == -1).any(), "a window cut at a shard's end")
        self.assertEqual(set(np.unique(index["context_group"]).tolist()), {-1, 0, 1, 2, 3, 4})
        filled = index["context_group"] >= 0
        f, c = np.nonzero(filled)
        np.testing.assert_array_equal(index["context_values"][f, c, peaks[f, c]],
                                      store["acts"][index["context_position"][f, c], f])
        self.assertEqual((index["context_shard"][8, 0], index["context_position"][8, 0], peaks[8, 0]), (1, 151, 1))
        self.assertEqual(index["context_tokens"][8, 0, 7:].tolist(), [-1] * 4)  # the 7-token shard's window

    def test_blocks_and_bars_raised_at_every_block_give_the_same_index(self):
        # A task reads its partition in blocks of rows, counts its histogram's cells a batch at a
        # time and cuts what it kept (raising the bars later entries must pass) once enough came
        # in: blocks of a row or two, cut at once or every few blocks, band windows two features
        # at a time, coarsening the cells and bars as a feature's max grows block by block, give
        # the brute force's index too.
        names = ("CHUNK_ENTRIES", "SETTLE_ENTRIES", "FLUSH_ENTRIES", "WINDOW_FEATURES")
        saved = [getattr(feature_index, name) for name in names]
        try:
            for chunk, settle, flush in ((7, 1, 1), (7, 40, 5), (30, 200, 64)):
                for name, value in zip(names, (chunk, settle, flush, 2)):
                    setattr(feature_index, name, value)
                for settings in (SETTINGS, dict(SETTINGS, histogram_bins=8, per_band=1)):
                    out = self.tmp / "blocks.npz"
                    feature_index.build(self.store["names"], out, progress=False, **settings)
                    index = load(out)
                    for key, value in expected_index(self.store, settings).items():
                        actual = index[key]
                        if value.dtype.kind == "f":
                            actual, value = actual.view(f"u{actual.dtype.itemsize}"), value.view(f"u{value.dtype.itemsize}")
                        np.testing.assert_array_equal(actual, value, err_msg=f"{chunk, settle, flush}, {settings}: {key}")
        finally:
            for name, value in zip(names, saved):
                setattr(feature_index, name, value)

    def test_a_max_that_grows_late_coarsens_the_cells_and_bars_it_has(self):
        # Features whose max grows many times over after their bars stand (small values first,
        # then ever larger ones): the cells and bars coarsened as it grows keep what the brute
        # force chooses, and their exact coarsening (a coarse cell's bar the smallest of its
        # cells') is what _coarsen_bars gives.
        folder = self.tmp / "growing"
        folder.mkdir()
        rng = np.random.default_rng(11)
        n = 900
        scale = np.where(np.arange(n) < 600, 1.0, 2.0 ** ((np.arange(n) - 600) // 30))[:, None]
        acts = (rng.uniform(0.001, 1.0, (n, 3)) * scale).astype(np.float32)
        acts[rng.uniform(size=(n, 3)) < 0.3] = 0
        ids = rng.integers(0, V, n).astype(np.int32)
        vocabulary = np.array([f"w{i}" for i in range(V)])
        np.savez(folder / "grow.npz", token_ids=ids, features=acts, vocabulary=vocabulary)
        store = {"ids": ids.astype(np.int64), "acts": acts, "shards": [(0, n)]}
        names = ("CHUNK_ENTRIES", "SETTLE_ENTRIES", "FLUSH_ENTRIES")
        saved = [getattr(feature_index, name) for name in names]
        try:
            for name, value in zip(names, (6, 30, 6)):
                setattr(feature_index, name, value)
            settings = dict(SETTINGS, per_band=3)
            feature_index.build([folder / "grow.npz"], folder / "index.npz", progress=False, **settings)
            index = load(folder / "index.npz")
            for key, value in expected_index(store, settings, 0, 3).items():
                actual = index[key]
                if value.dtype.kind == "f":
                    actual, value = actual.view(f"u{actual.dtype.itemsize}"), value.view(f"u{value.dtype.itemsize}")
                np.testing.assert_array_equal(actual, value, err_msg=key)
        finally:
            for name, value in zip(names, saved):
                setattr(feature_index, name, value)
        bars = rng.integers(0, 1 << 62, (3, 16)).astype(np.uint64)
        bars[0, 5] = (1 << 64) - 1
        coarse = bars.copy()
        feature_index._coarsen_bars(coarse, np.array([4, 4, feature_index.NO_GRID]), np.array([5, 6, 3]))
        np.testing.assert_array_equal(coarse[0, :8], np.minimum(bars[0, 0::2], bars[0, 1::2]))
        np.testing.assert_array_equal(coarse[1, :4], bars[1].reshape(4, 4).min(axis=1))
        np.testing.assert_array_equal(coarse[2], bars[2])  # never fired: as it was
        self.assertTrue((coarse[:2, 8:] == np.uint64((1 << 64) - 1)).all() and (coarse[1, 4:] == coarse[1, 15]).all())

    def test_the_partitioning_and_a_distributed_cluster_give_the_same_index(self):
        from distributed import LocalCluster

        whole = self.tmp / "whole.npz"
        feature_index.build(self.store["names"], whole, progress=False, **self.build_args())
        self.assertSameIndex(load(whole), self.index, "one partition a shard")

        old = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = PYTHON_DIR + (os.pathsep + old if old else "")  # the workers import tokenheat
        try:
            with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
                distributed = self.tmp / "distributed.npz"
                feature_index.build(self.store["names"], distributed, partition_tokens=32, progress=False,
                                    scheduler=cluster.scheduler_address, **self.build_args())
                # A shard failing on a worker is named as on the local scheduler.
                damaged = damaged_shard(self.tmp / "damaged-remote.npz")
                with self.assertRaises(feature_index.ShardError) as caught:
                    feature_index.build([self.store["names"][0], damaged], self.tmp / "never.npz", progress=False,
                                        scheduler=cluster.scheduler_address)
                self.assertEqual(caught.exception.shard, str(damaged))
                self.assertFalse((self.tmp / "never.npz").exists())
        finally:
            if old is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = old
        self.assertSameIndex(load(distributed), self.index, "dask.distributed")

    def test_features_a_to_b_are_the_whole_index_sliced_and_the_cli_writes_it(self):
        out = self.tmp / "some.npz"
        result = run_cli("build", *self.store["names"], "-o", out, *OPTIONS, "--features", "3:7")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("\r", result.stderr)  # not a terminal: plain lines
        self.assertIn("tokenheat.index: pass: done, 6 shards, 467 tokens in ", result.stderr)
        self.assertIn("tokenheat.index: windows: done, ", result.stderr)
        some = load(out)
        self.assertEqual(some["feature_ids"].tolist(), [3, 4, 5, 6])
        for key, value in self.index.items():
            if value.ndim and value.shape[0] == F and key not in ("vocabulary",):
                value = value[3:7]
            if value.dtype.kind == "f":
                np.testing.assert_array_equal(some[key].view("u%d" % value.dtype.itemsize),
                                              value.view("u%d" % value.dtype.itemsize), err_msg=key)
            else:
                np.testing.assert_array_equal(some[key], value, err_msg=key)
        expected = expected_index(self.store, SETTINGS, 3, 7)
        np.testing.assert_array_equal(some["context_position"], expected["context_position"])

    def test_a_corrupt_shard_is_named_and_leaves_nothing(self):
        folder = self.tmp / "corrupt"
        folder.mkdir()
        bad = folder / "bad.npz"
        bad.write_bytes(b"PK\x03\x04 this is not a zip file at all" * 10)
        out = folder / "index.npz"
        result = run_cli("build", *self.store["names"][:2], bad, "-o", out)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertTrue(result.stderr.endswith("\n") and result.stderr.count("tokenheat.index: error:") == 1)
        self.assertRegex(result.stderr.splitlines()[-1], "^tokenheat.index: error: " + str(bad) + ": not an .npz")
        self.assertEqual(sorted(os.listdir(folder)), ["bad.npz"])

        # A compressed member whose bytes are damaged reads as an .npz (its header is fine) and
        # fails in its task, in the middle of a build, before anything is written.
        damaged = damaged_shard(folder / "damaged.npz")
        out.write_bytes(b"an older index")
        with self.assertRaises(feature_index.ShardError) as caught:
            feature_index.build([*self.store["names"][:4], damaged], out, progress=False)
        self.assertEqual(caught.exception.shard, str(damaged))
        self.assertRegex(caught.exception.why, "^(zlib.error|zipfile.BadZipFile): ")  # in its task
        self.assertEqual(out.read_bytes(), b"an older index")
        self.assertEqual(sorted(os.listdir(folder)), ["bad.npz", "damaged.npz", "index.npz"])

    def test_an_infinite_activation_is_named_at_its_token_in_its_shard(self):
        # Dense and sparse, after a shard of 150 tokens and at a partition's second block: the
        # first infinite activation is named by its shard, feature and token within that shard.
        folder = self.tmp / "infinite"
        folder.mkdir()
        dense = np.ones((40, F), np.float32)
        dense[37, 2] = dense[38, 1] = np.inf
        np.savez(folder / "dense.npz", token_ids=np.zeros(40, np.int32), features=dense)
        indices = np.tile(np.array([[0, 1]], np.int32), (40, 1))  # (a dictionary of F: features 0 and 1 here)
        values = np.ones((40, 2), np.float32)
        values[23, 1] = np.inf
        np.savez(folder / "sparse.npz", token_ids=np.zeros(40, np.int32), feature_indices=indices,
                 feature_values=values)
        saved = feature_index.CHUNK_ENTRIES
        try:
            feature_index.CHUNK_ENTRIES = 30
            for shard, why in (("dense.npz", "feature 2 is infinite at token 37"),
                               ("sparse.npz", "feature 1 is infinite at token 23")):
                with self.assertRaises(feature_index.ShardError) as caught:
                    feature_index.build([self.store["names"][0], folder / shard], folder / "index.npz",
                                        vocabulary=[f"w{i}" for i in range(V)], partition_tokens=32, progress=False)
                self.assertEqual((caught.exception.shard, caught.exception.why), (str(folder / shard), why))
                self.assertFalse((folder / "index.npz").exists())
        finally:
            feature_index.CHUNK_ENTRIES = saved

    def test_the_cells_nest_and_bound_the_bins(self):
        # For any max: f <= m <= 2f, count m 2**s reaches the max and (m - 1) does not, the max's
        # cell is below the grid's cells, a cell of 2**s lies in cell k >> d of 2**(s + d), and
        # edges rise to at most 1/f of the max above it.
        rng = np.random.default_rng(5)
        maxima = np.concatenate([rng.uniform(0, 1, 2000).astype(np.float32) * np.float32(10) ** rng.integers(-30, 30, 2000),
                                 np.float32([1, 2, 0.5, 1e-38, 1e-45, 3.4e38, 10, 32, 96, 0])]).astype(np.float32)
        fired = maxima > 0
        for grid in (feature_index.histogram_grid(32), feature_index.band_grid(10), feature_index.band_grid(3),
                     feature_index.band_grid(126), feature_index.Grid(1, 8)):
            s = grid.exponents(maxima)
            m = grid.units(maxima, s)
            what = (grid.count, grid.fineness)
            self.assertTrue(((m[fired] >= grid.fineness) & (m[fired] <= 2 * grid.fineness)).all(), what)
            self.assertTrue((s[~fired] == feature_index.NO_GRID).all() and (m[~fired] == 0).all())
            self.assertTrue((np.ldexp(m[fired].astype(np.float64) * grid.count, s[fired]) >= maxima[fired]).all())
            self.assertTrue((np.ldexp((m[fired] - 1).astype(np.float64) * grid.count, s[fired]) < maxima[fired]).all())
            k = feature_index.cells(maxima[fired], feature_index.scales(s[fired]))
            self.assertTrue(((k >= 0) & (k < grid.cells)).all(), what)
            if grid.count <= grid.fineness:  # the top part holds the max
                self.assertTrue((grid.parts(maxima[fired], s[fired], k) == grid.count - 1).all(), what)
            values = (maxima[fired] * rng.uniform(0, 1, fired.sum())).astype(np.float32)
            values = values[values > 0]
            s_values = grid.exponents(values)
            for d in (1, 2, 7):
                np.testing.assert_array_equal(feature_index.cells(values, feature_index.scales(s_values + d)),
                                              feature_index.cells(values, feature_index.scales(s_values)) >> d)
            normal = (maxima > 1e-30) & (maxima < 1e38)  # edges of float32's extremes round to 0 or overflow
            edges = grid.edges(maxima[normal])
            self.assertTrue((np.diff(edges, axis=1) > 0).all(), what)
            top = maxima[normal].astype(np.float64)
            self.assertTrue((edges[:, -1] >= top).all() and (edges[:, -1] <= top * (1 + 1 / grid.fineness)).all())

    def test_band_samples_keep_what_a_window_inside_a_band_may_choose(self):
        # An entry may be chosen for its band only when it is among the `limit` smallest
        # priorities of the w = (f + 1) // 2 cells ending or starting at its cell: _band_samples
        # keeps exactly those (by brute force here), whatever the block of features it is in.
        rng = np.random.default_rng(9)
        grid = feature_index.band_grid(10)
        w, limit = (grid.fineness + 1) // 2, 3
        saved = feature_index.WINDOW_FEATURES
        try:
            feature_index.WINDOW_FEATURES = 2
            n = 4000
            features = rng.integers(0, 5, n)
            maxima = np.float32([1.0, 3.0, 0.5, 100.0, 2.0])
            values = (maxima[features] * rng.uniform(0.001, 1, n) ** 3).astype(np.float32)
            table = {"feature": features, "position": np.arange(n, dtype=np.int64), "value": values,
                     "priority": rng.integers(0, 1 << 62, n).astype(np.uint64)}
            kept, present, bars = feature_index._band_samples(dict(table), maxima, grid, limit)
            cell = feature_index.cells(values, feature_index.scales(grid.exponents(maxima))[features])
            expected = set()
            for i in range(n):
                for first in (cell[i] - w + 1, cell[i]):
                    rivals = (features == features[i]) & (cell >= first) & (cell < first + w)
                    if np.sum(table["priority"][rivals] < table["priority"][i]) < limit:
                        expected.add(i)
            self.assertEqual(sorted(kept["position"].tolist()), sorted(expected))
            self.assertEqual(present.tolist(), [0, 1, 2, 3, 4])
            for f in range(5):  # each cell's bar: the larger of its two windows' limit-th priority
                for c in range(grid.cells):
                    sides = []
                    for first in (c - w + 1, c):
                        inside = np.sort(table["priority"][(features == f) & (cell >= first) & (cell < first + w)])
                        sides.append(int(inside[limit - 1]) if len(inside) >= limit else (1 << 64) - 1)
                    self.assertEqual(int(bars[f, c]), max(sides), (f, c))
        finally:
            feature_index.WINDOW_FEATURES = saved

    def test_the_command_lines_exit_codes(self):
        names = self.store["names"]
        out = self.tmp / "codes.npz"
        for args in ([], ["build"], ["build", names[0]], ["build", names[0], "-o", out, "--top-k", "-1"],
                     ["build", names[0], "-o", out, "--features", "5:2"], ["build", names[0], "-o", out, "--bogus"],
                     ["build", names[0], "-o", out, "--quantile-bands", "0"],
                     ["build", names[0], "-o", out, "--histogram-bins", "257"]):
            result = run_cli(*args)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            self.assertIn("usage:", result.stderr)
        for args, message in (
                (["build", self.tmp / "missing.npz", "-o", out], f"{self.tmp / 'missing.npz'}: no such file"),
                (["build", str(self.tmp / "store" / "zz*.npz"), "-o", out], "zz*.npz: no file matches"),
                (["build", names[0], "-o", out, "--features", "2:99"], "--features 2:99: the shards have 9 features"),
                (["build", names[0], "-o", self.tmp / "no" / "such" / "index.npz"], "no folder"),
                (["build", names[0], "-o", out, "--scheduler", "tcp://127.0.0.1:1"], "cannot connect"),
                (["build", names[2], "-o", out], "token ids but no vocabulary")):
            result = run_cli(*args)
            self.assertEqual(result.returncode, 1, (args, result.stderr))
            self.assertIn(message, result.stderr.splitlines()[-1])
            self.assertTrue(result.stderr.splitlines()[-1].startswith("tokenheat.index: error: "))
            self.assertFalse(out.exists())
        # A glob, a vocabulary file, and the shards in the order given.
        vocabulary = self.tmp / "vocab.txt"
        vocabulary.write_text("".join(f"v{i}\n" for i in range(V)), encoding="utf-8")
        result = run_cli("build", str(self.tmp / "store" / "[bc].npz"), "-o", out, "--vocabulary", vocabulary,
                         "--features", "1:3", cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        written = load(out)
        self.assertEqual(written["shards"].tolist(), names[1:3])
        self.assertEqual(written["vocabulary"].tolist(), [f"v{i}" for i in range(V)])
        self.assertEqual(written["feature_labels"].tolist(), ["", ""])

    def test_the_shipped_example_is_an_index(self):
        # tests/data/feature_index/example.npz (scripts/build_example_index.py): the tiny
        # transformer's neurons over Debian's license texts, as the format says.
        example = load(Path(PYTHON_DIR).parent / "tests" / "data" / "feature_index" / "example.npz")
        settings = json.loads(str(example["settings"]))
        features, slots, width = example["context_tokens"].shape
        self.assertEqual(str(example["format"]), "tokenheat-feature-index-1")
        self.assertEqual(slots, settings["top_k"] + settings["bands"] * settings["per_band"] + settings["random"])
        self.assertEqual(width, settings["context"] + 1 + settings["context"] // 4)
        self.assertEqual(example["feature_labels"].tolist(), [f"L0.n{n}" for n in range(features)])
        self.assertEqual(example["vocabulary"][0], "<bos>")
        filled = example["context_group"] >= 0
        f, c = np.nonzero(filled)
        peak = example["context_peak"][f, c]
        self.assertTrue(((example["context_tokens"] >= -1) & (example["context_tokens"] < 64)).all())
        self.assertTrue((example["context_tokens"][f, c, peak] >= 0).all())
        fired = example["fires"] > 0
        np.testing.assert_array_equal(example["context_values"][fired, 0, example["context_peak"][fired, 0]],
                                      example["max"][fired])
        np.testing.assert_array_equal(example["histogram_counts"].sum(axis=1), example["fires"])
        np.testing.assert_array_equal(example["density"], example["fires"] / int(example["tokens_total"]))

    def test_samples_with_equal_priorities_order_by_position(self):
        # The hash never gives two firing tokens of a band the same priority in practice; the
        # selection still orders them as the document says (the lower position first).
        rng = np.random.default_rng(1)
        n = 300
        table = {"group": rng.integers(0, 3, n), "priority": rng.integers(0, 4, n).astype(np.uint64) << np.uint64(62),
                 "position": rng.permutation(n).astype(np.int64), "feature": np.zeros(n, np.int64),
                 "value": np.ones(n, np.float32)}
        kept = feature_index._select_sample(table, 5)
        expected = []
        for group in range(3):
            members = sorted((int(p), int(q)) for g, p, q in zip(table["group"], table["priority"],
                                                                 table["position"]) if g == group)
            expected += [(group, p, q) for p, q in members[:5]]
        self.assertEqual(list(zip(kept["group"].tolist(), kept["priority"].tolist(), kept["position"].tolist())),
                         expected)

    def test_text_tokens_make_the_vocabulary(self):
        folder = self.tmp / "text"
        folder.mkdir()
        words = ["the", " cat", " sat", " on", " mat", "\n", " a"]
        rng = np.random.default_rng(3)
        first = rng.choice(words[:5], 40)
        second = rng.choice(words, 25)
        acts_first = rng.choice(np.array([0, 0, 1, 2, 2], np.float32), (40, 3))
        acts_second = rng.choice(np.array([0, 0.5, 2], np.float32), (25, 3))
        np.savez(folder / "one.npz", tokens=first, features=acts_first)
        np.save(folder / "two.npy", acts_second)
        (folder / "two.npy.tokens.json").write_text(json.dumps(second.tolist()), encoding="utf-8")
        out = folder / "index.npz"
        feature_index.build([folder / "one.npz", folder / "two.npy"], out, context=4, progress=False)
        index = load(out)
        vocabulary = sorted(set(first.tolist()) | set(second.tolist()))
        self.assertEqual(index["vocabulary"].tolist(), vocabulary)
        ids = np.array([vocabulary.index(t) for t in first.tolist() + second.tolist()])
        store = {"ids": ids, "acts": np.concatenate([acts_first, acts_second]), "shards": [(0, 40), (40, 25)]}
        settings = dict(top_k=20, bands=10, per_band=5, random=10, context=4, histogram_bins=32, seed=0)
        expected = expected_index(store, settings, 0, 3)
        for key in ("context_tokens", "context_position", "context_peak", "histogram_counts", "context_group"):
            np.testing.assert_array_equal(index[key], expected[key], err_msg=key)

        # Ids without a vocabulary in the shard: the tokenizer.json beside it (as `tokenheat
        # generate` writes one), its model.vocab and added_tokens.
        (folder / "ids").mkdir()
        np.savez(folder / "ids" / "shard.npz", token_ids=np.array([0, 2, 1, 1], np.int32),
                 features=np.array([[1.0], [0], [2], [0.5]], np.float32))
        (folder / "ids" / "tokenizer.json").write_text(json.dumps(
            {"model": {"vocab": {"\u0120a": 0, "b": 1}}, "added_tokens": [{"id": 2, "content": "<eos>"}]}))
        feature_index.build(folder / "ids" / "shard.npz", out, context=1, progress=False)
        index = load(out)
        self.assertEqual(index["vocabulary"].tolist(), ["\u0120a", "b", "<eos>"])
        self.assertEqual(index["context_tokens"][0, :3].tolist(), [[2, 1], [0, 2], [1, 1]])  # W = 2
        self.assertEqual(index["context_peak"][0, :3].tolist(), [1, 0, 1])


if __name__ == "__main__":
    unittest.main()
