"""The instructor's proof runs in `make test`: solution and mistake catalog graded as labelled."""
import subprocess
import sys

import pytest

from autograder.sandbox.confinement import detect


@pytest.mark.skipif(not detect().confined, reason="no sandbox here")
def test_selfcheck_agrees_with_the_mistake_catalog():
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "selfcheck", "regularization_rnn"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert "0 disagreement(s)" in done.stdout
