#!/usr/bin/python3
"""`cmake --install BUILD --prefix PREFIX` puts everything where a user and the desktop look for it.

    check_install.py BUILD_DIR WORKDIR

Checks the installed binary runs (--version), the man page exists and lists the options --help
lists, the desktop entry validates and names an installed icon, and the Python bridge imports
from PREFIX/lib/python3/dist-packages and finds the installed binary on PATH.
"""
import os
import re
import shutil
import subprocess
import sys

BUILD, WORKDIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PREFIX = os.path.join(WORKDIR, "prefix")


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


shutil.rmtree(PREFIX, ignore_errors=True)
subprocess.run(["cmake", "--install", BUILD, "--prefix", PREFIX], check=True, stdout=subprocess.DEVNULL)
binary = os.path.join(PREFIX, "bin", "tokenheat")
version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
check(version.startswith("tokenheat "), "--version: %r" % version)

man = open(os.path.join(PREFIX, "share", "man", "man1", "tokenheat.1"), encoding="utf-8").read()
help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout
options = set(re.findall(r"^\s+(--[a-z][a-z-]*)", help_text, re.M))
check(len(options) > 20, "--help lists %d options" % len(options))
# help2man escapes '-' as '\-' in roff.
missing = [option for option in options if option.replace("-", "\\-") not in man]
check(not missing, "the man page lacks %s" % missing)

desktop = os.path.join(PREFIX, "share", "applications", "tokenheat.desktop")
subprocess.run(["desktop-file-validate", desktop], check=True)
icon = re.search(r"^Icon=(.+)$", open(desktop, encoding="utf-8").read(), re.M).group(1)
check(os.path.exists(os.path.join(PREFIX, "share", "icons", "hicolor", "scalable", "apps", icon + ".svg")),
      "icon %s not installed" % icon)

environment = dict(os.environ, PYTHONPATH=os.path.join(PREFIX, "lib", "python3", "dist-packages"),
                   PATH=os.path.join(PREFIX, "bin") + os.pathsep + os.environ["PATH"], PYTHONDONTWRITEBYTECODE="1")
environment.pop("TOKENHEAT", None)
found = subprocess.run(["/usr/bin/python3", "-c", "import tokenheat; print(tokenheat.__file__); print(tokenheat.find_binary())"],
                       capture_output=True, text=True, env=environment, cwd=WORKDIR)
check(found.returncode == 0, "the bridge does not import: %s" % found.stderr)
module_file, found_binary = found.stdout.split()
check(module_file.startswith(PREFIX), "imported %s, not the installed bridge" % module_file)
check(os.path.samefile(found_binary, binary), "the bridge found %s, not the installed binary" % found_binary)
print("installed to", PREFIX)
