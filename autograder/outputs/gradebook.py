"""Scores into nbgrader's gradebook, so formgrader and ``nbgrader export`` agree with grades.csv.

Each exercise's score becomes the ``auto_score`` of that exercise's autograded
test cell (``test_<exercise>``) in the notebook named after the assignment. What
a grader set in formgrader (manual scores, extra credit, comments) is never
written here, and a grade whose auto score is unchanged is not touched at all,
so a regrade changes only the scores that changed. A changed auto score under a
manual one is marked as needing manual grading, as ``nbgrader autograde`` marks it.
As ``nbgrader autograde`` does, each submission gets its submission time and,
when that is past the assignment's due date, the late penalty the course's
late-submission plugin gives. nbgrader is imported only when there is
something to write: it takes seconds.
"""
from __future__ import annotations

import sqlite3
import sys
import warnings
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from autograder.assignment import Assignment
from autograder.outputs.common import exercise_grades, sorted_records
from autograder.results import SubmissionGrade

if TYPE_CHECKING:
    from nbgrader.api import Gradebook, SubmittedAssignment, SubmittedNotebook
    from nbgrader.plugins import BasePlugin


@dataclass
class GradebookUpdate:
    students: int = 0
    grades: int = 0
    """Auto scores that changed."""
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


def write_gradebook(assignment: Assignment, records: Iterable[SubmissionGrade], db: Path, config: Path | None = None) -> GradebookUpdate:
    """Create students and submissions as needed, record when each was submitted,
    set each test cell's auto_score where it changed and each late notebook's penalty; one commit.

    ``config`` is the course's ``nbgrader_config.py``, which names the
    late-submission plugin; without it, nbgrader's default (no penalty).
    """
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's own add_submission trips SQLAlchemy's autoflush warnings; they are harmless noise.
        warnings.simplefilter("ignore", SAWarning)
        return _write(assignment, records, db, late_plugin(config))


def late_plugin(config: Path | None) -> "BasePlugin":
    """The course's late-submission plugin, made as ``nbgrader autograde`` makes it:
    ``AssignLatePenalties.plugin_class`` (with its own settings) from the course's
    ``nbgrader_config.py``; a plugin module named there is found in the course
    folder, where nbgrader, run from that folder, finds it."""
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    settings, folder = Config(), None
    if config is not None and config.is_file():
        folder = str(config.parent)
        sys.path.insert(0, folder)
    try:
        if folder is not None:
            settings = PyFileConfigLoader(config.name, path=folder).load_config()
        penalties = AssignLatePenalties(config=settings)
        penalties.init_plugin()
    finally:
        if folder is not None:
            sys.path.remove(folder)
    return penalties.plugin_inst


def _penalise(gb: "Gradebook", plugin: "BasePlugin", submission: "SubmittedAssignment", notebook: "SubmittedNotebook") -> None:
    """The late penalty of one submitted notebook, as nbgrader's AssignLatePenalties
    sets it: none unless late, else the plugin's, kept between 0 and the score."""
    gb.db.flush()
    gb.db.refresh(submission)
    gb.db.refresh(notebook)
    notebook.late_submission_penalty = None
    if submission.total_seconds_late > 0:
        penalty = plugin.late_submission_penalty(submission.student.id, notebook.score, submission.total_seconds_late)
        if penalty is not None:
            notebook.late_submission_penalty = min(max(penalty, 0.0), notebook.score)


def _write(assignment: Assignment, records: Iterable[SubmissionGrade], db: Path, plugin: "BasePlugin") -> GradebookUpdate:
    from nbgrader.api import Gradebook

    update = GradebookUpdate()
    with Gradebook(f"sqlite:///{Path(db).resolve()}") as gb:
        notebook = gb.find_notebook(assignment.name, assignment.name)
        cells = {cell.name for cell in notebook.grade_cells}
        for record in sorted_records(records):
            gb.update_or_create_student(record.student_id)
            stamp = {"timestamp": record.timestamp} if record.timestamp is not None else {}
            submission = gb.update_or_create_submission(assignment.name, record.student_id, **stamp)
            for grade in exercise_grades(assignment, record):
                cell = f"test_{grade.exercise}"
                if cell not in cells:
                    if cell not in update.unknown_cells:
                        update.unknown_cells.append(cell)
                    continue
                entry = gb.find_grade(cell, assignment.name, assignment.name, record.student_id)
                if entry.auto_score != float(grade.score):
                    entry.auto_score = float(grade.score)
                    # nbgrader's SaveAutoGrades rule: a manual score over a new auto score wants a second look.
                    entry.needs_manual_grade = entry.manual_score is not None
                    update.grades += 1
            _penalise(gb, plugin, submission, gb.find_submission_notebook(assignment.name, assignment.name, record.student_id))
            update.students += 1
        gb.db.commit()
    return update
