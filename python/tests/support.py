"""What the bridge's tests share: a temporary folder per test, and what the binary read back."""

import json
import os
import struct
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import numpy as np

import tokenheat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def bits(values):
    """float32 values as their bit patterns, to compare exactly (NaN and -0.0 included)."""
    return np.asarray(values, dtype=np.float32).view(np.uint32).tolist()


def png_size(png):
    """(width, height) from a PNG's header; fails on anything that is not a PNG."""
    assert png[:8] == PNG_SIGNATURE, png[:8]
    return struct.unpack(">II", png[16:24])


def info(path):
    """`tokenheat info --json` of a file: what the binary loaded from it."""
    result = subprocess.run([tokenheat.find_binary(), "info", str(path), "--json"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def wait_until_gone(path, seconds=10):
    deadline = time.monotonic() + seconds
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not os.path.exists(path)


class TemporaryFolderTest(unittest.TestCase):
    """self.tmp: a folder of its own for each test, removed after it."""

    def setUp(self):
        directory = tempfile.TemporaryDirectory(prefix="tokenheat-test-")
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)
