"""Grading a class: each submission end to end, locally in parallel or on Dask.

One submission flows submission → sandbox sessions (one per exercise) →
check outcomes → rubric → :class:`SubmissionGrade`, appended to the result
store the moment it is done, so an interrupted run resumes where it stopped.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from rich.markup import escape

from autograder.assignment import Assignment, Exercise, load_assignment
from autograder.checks.api import Check, collect_checks
from autograder.course import Course, CourseError
from autograder.reference import DeferringReferences, KerasReferences, Pending, References, checks_digest
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade
from autograder.rubric import FAILURE_SENTENCES, CheckOutcome, grade_exercise
from autograder.sandbox.pool import CellsDied, Sandbox, SandboxPool, SandboxSettings, SandboxUnavailable, confinement_problem
from autograder.submissions import Submission, read_submission, released_test_sources, student_folders

MAX_CELL_RETRIES = 4


@dataclass(frozen=True)
class ExerciseRun:
    """One exercise of one submission, with what only instructors see."""

    grade: ExerciseGrade
    outcomes: tuple[CheckOutcome, ...]
    cell_errors: tuple[str, ...]


Graded = tuple[SubmissionGrade, dict[str, ExerciseRun]]


@dataclass
class Deferred:
    """A submission whose exercises in ``runs`` are graded and the others wait
    for batched reference answers; :meth:`Grader.finish` grades those again."""

    submission: Submission
    runs: dict[str, ExerciseRun]
    skip: set[int]
    seconds: float


class Grader:
    """Everything grading needs that is paid for once: checks, references, sandboxes."""

    def __init__(self, assignment: Assignment, references: KerasReferences, sandboxes: SandboxPool) -> None:
        self.assignment = assignment
        self.references = references
        self.sandboxes = sandboxes
        self.checks: dict[str, list[Check]] = {
            e.name: collect_checks(e.name, assignment.modules[e.name]) for e in assignment.exercises
        }

    def grade(self, submission: Submission) -> Graded:
        """The whole submission now, its on-demand reference work batched only within it."""
        return self.finish(Deferred(submission, {}, set(), 0.0))

    def grade_or_defer(self, submission: Submission, references: DeferringReferences) -> Graded | Deferred:
        """The whole submission, or what of it does not wait for reference answers of the next batch."""
        started = time.perf_counter()
        deferred = Deferred(submission, {}, set(), 0.0)
        self._run(deferred, references)
        deferred.seconds = time.perf_counter() - started
        if len(deferred.runs) < len(self.assignment.exercises):
            return deferred
        return self._record(deferred)

    def finish(self, deferred: Deferred) -> Graded:
        started = time.perf_counter()
        self._run(deferred, self.references)
        deferred.seconds += time.perf_counter() - started
        return self._record(deferred)

    def _run(self, deferred: Deferred, references: References) -> None:
        """Grade the exercises not graded yet; one still waiting for references stays out of ``runs``."""
        submission = deferred.submission
        todo = [e for e in self.assignment.exercises if e.name not in deferred.runs]
        if submission.problem:
            status = "no notebook" if submission.notebook is None else "unreadable"
            for e in todo:
                deferred.runs[e.name] = ExerciseRun(ExerciseGrade(e.name, 0, e.points, status, (submission.problem,)), (), ())
            return
        with self.sandboxes.checkout() as sandbox:
            for exercise in todo:
                run = self._exercise(sandbox, submission, exercise, deferred.skip, references)
                if run is not None:
                    deferred.runs[exercise.name] = run

    def _record(self, deferred: Deferred) -> Graded:
        submission = deferred.submission
        runs = {e.name: deferred.runs[e.name] for e in self.assignment.exercises}
        record = SubmissionGrade(
            student_id=submission.student_id,
            assignment=self.assignment.name,
            digest=submission.digest,
            notebook=submission.notebook.name if submission.notebook else None,
            problem=submission.problem,
            note=submission.note,
            exercises=tuple(run.grade for run in runs.values()),
            seconds=round(deferred.seconds, 4),
        )
        return record, runs

    def _exercise(
        self, sandbox: Sandbox, submission: Submission, exercise: Exercise, skip: set[int], references: References
    ) -> ExerciseRun | None:
        """Run the exercise in a fresh student process. A cell that kills or
        hangs that process is left out of this and later sessions, as a
        failed cell, so it costs only what depends on it. None: a check waits
        for a reference answer of the next batch."""
        for _ in range(MAX_CELL_RETRIES):
            cells = [(i, source) for i, source in submission.cells_for(self.assignment, exercise.name) if i not in skip]
            try:
                with sandbox.session(cells, list(exercise.functions)) as session:
                    session.start_checks()
                    grade, outcomes = grade_exercise(
                        exercise, self.checks[exercise.name], session.defined, session, references, session.printed
                    )
                    errors = tuple(session.cell_errors) + tuple(f"cell {i}: stopped the process" for i in sorted(skip))
            except Pending:
                return None
            except CellsDied as died:
                if died.cell is None or died.cell in skip:
                    return _failed(exercise, died.reason)
                skip.add(died.cell)
                continue
            if errors:
                grade = replace(grade, printed=grade.printed + "\n[errors while running your notebook]\n" + "\n".join(errors))
            return ExerciseRun(grade, tuple(outcomes), errors)
        return _failed(exercise, "crashed")


def _failed(exercise: Exercise, reason: str) -> ExerciseRun:
    return ExerciseRun(ExerciseGrade(exercise.name, 0, exercise.points, reason, (FAILURE_SENTENCES[reason],)), (), ())


def sandbox_settings(args: argparse.Namespace, hide: Iterable[Path] = ()) -> SandboxSettings:
    problem = confinement_problem()
    if problem and not args.allow_unconfined:
        raise SandboxUnavailable(
            f"The sandbox cannot be set up because {problem}; refusing to run student code unconfined "
            "(pass --allow-unconfined to accept that risk)."
        )
    if problem:
        print(f"WARNING: student code runs UNCONFINED ({problem}).", file=sys.stderr)
    if args.timeout <= 0 or args.memory < 64:
        raise CourseError("--timeout must be positive and --memory at least 64 MB.")
    return SandboxSettings(
        timeout=args.timeout, memory_mb=args.memory, confined=problem is None, hide=tuple(str(p) for p in hide)
    )


def read_class(assignment: Assignment, course: Course, submitted: Path) -> list[Submission]:
    tests = released_test_sources(course.released_notebook(assignment.name))
    digest = checks_digest(assignment)
    return [read_submission(folder, assignment, tests, digest) for folder in student_folders(submitted)]


class Progress:
    """A progress bar on a terminal, a line every tenth of the class otherwise."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self.bar = None
        if sys.stderr.isatty() and total:
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("grading", total=total)

    def advance(self, student: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=f"graded {escape(student)}")  # ids are not markup
        elif self.done == self.total or self.done % max(self.total // 10, 1) == 0:
            print(f"graded {self.done}/{self.total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def default_workers() -> int:
    """One more worker than cores: a worker waiting on its student's process or
    its zygote leaves its core to the extra one (measured on 2 cores: 3 workers
    grade 15% faster than 2, 4 no faster than 3)."""
    return (os.cpu_count() or 1) + 1


BATCH_SIZE = 32
"""Submissions whose on-demand reference work is batched together: Keras
runs once per this many submissions with answers it has not seen."""


def grade_locally(grader: Grader, submissions: Iterable[Submission], workers: int, record: Callable[[SubmissionGrade, dict[str, ExerciseRun]], None]) -> None:
    """Grade on ``workers`` threads, each with its own sandbox. Submissions
    waiting for reference answers are set aside until BATCH_SIZE of them (or
    the end of the class), then their answers are computed in one batch and
    their waiting exercises graded again. Few submissions are queued at a time,
    so those are graded, and recorded, soon after their batch."""
    deferring = DeferringReferences(grader.references)
    todo = iter(submissions)
    running: dict[Future, bool] = {}
    """Each future, and whether it is a first pass (one that may still add to the batch)."""
    waiting: list[Deferred] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while True:
            while len(running) < 2 * workers and (submission := next(todo, None)) is not None:
                running[pool.submit(grader.grade_or_defer, submission, deferring)] = True
            if waiting and (len(waiting) >= BATCH_SIZE or not any(running.values())):
                deferring.compute_wanted()
                running |= {pool.submit(grader.finish, deferred): False for deferred in waiting}
                waiting = []
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                del running[future]
                outcome = future.result()
                if isinstance(outcome, Deferred):
                    waiting.append(outcome)
                else:
                    record(*outcome)


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


def grade_class(args: argparse.Namespace) -> tuple[Assignment, list[SubmissionGrade], Path, Course | None]:
    """Grade what is new or changed; the course comes back only when the
    class graded is the course's own submitted folder, whose students belong
    in its nbgrader gradebook."""
    course = Course.find(args.course)
    assignment = load_assignment(args.assignment)
    submitted = (args.submitted or course.submitted).resolve()
    out = (args.out or course.grades(assignment.name)).resolve()
    submissions = read_class(assignment, course, submitted)
    settings = sandbox_settings(args, hide=(submitted, out, course.root))
    store = ResultStore(out)
    done = store.load()
    todo = [s for s in submissions if s.student_id not in done or done[s.student_id].digest != s.digest]
    print(f"{len(submissions)} submissions of {assignment.name} in {submitted}; {len(submissions) - len(todo)} already graded, {len(todo)} to grade.", file=sys.stderr)
    references = KerasReferences(assignment, device=args.device)
    if todo and not args.cluster:
        references.warm()
        print(f"references: {references.describe()}", file=sys.stderr)
    progress = Progress(len(todo))
    lock = threading.Lock()

    def record(grade: SubmissionGrade) -> None:
        with lock:
            store.append(grade)
            done[grade.student_id] = grade
            progress.advance(grade.student_id)

    try:
        if not todo:
            pass
        elif args.cluster:
            grade_on_cluster(args.cluster, assignment, todo, settings, args.device, record)
        else:
            workers = args.workers or default_workers()
            pool = SandboxPool(settings, min(workers, len(todo)))
            try:
                grade_locally(Grader(assignment, references, pool), todo, workers, lambda grade, _: record(grade))
            finally:
                pool.close()
    finally:
        progress.close()
    present = {s.student_id for s in submissions}
    records = [done[s] for s in sorted(done) if s in present]
    store.rewrite(records)
    return assignment, records, out, course if submitted == course.submitted.resolve() else None


def run(args: argparse.Namespace) -> int:
    from autograder.outputs import print_summary, write_outputs

    assignment, records, out, gradebook_course = grade_class(args)
    try:
        write_outputs(assignment, records, out, gradebook_course)
    finally:  # the grades are final either way; a grader wants to see them even if a file is missing
        print_summary(assignment, records)
    print(f"Grades: {out / 'grades.csv'}\nFeedback: {out / 'feedback'}\nReport: {out / 'report.html'}")
    return 0
