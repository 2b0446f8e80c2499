"""python3 -m tokenheat [ARGS]: the tokenheat binary, found as find_binary() finds it, run with ARGS.

The binary replaces this process (exec), so its output, exit code and signals are the binary's
own. Without a binary: one line on stderr and exit code 127, as a shell's "command not found".
"""

import os
import sys

from . import find_binary


def fail(message):
    print(f"python3 -m tokenheat: error: {message}", file=sys.stderr)
    sys.exit(127)


def main():
    try:
        binary = find_binary()
    except FileNotFoundError as error:
        fail(error)
    try:
        os.execv(binary, [binary, *sys.argv[1:]])
    except OSError as error:
        fail(f"cannot run {binary}: {error.strerror}")


if __name__ == "__main__":
    main()
