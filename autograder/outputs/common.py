"""What every output needs: grades in a fixed order, one row per exercise, statuses in words.

Every output (CSV, feedback, report, gradebook, exports) reads the same records
through these helpers, so they agree with each other on order, on the exercises
a student gets a row for, and on what a status means.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment, Exercise, load_assignment
from autograder.course import Course
from autograder.errors import UserError
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade
from autograder.status import Status, status_of
from autograder.text import clean_text, csv_cell, hash_tag


_SAFE = re.compile(r"[^A-Za-z0-9._@+-]")
FILE_NAME_LIMIT = 100
_CODE = re.compile(r"`([^`\n]+)`")
"""A code span of a sentence (`relu`), the one markup our sentences use."""


def status_text(status: Status | str) -> str:
    """A status as a grader or a student reads it, in every output; an unknown one as it is."""
    known = status_of(status)
    return known.text if isinstance(known, Status) else str(status)


def sorted_records(records: Iterable[SubmissionGrade]) -> list[SubmissionGrade]:
    """Students in one fixed order (by id), so every output is the same for the same grades."""
    return sorted(records, key=lambda r: r.student_id)


def exercise_grades(assignment: Assignment, record: SubmissionGrade) -> list[ExerciseGrade]:
    """One grade per exercise of the assignment, in its order; nothing silently missing.

    The grade command gives every student a row for every exercise. Should a
    record still lack one (an older checks package, a hand-edited file), the
    exercise shows as 0 'not graded' with the submission's problem, so totals
    in every output agree and nobody's exercise disappears.
    """
    by_name = {e.exercise: e for e in record.exercises}
    grades = []
    for exercise in assignment.exercises:
        grade = by_name.pop(exercise.name, None)
        if grade is None:
            reason = record.problem or "This exercise was not graded."
            grade = ExerciseGrade(exercise.name, 0, exercise.points, Status.NOT_GRADED, (reason,))
        grades.append(grade)
    grades.extend(by_name.values())  # exercises the assignment no longer lists: keep, never drop
    return grades


def score_columns(scores: Iterable[float], maximum: float) -> list[float]:
    """The scores a distribution is counted over: every whole number from 0 to ``maximum`` when
    all are whole (this course's 0/1/2), else each score that occurs, with 0 and ``maximum``
    (an otter question's fractions)."""
    scores = list(scores)
    if all(float(s).is_integer() for s in [*scores, maximum]):
        return list(range(0, int(maximum) + 1))
    return sorted({0.0, float(maximum), *map(float, scores)})


def needs_attention(record: SubmissionGrade) -> bool:
    """A submission that could not be graded normally: a problem, or an exercise not 'graded'."""
    return record.problem is not None or any(e.status != Status.GRADED for e in record.exercises)


def safe_file_name(student_id: str) -> str:
    """A file name for a student id that cannot leave its folder, is never
    hidden, and is the student's alone (ids come from folder names).

    An id of letters, digits and ``._@+-`` (not starting with a dot) is its own
    name, so files keep matching nbgrader's folders. Any other id is made safe
    and tagged with a hash of the whole id; ``~`` is never in a kept name, so a
    tagged name cannot equal one, and two ids never share a file.
    """
    if 0 < len(student_id) <= FILE_NAME_LIMIT and not _SAFE.search(student_id) and not student_id.startswith("."):
        return student_id
    stem = _SAFE.sub("_", student_id)[:FILE_NAME_LIMIT]
    stem = f"_{stem}" if stem.startswith(".") or not stem else stem
    return stem + hash_tag(student_id.encode("utf-8", "surrogatepass"))


def html_text(text: object) -> str:
    """Record text for an HTML page: cleaned (so the page can be written as
    UTF-8 and shows no hidden controls), then escaped (so it stays text)."""
    return escape(clean_text(text))


def html_sentence(text: object) -> str:
    """A sentence a check or a status wrote, for an HTML page: escaped as any record text is,
    its code spans shown as code, so a student never reads the backticks."""
    return _CODE.sub(r"<code>\1</code>", html_text(text))


def plain_sentence(text: object) -> str:
    """A sentence for a spreadsheet or plain text, where nothing renders markup: cleaned, and its
    code spans without their backticks."""
    return _CODE.sub(r"\1", clean_text(text))


def safe_cell(value: object) -> object:
    """A spreadsheet cell that can be written as UTF-8 and never runs as a
    formula; numbers pass unchanged."""
    return csv_cell(clean_text(value)) if isinstance(value, str) else value


def assignment_from_records(name: str, records: list[SubmissionGrade]) -> Assignment:
    """The exercises as the records name them, in the order they first appear."""
    exercises: dict[str, Exercise] = {}
    for record in records:
        for grade in record.exercises:
            exercises.setdefault(grade.exercise, Exercise(grade.exercise, grade.exercise, (), "", grade.max_score))
    return Assignment(name=name, exercises=tuple(exercises.values()))


def describe_assignment(course: Course, name: str, records: list[SubmissionGrade]) -> Assignment:
    """The assignment's exercises (titles, points, order), from the course's checks; when they
    cannot be loaded (no checks package here, one being rewritten) the records themselves say
    which exercises there were."""
    try:
        return load_assignment(name, course)
    except UserError:
        return assignment_from_records(name, records)


def no_grades(name: str, out: Path) -> UserError:
    return UserError(f"No grades for '{name}' in {out}: run `autograder grade {name}` first.")


def load_graded(course_dir: Path | None, name: str, out: Path | None) -> tuple[Course, Assignment, Path, list[SubmissionGrade]]:
    """For the after-grading commands: the course, the assignment, the grades folder and its records.

    Raises the one-sentence UserError when that folder holds no grades for the
    assignment, which is what a grader who forgot to grade first needs to read.
    """
    course = Course.find(course_dir)
    out = Path(out) if out else course.grades(name)
    records = [r for r in ResultStore(out).load().values() if r.assignment == name] if out.is_dir() else []
    if not records:
        raise no_grades(name, out)
    return course, describe_assignment(course, name, records), out, sorted_records(records)
