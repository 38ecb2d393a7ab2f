"""Grading as an ordinary user, as on JupyterHub or a CI runner: no root, no
cgroup; user namespaces and rlimits confine the class, and the grades are
those a root grader gives."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.course import Course
from autograder.samples import build_class
from autograder.sandbox.confinement import detect

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not detect().confined,
    reason="needs root (to become an ordinary user), setpriv and a working sandbox",
)


def scores(out: Path) -> dict[tuple[str, str], str]:
    with (out / "grades.csv").open() as stream:
        return {(row["student_id"], row["exercise"]): row["score"] for row in csv.DictReader(stream)}


@pytest.mark.parametrize("name, whole_class", [("regularization_rnn", True), ("keras_regularization", False)])
def test_an_ordinary_user_grades_a_class_as_root_does(name, whole_class, shared_tmp, as_nobody):
    """The numpy assignment with its whole sample class (hostile students included); the
    Keras one, whose zygote preloads Keras on torch, with a correct and a partly wrong student."""
    tmp_path = shared_tmp
    submitted = tmp_path / "submitted"
    students = build_class(Course(REPO), load_assignment(name), submitted, honest_only=not whole_class)
    command = [sys.executable, "-m", "autograder.cli", "grade", name, "--submitted", str(submitted),
               "--timeout", "5", "--memory", "768", "--workers", "2"]
    as_root = subprocess.run([*command, "--out", str(tmp_path / "root")], cwd=REPO, capture_output=True, text=True)
    assert as_root.returncode == 0, as_root.stderr[-3000:]

    for path in (submitted, *submitted.rglob("*")):
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    (tmp_path / "user").mkdir()
    os.chown(tmp_path / "user", NOBODY, NOBODY)
    as_user = as_nobody([*command, "--out", str(tmp_path / "user")], cwd=REPO)
    assert as_user.returncode == 0, as_user.stderr[-3000:]
    assert "user namespace, no capabilities" in as_user.stderr and "uid nobody" in as_root.stderr
    assert scores(tmp_path / "user") == scores(tmp_path / "root")
    assert "2" in scores(tmp_path / "user").values(), "nothing earned full marks: the sandbox did not run the notebooks"
    assert len(scores(tmp_path / "root")) == len(students) * len(load_assignment(name).exercises)
