"""Gradescope's ``results/results.json`` for one graded submission, from our results.

Gradescope's documented format: a top-level ``score``, ``tests`` with ``name, score,
max_score, output, visibility`` each. For our own assignments, one visible test per
exercise: our sentences name properties and lectures, never hidden values, and are meant to
be read at once. An assignment that shows its results its own way names a
:class:`~autograder.extensions.GradescopeResults` (an otter import: otter's). Every output is
the sentences a student sees in their feedback, never check details; the grader's own log is
hidden from students unless the assignment's shape shows it.

``python -m autograder.gradescope.results OUT_DIR RESULTS_JSON COURSE_DIR`` is the conversion step of
``run_autograder``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment
from autograder.course import Course
from autograder.outputs.common import describe_assignment, exercise_grades, plain_sentence, status_text
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade
from autograder.status import Status
from autograder.text import clean_text

OUTPUT_LIMIT = 8000
FAILED_OUTPUT = (
    "The autograder could not grade this submission (an error in the grading setup, not in your notebook). "
    "Your instructor can see the log and will regrade it."
)


def exercise_output(grade: ExerciseGrade) -> str:
    """What a test's output says of an exercise: its sentences (they already say why: a timeout,
    a missing function), or its status, or that every check passed."""
    lines = [plain_sentence(s) for s in grade.feedback]
    if not lines and grade.status != Status.GRADED:
        lines = [f"Status: {status_text(grade.status)}."]
    elif not lines and grade.score >= grade.max_score:
        lines = ["All checks passed."]
    return clean_text("\n".join(lines))[:OUTPUT_LIMIT]


class OneTestPerExercise:
    """Our own assignments' shape: one visible test per exercise, with a status."""

    def results(self, assignment: Assignment, record: SubmissionGrade, grades: list[ExerciseGrade]) -> dict:
        titles = {x.name: x.title for x in assignment.exercises}
        tests = []
        for grade in grades:
            title = titles.get(grade.exercise, grade.exercise)
            tests.append({
                "name": title if title == grade.exercise else f"{grade.exercise}: {title}",
                "score": float(grade.score),
                "max_score": float(grade.max_score),
                "status": "passed" if grade.score >= grade.max_score else "failed",
                "output": exercise_output(grade),
                "visibility": "visible",
            })
        return {"score": float(sum(g.score for g in grades)), "tests": tests, "stdout_visibility": "hidden"}


def results_json(records: Iterable[SubmissionGrade], assignment: Assignment | None = None, course: Course | None = None) -> dict:
    """Gradescope's results.json for one graded submission.

    No record (the grade step failed) gives score 0 with a message that says it is not the
    student's fault. The top-level score is always written: where otter leaves it out,
    Gradescope would sum the tests, which is the same number, and a "Public Tests" entry
    has no score of its own.
    """
    records = list(records)
    if len(records) > 1:
        raise ValueError(f"Gradescope grades one submission at a time, got {len(records)} records.")
    if not records:
        return {"score": 0.0, "output": FAILED_OUTPUT, "tests": [], "stdout_visibility": "hidden"}
    record = records[0]
    assignment = assignment or describe_assignment(course or Course.find(), record.assignment, records)
    shape = assignment.gradescope or OneTestPerExercise()
    result = shape.results(assignment, record, exercise_grades(assignment, record))
    output = clean_text("\n".join(x for x in (record.problem and f"Your submission could not be graded normally: {record.problem}", record.note) if x))
    if output:
        result["output"] = output
    return result


def convert(out_dir: Path, results_path: Path, course: Course) -> dict:
    """results.jsonl in out_dir -> Gradescope's results.json; always writes a valid file."""
    try:
        records = list(ResultStore(out_dir).load().values())
        result = results_json(records, course=course)
    except Exception as error:  # a broken converter must still leave Gradescope a results.json
        print(f"autograder: could not convert results: {type(error).__name__}: {error}", file=sys.stderr)
        result = results_json([])
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3:
        print("usage: python -m autograder.gradescope.results OUT_DIR RESULTS_JSON COURSE_DIR", file=sys.stderr)
        return 2
    convert(Path(argv[0]), Path(argv[1]), Course(Path(argv[2]).resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
