"""pip installs the bridge with no package index, three ways, into a fresh virtual environment.

`pip install ./python`, `pip wheel ./python` then `pip install` of the wheel, and `pip install` of
the sdist the build backend writes, each with PIP_NO_INDEX=1; then, from that environment and not
from this source tree, `python -m tokenheat --version` runs the binary, the package saves and
renders, and `pip uninstall` removes every file it installed.

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. /usr/bin/python3 -m
unittest -v test_install (ctest: python.install). Needs Debian's python3-venv.
"""

import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zipfile
from pathlib import Path

import tokenheat
from support import TemporaryFolderTest, info, png_size

SOURCE = Path(__file__).resolve().parents[1]

# Run by the environment's python: the installed package, used as a user would.
USE_THE_PACKAGE = textwrap.dedent("""\
    import sys
    import tokenheat
    print(tokenheat.__file__)
    tokenheat.save(sys.argv[1], [["a", " b"], ["c"]], [[1.0, 2.0], [3.0]], names=["first", "second"])
    tokenheat.render(["a", " b"], [1.0, 2.0], width=200, legend=True).save(sys.argv[2])
    """)


class InstallTest(TemporaryFolderTest):
    @classmethod
    def setUpClass(cls):
        cls.environment_folder = tempfile.TemporaryDirectory(prefix="tokenheat-venv-")
        cls.venv = Path(cls.environment_folder.name) / "venv"
        # Nothing but pip in it (no NumPy either: the package needs only the standard library), and
        # nothing of the system's site-packages, where an installed tokenheat could hide a failure.
        subprocess.run([sys.executable, "-m", "venv", str(cls.venv)], check=True)
        cls.python = str(cls.venv / "bin" / "python")

    @classmethod
    def tearDownClass(cls):
        cls.environment_folder.cleanup()

    def run_in_venv(self, *arguments, **environment):
        """arguments run by the environment's python, with no index for pip, and without this test's
        PYTHONPATH (which would import the source tree instead of what pip installed)."""
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CACHE_DIR=str(self.tmp / "pip-cache"),
                   **environment)
        return subprocess.run([self.python, *arguments], capture_output=True, text=True, env=env, cwd=self.tmp)

    def pip(self, *arguments):
        result = self.run_in_venv("-m", "pip", *arguments)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def check_installed(self):
        """The installed package runs the binary, saves and renders; pip uninstall removes it."""
        version = subprocess.run([tokenheat.find_binary(), "--version"], capture_output=True, text=True, check=True)
        through_module = self.run_in_venv("-m", "tokenheat", "--version")
        self.assertEqual((through_module.returncode, through_module.stdout), (0, version.stdout))

        saved, png = self.tmp / "saved.npz", self.tmp / "image.png"
        used = self.run_in_venv("-c", USE_THE_PACKAGE, str(saved), str(png))
        self.assertEqual(used.returncode, 0, used.stderr)
        self.assertTrue(used.stdout.startswith(str(self.venv)), f"imported {used.stdout}, not the installed package")
        self.assertEqual([(s["name"], s["tokens"]) for s in info(saved)["sequences"]], [("first", 2), ("second", 1)])
        self.assertEqual(png_size(png.read_bytes())[0], 200)

        # No binary to be found (not in TOKENHEAT, not on PATH): one line, exit code 127.
        lost = self.run_in_venv("-m", "tokenheat", "--version", TOKENHEAT="", PATH=str(self.venv / "bin"))
        self.assertEqual(lost.returncode, 127)
        self.assertRegex(lost.stderr, r"^python3 -m tokenheat: error: tokenheat binary not found: .*\n$")

        self.pip("uninstall", "--yes", "tokenheat")
        self.assertNotEqual(self.run_in_venv("-c", "import tokenheat").returncode, 0)

    def test_pip_install_the_folder(self):
        self.pip("install", str(SOURCE))
        self.check_installed()

    def test_pip_wheel_then_install_the_wheel(self):
        self.pip("wheel", str(SOURCE), "--wheel-dir", str(self.tmp / "wheels"))
        [wheel] = (self.tmp / "wheels").iterdir()
        self.assertEqual(wheel.name, f"tokenheat-{tokenheat.__version__}-py3-none-any.whl")
        modules = sorted(f"tokenheat/{path.name}" for path in (SOURCE / "tokenheat").glob("*.py"))
        with zipfile.ZipFile(wheel) as archive:
            self.assertEqual(sorted(name for name in archive.namelist() if name.startswith("tokenheat/")), modules)
        self.pip("install", str(wheel))
        self.check_installed()

    def test_pip_install_the_sdist(self):
        spec = importlib.util.spec_from_file_location("tokenheat_backend", SOURCE / "_backend" / "tokenheat_backend.py")
        backend = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(backend)
        sdist = self.tmp / backend.build_sdist(str(self.tmp))
        self.assertEqual(sdist.name, f"tokenheat-{tokenheat.__version__}.tar.gz")
        self.pip("install", str(sdist))
        self.check_installed()


if __name__ == "__main__":
    unittest.main()
