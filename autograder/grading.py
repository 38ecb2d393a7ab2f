"""``autograder grade``: grade every submission of a class that is new or changed.

The library's job (:func:`grade_class`, typed settings in, records out): find the class,
hand the work to grading processes here or on a Dask cluster, keep each result the moment
it is done (so an interrupted run resumes where it stopped). The command (:func:`run`)
parses its arguments into those settings and writes every output at the end.
"""
from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.assignment import Assignment, load_assignment
from autograder.cli import sandbox_settings
from autograder.course import Course, CourseError
from autograder.export_solution import require_current
from autograder.local_workers import Team, default_workers, start_fork_server
from autograder.outputs.report import load_plotting
from autograder.reference import checks_digest
from autograder.results import ResultStore, SubmissionGrade
from autograder.sandbox.settings import SandboxSettings
from autograder.status import Status
from autograder.layouts import MAX_NOTEBOOK_BYTES, MIB, Entry, find_entries
from autograder.submissions import Submission, read_submission, released_test_sources
from autograder.text import student_id_for
from autograder.workers import prepare_elsewhere, prepare_here


@dataclass(frozen=True)
class GradeJob:
    """One ``grade`` run, as the command's arguments describe it."""

    assignment: Assignment
    course: Course
    submitted: Path
    out: Path
    settings: SandboxSettings
    device: str = "auto"
    workers: int | None = None
    """Grading processes here (default: one per core)."""
    layout: str = "nbgrader"
    """How the submitted folder lays out the class (:mod:`autograder.layouts`)."""
    notebook_limit: int = MAX_NOTEBOOK_BYTES
    """A larger notebook is not read (its student gets a row saying so)."""
    cluster: str | None = None
    """The address of a Dask scheduler to grade on instead."""


@dataclass(frozen=True)
class Graded:
    records: list[SubmissionGrade]
    """One per student folder, in student order."""
    in_gradebook: bool
    """The class is the course's own submitted folder, whose students belong in its nbgrader gradebook."""


def read_class(assignment: Assignment, course: Course, submitted: Path, layout: str = "nbgrader", limit: int = MAX_NOTEBOOK_BYTES) -> list[Submission]:
    return _read_entries(assignment, course, find_entries(submitted, assignment.name, layout), limit)


def _read_entries(assignment: Assignment, course: Course, entries: list[Entry], limit: int) -> list[Submission]:
    tests = released_test_sources(course.released_notebook(assignment.name))
    digest = checks_digest(assignment)
    return [read_submission(entry, assignment, tests, digest, limit) for entry in entries]


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

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, advance=1)
        elif self.done == self.total or self.done % max(self.total // 10, 1) == 0:
            print(f"graded {self.done}/{self.total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def settled(record: SubmissionGrade, submission: Submission) -> bool:
    """Graded before on the same notebook and checks, and not spoiled by a fault of the grader's own."""
    return record.digest == submission.digest and not any(e.status == Status.ERROR for e in record.exercises)


def to_grade(done: dict[str, SubmissionGrade], submissions: list[Submission]) -> list[Submission]:
    """What a run must grade: every submission without a settled record. The rest keep their records
    as they are, so a run interrupted anywhere resumes to the grades an uninterrupted one gives."""
    return [s for s in submissions if s.student_id not in done or not settled(done[s.student_id], s)]


def grade_class(job: GradeJob) -> Graded:
    """Grade what is new or changed, keeping each grade as it comes."""
    assignment = job.assignment
    if not job.cluster:
        start_fork_server()
    entries = find_entries(job.submitted, assignment.name, job.layout)
    if job.layout != "nbgrader":
        print(f"{job.submitted} read as {job.layout} layout: {len(entries)} submissions.", file=sys.stderr)
    store = ResultStore(job.out)
    done = store.load()
    team: Team | None = None
    lock = threading.Lock()
    try:
        unseen = sum(student_id_for(entry.name) not in done for entry in entries)
        if unseen and not job.cluster:  # there is work for certain: the workers start while the class is read
            team = _start_team(job, unseen)
        submissions = _read_entries(assignment, job.course, entries, job.notebook_limit)
        todo = to_grade(done, submissions)
        print(f"{len(submissions)} submissions of {assignment.name} in {job.submitted}; {len(submissions) - len(todo)} already graded, {len(todo)} to grade.", file=sys.stderr)
        progress = Progress(len(todo))
        stamps = {s.student_id: s.timestamp for s in todo}

        def record(grade: SubmissionGrade) -> None:
            """Keep a finished grade, with when its notebook was submitted (the engine grades code, not times)."""
            grade = replace(grade, timestamp=stamps[grade.student_id])
            with lock:
                store.append(grade)
                done[grade.student_id] = grade
                progress.advance()

        try:
            if todo and job.cluster:
                from autograder.dask_workers import grade_on_cluster

                grade_on_cluster(job.cluster, prepare_elsewhere(assignment, job.settings, job.device), assignment, todo, record)
            elif todo:
                team = team or _start_team(job, len(todo))
                threading.Thread(target=load_plotting, daemon=True).start()  # while this process only waits for its workers
                team.grade(todo, lambda grade, _: record(grade))
        finally:
            progress.close()
    finally:
        if team is not None:
            team.stop()
    present = {s.student_id for s in submissions}
    records = [done[s] for s in sorted(done) if s in present]
    store.rewrite(records)
    return Graded(records, job.submitted == job.course.submitted.resolve())


def _start_team(job: GradeJob, work: int) -> Team:
    return Team(prepare_here(job.assignment, job.settings, job.device), min(job.workers or default_workers(), work))


def run(args: argparse.Namespace) -> int:
    from autograder.outputs import print_summary, write_outputs

    course = Course.find(args.course)
    require_current(course, args.assignment)
    assignment = load_assignment(args.assignment, course)
    submitted = (args.submitted or course.submitted).resolve()
    out = (args.out or course.grades(assignment.name)).resolve()
    settings = sandbox_settings(args, assignment.runtime, hide=(submitted, out, course.root))
    if args.max_notebook_mb <= 0:
        raise CourseError("--max-notebook-mb must be positive.")
    job = GradeJob(assignment, course, submitted, out, settings, args.device, args.workers, args.layout, int(args.max_notebook_mb * MIB), args.cluster)
    graded = grade_class(job)
    try:
        write_outputs(assignment, graded.records, out, course if graded.in_gradebook else None)
    finally:  # the grades are final either way; a grader wants to see them even if a file is missing
        print_summary(assignment, graded.records)
    print(f"Grades: {out / 'grades.csv'}\nFeedback: {out / 'feedback'}\nReport: {out / 'report.html'}")
    faults = grader_faults(graded.records)
    if faults:
        student, exercise, fault = faults[0]
        print(f"autograder: {len(faults)} exercise(s) met a fault of the grader, not of the students (status 'error', "
              f"graded again by the next run). The first, {exercise} of {student}: {fault}", file=sys.stderr)
        return 1
    return 0


def grader_faults(records: list[SubmissionGrade]) -> list[tuple[str, str, str]]:
    """(student, exercise, fault) of every exercise the grader itself failed, in student order."""
    return [(r.student_id, e.exercise, e.fault or "no detail kept") for r in records for e in r.exercises if e.status == Status.ERROR]
