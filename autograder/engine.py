"""Grading submissions: each one end to end, locally in parallel or on Dask.

One submission flows submission → sandbox sessions (one per exercise) →
check outcomes → rubric → :class:`SubmissionGrade`. Whatever goes wrong
while one exercise is run or judged ends that exercise, with a status and a
sentence: never the submission, the worker or the run.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from autograder.assignment import Assignment, Exercise, load_assignment
from autograder.checks.api import Check, collect_checks
from autograder.reference import KerasReferences, References
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.rubric import FAILURE_SENTENCES, CheckOutcome, grade_exercise
from autograder.sandbox.pool import CellsDied, Sandbox, SandboxPool, SandboxSettings
from autograder.submissions import Submission

MAX_CELL_RETRIES = 4


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
        runs: dict[str, ExerciseRun] = {}
        skip: set[int] = set()
        for exercise in self.assignment.exercises:
            if submission.problem:
                status = "no notebook" if submission.notebook is None else "unreadable"
                runs[exercise.name] = ExerciseRun(ExerciseGrade(exercise.name, 0, exercise.points, status, (submission.problem,)), (), ())
            else:
                runs[exercise.name] = self._exercise_contained(submission, exercise, skip)
        return self._record(submission, runs, time.perf_counter() - started)

    def not_graded(self, submission: Submission) -> Graded:
        """Every exercise as an 'error': what a submission gets should grading it fail outside any exercise."""
        return self._record(submission, {e.name: _failed(e, "error") for e in self.assignment.exercises}, 0.0)

    def _record(self, submission: Submission, runs: dict[str, ExerciseRun], seconds: float) -> Graded:
        record = SubmissionGrade(
            student_id=submission.student_id,
            assignment=self.assignment.name,
            digest=submission.digest,
            notebook=submission.notebook.name if submission.notebook else None,
            problem=submission.problem,
            note=submission.note,
            exercises=tuple(runs[e.name].grade for e in self.assignment.exercises),
            seconds=round(seconds, 4),
        )
        return record, runs

    def _exercise_contained(self, submission: Submission, exercise: Exercise, skip: set[int]) -> ExerciseRun:
        """The exercise's run; an exception of any kind (a broken sandbox, a bug,
        the grader's own memory) ends this exercise only, as an 'error'."""
        try:
            with self.sandboxes.checkout() as sandbox:
                return self._exercise(sandbox, submission, exercise, skip)
        except Exception:
            detail = traceback.format_exc(limit=3)[-1500:]
            print(f"autograder: grading {exercise.name} of one submission failed:\n{detail}", file=sys.stderr)
            return _failed(exercise, "error", detail)

    def _exercise(self, sandbox: Sandbox, submission: Submission, exercise: Exercise, skip: set[int]) -> ExerciseRun:
        """Run the exercise in a fresh student process. A cell that kills or
        hangs that process is left out of this and later sessions, as a
        failed cell, so it costs only what depends on it."""
        for _ in range(MAX_CELL_RETRIES):
            cells = [(i, source) for i, source in submission.cells_for(self.assignment, exercise.name) if i not in skip]
            try:
                with sandbox.session(cells, list(exercise.functions)) as session:
                    grade, outcomes = grade_exercise(
                        exercise, self.checks[exercise.name], session.defined, session, self.references, session.printed
                    )
                    errors = tuple(session.cell_errors) + tuple(f"cell {i}: stopped the process" for i in sorted(skip))
            except CellsDied as died:
                if died.cell is None or died.cell in skip:
                    return _failed(exercise, died.reason)
                skip.add(died.cell)
                continue
            if errors:
                grade = replace(grade, printed=grade.printed + "\n[errors while running your notebook]\n" + "\n".join(errors))
            return ExerciseRun(grade, tuple(outcomes), errors)
        return _failed(exercise, "crashed")


def _failed(exercise: Exercise, reason: str, detail: str = "") -> ExerciseRun:
    grade = ExerciseGrade(exercise.name, 0, exercise.points, reason, (FAILURE_SENTENCES[reason],))
    return ExerciseRun(grade, (), (detail,) if detail else ())


def default_workers() -> int:
    """One more worker than cores: a worker waiting on its student's process or
    its zygote leaves its core to the extra one (measured on 2 cores: 3 workers
    grade 15% faster than 2, 4 no faster than 3)."""
    return (os.cpu_count() or 1) + 1


def grade_locally(grader: Grader, submissions: Iterable[Submission], workers: int, record: Callable[[SubmissionGrade, dict[str, ExerciseRun]], None]) -> None:
    """Grade on ``workers`` threads, recording each submission as it finishes.
    Few submissions are queued at a time, so a huge class costs little memory."""
    todo = iter(submissions)
    running: dict[Future, Submission] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while True:
            while len(running) < 2 * workers and (submission := next(todo, None)) is not None:
                running[pool.submit(grader.grade, submission)] = submission
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                submission = running.pop(future)
                try:
                    graded = future.result()
                except Exception:
                    graded = grader.not_graded(submission)
                record(*graded)


_WORKER_GRADERS: dict[tuple, Grader] = {}
_WORKER_LOCK = threading.Lock()


def grade_on_dask_worker(submission: Submission, assignment_name: str, settings: SandboxSettings, device: str) -> SubmissionGrade:
    """Runs on a Dask worker: sandboxes and references are made once per worker process."""
    key = (assignment_name, settings, device)
    with _WORKER_LOCK:
        if key not in _WORKER_GRADERS:
            from distributed import get_worker

            assignment = load_assignment(assignment_name)
            references = KerasReferences(assignment, device=device)
            references.warm()
            pool = SandboxPool(settings, max(get_worker().state.nthreads, 1))
            _WORKER_GRADERS[key] = Grader(assignment, references, pool)
    return _WORKER_GRADERS[key].grade(submission)[0]


def grade_on_cluster(
    address: str, assignment: Assignment, submissions: list[Submission], settings: SandboxSettings, device: str,
    record: Callable[[SubmissionGrade], None],
) -> None:
    from distributed import Client, as_completed as dask_completed

    with Client(address, timeout="30s") as client:
        futures = client.map(
            grade_on_dask_worker, submissions, assignment_name=assignment.name, settings=settings, device=device,
            key=[f"grade-{assignment.name}-{s.student_id}-{s.digest}" for s in submissions], retries=1,
        )
        for future in dask_completed(futures):
            record(future.result())
