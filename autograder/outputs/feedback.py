"""Feedback a student reads: one self-contained HTML file per student.

Only what the student may see goes in: per exercise the score, the status in the
words every output uses, what is not yet right (each failed check's sentence, which
names its lecture and slide) or why the checks could not run, and, truncated, what the
student's own code printed, verbatim, whatever it says of cells; the submission's
problem or note. Never check details (they may name hidden inputs). Everything that
comes from a record is cleaned and escaped, since student text is untrusted and ends up
in a browser.

A check's sentence states the requirement ("relu leaves the array it is given
unchanged"): alone it reads as if the code met it, so the sentences of failed checks
stand under a heading that says they are not met yet, each marked as failed.

``autograder feedback ASSIGNMENT`` copies the files to
``<course>/feedback/<student>/<assignment>/<assignment>.html``, where nbgrader's
``release_feedback`` picks them up.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment
from autograder.outputs.common import (
    exercise_grades,
    html_sentence,
    html_text,
    load_graded,
    safe_file_name,
    sorted_records,
    status_text,
)
from autograder.files import write_atomically
from autograder.results import ExerciseGrade, SubmissionGrade, points_text
from autograder.status import Status
from autograder.student_files import Folder, Refused
from autograder.text import clean_text, student_id_for

FEEDBACK_DIR = "feedback"
PRINTED_LIMIT = 2000
"""Characters of printed output shown; enough to recognise it, not a log dump."""
RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")
"""What nbgrader's release_feedback reads next to the HTML; copied from the submission when there."""
RELEASE_FILE_LIMIT = 64 * 1024
"""Both files are a line long; a larger one is not what nbgrader wrote and is not copied."""
NOT_YET = "Not yet right:"
FAILED = frozenset({Status.GRADED, Status.MISSING})
"""Statuses whose sentences name what the student's code still lacks (a failed check, a function
not defined): listed under NOT_YET. Another status's sentence says why the checks could not run
(a timeout, the grader's own failure) and is shown as it is."""

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin:0}
.exercise{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.score{float:right;font-weight:bold}.full{color:#17702d}.partial{color:#a35d00}.zero{color:#b3261e}
.status{color:#555;font-size:.9rem}.notice{background:#fff4ce;border-left:4px solid #e0a800;padding:.5rem 1rem}
.missing{font-weight:bold;margin-bottom:.2rem}ul.failed{list-style:none;padding-left:.5rem;margin-top:0}
.mark{color:#b3261e;font-weight:bold}code{background:#f0f0f0;padding:0 .2rem;border-radius:3px}
pre{background:#f5f5f5;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-word;font-size:.85rem}
"""


def feedback_html(assignment: Assignment, record: SubmissionGrade) -> str:
    """The page for one student; every value from the record is cleaned, then escaped."""
    e = html_text
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {e(assignment.name)} ({e(record.student_id)})</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Feedback on {e(assignment.name)}</h1>",
        f"<p>Student: <b>{e(record.student_id)}</b> &middot; Total: <b>{points_text(record.total)} / {points_text(record.max_total)}</b></p>",
    ]
    if record.problem:
        parts.append(f'<p class="notice">Your submission could not be graded normally: {e(record.problem)}</p>')
    if record.note:
        parts.append(f'<p class="notice">Note: {e(record.note)}</p>')
    titles = {x.name: x.title for x in assignment.exercises}
    for grade in exercise_grades(assignment, record):
        tone = "full" if grade.score >= grade.max_score else ("zero" if grade.score == 0 else "partial")
        title = titles.get(grade.exercise, grade.exercise)
        heading = e(grade.exercise) if title == grade.exercise else f"{e(title)} <small>({e(grade.exercise)})</small>"
        parts.append('<section class="exercise">')
        parts.append(f'<span class="score {tone}">{points_text(grade.score)} / {points_text(grade.max_score)}</span><h2>{heading}</h2>')
        parts.append(f'<p class="status">Status: {e(status_text(grade.status))}</p>')
        parts += _sentences(grade, record.problem)
        printed = clean_text(grade.printed, PRINTED_LIMIT)
        if printed.strip():
            parts.append(f"<p>Your code printed:</p><pre>{e(printed)}</pre>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _sentences(grade: ExerciseGrade, problem: str | None) -> list[str]:
    """What is not yet right, or why the checks could not run, or that all passed. The
    submission's problem is left out: the notice at the top of the page already says it."""
    sentences = [s for s in grade.feedback if s != problem]
    if sentences and grade.status in FAILED:
        items = "".join(f'<li><span class="mark" aria-hidden="true">✗</span> {html_sentence(s)}</li>' for s in sentences)
        return [f'<p class="missing">{NOT_YET}</p><ul class="failed">{items}</ul>']
    if sentences:
        return [f"<p>{html_sentence(s)}</p>" for s in sentences]
    return ["<p>All checks passed.</p>"] if grade.score >= grade.max_score else []


def feedback_path(out_dir: Path, student_id: str) -> Path:
    return Path(out_dir) / FEEDBACK_DIR / f"{safe_file_name(student_id)}.html"


def write_student_feedback(assignment: Assignment, record: SubmissionGrade, out_dir: Path) -> Path:
    return write_atomically(feedback_path(out_dir, record.student_id), feedback_html(assignment, record))


def write_feedback(assignment: Assignment, records: Iterable[SubmissionGrade], out_dir: Path) -> list[Path]:
    """OUT/feedback/<student_id>.html for every record; returns the files written."""
    return [write_student_feedback(assignment, record, out_dir) for record in sorted_records(records)]


def place_for_nbgrader(
    assignment: Assignment, records: Iterable[SubmissionGrade], out_dir: Path, feedback_root: Path, submitted: Path
) -> tuple[list[Path], list[str]]:
    """Copy each file to feedback_root/<student>/<assignment>/<assignment>.html.

    nbgrader's release_feedback also needs the submission's timestamp.txt and
    submission_secret.txt beside the HTML (the secret names the file in the
    exchange), so they are copied from the submitted folder, found by the
    folder name its id came from. Returns the files placed and the students
    (cleaned ids) whose submission lacks a secret: the file is in place for
    them but the exchange cannot release it.
    """
    folders = {student_id_for(name): name for name in os.listdir(submitted)} if Path(submitted).is_dir() else {}
    placed, without_secret = [], []
    for record in sorted_records(records):
        source = feedback_path(out_dir, record.student_id)
        target_dir = Path(feedback_root) / safe_file_name(record.student_id) / assignment.name
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{assignment.name}.html"
        shutil.copyfile(source, target)
        placed.append(target)
        folder = folders.get(record.student_id)
        copies = release_files(Path(submitted), folder, assignment.name) if folder is not None else {}
        for name, data in copies.items():
            write_atomically(target_dir / name, data)
        if not (target_dir / "submission_secret.txt").is_file():
            without_secret.append(clean_text(record.student_id))
    return placed, without_secret


def release_files(submitted: Path, folder: str, assignment: str) -> dict[str, bytes]:
    """The RELEASE_FILES of one submission that are regular files of a sane
    size, read without following a link: a student's secret that points at a
    grader's file must not be copied where the student can read it."""
    found = {}
    try:
        with Folder.below(submitted, folder, assignment) as where:
            for name in RELEASE_FILES:
                try:
                    found[name] = where.read(name, RELEASE_FILE_LIMIT)
                except (Refused, OSError):
                    continue
    except (Refused, OSError):
        pass
    return found


def run(args) -> int:
    """``autograder feedback ASSIGNMENT [--out DIR]``."""
    course, assignment, out, records = load_graded(args.course, args.assignment, getattr(args, "out", None))
    write_feedback(assignment, records, out)
    placed, without_secret = place_for_nbgrader(assignment, records, out, course.feedback, course.submitted)
    print(f"Placed {len(placed)} feedback files under {course.feedback}/<student>/{assignment.name}/.")
    if without_secret:
        print(
            f"{len(without_secret)} of them have no submission_secret.txt in {course.submitted} "
            f"(not collected through nbgrader's exchange), so `nbgrader release_feedback` cannot hand them back: "
            + ", ".join(without_secret)
        )
    else:
        print(f"Hand them back with: nbgrader release_feedback {assignment.name}")
    return 0
