"""Grading as an ordinary user, as on JupyterHub or a CI runner: no root, no cgroup; user
namespaces, rlimits and the seccomp filter confine the class, and the grades are those a root
grader gives (or, for the Keras assignment's honest class, those its catalogue promises)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.course import Course
from autograder.samples import build_class, partial_mistakes
from autograder.sandbox.confinement import detect
from classes import GRADE_OPTIONS, grades_csv

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not detect().confined,
    reason="needs root (to become an ordinary user), setpriv and a working sandbox",
)


def grade_as_nobody(as_nobody, name: str, submitted: Path, out: Path) -> dict:
    for path in (submitted, *submitted.rglob("*")):
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    out.mkdir()
    os.chown(out, NOBODY, NOBODY)
    done = as_nobody([sys.executable, "-m", "autograder.cli", "grade", name, "--submitted", str(submitted), "--out", str(out), *GRADE_OPTIONS], cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "user namespace, no capabilities" in done.stderr
    return grades_csv(out)


def test_an_ordinary_user_grades_the_hostile_class_as_root_does(shared_tmp, as_nobody, graded_classes):
    """The numpy assignment's whole sample class, hostile students included."""
    _, root, as_root = graded_classes("regularization_rnn")
    shutil.copytree(root / "submitted", shared_tmp / "submitted", symlinks=True)
    as_user = grade_as_nobody(as_nobody, "regularization_rnn", shared_tmp / "submitted", shared_tmp / "user")
    assert {k: r["score"] for k, r in as_user.items()} == {k: r["score"] for k, r in as_root.items()}
    # How a hostile session ends may differ (without a cgroup it cannot fork, so its memory route fails
    # otherwise): the score may not, and an honest student's status may not either.
    honest = {k: r["status"] for k, r in as_root.items() if not k[0].startswith("hostile_")}
    assert {k: as_user[k]["status"] for k in honest} == honest
    assert "2" in {row["score"] for row in as_user.values()}, "nothing earned full marks: the sandbox did not run the notebooks"


def test_an_ordinary_user_grades_keras_models_as_the_catalogue_says(shared_tmp, as_nobody):
    """The Keras assignment, whose zygote preloads Keras on torch, with a correct and a partly wrong student."""
    assignment = load_assignment("keras_regularization")
    build_class(Course(REPO), assignment, shared_tmp / "submitted", honest_only=True)
    grades = grade_as_nobody(as_nobody, assignment.name, shared_tmp / "submitted", shared_tmp / "user")
    mistake = partial_mistakes(assignment)[0]
    for exercise in assignment.exercises:
        assert grades[("correct_0000", exercise.name)]["score"] == str(exercise.points)
        expected = mistake.expected if exercise.name == mistake.exercise else exercise.points
        assert grades[("partly_wrong_0000", exercise.name)]["score"] == str(expected)
