"""The instructor's proof runs in `make test`: every assignment's solution and mistake catalog graded as labelled."""
import subprocess
import sys

import pytest

from autograder.assignment import available_assignments
from autograder.sandbox.confinement import detect


@pytest.mark.skipif(not detect().confined, reason="no sandbox here")
@pytest.mark.parametrize("name", available_assignments())
def test_selfcheck_agrees_with_the_mistake_catalog(name):
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "selfcheck", name], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert " 0 disagreement(s)" in done.stdout
