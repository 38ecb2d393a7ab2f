"""What a grading run leaves behind for people: CSV, feedback, the class report, the gradebook
and the autograded notebooks formgrader opens.

``write_outputs`` is what the grade command calls at the end of every run (and
again on a resumed one: every file is a pure function of the records, so the
outputs of a resumed run equal those of an uninterrupted one). Each output
lives in its own module; the after-grading commands (report, feedback,
export, gradescope) reuse them on grades already on disk.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from statistics import mean
from typing import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.assignment import Assignment
from autograder.course import Course
from autograder.errors import UserError
from autograder.outputs.common import exercise_grades, needs_attention, score_columns, sorted_records
from autograder.outputs.feedback import write_student_feedback
from autograder.outputs.grades_csv import write_grades_csv
from autograder.results import SubmissionGrade, points_text
from autograder.text import clean_text

__all__ = ["OutputsIncomplete", "write_outputs", "print_summary"]


class OutputsIncomplete(UserError):
    """Some outputs could not be written; every other one was.

    A UserError, so the command ends with this one paragraph and exit 2: what
    fails here is the place written to (a full disk, a read-only folder, a
    locked gradebook), which the person running the command can fix and then
    write again with the after-grading commands.
    """

    def __init__(self, written: list[Path], failures: list[str]) -> None:
        super().__init__(
            f"{len(failures)} output(s) could not be written (the {len(written)} others were): " + "; ".join(failures)
        )
        self.written = written
        self.failures = failures


def write_outputs(
    assignment: Assignment, records: list[SubmissionGrade], out_dir: Path, course: Course | None
) -> list[Path]:
    """grades.csv, OUT/feedback/<student>.html, OUT/report.html and, in an nbgrader
    course whose gradebook has this assignment, the gradebook and the autograded
    notebooks formgrader opens (their folder, when one was written); returns what was written.

    Each output (each student's feedback page counts as one) is written on its
    own: one that fails does not keep the others from being written. After all
    were tried, OutputsIncomplete names every failure, so a run never ends
    quietly with a file missing.
    """
    out_dir = Path(out_dir)
    records = sorted_records(records)
    written: list[Path] = []
    failures: list[str] = []
    for label, write in _writers(assignment, records, out_dir, course):
        try:
            path = write()
        except Exception as error:
            failures.append(clean_text(f"{label}: {type(error).__name__}: {error}", limit=500))
            continue
        if path is not None:
            written.append(path)
    if failures:
        raise OutputsIncomplete(written, failures)
    return written


def _writers(
    assignment: Assignment, records: list[SubmissionGrade], out_dir: Path, course: Course | None
) -> list[tuple[str, Callable[[], Path | None]]]:
    """Each output with what writes it; None from a writer: nothing to write there."""
    from autograder.outputs.autograded import AUTOGRADED, write_autograded
    from autograder.outputs.gradebook import has_assignment, write_gradebook
    from autograder.outputs.report import write_report

    def in_gradebook() -> bool:
        return course is not None and course.is_nbgrader_course and has_assignment(course.gradebook, assignment.name)

    def gradebook() -> Path | None:
        if not in_gradebook():
            return None
        write_gradebook(assignment, records, course.gradebook, course.root / "nbgrader_config.py")
        return course.gradebook

    def autograded() -> Path | None:
        if not in_gradebook():
            return None
        return course.root / AUTOGRADED if write_autograded(assignment, records, course).written else None

    writers = [("grades.csv", partial(write_grades_csv, assignment, records, out_dir))]
    writers += [
        (f"feedback of {r.student_id}", partial(write_student_feedback, assignment, r, out_dir)) for r in records
    ]
    writers.append(("report.html", partial(write_report, assignment, records, out_dir)))
    writers.append(("the nbgrader gradebook", gradebook))
    writers.append(("the autograded notebooks", autograded))
    return writers


def _score_columns(assignment: Assignment, records: list[SubmissionGrade]) -> list[float]:
    top = max([x.points for x in assignment.exercises] + [e.max_score for r in records for e in r.exercises], default=2)
    return score_columns((e.score for r in records for e in r.exercises), top)


def print_summary(assignment: Assignment, records: list[SubmissionGrade], console: Console | None = None) -> None:
    """Per exercise: mean and how many students got each score (0/1/2); a table on a
    terminal, plain lines otherwise (logs, CI, pipes). Names are cleaned and
    never read as rich markup: they may come from a results file."""
    console = console or Console()
    records = sorted_records(records)
    rows = [exercise_grades(assignment, r) for r in records]
    columns = _score_columns(assignment, records)
    lines = []
    for index, exercise in enumerate(assignment.exercises):
        scores = [grades[index].score for grades in rows]
        counts = [sum(1 for s in scores if s == c) for c in columns]
        lines.append((clean_text(exercise.name), f"{mean(scores):.2f}" if scores else "-", counts))
    totals = [r.total for r in records]
    tail = (
        f"{len(records)} submissions, mean total {mean(totals):.2f} / {points_text(assignment.max_score)}, "
        f"{sum(map(needs_attention, records))} not graded normally."
        if records
        else "No submissions."
    )
    title = clean_text(f"{assignment.name}: per-exercise summary")
    if console.is_terminal:
        table = Table(title=Text(title))
        table.add_column("exercise")
        table.add_column("mean", justify="right")
        for c in columns:
            table.add_column(f"got {points_text(c)}", justify="right")
        for name, average, counts in lines:
            table.add_row(Text(name), average, *map(str, counts))
        console.print(table)
        console.print(tail, markup=False, highlight=False)
    else:
        header = "exercise".ljust(max([8] + [len(n) for n, _, _ in lines])) + "  mean  " + "  ".join(f"got {points_text(c)}" for c in columns)
        out = [title, header]
        width = len(header.split("  mean")[0])
        for name, average, counts in lines:
            out.append(name.ljust(width) + "  " + average.rjust(4) + "  " + "  ".join(str(n).rjust(5) for n in counts))
        out.append(tail)
        for line in out:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
