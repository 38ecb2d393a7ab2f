"""An ``nbgrader export`` plugin with one column per exercise, beside nbgrader's totals.

nbgrader's own CSV has totals only; a grader who wants to see which exercise a
class struggled with in a spreadsheet runs::

    nbgrader export --exporter=autograder.outputs.nbgrader_exporter.PerExerciseExportPlugin [--to FILE]

Columns: nbgrader's (assignment, duedate, timestamp, student_id, names, email,
raw_score, late_submission_penalty, score, max_score), then one column per
grade cell, named after its exercise (``test_<exercise>`` -> ``<exercise>``;
prefixed ``<notebook>/`` for a notebook not named after its assignment). A
student without a submission gets 0 like in nbgrader's CSV, and an empty
timestamp.
"""
from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import ExportPlugin

from autograder.outputs.common import safe_cell

BASE_COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)


def column_name(assignment: str, notebook: str, cell: str) -> str:
    exercise = cell[len("test_"):] if cell.startswith("test_") else cell
    return exercise if notebook == assignment else f"{notebook}/{exercise}"


def _text(value: object) -> object:
    """A cell: names and emails in the gradebook may be students' own text."""
    return "" if value is None else safe_cell(value)


class PerExerciseExportPlugin(ExportPlugin):
    """nbgrader's CSV export plus one score column per grade cell."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = [a for a in gradebook.assignments if not self.assignment or a.name in {str(x) for x in self.assignment}]

        columns: dict[str, None] = {}
        cells_of = {}
        for assignment in assignments:
            cells = [(nb.name, cell.name) for nb in assignment.notebooks for cell in nb.grade_cells]
            cells_of[assignment.name] = cells
            for notebook, cell in cells:
                columns.setdefault(column_name(assignment.name, notebook, cell), None)

        self.log.info("Exporting grades with per-exercise columns to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow((*BASE_COLUMNS, *columns))
            for assignment in assignments:
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    row = {
                        "assignment": assignment.name,
                        "duedate": assignment.duedate,
                        "student_id": student.id,
                        "last_name": student.last_name,
                        "first_name": student.first_name,
                        "email": student.email,
                        "max_score": assignment.max_score,
                    }
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                        scores = {column_name(assignment.name, nb, c): 0.0 for nb, c in cells_of[assignment.name]}
                    else:
                        penalty = submission.late_submission_penalty or 0.0
                        row.update(
                            timestamp=submission.timestamp,
                            raw_score=submission.score,
                            late_submission_penalty=penalty,
                            score=max(0.0, submission.score - penalty),
                        )
                        scores = {
                            column_name(assignment.name, nb.name, grade.name): grade.score
                            for nb in submission.notebooks
                            for grade in nb.grades
                        }
                    writer.writerow(
                        [_text(row[c]) for c in BASE_COLUMNS] + [_text(scores.get(c, "")) for c in columns]
                    )
