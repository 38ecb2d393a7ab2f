"""`autograder new`: a scaffolded assignment passes its checks' own pytest run, selfcheck and
release at once; a bad or taken name is one sentence and exit 2, and writes nothing.

Everything runs in a copy of the course (its notebooks, checks and solutions; the
package is this checkout's), so no scaffolded assignment is ever left in the repository.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox.confinement import detect

ROOT = Path(__file__).resolve().parents[1]
NAME = "scaffolded_demo"


def copy_course(root: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for folder in ("checks", "solutions", "assignments"):
        shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    return root


def autograder(course: Path, *args: str, module: str = "autograder.cli") -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        AUTOGRADER_CACHE=str(course / "cache"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    return subprocess.run([sys.executable, "-m", module, *args], cwd=course, env=env, capture_output=True, text=True, timeout=300)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = copy_course(tmp_path_factory.mktemp("course"))
    made = autograder(root, "new", NAME)
    assert made.returncode == 0, made.stderr
    return root


def test_new_writes_the_four_parts_and_the_exported_solution(course):
    for path in (
        f"assignments/{NAME}/{NAME}.ipynb",
        f"checks/{NAME}/__init__.py",
        f"checks/{NAME}/relu.py",
        f"checks/{NAME}/references.py",
        f"checks/{NAME}/mistakes.toml",
        f"solutions/{NAME}.py",
    ):
        assert (course / path).is_file(), path


def test_the_checks_pass_on_the_solution_under_plain_pytest(course):
    done = autograder(course, "-p", "no:cacheprovider", "-q", f"checks/{NAME}", module="pytest")
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.skipif(not detect().confined, reason="no sandbox here")
def test_selfcheck_passes_straight_away(course):
    done = autograder(course, "selfcheck", NAME)
    assert done.returncode == 0 and "1 mistakes and the reference solution, 0 disagreement(s)" in done.stdout, done.stdout[-3000:] + done.stderr


def test_release_passes_straight_away_and_hands_out_the_signature(course):
    done = autograder(course, "release", NAME)
    assert done.returncode == 0, done.stderr
    released = (course / "release" / NAME / f"{NAME}.ipynb").read_text()
    assert "def relu(x):" in released and "raise NotImplementedError()" in released and "np.maximum" not in released


@pytest.mark.parametrize(
    "name, says",
    [
        ("Bad-Name", "is not an assignment name"),
        ("class", "is a Python keyword"),
        ("regularization_rnn", "is taken"),
        (NAME, "is taken"),
    ],
)
def test_a_bad_or_taken_name_is_one_sentence_exit_2_and_writes_nothing(course, name, says):
    before = snapshot(course)
    done = autograder(course, "new", name)
    message = done.stderr.strip()
    assert done.returncode == 2 and done.stdout == "", message
    assert len(message.splitlines()) == 1 and says in message and message.endswith("."), message
    assert snapshot(course) == before
