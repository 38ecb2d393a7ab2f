"""``autograder export ASSIGNMENT --format otter``: our grades in otter-grader's ``final_grades.csv`` layout.

otter's columns: ``file``, one per question, ``total_points_earned``,
``percent_correct``, ``grading_status``; here the first data row holds the
points possible (``file`` = ``POSSIBLE``); ``file`` is ``STUDENT/NOTEBOOK``, so a course moving from otter reads
the same table with the maxima written down. A submission that could not be
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
from autograder.results import SubmissionGrade

POSSIBLE = "POSSIBLE"


def final_grades_csv(assignment: Assignment, records: list[SubmissionGrade]) -> str:
    questions = [e.name for e in assignment.exercises]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", *questions, "total_points_earned", "percent_correct", "grading_status"])
    maximum = assignment.max_score
    writer.writerow([POSSIBLE, *(e.points for e in assignment.exercises), maximum, 1.0, ""])
    for record in records:
        file = f"{record.student_id}/{record.notebook}" if record.notebook else record.student_id
        if record.problem is not None:
            writer.writerow([safe_cell(file), *(0 for _ in questions), 0, 0.0, safe_cell(record.problem)])
            continue
        scores = {grade.exercise: grade.score for grade in exercise_grades(assignment, record)}
        total = sum(scores.get(q, 0) for q in questions)
        writer.writerow([safe_cell(file), *(scores.get(q, 0) for q in questions), total, round(total / maximum, 4) if maximum else 0.0, "Completed"])
    return buffer.getvalue()


def run(args) -> int:
    _, assignment, out, records = load_graded(args.course, args.assignment, getattr(args, "out", None))
    target = Path(args.output) if getattr(args, "output", None) else out / "final_grades.csv"
    write_atomically(target, final_grades_csv(assignment, records))
    print(f"otter final_grades.csv: {target} ({len(records)} submissions).")
    return 0
