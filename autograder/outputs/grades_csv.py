"""OUT/grades.csv: the grades as a spreadsheet, one row per student per exercise.

The file is a pure function of the records: students sorted by id, exercises in
the assignment's order, fixed line endings, so a resumed run ends with a file
identical byte for byte to an uninterrupted one. Every text cell is cleaned
and kept from reading as a formula here, at write time, whatever the records
hold (an older results file may hold raw student text).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment
from autograder.outputs.common import exercise_grades, plain_sentence, safe_cell, sorted_records, status_text
from autograder.files import write_atomically
from autograder.results import SubmissionGrade, points_text

GRADES_FILE = "grades.csv"
COLUMNS = ("student_id", "exercise", "score", "max_score", "status", "feedback")
SEPARATOR = " | "


def grades_csv(assignment: Assignment, records: Iterable[SubmissionGrade]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in sorted_records(records):
        for grade in exercise_grades(assignment, record):
            feedback = SEPARATOR.join(" ".join(plain_sentence(s).split()) for s in grade.feedback)
            row = (record.student_id, grade.exercise, points_text(grade.score), points_text(grade.max_score), status_text(grade.status), feedback)
            writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def write_grades_csv(assignment: Assignment, records: Iterable[SubmissionGrade], out_dir: Path) -> Path:
    return write_atomically(Path(out_dir) / GRADES_FILE, grades_csv(assignment, records))
