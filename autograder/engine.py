"""Grading submissions, each one end to end (in parallel: :mod:`autograder.local_workers`, :mod:`autograder.dask_workers`).

One submission flows submission → one sandbox session (cells once, then each exercise) →
check outcomes → rubric → :class:`SubmissionGrade`. Whatever goes wrong
while one exercise is run or judged ends that exercise, with a status and a
sentence: never the submission, the worker or the run.
"""
from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass, replace

from autograder.assignment import Assignment, Exercise
from autograder.checks.api import Check, collect_checks
from autograder.reference import References
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.protocol import Remembering
from autograder.rubric import fault_text, grade_exercise
from autograder.scoring import CheckOutcome
from autograder.sandbox.deadlines import Allowance
from autograder.sandbox.sandboxes import Sandbox, SandboxPool
from autograder.sandbox.session import CellsDied
from autograder.status import Status
from autograder.submissions import Submission

MAX_SESSIONS = 8
"""Student processes one submission may use: a cell or an exercise that ends one costs a new one."""


@dataclass(frozen=True)
class ExerciseRun:
    """One exercise of one submission, with what only instructors see."""

    grade: ExerciseGrade
    outcomes: tuple[CheckOutcome, ...]
    cell_errors: tuple[str, ...]


Graded = tuple[SubmissionGrade, dict[str, ExerciseRun]]


class Grader:
    """Everything grading needs that is paid for once: checks, references, sandboxes."""

    def __init__(self, assignment: Assignment, references: References, sandboxes: SandboxPool) -> None:
        self.assignment = assignment
        self.references = references
        self.sandboxes = sandboxes
        self.checks: dict[str, list[Check]] = {
            e.name: collect_checks(e.name, assignment.modules[e.name]) for e in assignment.exercises
        }

    def grade(self, submission: Submission) -> Graded:
        started = time.perf_counter()
        if submission.problem:
            status = Status.NO_NOTEBOOK if submission.notebook is None else Status.UNREADABLE
            runs = {e.name: ExerciseRun(ExerciseGrade(e.name, 0, e.points, status, (submission.problem,)), (), ()) for e in self.assignment.exercises}
        else:
            runs = self._contained(submission)
        return self._record(submission, runs, time.perf_counter() - started)

    def _record(self, submission: Submission, runs: dict[str, ExerciseRun], seconds: float) -> Graded:
        return _record(self.assignment, submission, runs, seconds)

    def _contained(self, submission: Submission) -> dict[str, ExerciseRun]:
        """Every exercise's run; an exception of any kind (a broken sandbox, a bug,
        the grader's own memory) ends the exercise it happened in, as an 'error'."""
        runs: dict[str, ExerciseRun] = {}
        skip: set[int] = set()
        allowance = self.sandboxes.settings.allowance(len(self.assignment.exercises))
        for _ in range(MAX_SESSIONS):
            todo = [e for e in self.assignment.exercises if e.name not in runs]
            if not todo or allowance.spent:
                break
            try:
                with self.sandboxes.checkout() as sandbox:
                    self._session(sandbox, submission, todo, skip, runs, allowance)
            except Exception as error:
                detail = traceback.format_exc(limit=3)[-1500:]
                failed = next(e for e in self.assignment.exercises if e.name not in runs)
                print(f"autograder: grading {failed.name} of one submission failed:\n{detail}", file=sys.stderr)
                runs[failed.name] = _failed(failed, Status.ERROR, detail, fault_text(error))
        for exercise in self.assignment.exercises:
            runs.setdefault(exercise.name, _failed(exercise, Status.TIMEOUT if allowance.spent else Status.CRASHED))
        return runs

    def _session(
        self, sandbox: Sandbox, submission: Submission, todo: list[Exercise], skip: set[int], runs: dict[str, ExerciseRun],
        allowance: Allowance,
    ) -> None:
        """One student process runs the notebook's cells once, then each exercise's
        checks in turn. A cell that kills or hangs the process is left out of the
        next process as a failed cell, so it costs only what depends on it; an
        exercise that kills or hangs it costs that exercise, and the next process
        takes the rest, all of them within the submission's one ``allowance``."""
        cells = [(i, source) for i, source in submission.cells_to_run(self.assignment) if i not in skip]
        functions = [f for e in todo for f in e.functions]
        try:
            with sandbox.session(cells, functions, sandbox.settings.cells_seconds(len(todo)), allowance) as session:
                owners = submission.exercise_of_cells(self.assignment)
                for exercise in todo:
                    session.begin_exercise()
                    grade, outcomes = grade_exercise(
                        exercise, self.checks[exercise.name], session.defined, Remembering(session), self.references,
                        "".join(_section(session.printed, owners, exercise.name)),
                    )
                    errors = tuple(_section(session.cell_errors, owners, exercise.name))
                    errors += tuple(f"cell {i}: stopped the process" for i in sorted(skip) if owners.get(i) == exercise.name)
                    if errors:
                        grade = replace(grade, printed=grade.printed + "\n[errors while running your notebook]\n" + "\n".join(errors))
                    runs[exercise.name] = ExerciseRun(grade, tuple(outcomes), errors)
                    if session.dead:
                        return
        except CellsDied as died:
            if died.cell is None or died.cell in skip:
                for exercise in todo:
                    runs.setdefault(exercise.name, _failed(exercise, died.reason))
            else:
                skip.add(died.cell)


def _section(by_cell: dict[int, str], owners: dict[int, str], exercise: str) -> list[str]:
    """The texts of the cells that belong to ``exercise``, in notebook order."""
    return [text for index, text in sorted(by_cell.items()) if owners.get(index) == exercise]


def _record(assignment: Assignment, submission: Submission, runs: dict[str, ExerciseRun], seconds: float) -> Graded:
    record = SubmissionGrade(
        student_id=submission.student_id,
        assignment=assignment.name,
        digest=submission.digest,
        notebook=submission.notebook.name if submission.notebook else None,
        problem=submission.problem,
        note=submission.note,
        exercises=tuple(runs[e.name].grade for e in assignment.exercises),
        seconds=round(seconds, 4),
    )
    return record, runs


def not_graded(assignment: Assignment, submission: Submission) -> Graded:
    """Every exercise as an 'error': what a submission gets should grading it fail outside any exercise."""
    fault = "the grading process failed outside any exercise (its log says why)"
    return _record(assignment, submission, {e.name: _failed(e, Status.ERROR, fault=fault) for e in assignment.exercises}, 0.0)


def _failed(exercise: Exercise, reason: Status, detail: str = "", fault: str = "") -> ExerciseRun:
    grade = ExerciseGrade(exercise.name, 0, exercise.points, reason, (reason.sentence,), fault=fault)
    return ExerciseRun(grade, (), (detail,) if detail else ())
