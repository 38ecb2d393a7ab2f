"""`autograder export NAME --format otter`: otter's final_grades.csv layout, fractions as otter writes them."""
from __future__ import annotations

import csv
import io

from autograder.assignment import Assignment, Exercise
from autograder.otter.final_grades import final_grades_csv
from autograder.otter.scoring import CASES
from autograder.results import ExerciseGrade, SubmissionGrade

ASSIGNMENT = Assignment("hw", (Exercise("q3", "q3", (), "", 1.0, CASES), Exercise("q1", "q1", (), "", 3.75, CASES)))


def _record(student: str, q1: float, q3: float, problem: str | None = None) -> SubmissionGrade:
    grades = (ExerciseGrade("q3", q3, 1.0, "graded"), ExerciseGrade("q1", q1, 3.75, "graded"))
    return SubmissionGrade(student, "hw", "d", "hw.ipynb", problem, None, grades)


def test_questions_sorted_points_first_rows_by_file_and_fractions_as_otter_writes_them():
    rows = list(csv.reader(io.StringIO(final_grades_csv(ASSIGNMENT, [_record("zed", 3.75, 1.0), _record("amy", 2.25, 2 / 3), _record("bo", 0, 0, "no notebook")]))))
    assert rows[0] == ["file", "q1", "q3", "total_points_earned", "percent_correct", "grading_status"]
    assert rows[1] == ["points-per-question", "3.75", "1", "4.75", "1.0", "--"]
    assert rows[2] == ["amy/hw.ipynb", "2.25", "0.66667", "2.91667", "0.614", "Completed"]
    assert rows[3] == ["bo/hw.ipynb", "0", "0", "0", "0.0", "no notebook"]
    assert rows[4] == ["zed/hw.ipynb", "3.75", "1", "4.75", "1.0", "Completed"]
