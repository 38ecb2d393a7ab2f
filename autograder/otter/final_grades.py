"""``autograder export ASSIGNMENT --format otter``: our grades in otter-grader's ``final_grades.csv`` layout.

otter's layout (``otter.grade.utils.merge_scores_to_df``): ``file``, one column per question in
sorted order, ``total_points_earned``, ``percent_correct``, ``grading_status``; the first data row
holds the points possible (``file`` = ``points-per-question``, status ``--``), then one row per
submission sorted by ``file``, here ``STUDENT/NOTEBOOK``. Points are written as otter writes a score,
rounded to its five places ("3.75", "2"); ``percent_correct`` to its four. A submission that could not be
graded (no notebook, unreadable) gets zeros and its reason as its status.
Every cell is cleaned and kept from reading as a formula.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.assignment import Assignment
from autograder.files import write_atomically
from autograder.outputs.common import exercise_grades, load_graded, safe_cell
from autograder.results import SubmissionGrade, points_text

POSSIBLE = "points-per-question"
"""otter's ``POINTS_POSSIBLE_LABEL``."""


def final_grades_csv(assignment: Assignment, records: list[SubmissionGrade]) -> str:
    questions = sorted(e.name for e in assignment.exercises)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", *questions, "total_points_earned", "percent_correct", "grading_status"])
    maximum = assignment.max_score
    writer.writerow([POSSIBLE, *(points_text(assignment.exercise(q).points) for q in questions), points_text(maximum), 1.0, "--"])
    for record in sorted(records, key=_file):
        file = _file(record)
        if record.problem is not None:
            writer.writerow([safe_cell(file), *(0 for _ in questions), 0, 0.0, safe_cell(record.problem)])
            continue
        scores = {grade.exercise: grade.score for grade in exercise_grades(assignment, record)}
        total = sum(scores.get(q, 0) for q in questions)
        row = [*(points_text(scores.get(q, 0)) for q in questions), points_text(total), round(total / maximum, 4) if maximum else 0.0]
        writer.writerow([safe_cell(file), *row, "Completed"])
    return buffer.getvalue()


def _file(record: SubmissionGrade) -> str:
    return f"{record.student_id}/{record.notebook}" if record.notebook else record.student_id


def run(args) -> int:
    _, assignment, out, records = load_graded(args.course, args.assignment, getattr(args, "out", None))
    target = Path(args.output) if getattr(args, "output", None) else out / "final_grades.csv"
    write_atomically(target, final_grades_csv(assignment, records))
    print(f"otter final_grades.csv: {target} ({len(records)} submissions).")
    return 0
