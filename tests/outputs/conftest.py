"""Hand-built grades of a small class: honest, partly wrong, broken, hostile."""
from __future__ import annotations

import pytest

from autograder.assignment import Assignment, Exercise
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade

from outputs_fixtures import FORMULA_IDS, HOSTILE, MASK_SENTENCE, NASTY, STEP_SENTENCE


@pytest.fixture
def assignment() -> Assignment:
    return Assignment(
        name="demo_assignment",
        exercises=(
            Exercise("a", "Dropout mask", ("dropout",), "Lecture 3"),
            Exercise("b", "RNN step", ("rnn_step",), "Lecture 5"),
        ),
    )


def _grade(student, a, b, problem=None, note=None):
    return SubmissionGrade(student, "demo_assignment", f"digest-{student}", None if problem else "demo_assignment.ipynb",
                           problem, note, (a, b), 1.5)


@pytest.fixture
def records() -> list[SubmissionGrade]:
    return [
        _grade("zoe", ExerciseGrade("a", 2, 2, "graded"), ExerciseGrade("b", 2, 2, "graded", (), "loss 0.1\n")),
        _grade(
            "bob",
            ExerciseGrade("a", 1, 2, "graded", (MASK_SENTENCE,)),
            ExerciseGrade("b", 0, 2, "missing", ("`rnn_step` is not defined as a function after running your notebook up to this exercise.",)),
        ),
        _grade(
            "carol",
            ExerciseGrade("a", 0, 2, "unreadable", ("notebook is not valid JSON",)),
            ExerciseGrade("b", 0, 2, "unreadable", ("notebook is not valid JSON",)),
            problem="notebook is not valid JSON",
        ),
        _grade(
            "dave",
            ExerciseGrade("a", 2, 2, "graded"),
            ExerciseGrade("b", 0, 2, "timeout", ("Your code for this exercise ran past the time limit and was stopped.",)),
        ),
        _grade(
            "eve",
            ExerciseGrade("a", 1, 2, "graded", (MASK_SENTENCE,), HOSTILE + "\n" + "x" * 5000),
            ExerciseGrade("b", 1, 2, "graded", (STEP_SENTENCE,), '<img src=x onerror="alert(2)">'),
            note="Graded my_copy.ipynb <b>renamed</b> since demo_assignment.ipynb was missing.",
        ),
    ]


@pytest.fixture
def graded_dir(tmp_path, records):
    """A course folder with grades/demo_assignment/results.jsonl, as `autograder grade` leaves it."""
    course = tmp_path / "course"
    (course / "nbgrader_config.py").parent.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    out = course / "grades" / "demo_assignment"
    store = ResultStore(out)
    for record in records:
        store.append(record)
    return course


@pytest.fixture
def hostile_records() -> list[SubmissionGrade]:
    """Every text field full of what a student can put there, ids included."""
    ids = [*FORMULA_IDS, "a\x00b", "a\x01b", "\udcff", "..", "bob" + NASTY]
    grade = ExerciseGrade("a", 1, 2, "graded", (NASTY + "=1+1", "-" + NASTY), NASTY * 3)
    return [_grade(i, grade, ExerciseGrade("b", 0, 2, NASTY), problem=NASTY, note=NASTY) for i in ids]
