"""Scores that are fractions (an imported otter question splits its points among its cases) read
the same in every output: a whole number as "2", a fraction as otter writes it ("0.75")."""
from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console

from autograder.assignment import Assignment, Exercise
from autograder.otter.scoring import CASES
from autograder.outputs import print_summary
from autograder.outputs.autograded import verdict
from autograder.outputs.canvas import canvas_csv
from autograder.outputs.feedback import feedback_html
from autograder.outputs.grades_csv import grades_csv
from autograder.outputs.report import report_html
from autograder.results import ExerciseGrade, SubmissionGrade, points_text


@pytest.fixture
def split() -> Assignment:
    return Assignment("otter_hw", (Exercise("q1", "q1", (), "", 3.75, CASES), Exercise("q3", "q3", (), "", 1.0, CASES)))


@pytest.fixture
def graded() -> list[SubmissionGrade]:
    def record(student: str, q1: float, q3: float) -> SubmissionGrade:
        return SubmissionGrade(student, "otter_hw", "d", "hw.ipynb", None, None,
                               (ExerciseGrade("q1", q1, 3.75, "graded"), ExerciseGrade("q3", q3, 1.0, "graded")))

    return [record("ann", 3.75, 1.0), record("bob", 2.25, 2 / 3), record("cy", 0.0, 0.0)]


@pytest.mark.parametrize("value, text", [(2, "2"), (2.0, "2"), (0.5, "0.5"), (3.75, "3.75"), (2 / 3, "0.66667"), (0.1 + 0.2, "0.3"), (0, "0")])
def test_points_are_written_whole_or_as_otters_rounded_fraction(value, text):
    assert points_text(value) == text


def test_grades_csv_holds_fractions_and_whole_numbers_without_a_point(split, graded):
    rows = {(r["student_id"], r["exercise"]): r for r in csv.DictReader(io.StringIO(grades_csv(split, graded)))}
    assert (rows["bob", "q1"]["score"], rows["bob", "q1"]["max_score"]) == ("2.25", "3.75")
    assert (rows["bob", "q3"]["score"], rows["ann", "q3"]["score"], rows["ann", "q3"]["max_score"]) == ("0.66667", "1", "1")


def test_feedback_verdict_and_canvas_write_the_same_numbers(split, graded):
    bob = graded[1]
    page = feedback_html(split, bob)
    assert "2.25 / 3.75" in page and "0.66667 / 1<" in page and "2.91667 / 4.75" in page
    assert verdict(bob.exercises[0]).startswith("Autograder: 2.25 / 3.75 points for q1")
    rows = list(csv.reader(io.StringIO(canvas_csv("otter_hw", ["Student"], [({"Student": "Bob"}, bob)], 4.75))))
    assert rows[1][-1] == "4.75" and rows[2][-1] == "2.91667"


def test_report_and_summary_count_each_fraction_that_occurs(split, graded):
    page = report_html(split, graded)
    assert "/ 3.75</p>" in page and 'data-v="2.25">2.25<' in page
    console = Console(file=io.StringIO(), width=200)
    print_summary(split, graded, console)
    text = console.file.getvalue()
    assert "got 2.25" in text and "got 3.75" in text and "mean total 2.56 / 4.75" in text
