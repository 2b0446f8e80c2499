"""The build backend of the tokenheat package (PEP 517), standard library only.

pyproject.toml names this module, with nothing to install first, so that pip builds the package
without a package index: `pip install ./python`, `pip wheel ./python`, and pip installing the
sdist that build_sdist writes. A wheel (PEP 427) is a zip of the package's modules and a
.dist-info folder (METADATA, WHEEL, RECORD); an sdist a tar.gz of the sources with PKG-INFO.
The package's metadata is here; its version is tokenheat.__version__.
"""

import base64
import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "tokenheat"
SUMMARY = "Save token heatmaps for the tokenheat viewer, open them, or render them to PNG"
REQUIRES_PYTHON = ">=3.8"


def _version():
    text = (ROOT / NAME / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"$', text, re.M).group(1)


def _metadata(version):
    """Core metadata (a wheel's METADATA, an sdist's PKG-INFO), with README.md as the description."""
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\nSummary: {SUMMARY}\n"
            f"Requires-Python: {REQUIRES_PYTHON}\nDescription-Content-Type: text/markdown\n\n"
            + (ROOT / "README.md").read_text(encoding="utf-8"))


def _package_files():
    """The package's modules as (name in an archive, contents)."""
    return [(f"{NAME}/{path.name}", path.read_bytes()) for path in sorted((ROOT / NAME).glob("*.py"))]


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"{name},sha256={digest},{len(data)}\n"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    dist_info = f"{NAME}-{version}.dist-info"
    files = _package_files() + [
        (f"{dist_info}/METADATA", _metadata(version).encode("utf-8")),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: tokenheat_backend\nRoot-Is-Purelib: true\n"
                               b"Tag: py3-none-any\n"),
    ]
    record = "".join(_record_line(name, data) for name, data in files) + f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode("utf-8")))
    wheel_name = f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(Path(wheel_directory) / wheel_name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # the same bytes on every build
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    top = f"{NAME}-{version}"
    sources = ["pyproject.toml", "README.md", f"{Path(__file__).parent.name}/{Path(__file__).name}"]
    files = [("PKG-INFO", _metadata(version).encode("utf-8"))] + _package_files()
    files += [(name, (ROOT / name).read_bytes()) for name in sources]
    sdist_name = f"{top}.tar.gz"
    with tarfile.open(Path(sdist_directory) / sdist_name, "w:gz") as sdist:
        for name, data in files:
            entry = tarfile.TarInfo(f"{top}/{name}")
            entry.size, entry.mode = len(data), 0o644
            sdist.addfile(entry, io.BytesIO(data))
    return sdist_name
