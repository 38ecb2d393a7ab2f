"""What a grading run leaves behind for people: CSV, feedback, the class report, the gradebook.

``write_outputs`` is what the grade command calls at the end of every run (and
again on a resumed one: every file is a pure function of the records, so the
outputs of a resumed run equal those of an uninterrupted one). Each output
lives in its own module; the after-grading commands (report, feedback,
export, gradescope) reuse them on grades already on disk.
"""
from __future__ import annotations

from pathlib import Path
from statistics import mean

from rich.console import Console
from rich.table import Table

from autograder.assignment import Assignment
from autograder.course import Course
from autograder.outputs.common import exercise_grades, needs_attention, sorted_records
from autograder.outputs.feedback import write_feedback
from autograder.outputs.grades_csv import write_grades_csv
from autograder.results import SubmissionGrade

__all__ = ["write_outputs", "print_summary"]


def write_outputs(
    assignment: Assignment, records: list[SubmissionGrade], out_dir: Path, course: Course | None
) -> list[Path]:
    """grades.csv, OUT/feedback/<student>.html, OUT/report.html and, in an nbgrader
    course whose gradebook has this assignment, the gradebook; returns what was written."""
    from autograder.outputs.gradebook import has_assignment, write_gradebook
    from autograder.outputs.report import write_report

    out_dir = Path(out_dir)
    records = sorted_records(records)
    written = [write_grades_csv(assignment, records, out_dir)]
    written += write_feedback(assignment, records, out_dir)
    written.append(write_report(assignment, records, out_dir))
    if course is not None and course.is_nbgrader_course and has_assignment(course.gradebook, assignment.name):
        write_gradebook(assignment, records, course.gradebook)
        written.append(course.gradebook)
    return written


def _score_columns(assignment: Assignment, records: list[SubmissionGrade]) -> list[int]:
    top = max([x.points for x in assignment.exercises] + [e.max_score for r in records for e in r.exercises], default=2)
    return list(range(0, top + 1))


def print_summary(assignment: Assignment, records: list[SubmissionGrade], console: Console | None = None) -> None:
    """Per exercise: mean and how many students got each score (0/1/2); a table on a
    terminal, plain lines otherwise (logs, CI, pipes)."""
    console = console or Console()
    records = sorted_records(records)
    rows = [exercise_grades(assignment, r) for r in records]
    columns = _score_columns(assignment, records)
    lines = []
    for index, exercise in enumerate(assignment.exercises):
        scores = [grades[index].score for grades in rows]
        counts = [sum(1 for s in scores if s == c) for c in columns]
        lines.append((exercise.name, f"{mean(scores):.2f}" if scores else "-", counts))
    totals = [r.total for r in records]
    tail = (
        f"{len(records)} submissions, mean total {mean(totals):.2f} / {assignment.max_score}, "
        f"{sum(map(needs_attention, records))} not graded normally."
        if records
        else "No submissions."
    )
    if console.is_terminal:
        table = Table(title=f"{assignment.name}: per-exercise summary")
        table.add_column("exercise")
        table.add_column("mean", justify="right")
        for c in columns:
            table.add_column(f"got {c}", justify="right")
        for name, average, counts in lines:
            table.add_row(name, average, *map(str, counts))
        console.print(table)
        console.print(tail, markup=False, highlight=False)
    else:
        header = "exercise".ljust(max([8] + [len(n) for n, _, _ in lines])) + "  mean  " + "  ".join(f"got {c}" for c in columns)
        out = [f"{assignment.name}: per-exercise summary", header]
        width = len(header.split("  mean")[0])
        for name, average, counts in lines:
            out.append(name.ljust(width) + "  " + average.rjust(4) + "  " + "  ".join(str(n).rjust(5) for n in counts))
        out.append(tail)
        for line in out:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
