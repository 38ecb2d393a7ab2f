"""Scores into nbgrader's gradebook, so formgrader and ``nbgrader export`` agree with grades.csv.

Each exercise's score becomes the ``auto_score`` of that exercise's autograded
test cell (``test_<exercise>``) in the notebook named after the assignment. A
manual score a grader set in formgrader is left alone (nbgrader prefers it).
nbgrader is imported only when there is something to write: it takes seconds.
"""
from __future__ import annotations

import sqlite3
import warnings
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment
from autograder.outputs.common import exercise_grades, sorted_records
from autograder.results import SubmissionGrade


@dataclass
class GradebookUpdate:
    students: int = 0
    grades: int = 0
    unknown_cells: list[str] = field(default_factory=list)
    """Exercises with no ``test_<exercise>`` grade cell in the gradebook (the release is older)."""


def has_assignment(db: Path, assignment: str) -> bool:
    """Whether nbgrader's gradebook knows the assignment; a plain SQLite query, no nbgrader import."""
    if not Path(db).is_file():
        return False
    try:
        with closing(sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)) as connection:
            return connection.execute("SELECT 1 FROM assignment WHERE name = ?", (assignment,)).fetchone() is not None
    except sqlite3.Error:
        return False


def write_gradebook(assignment: Assignment, records: Iterable[SubmissionGrade], db: Path) -> GradebookUpdate:
    """Create students and submissions as needed and set each test cell's auto_score; one commit."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's own add_submission trips SQLAlchemy's autoflush warnings; they are harmless noise.
        warnings.simplefilter("ignore", SAWarning)
        return _write(assignment, records, db)


def _write(assignment: Assignment, records: Iterable[SubmissionGrade], db: Path) -> GradebookUpdate:
    from nbgrader.api import Gradebook, MissingEntry

    update = GradebookUpdate()
    with Gradebook(f"sqlite:///{Path(db).resolve()}") as gb:
        notebook = gb.find_notebook(assignment.name, assignment.name)
        cells = {cell.name for cell in notebook.grade_cells}
        for record in sorted_records(records):
            gb.update_or_create_student(record.student_id)
            try:
                gb.find_submission(assignment.name, record.student_id)
            except MissingEntry:
                gb.add_submission(assignment.name, record.student_id)
            for grade in exercise_grades(assignment, record):
                cell = f"test_{grade.exercise}"
                if cell not in cells:
                    if cell not in update.unknown_cells:
                        update.unknown_cells.append(cell)
                    continue
                entry = gb.find_grade(cell, assignment.name, assignment.name, record.student_id)
                entry.auto_score = float(grade.score)
                entry.needs_manual_grade = False
                update.grades += 1
            update.students += 1
        gb.db.commit()
    return update
