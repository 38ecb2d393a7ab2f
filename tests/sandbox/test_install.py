"""The sandbox works from a regular install (``pip install .``, as in the
Gradescope zip), not only from an editable one: the runtime comes from the
installed package, students import numpy and scipy, and the installed checks
stay out of their sight."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox.confinement import detect

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
SCRIPT = """
import json, autograder
from autograder.sandbox.sandboxes import SandboxPool
from autograder.sandbox.settings import SandboxSettings
from autograder.protocol import Student
pool = SandboxPool(SandboxSettings(timeout=5, memory_mb=768), 1)
source = ("import numpy, scipy.linalg\\nimport importlib.util, os\\n"
          "def f():\\n    return [numpy.ones(3).sum().item(), float(scipy.linalg.det(numpy.eye(2))),"
          " importlib.util.find_spec('autograder.checks') is None, os.listdir('/site-packages').count('autograder')]")
with pool.checkout() as box, box.session([(0, source)], ["f"]) as session:
    returned = Student(session).call("f")
pool.close()
print(json.dumps({"package": autograder.__file__, "value": returned.value, "error": repr(returned.error)}))
"""


def test_a_regular_install_confines_students_who_import_numpy_and_scipy(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source)
    for name in ("autograder", "solutions"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site), str(source)],
                   check=True, capture_output=True, cwd=tmp_path)
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["package"].startswith(str(site))
    assert report["value"] == [3.0, 1.0, True, 0], report["error"]
