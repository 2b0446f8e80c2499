#!/usr/bin/python3
"""Benchmarks the feature index build (python3 -m tokenheat.index build) on a generated sparse store.

    /usr/bin/python3 scripts/bench_index.py [--tokens N] [--features F] [--k K] [--shards S] [--keep DIR]

1. The store: `build/tokenheat generate N --features F --k K --shards S -o DIR` (S shards of N/S
   tokens, each token's K active features of F: token_ids int32, feature_indices int32 and
   feature_values float32 [tokens, K], 8 × K bytes a token), in a temporary folder that is removed
   at the end, or in DIR (--keep), which is kept, the index with it (DIR/index.npz).
2. The build: `python3 -m tokenheat.index build 'DIR/shard-*.npz' -o INDEX` with its defaults, run
   as a child process (this interpreter, PYTHONPATH=python/), its wall time measured here and its
   peak resident memory taken from os.wait4 (ru_maxrss: the build's own, pages of the shards it
   has mapped included). Its progress lines (each stage's time) pass through to stderr.
3. The result, as the last line on stdout, one JSON object: tokens, features, k, shards, store_gb
   (the shards' bytes / 1e9), generate_s, build_s, tokens_per_s (tokens / build_s), peak_rss_mb
   (bytes / 1e6) and index_mb (bytes / 1e6).

The store is read from the page cache when it fits in memory (the build reads it once, then the
chosen windows); a store larger than memory is read from disk. Timings depend on the machine's
other load: stderr says the load average before and after.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description="Benchmarks python3 -m tokenheat.index build on a generated store.")
    parser.add_argument("--tokens", type=int, default=2_000_000, help="tokens in the store (2,000,000)")
    parser.add_argument("--features", type=int, default=16384, help="the dictionary's features (16384)")
    parser.add_argument("--k", type=int, default=32, help="active features a token (32)")
    parser.add_argument("--shards", type=int, default=2, help="shard files (2)")
    parser.add_argument("--keep", metavar="DIR", help="write the store (and index.npz) to DIR and keep it")
    parser.add_argument("--tokenheat", default=os.path.join(ROOT, "build", "tokenheat"),
                        help="the tokenheat binary (build/tokenheat)")
    args = parser.parse_args()
    if args.tokens < 1 or args.features < 1 or args.k < 1 or args.shards < 1:
        parser.error("--tokens, --features, --k and --shards must be positive")
    if not os.access(args.tokenheat, os.X_OK):
        parser.error(f"no tokenheat binary at {args.tokenheat} (build it, or give --tokenheat)")

    folder = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="tokenheat-bench-index-")
    try:
        if args.keep:
            os.makedirs(folder, exist_ok=True)
        print(f"bench_index: load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
              f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} CPUs", file=sys.stderr)
        began = time.monotonic()
        subprocess.run([args.tokenheat, "generate", str(args.tokens), "--features", str(args.features),
                        "--k", str(args.k), "--shards", str(args.shards), "-o", folder],
                       check=True, stdout=sys.stderr)
        generate_s = time.monotonic() - began
        shards = sorted(glob.glob(os.path.join(folder, "shard-*.npz")))
        store_bytes = sum(os.path.getsize(path) for path in shards)

        index = os.path.join(folder, "index.npz")
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.path.join(ROOT, "python") + (
            os.pathsep + environment["PYTHONPATH"] if environment.get("PYTHONPATH") else "")
        began = time.monotonic()
        child = subprocess.Popen([sys.executable, "-m", "tokenheat.index", "build",
                                  os.path.join(folder, "shard-*.npz"), "-o", index], env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        build_s = time.monotonic() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"bench_index: the build failed (exit status {child.returncode})")
        print(f"bench_index: load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
              f"{os.getloadavg()[2]:.2f} after; build CPU time {usage.ru_utime + usage.ru_stime:.1f} s",
              file=sys.stderr)
        result = {
            "tokens": args.tokens, "features": args.features, "k": args.k, "shards": args.shards,
            "store_gb": round(store_bytes / 1e9, 3), "generate_s": round(generate_s, 2),
            "build_s": round(build_s, 2), "tokens_per_s": round(args.tokens / build_s),
            "peak_rss_mb": round(usage.ru_maxrss * 1024 / 1e6, 1),  # ru_maxrss is in KiB on Linux
            "index_mb": round(os.path.getsize(index) / 1e6, 1),
        }
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
