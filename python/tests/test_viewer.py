"""show() opens the real viewer on the data with the options given, and the data goes afterwards.

Run, from python/tests: TOKENHEAT=$PWD/../../build/tokenheat PYTHONPATH=.. xvfb-run -a -s "-screen 0
1600x1000x24" /usr/bin/python3 -m unittest -v test_viewer (ctest: python.viewer). Needs a display.
"""

import json
import os
import subprocess
import sys
import textwrap
import unittest

from support import TemporaryFolderTest, png_size

# A user's script: the viewer inherits its stdout, where --print-state writes the view on exit.
SHOW = textwrap.dedent("""\
    import sys
    import tokenheat
    viewer = tokenheat.show([["a", " b"], ["c", " d", " e"]], [[1, 2], [3, 4, 5]], seq=1, palette="viridis",
                            range=(0, 8), frames=3, screenshot=sys.argv[1], print_state=True)
    sys.exit(viewer.wait())
    """)


class ViewerTest(TemporaryFolderTest):
    def test_show_opens_the_real_viewer(self):
        screenshot, temporary = self.tmp / "viewer.png", self.tmp / "temporary"
        temporary.mkdir()
        result = subprocess.run([sys.executable, "-c", SHOW, str(screenshot)], capture_output=True, text=True,
                                timeout=120, env=dict(os.environ, TMPDIR=str(temporary)))
        self.assertEqual(result.returncode, 0, result.stderr)
        state = json.loads(result.stdout)
        self.assertEqual(os.path.basename(state["source"]), "data.json")
        self.assertEqual((state["sequence"], state["tokens"], state["palette"]), (1, 3, "viridis"))
        self.assertEqual((state["low"], state["high"]), (0, 8))
        self.assertGreater(png_size(screenshot.read_bytes())[0], 0)
        self.assertEqual(list(temporary.iterdir()), [])  # the data went when the viewer exited


if __name__ == "__main__":
    unittest.main()
