"""`autograder new --from-lecture`, end to end in a scratch course: the survey writes nothing;
every listing of the course's lectures that builds a Keras model becomes a generated exercise
(and one array listing too) that selfcheck and release accept, and the checks kill at least 90%
of a generated exercise's non-equivalent mutants.

The scratch course is only an nbgrader_config.py with nbgrader's default folders and the
lecture decks; the package under test is this checkout's, on PYTHONPATH.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox.confinement import detect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
NAME = "from_listings"
DECKS = ["lectures/001_b0e8ddc73a6f682a.txt", "lectures/002_68feca35d645f180.txt", "lectures/003_ab2276fd2fad6cef.txt"]
KERAS = ["build_original_model", "build_reduced_model", "build_l2_model", "build_dropout_model", "build_model"]
EXERCISES = [*KERAS, "inverted_dropout"]


def autograder(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUTOGRADER_CACHE=str(course / "cache"), TF_CPP_MIN_LOG_LEVEL="3",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=course, env=env, capture_output=True, text=True, timeout=600)


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scratch")
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
    shutil.copytree(ROOT / "lectures", root / "lectures")
    return root


@pytest.fixture(scope="module")
def generated(course) -> subprocess.CompletedProcess:
    before = files(course)
    surveyed = autograder(course, "new", NAME, "--from-lecture", *sorted(str(p.relative_to(course)) for p in (course / "lectures").glob("*.txt")))
    assert surveyed.returncode == 0, surveyed.stderr
    assert files(course) == before, "the survey wrote something"
    assert "[4] Listing 5.13 Adding L2 weight regularization to the model" in surveyed.stdout
    assert "Nothing is written yet: choose exercises by number with --pick" in surveyed.stdout
    made = autograder(course, "new", NAME, "--from-lecture", *DECKS, "--pick", "1,2,3,4,15")
    assert made.returncode == 0, made.stderr[-3000:]
    return made


def test_every_keras_listing_becomes_an_exercise_shown_before_it_is_written(course, generated):
    shown = generated.stdout
    assert [m[1] for m in re.finditer(r"^Exercise \d: (\w+), from listing", shown, re.M)] == EXERCISES
    assert shown.index("test cell:") < shown.index(f"New assignment '{NAME}' with 6 exercise(s) from 5 listing(s):")
    expected = {f"source/{NAME}/{NAME}.ipynb", f"solutions/{NAME}.py", *(f"checks/{NAME}/{e}.py" for e in EXERCISES),
                *(f"checks/{NAME}/{part}" for part in ("__init__.py", "inputs.py", "references.py", "mistakes.toml"))}
    assert expected <= files(course)


@pytest.mark.skipif(not detect().confined, reason="no sandbox here")
def test_selfcheck_accepts_it_and_the_checks_kill_nine_in_ten_mutants(course, generated):
    done = autograder(course, "selfcheck", NAME, "--mutants", "--exercise", "build_model", "--exercise", "inverted_dropout")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "0 mistakes and the reference solution, 0 disagreement(s)" in done.stdout
    assert all(re.search(rf"│ reference solution\s+│ {e}\s+│ 2\s+│ 2 ", done.stdout) for e in EXERCISES), done.stdout[-3000:]
    for exercise, count in (("build_model", 40), ("inverted_dropout", 9)):
        row = re.search(rf"│ {exercise}\s+│\s+(\d+) │\s+(\d+) │\s+(\d+) │\s+(\d+) │", done.stdout)
        assert row, done.stdout[-2000:]
        mutants, killed, survived, equivalent = map(int, row.groups())
        assert mutants == count and killed + survived + equivalent == mutants
        assert killed >= 0.9 * (killed + survived), done.stdout[-2000:]


def test_release_accepts_it_and_hands_out_signatures_without_solutions(course, generated):
    done = autograder(course, "release", NAME)
    assert done.returncode == 0, done.stderr[-3000:]
    released = (course / "release" / NAME / f"{NAME}.ipynb").read_text()
    assert all(f"def {e}(input_dim):" in released for e in KERAS) and "def inverted_dropout(n, keep_prob, x):" in released
    assert "raise NotImplementedError()" in released and "keras.Sequential([" not in released
